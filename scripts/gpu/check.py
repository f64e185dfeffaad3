"""GPU check of the FP8 rewrite: needs jax (with CUDA on the GPU machine), not this project's build.

For each <name>.fp8.mlir in the folder (made by scripts/gpu/prepare), with <name>.bf16.mlir beside it:
compiles both with XLA, counts the FP8 cuBLASLt GEMM custom calls (__cublas$lt$matmul$f8) and cuDNN
graph convolutions in the optimized HLO against the dots and convolutions the report marks FP8, and
times both (median of --runs executions on random inputs; scales of a scaled signature are 1).
Prints one table. Usage: python3 scripts/gpu/check.py out/gpu [--runs 20]
"""

import argparse
import json
import pathlib
import re
import statistics
import sys
import time

import jax
import numpy as np
from jax._src.lib import xla_client as xc

FP8_GEMM = "__cublas$lt$matmul$f8"
FP8_CONV = "__cudnn$convForwardGraph"


def main_signature(text):
    """(shape, dtype) of each argument of @main, read from the signature line."""
    line = next(l for l in text.splitlines() if "func.func" in l and "@main" in l)
    arguments = line[line.index("(") + 1 : line.index(") ->")]
    shapes = []
    for match in re.finditer(r"tensor<([^>]*)>", arguments):
        parts = match.group(1).split("x")
        dims, element = [int(p) for p in parts[:-1]], parts[-1]
        shapes.append((tuple(dims), element))
    return shapes


NUMPY = {"f32": np.float32, "f16": np.float16, "bf16": "bfloat16", "i32": np.int32, "i64": np.int64, "i1": np.bool_}


def random_inputs(text, rng):
    import ml_dtypes

    inputs = []
    for shape, element in main_signature(text):
        if element == "f32" and shape == ():
            inputs.append(np.float32(1.0))  # a scale of signature=scaled (a positive power of two)
        elif element.startswith("f") or element == "bf16":
            dtype = ml_dtypes.bfloat16 if element == "bf16" else NUMPY[element]
            inputs.append(rng.standard_normal(shape).astype(dtype))
        elif element == "i1":
            inputs.append(rng.integers(0, 2, shape).astype(np.bool_))
        else:
            inputs.append(rng.integers(0, 8, shape).astype(NUMPY[element]))
    return inputs


def compile_module(text):
    backend = jax.devices()[0].client
    devices = xc.DeviceList(tuple(jax.devices()[:1]))
    return backend.compile_and_load(text, devices, xc.CompileOptions())


def optimized_hlo(executable):
    try:
        return "\n".join(m.to_string() for m in executable.hlo_modules())
    except Exception:  # older jaxlib
        return executable.as_text()


def time_runs(executable, inputs, runs):
    buffers = [jax.device_put(a) for a in inputs]
    for _ in range(3):
        jax.block_until_ready(executable.execute(buffers))
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        jax.block_until_ready(executable.execute(buffers))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    device = jax.devices()[0]
    print(f"# {device.platform} {getattr(device, 'device_kind', '')}, jax {jax.__version__}", file=sys.stderr)
    rng = np.random.default_rng(0)
    rows = []
    for fp8_path in sorted(args.folder.glob("*.fp8.mlir")):
        name = fp8_path.name[: -len(".fp8.mlir")]
        report = json.loads((args.folder / f"{name}.fp8.json").read_text())
        marked = sum(1 for d in report["dots"] if d["fp8"] and d.get("op", "stablehlo.dot_general").endswith("dot_general"))
        marked_convs = sum(1 for d in report["dots"] if d["fp8"] and d.get("op", "").endswith("convolution"))
        fp8_text = fp8_path.read_text()
        bf16_text = (args.folder / f"{name}.bf16.mlir").read_text()
        fp8_exe, bf16_exe = compile_module(fp8_text), compile_module(bf16_text)
        hlo = optimized_hlo(fp8_exe)
        gemms, convs = hlo.count(FP8_GEMM), hlo.count(FP8_CONV)
        inputs = random_inputs(fp8_text, rng)
        fp8_median, fp8_min = time_runs(fp8_exe, inputs, args.runs)
        bf16_median, bf16_min = time_runs(bf16_exe, random_inputs(bf16_text, rng), args.runs)
        row = (name, marked, gemms, marked_convs, convs, bf16_median * 1e3, fp8_median * 1e3, bf16_median / fp8_median)
        rows.append(row)
        print(f"# {name}: done", file=sys.stderr, flush=True)
    print(
        f"| module | dots marked FP8 | {FP8_GEMM} in HLO | convolutions marked FP8 | {FP8_CONV} in HLO "
        "| bf16 ms (median) | fp8-hybrid ms (median) | speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, marked, gemms, marked_convs, convs, bf16_ms, fp8_ms, ratio in rows:
        print(f"| {name} | {marked} | {gemms} | {marked_convs} | {convs} | {bf16_ms:.3f} | {fp8_ms:.3f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
