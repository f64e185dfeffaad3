"""PyTorch training steps through scalify (`scalify.torch`): run by `scripts/test-torch` in the PyTorch
environment (`scripts/torch-env`); skipped where torch or torch-mlir is missing."""

import pathlib
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("torch_mlir")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import scalify  # noqa: E402
import scalify.torch  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "examples"))


def small_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(16, 64), torch.nn.GELU(), torch.nn.Linear(64, 4))


def batches(count, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((16, 4))
    for _ in range(count):
        x = rng.standard_normal((32, 16)).astype(np.float32)
        yield x, (x @ w).argmax(1).astype(np.int64)


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-3),
        lambda p: torch.optim.Adam(p, lr=3e-3, weight_decay=1e-3),
        lambda p: torch.optim.AdamW(p, lr=3e-3, weight_decay=0.01),
    ],
    ids=["sgd-momentum", "adam", "adamw"],
)
def test_exported_step_equals_eager_pytorch(make_optimizer):
    """The exported step (forward, backward, torch.optim's update) run by jax equals eager PyTorch
    step for step: parameters within 1e-5 relative after 5 steps, losses within 1e-5."""
    model = small_model()
    optimizer = make_optimizer(model.parameters())
    data = list(batches(5))
    step = scalify.torch.export_step(model, torch.nn.functional.cross_entropy, optimizer, *data[0])
    run = jax.jit(step.function)
    params, state = step.initial_state()
    for x, y in data:
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        params, state, exported_loss = run(params, state, x, y.astype(np.int32))
        assert abs(float(exported_loss) - loss.item()) <= 1e-5 * abs(loss.item())
    for name, p in model.named_parameters():
        expected = p.detach().numpy()
        assert np.linalg.norm(np.asarray(params[name]) - expected) <= 1e-5 * np.linalg.norm(expected), name


def test_roles_come_from_the_dataflow():
    """No JAX name stacks in a PyTorch step: backward matmuls are found from the dataflow and take an
    E5M2 gradient operand (2 forward dots, 3 backward)."""
    model = small_model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    step = scalify.torch.export_step(model, torch.nn.functional.cross_entropy, optimizer, *next(batches(1)))
    params, state = step.initial_state()
    x, y = next(batches(1))
    report = scalify.jit(step.function, policy="fp8-hybrid").lower(params, state, x, y.astype(np.int32)).report
    roles = sorted((d["role"], tuple(d["formats"])) for d in report["dots"])
    assert roles == [("backward", ("f8E5M2", "f8E4M3FN"))] * 3 + [("forward", ("f8E4M3FN", "f8E4M3FN"))] * 2
    assert report["fallback_count"] == 0


def test_unsupported_optimizer_is_refused_by_name():
    model = small_model()
    with pytest.raises(NotImplementedError, match="RMSprop"):
        scalify.torch.export_step(
            model, torch.nn.functional.cross_entropy, torch.optim.RMSprop(model.parameters()), *next(batches(1))
        )


def test_torch_mlp_example_trains_like_eager_pytorch():
    """examples/torch_mlp.py at 60 steps: f16 and fp8-hybrid within a few points of eager PyTorch's
    test accuracy and final loss, nothing non-finite."""
    import torch_mlp

    results = torch_mlp.train(steps=60, progress=False)
    eager_losses, eager_accuracy = results["torch"]
    assert eager_losses[-1] < 0.5 * eager_losses[0], "the test must train"
    for run in ("f16", "fp8-hybrid"):
        losses, accuracy = results[run]
        assert np.all(np.isfinite(losses)), run
        assert abs(losses[0] - eager_losses[0]) < 1e-2 * eager_losses[0], run
        assert abs(np.mean(losses[-5:]) - np.mean(eager_losses[-5:])) < 0.15 * np.mean(eager_losses[-5:]) + 0.02, run
        assert accuracy >= eager_accuracy - 0.03, (run, accuracy, eager_accuracy)
