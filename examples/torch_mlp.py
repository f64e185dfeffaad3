"""A PyTorch model trained through scalify: the whole training step (nn.Module + cross-entropy +
torch.optim.AdamW) exported to StableHLO by `scalify.torch.export_step` (torch-mlir's FX importer),
rewritten by `scalify.jit` at `preset=f16` and `fp8-hybrid`, run through PJRT (jax's CPU client),
against eager PyTorch on the same batches.

    bash scripts/torch-env                      # once: torch + torch-mlir + jax in tests/fixtures/.venv-torch
    tests/fixtures/.venv-torch/bin/python examples/torch_mlp.py [--steps 200] [--out docs]

The task: sklearn's 8x8 digits (bundled with scikit-learn, nothing downloaded), a 64-256-256-10 GELU
MLP with LayerNorm. A progress bar per run; prints the final losses and test accuracies, writes
OUT/torch_mlp.md and OUT/torch_mlp.png.
"""

import argparse
import datetime
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from tqdm import tqdm  # noqa: E402

import scalify  # noqa: E402
import scalify.torch  # noqa: E402
from loss_plot import save_loss_plot  # noqa: E402

jax.config.update("jax_platforms", "cpu")
SEED = 0


def digits():
    from sklearn.datasets import load_digits

    data = load_digits()
    x = (data.data / 16.0 - 0.5).astype(np.float32)
    y = data.target.astype(np.int64)
    order = np.random.default_rng(SEED).permutation(len(x))
    x, y = x[order], y[order]
    return (x[:1500], y[:1500]), (x[1500:], y[1500:])


def make_model():
    torch.manual_seed(SEED)
    return torch.nn.Sequential(
        torch.nn.Linear(64, 256),
        torch.nn.GELU(),
        torch.nn.LayerNorm(256),
        torch.nn.Linear(256, 256),
        torch.nn.GELU(),
        torch.nn.Linear(256, 10),
    )


def train(steps=200, runs=("torch", "f16", "fp8-hybrid"), batch=64, progress=True):
    """{run: (losses, test accuracy)}: eager PyTorch, and the exported step through scalify.jit."""
    (train_x, train_y), (test_x, test_y) = digits()
    batches = [np.random.default_rng(SEED + 1 + i).integers(0, len(train_x), batch) for i in range(steps)]
    loss_fn = torch.nn.functional.cross_entropy
    results = {}
    for run in runs:
        model = make_model()
        optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
        losses = []
        bar = tqdm(batches, desc=run, unit="step", file=sys.stderr, mininterval=1.0, disable=not progress)
        if run == "torch":
            for index in bar:
                loss = loss_fn(model(torch.from_numpy(train_x[index])), torch.from_numpy(train_y[index]))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            with torch.no_grad():
                predicted = model(torch.from_numpy(test_x)).argmax(1).numpy()
        else:
            step = scalify.torch.export_step(model, loss_fn, optimizer, train_x[batches[0]], train_y[batches[0]])
            train_step = scalify.jit(step.function, policy=scalify.Policy.preset(run, signature="scaled"))
            params, state = scalify.as_scaled(step.initial_state(), jnp.float16)
            for index in bar:
                params, state, loss = train_step(params, state, train_x[index], train_y[index].astype(np.int32))
                losses.append(float(np.asarray(scalify.unscale(loss), np.float32)))
                bar.set_postfix(loss=f"{losses[-1]:.4f}", refresh=False)
            trained = {k: torch.from_numpy(np.array(v, np.float32)) for k, v in scalify.unscale(params).items()}
            with torch.no_grad():
                predicted = torch.func.functional_call(model, trained, (torch.from_numpy(test_x),)).argmax(1).numpy()
        results[run] = (losses, float((predicted == test_y).mean()))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args()
    results = train(args.steps)
    reference = np.mean(results["torch"][0][-10:])
    table = ["| run | first loss | final loss (mean of last 10) | vs eager PyTorch | test accuracy |", "|---|---|---|---|---|"]
    for run, (losses, accuracy) in results.items():
        final = np.mean(losses[-10:])
        table.append(f"| {run} | {losses[0]:.4f} | {final:.4f} | {100 * (final / reference - 1):+.1f}% | {accuracy:.3f} |")
    print("\n".join(table))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "torch_mlp.md").write_text(
        f"# PyTorch MLP + AdamW, exported by scalify.torch and run through scalify.jit\n\n"
        f"`tests/fixtures/.venv-torch/bin/python examples/torch_mlp.py --steps {args.steps}` (seed {SEED}; "
        f"digits, 1500 train / 297 test; batch 64; AdamW 2e-3; torch {torch.__version__}; run {datetime.date.today()})\n\n" + "\n".join(table) + "\n"
    )
    save_loss_plot({run: losses for run, (losses, _) in results.items()}, args.out / "torch_mlp.png", log_scale=True)

if __name__ == "__main__":
    main()
