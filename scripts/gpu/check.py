"""GPU check of the rewrites on a real GPU: needs jax (with CUDA), not this project's build.

The folder (made by `scripts/gpu/prepare`) holds, per module, `<name>.bf16.mlir` (the baseline),
the rewrites `<name>.fp8.mlir` and `<name>.f16.mlir`, each with its report `<name>.<variant>.json`,
and for the fixtures their f32 `<name>.original.mlir`.
Each module is compiled by XLA (time measured), its optimized HLO read (`hlo_stats.py`: kernels, FP8
GEMMs through cuBLASLt or Triton against the dots the report marks FP8), and run on random inputs
(scales of a scaled signature are 1): median of --runs executions after warm-ups.

    python3 scripts/gpu/check.py out/gpu [--runs 20] [--out DIR]

Writes DIR/results.json and DIR/table.md as each module finishes (so a run cut short keeps what it
measured), and DIR/hlo.tar with every optimized HLO (gzipped). Exits 1 when a dot marked FP8 did not become
an FP8 GEMM.
"""

import argparse
import dataclasses
import gzip
import io
import json
import pathlib
import re
import statistics
import sys
import tarfile
import time

import jax
import numpy as np
from jax._src.lib import xla_client as xc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import hlo_stats  # noqa: E402

FIRST = ("original", "bf16", "f16", "fp8")  # then any other <name>.<variant>.mlir; ratios are to bf16


def main_signature(text):
    """(shape, element type) of each argument of @main, read from its signature."""
    start = text.index("@main(")
    depth, end = 0, start + len("@main")
    for end in range(start + len("@main"), len(text)):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        if depth == 0:
            break
    shapes = []
    for match in re.finditer(r"tensor<([^>]*)>", text[start:end]):
        parts = match.group(1).split("x")
        dims, element = [int(p) for p in parts[:-1]], parts[-1]
        shapes.append((tuple(dims), element))
    return shapes


def random_inputs(text, rng):
    import ml_dtypes

    numpy_types = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16, "i32": np.int32, "i64": np.int64}
    inputs = []
    for shape, element in main_signature(text):
        if element == "f32" and shape == ():
            inputs.append(np.float32(1.0))  # a scale of signature=scaled (a positive power of two)
        elif element in ("f32", "f16", "bf16"):
            inputs.append(rng.standard_normal(shape, dtype=np.float32).astype(numpy_types[element]))
        elif element == "i1":
            inputs.append(rng.integers(0, 2, shape).astype(np.bool_))
        else:
            inputs.append(rng.integers(0, 8, shape).astype(numpy_types[element]))
    return inputs


def compile_module(text):
    backend = jax.devices()[0].client
    devices = xc.DeviceList(tuple(jax.devices()[:1]))
    start = time.perf_counter()
    executable = backend.compile_and_load(text, devices, xc.CompileOptions())
    return executable, time.perf_counter() - start


def optimized_hlo(executable):
    return "\n".join(m.to_string() for m in executable.hlo_modules())


def time_runs(executable, inputs, runs):
    buffers = [jax.device_put(a, jax.devices()[0]) for a in inputs]
    for _ in range(3):
        jax.block_until_ready(executable.execute(buffers))
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        jax.block_until_ready(executable.execute(buffers))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def marked_fp8(report_path):
    if not report_path.exists():
        return 0, 0
    dots = json.loads(report_path.read_text())["dots"]
    gemms = sum(1 for d in dots if d["fp8"] and d.get("op", "stablehlo.dot_general").endswith("dot_general"))
    convs = sum(1 for d in dots if d["fp8"] and d.get("op", "").endswith("convolution"))
    return gemms, convs


def table(results):
    lines = [
        "| module | variant | ms (median) | vs bf16 | kernels | vs bf16 | compile s | vs bf16 "
        "| dots marked FP8 | FP8 GEMMs (cuBLASLt + Triton) | GEMMs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, variants in results.items():
        base = variants.get("bf16")
        for variant, r in variants.items():
            ratio = lambda key: f"{r[key] / base[key]:.2f}x" if base and base[key] else ""
            lines.append(
                f"| {name} | {variant} | {r['ms']:.3f} | {ratio('ms')} | {r['kernels']} | {ratio('kernels')} "
                f"| {r['compile_s']:.1f} | {ratio('compile_s')} | {r['marked_fp8']} "
                f"| {r['fp8_cublas']} + {r['fp8_triton']} | {r['gemms']} |"
            )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=pathlib.Path, default=None)
    parser.add_argument("--only", nargs="*", default=None, help="module names to check (default: all)")
    args = parser.parse_args()
    out = args.out or args.folder / "check"
    out.mkdir(parents=True, exist_ok=True)
    device = jax.devices()[0]
    header = f"{device.platform} {getattr(device, 'device_kind', '')}, jax {jax.__version__}"
    print(f"# {header}", file=sys.stderr, flush=True)
    rng = np.random.default_rng(0)
    names = sorted({p.name.split(".")[0] for p in args.folder.glob("*.bf16.mlir")})
    names = [n for n in names if args.only is None or n in args.only]
    results, missing_fp8 = {}, []
    archive = out / "hlo.tar"  # of gzipped texts, appended to so that a run cut short keeps a valid one
    archive.unlink(missing_ok=True)
    for name in names:
        results[name] = {}
        found_variants = {p.name[len(name) + 1 : -len(".mlir")] for p in args.folder.glob(f"{name}.*.mlir")}
        for variant in [v for v in FIRST if v in found_variants] + sorted(found_variants - set(FIRST)):
            path = args.folder / f"{name}.{variant}.mlir"
            text = path.read_text()
            executable, compile_s = compile_module(text)
            hlo = optimized_hlo(executable)
            data = gzip.compress(hlo.encode())
            info = tarfile.TarInfo(f"{name}.{variant}.hlo.txt.gz")
            info.size = len(data)
            with tarfile.open(archive, "a") as tar:
                tar.addfile(info, io.BytesIO(data))
            found = hlo_stats.stats(hlo)
            marked, _ = marked_fp8(args.folder / f"{name}.{variant}.json")
            ms = time_runs(executable, random_inputs(text, rng), args.runs) * 1e3
            del executable
            results[name][variant] = dict(ms=ms, compile_s=compile_s, marked_fp8=marked, **dataclasses.asdict(found))
            if found.fp8_gemms < marked:
                missing_fp8.append(f"{name}.{variant}: {marked} dots marked FP8, {found.fp8_gemms} FP8 GEMMs")
            print(f"# {name}.{variant}: {ms:.3f} ms, compile {compile_s:.1f} s", file=sys.stderr, flush=True)
            (out / "results.json").write_text(json.dumps(dict(device=header, results=results), indent=1))
            (out / "table.md").write_text(f"{header}\n\n" + table(results))
    print(table(results))
    for line in missing_fp8:
        print(f"error: {line}", file=sys.stderr)
    return 1 if missing_fp8 else 0


if __name__ == "__main__":
    sys.exit(main())
