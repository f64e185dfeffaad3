"""The real-library examples (flax linen + optax, equinox + optax) train through scalify.jit like
jax.jit, at small step counts: the same first loss, and the final loss within a stated margin."""

import pathlib
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "examples"))

pytest.importorskip("flax")
pytest.importorskip("equinox")
pytest.importorskip("optax")


def test_flax_gpt_with_its_attention_mask_trains_like_jax():
    import flax_gpt

    results, _ = flax_gpt.train(steps=40, layers=1, d_model=32, heads=2, block=16, batch=8, progress=False)
    reference = np.mean(results["fp32"][-5:])
    for run, margin in [("f16", 0.05), ("fp8-hybrid", 0.10)]:
        losses = results[run]
        assert np.all(np.isfinite(losses)), run
        assert abs(losses[0] - results["fp32"][0]) < 0.01 * results["fp32"][0], run
        assert abs(np.mean(losses[-5:]) / reference - 1) < margin, (run, np.mean(losses[-5:]), reference)
    assert reference < 0.8 * results["fp32"][0], "the test must train"


def test_equinox_mlp_trains_like_jax():
    import equinox_mlp

    results = equinox_mlp.train(steps=60, progress=False)
    fp32_losses, fp32_accuracy = results["fp32"]
    assert fp32_losses[-1] < 0.5 * fp32_losses[0], "the test must train"
    for run in ("f16", "fp8-hybrid"):
        losses, accuracy = results[run]
        assert np.all(np.isfinite(losses)), run
        assert abs(np.mean(losses[-5:]) - np.mean(fp32_losses[-5:])) < 0.1 * np.mean(fp32_losses[-5:]) + 0.01, run
        assert accuracy >= fp32_accuracy - 0.05, run
