"""scalify.jit on 8 CPU devices: sharded data- and tensor-parallel steps, inside the user's jax.jit,
with donation, nested, and shard_map, in Shardy's format (jax's default) and GSPMD's. Each format
runs `sharded_programs.py` in a process of its own (the device count is fixed when jax starts)."""

import json
import pathlib
import subprocess
import sys

import jax
import pytest

SCRIPT = pathlib.Path(__file__).with_name("sharded_programs.py")

# Relative L2 error against jax.jit over every output: f32 moves powers of two only (measured 0 on
# jax 0.10, 6e-9 on jax 0.12, whose XLA fuses the two programs differently);
# f16's 11-bit mantissa through a two-layer step (measured 3.4e-4); fp8-hybrid's E4M3 matmuls
# (measured 2.7e-3).
TOLERANCE = {"f32": 1e-7, "f16": 2e-3, "fp8-hybrid": 2e-2}
# jax >= 0.11 cannot call a jax.export function lowered under GSPMD (its own Exported.call fails
# alike). (Its shard_map collectives, written with StableHLO 1.14's mesh-axes replica groups by
# default, are lowered by scalify.jit with `jax_use_rgv3` off: device-id groups the linked StableHLO reads.)
NEWER_STABLEHLO = tuple(int(p) for p in jax.__version__.split(".")[:2]) >= (0, 11)


def run(partitioner):
    done = subprocess.run([sys.executable, str(SCRIPT), partitioner], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return {line["case"]: line for line in map(json.loads, done.stdout.splitlines())}


@pytest.mark.parametrize("partitioner", ["shardy", "gspmd"])
def test_sharded_steps_match_jax_and_keep_their_shardings(partitioner):
    if partitioner == "gspmd" and NEWER_STABLEHLO:
        pytest.skip("jax >= 0.11 cannot call a jax.export function under GSPMD (its own Exported.call fails alike)")
    cases = run(partitioner)
    if partitioner == "shardy":
        case = cases["as_text() rewritten"]
        assert case["same_as_generic"] and case["custom_form"] and case["read_by_jax"], case
    for policy, tolerance in TOLERANCE.items():
        case = cases[f"data+tensor parallel step at {policy}"]
        assert case["error"] <= tolerance, case
        if partitioner == "shardy" or policy != "fp8-hybrid":
            assert case["shardings_kept"], case
    # Data parallel, tensor parallel and FSDP (parameters and Adam moments sharded): f32 measured 0 to
    # 9e-8 (XLA rounds the fused programs differently, docs/f32_exactness.md); f16 3.4e-4 to 7.3e-4;
    # fp8-hybrid 2.7e-3, but Adam's first moment m = 0.1 g holds the FP8 gradient's own error
    # (E5M2: 2 mantissa bits; measured 8.7e-2, while the weights are within 8.7e-4).
    # shard_map Adam: the whole step, update included, in one manual computation's body, whose ops
    # take their own roles' types (the update in f32 at preset=f16): measured as FSDP's.
    layouts = ["data parallel", "tensor parallel", "FSDP Adam"] + (["shard_map Adam"] if partitioner == "shardy" else [])
    for name in layouts:
        for policy, tolerance in TOLERANCE.items():
            if name.endswith("Adam") and policy == "fp8-hybrid":
                tolerance = 0.15
            case = cases[f"{name} at {policy}"]
            assert case["error"] <= tolerance, case
            if partitioner == "shardy" or policy != "fp8-hybrid":
                assert case["shardings_kept"], case
    for name in ["f16 inside jax.jit, 3 steps", "f16 with donate_argnums", "scalified inside scalified"]:
        assert cases[name]["error"] <= TOLERANCE["f16"] and cases[name]["shardings_kept"], cases[name]
    assert cases["donated"]["deleted"], "donate_argnums did not donate"
    assert cases["shard_map psum at f32"]["error"] == 0.0
    # shard_map training step (pmean of gradients): its body is rewritten, the collectives take
    # their rule (static scales). f32: 9e-8 measured (pmean's divide, see docs/results.md).
    assert cases["shard_map step at f32"]["error"] <= 1e-6
    assert cases["shard_map step at f32: fallbacks"]["ops"] == []
    if partitioner == "shardy":
        assert cases["shard_map psum at f16"]["error"] <= TOLERANCE["f16"]
        assert cases["shard_map step at f16"]["error"] <= TOLERANCE["f16"]
        assert cases["shard_map step at f16: fallbacks"]["ops"] == []
        # FP8 casts give the gradients run-time scales: their all_reduce agrees on the group's largest.
        assert cases["shard_map step at fp8-hybrid"]["error"] <= 3e-2
        assert cases["shard_map step at fp8-hybrid: fallbacks"]["ops"] == []
        # Each shard rescaled from its own max (shards 2^6 apart): psum, all_gather and ppermute carry
        # run-time scales that differ between devices (each collective adds one scalar collective).
        # Without the agreement the error is 1.12 (measured); f32 moves powers of two only (0 measured);
        # f16 (and fp8-hybrid, which has no matmul here) 6.2e-4 measured.
        for policy, tolerance in [("f32", 0.0), ("f16", 2e-3), ("fp8-hybrid", 2e-3)]:
            assert cases[f"per-device scales at {policy}"]["error"] <= tolerance, cases[f"per-device scales at {policy}"]
            report = cases[f"per-device scales at {policy}: report"]
            assert report["fallbacks"] == [] and report["collective_scales"] == 3, report
    else:
        for name in ["shard_map psum at f16", "shard_map step at f16", "shard_map step at fp8-hybrid",
                     "per-device scales at f16"]:
            assert "GSPMD manual computation" in cases[name]["refused"]
