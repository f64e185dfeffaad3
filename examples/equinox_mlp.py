"""An equinox model trained with optax, through `scalify.jit`, against `jax.jit`.

Written as an equinox user writes it: an `eqx.Module` (`eqx.nn.Linear`, `eqx.nn.LayerNorm`, `eqx.nn.MLP`),
`eqx.partition` into trainable arrays and the static rest, `eqx.filter_value_and_grad`, optax Adam.
The task: classify 2-D points of two interleaved spirals (synthetic, so nothing is downloaded).

    .venv/bin/python examples/equinox_mlp.py [--steps 300] [--runs fp32 f16 fp8-hybrid] [--out docs]

A progress bar per run; prints final loss and accuracy against jax's, writes OUT/equinox_mlp.md and
OUT/equinox_mlp.png (loss curves).
"""

import argparse
import datetime
import pathlib
import sys

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from tqdm import tqdm

import scalify
from loss_plot import save_loss_plot
from spirals import spirals as spiral_points

jax.config.update("jax_platforms", "cpu")
SEED = 0


class Classifier(eqx.Module):
    embed: eqx.nn.Linear
    norm: eqx.nn.LayerNorm
    mlp: eqx.nn.MLP

    def __init__(self, key, width=128, depth=3):
        embed_key, mlp_key = jax.random.split(key)
        self.embed = eqx.nn.Linear(2, width, key=embed_key)
        self.norm = eqx.nn.LayerNorm(width)
        self.mlp = eqx.nn.MLP(width, 2, width, depth - 1, activation=jax.nn.gelu, key=mlp_key)

    def __call__(self, x):
        return self.mlp(self.norm(jax.nn.gelu(self.embed(4.0 * x))))


def spirals(n, rng):
    points, labels = spiral_points(n, rng)
    return jnp.asarray(points), jnp.asarray(labels)


def train(steps=300, runs=("fp32", "f16", "fp8-hybrid"), batch=128, progress=True):
    """Trains one model per run from the same initialization and data; returns {run: (losses, accuracy)}."""
    model = Classifier(jax.random.PRNGKey(SEED))
    trainable0, static = eqx.partition(model, eqx.is_inexact_array)
    optimizer = optax.adam(3e-3)

    def loss_fn(trainable, x, y):
        logits = jax.vmap(eqx.combine(trainable, static))(x).astype(jnp.float32)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    def train_step(trainable, opt_state, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(trainable, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, trainable)
        return optax.apply_updates(trainable, updates), opt_state, loss

    @jax.jit
    def accuracy(trainable, x, y):
        return (jax.vmap(eqx.combine(trainable, static))(x).argmax(-1) == y).mean()

    test_x, test_y = spirals(2048, np.random.default_rng(SEED + 2))
    results = {}
    for run in runs:
        trainable, opt_state = trainable0, optimizer.init(trainable0)
        if run == "fp32":
            step = jax.jit(train_step)
        else:
            step = scalify.jit(train_step, policy=scalify.Policy.preset(run, signature="scaled"))
            trainable, opt_state = scalify.as_scaled((trainable, opt_state), jnp.float16)
        rng = np.random.default_rng(SEED + 1)
        losses = []
        bar = tqdm(range(steps), desc=run, unit="step", file=sys.stderr, mininterval=1.0, disable=not progress)
        for _ in bar:
            x, y = spirals(batch, rng)
            trainable, opt_state, loss = step(trainable, opt_state, x, y)
            losses.append(float(np.asarray(scalify.unscale(loss), np.float32)))
            bar.set_postfix(loss=f"{losses[-1]:.4f}", refresh=False)
        final = jax.tree_util.tree_map(lambda a: jnp.asarray(a, jnp.float32), scalify.unscale(trainable))
        results[run] = (losses, float(accuracy(final, test_x, test_y)))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--runs", nargs="+", default=["fp32", "f16", "fp8-hybrid"])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args()
    results = train(args.steps, args.runs)
    table = ["| run | first loss | final loss (mean of last 10) | test accuracy |", "|---|---|---|---|"]
    for run, (losses, accuracy) in results.items():
        table.append(f"| {run} | {losses[0]:.4f} | {np.mean(losses[-10:]):.4f} | {accuracy:.3f} |")
    print("\n".join(table))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "equinox_mlp.md").write_text(
        f"# equinox MLP + optax, through scalify.jit\n\n`.venv/bin/python examples/equinox_mlp.py --steps "
        f"{args.steps}` (seed {SEED}; eqx.nn.Linear + LayerNorm + eqx.nn.MLP, width 128, GELU; optax Adam 3e-3; two spirals, "
        f"batch 128; accuracy on 2048 held-out points; run {datetime.date.today()}, jax {jax.__version__})\n\n" + "\n".join(table) + "\n"
    )
    save_loss_plot({run: losses for run, (losses, _) in results.items()}, args.out / "equinox_mlp.png", log_scale=True)

if __name__ == "__main__":
    main()
