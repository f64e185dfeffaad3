"""Deviceless XLA:GPU check: compiles StableHLO modules for an H100 (sm_90) on a machine without a GPU.

    python scripts/gpu/aot_check.py FOLDER [--json OUT.json] [--only NAME...]

FOLDER holds `<name>.original.mlir` and the rewrites `<name>.<variant>.mlir` (with their reports
`<name>.<variant>.json`), as `scripts/gpu/aot-check` writes them. Each module is compiled twice, in
two child processes (XLA reads its flags once): with XLA's default flags (FP8 dots may become f8
Triton GEMM fusions) and with Triton GEMMs off (every FP8 dot must become a cuBLASLt FP8 call). The
table gives, per variant: FP8 dots the report marks, FP8 GEMMs found on each path, kernels in the
executed computations and the compile time on each path, each as a ratio to the original's. Exits 1 when a dot
marked FP8 is not an FP8 GEMM on either path.

Needs jax with its CUDA plugin (no GPU, driver or libcuda): `scripts/gpu/aot-check` makes that venv.
"""

import argparse
import dataclasses
import json
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import hlo_stats  # noqa: E402

TARGET_CONFIG = HERE / "h100_sxm.txtpb"
PATHS = {"default": "", "cublas": "--xla_gpu_enable_triton_gemm=false"}


def compile_all(folder, names, out_json):
    """Child: compile every module of `names` in this process's XLA configuration."""
    import jax
    from jax._src.interpreters import mlir
    from jax._src.lib import xla_client as xc
    from jax._src.lib.mlir import ir
    from jax.experimental import topologies

    topology = topologies.get_topology_desc(
        platform="cuda", target_config=TARGET_CONFIG.read_text(), topology="1x1x1"
    )
    device = topology.devices[0]
    results = {}
    for path in sorted(folder.glob("*.mlir")):
        name, variant = path.name[: -len(".mlir")].rsplit(".", 1)
        if names and name not in names:
            continue
        with mlir.make_ir_context():
            module = ir.Module.parse(path.read_text())
            start = time.perf_counter()
            executable = device.client.compile(
                module, executable_devices=xc.DeviceList((device,)), compile_options=xc.CompileOptions()
            )
            seconds = time.perf_counter() - start
        hlo = "\n".join(m.to_string() for m in executable.hlo_modules())
        found = hlo_stats.stats(hlo)
        results[f"{name}.{variant}"] = dict(compile_s=seconds, **dataclasses.asdict(found))
        print(f"#   {name}.{variant}: {seconds:.1f} s", file=sys.stderr, flush=True)
    pathlib.Path(out_json).write_text(json.dumps(results))


def dot_generals(report):
    """(dots marked FP8, dots left in the data type) of a rewrite's report; convolutions apart."""
    if not report.exists():
        return 0, 0
    dots = [d for d in json.loads(report.read_text())["dots"] if d.get("op", "").endswith("dot_general")]
    marked = sum(1 for d in dots if d["fp8"])
    return marked, len(dots) - marked


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("--json", type=pathlib.Path, default=None)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--child", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        compile_all(args.folder, args.only, args.child_out)
        return 0

    by_path = {}
    for path_name, flags in PATHS.items():
        print(f"# XLA:GPU for sm_90, {path_name} GEMM path", file=sys.stderr, flush=True)
        out = args.folder / f".aot-{path_name}.json"
        env = dict(os.environ, JAX_PLATFORMS="cpu", XLA_FLAGS=f"{flags} --xla_gpu_autotune_level=0".strip())
        command = [sys.executable, __file__, str(args.folder), "--child", path_name, "--child-out", str(out)]
        subprocess.run(command + ["--only", *args.only] if args.only else command, env=env, check=True)
        by_path[path_name] = json.loads(out.read_text())
        out.unlink()

    rows, failures = [], []
    default, cublas = by_path["default"], by_path["cublas"]
    for key in sorted(default):
        name, variant = key.rsplit(".", 1)
        original = default.get(f"{name}.original")
        marked, unmarked = dot_generals(args.folder / f"{key}.json")
        fp8_default = default[key]["fp8_cublas"] + default[key]["fp8_triton"]
        fp8_cublas = cublas[key]["fp8_cublas"]
        # XLA may turn a tiny dot into a reduction, in the original too, so the GEMMs are not the dots;
        # but in a rewrite with dots marked FP8, a GEMM that is not FP8 must come from a dot the rewrite
        # left in its data type. (Originals and rewrites without FP8 have no marked dots to check; their
        # reports list no dots.)
        for path_name, found, fp8 in (("default", default[key], fp8_default), ("cuBLASLt", cublas[key], fp8_cublas)):
            if marked > 0 and found["gemms"] - fp8 > unmarked:
                failures.append(
                    f"{key} ({path_name} path): {found['gemms'] - fp8} GEMMs not FP8, "
                    f"but only {unmarked} dots left unmarked ({marked} marked FP8)"
                )
        ratio = lambda field: default[key][field] / original[field] if original else float("nan")
        original_cublas = cublas.get(f"{name}.original")
        rows.append(
            dict(
                module=name,
                variant=variant,
                marked_fp8=marked,
                fp8_gemms_default=fp8_default,
                fp8_gemms_cublas=fp8_cublas,
                kernels=default[key]["kernels"],
                kernels_ratio=ratio("kernels"),
                compile_s=default[key]["compile_s"],
                compile_ratio=ratio("compile_s"),
                compile_cublas_ratio=cublas[key]["compile_s"] / original_cublas["compile_s"]
                if original_cublas
                else float("nan"),
            )
        )
    order = {"original": 0, "f16": 1, "f16-calibrated": 2, "fp8": 3, "fp8-hybrid-calibrated": 4, "fp8-static": 5, "fp8-calibrated": 6}
    rows.sort(key=lambda r: (r["module"], order.get(r["variant"], 9), r["variant"]))
    print("| module | variant | dots marked FP8 | FP8 GEMMs (default: Triton or cuBLASLt) | FP8 GEMMs (Triton off: "
          "cuBLASLt) | kernels | vs original | GPU compile s | vs original | GPU compile vs original, Triton off |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['module']} | {r['variant']} | {r['marked_fp8']} | {r['fp8_gemms_default']} | {r['fp8_gemms_cublas']} "
            f"| {r['kernels']} | {r['kernels_ratio']:.2f}x | {r['compile_s']:.1f} | {r['compile_ratio']:.2f}x "
            f"| {r['compile_cublas_ratio']:.2f}x |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
