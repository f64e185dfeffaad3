"""MLP classifier on scikit-learn's digits (real data, no download): fp32, naive fp16, fp16 with dynamic
loss scaling (f32 master weights, see mixed_precision.py), scalify f16, scalify fp8-hybrid (dynamic FP8
scales), fp8-static (static FP8 scales) and fp8-calibrated (FP8 scales measured on the first step, frozen, measured
again when a step overflows), in a normal setting and at a large parameter scale (weights and inputs 2^8 times
larger, as the Scalify paper's MNIST experiment), where plain f16 overflows.

    .venv/bin/python examples/mlp_digits.py [--steps 300] [--out docs]

Shows a progress bar per run, prints a table (train loss, test loss, test accuracy), writes docs/mlp_digits.png (loss
curves) and docs/mlp_digits.md (the table, with the command and seed).
"""

import argparse
import datetime
import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np
from tqdm import tqdm
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import scalify
from mixed_precision import initial_loss_scaling, mixed_precision_step

jax.config.update("jax_platforms", "cpu")
SEED = 0


def init(key, sizes, scale):
    keys = jax.random.split(key, len(sizes))
    return [
        {"w": jax.random.normal(k, (m, n)) * (scale / np.sqrt(m)), "b": jnp.zeros((n,))}
        for k, m, n in zip(keys, sizes[:-1], sizes[1:])
    ]


def logits(params, x):
    h = x
    for layer in params[:-1]:
        h = jax.nn.relu(h @ layer["w"] + layer["b"])
    # The paper's recipe: the logits' gradient gets its scale from its own RMS (identity in plain jax).
    return scalify.dynamic_rescale_l2_grad(h @ params[-1]["w"] + params[-1]["b"])


def loss_fn(params, x, y):
    logp = jax.nn.log_softmax(logits(params, x).astype(jnp.float32))
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


def sgd_step(params, x, y, lr):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    return jax.tree_util.tree_map(lambda p, g: (p - lr * g).astype(p.dtype), params, grads), loss


def accuracy(params, x, y):
    return float(jnp.mean(jnp.argmax(logits(params, x), -1) == y))


def loss_scaled_sgd(lr):
    """fp16 as trained today: f16 forward and backward, f32 master weights, dynamic loss scaling.
    A `sgd_step`-like function; its `skipped` attribute counts the steps skipped on overflow."""
    update = lambda params, grads, state: (jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads), state)
    mixed = mixed_precision_step(loss_fn, update, jnp.float16, loss_scaling=True)
    scaling = initial_loss_scaling()

    def step(params, x, y, _lr):
        nonlocal scaling
        params, _, scaling, loss, skipped = mixed(params, (), scaling, x.astype(jnp.float16), y)
        step.skipped += int(skipped)
        return params, loss

    step.skipped = 0
    return step


def run(name, policy, params, data, steps, lr, batch):
    x_train, y_train, x_test, y_test = data
    rng = np.random.default_rng(SEED)
    if policy == "fp32":
        step = jax.jit(sgd_step)
    elif policy == "fp16-loss-scaling":
        step = loss_scaled_sgd(lr)
    elif policy == "naive-fp16":
        step = jax.jit(sgd_step)
        params = jax.tree_util.tree_map(lambda p: p.astype(jnp.float16), params)
        x_train, x_test = x_train.astype(jnp.float16), x_test.astype(jnp.float16)
    else:
        # f16 runs scalify with a scaled signature too: parameters stay scaled f16 between steps.
        policy = scalify.Policy.preset("f16", signature="scaled") if policy == "scalify-f16" else policy
        step = scalify.jit(sgd_step, policy=policy)
        params = scalify.as_scaled(params, jnp.float16)
    losses = []
    bar = tqdm(range(steps), desc=name, unit="step", file=sys.stderr, mininterval=1.0)
    for i in bar:
        idx = rng.choice(len(x_train), batch, replace=False)
        inputs = x_train[idx]
        if policy not in ("fp32", "naive-fp16", "fp16-loss-scaling"):
            inputs = scalify.as_scaled(inputs, jnp.float16)  # the batch enters at its own scale too
        params, loss = step(params, inputs, y_train[idx], lr)
        loss = float(scalify.unscale(loss)) if isinstance(loss, scalify.ScaledArray) else float(loss)
        losses.append(loss)
        bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
    final = scalify.unscale(params)
    final = jax.tree_util.tree_map(lambda p: jnp.asarray(p, jnp.float32), final)
    x_test = jnp.asarray(x_test, jnp.float32)
    skipped = getattr(step, "skipped", 0)
    calibrations = step.calibrations(params, inputs, y_train[idx], lr) if policy == "fp8-calibrated" else None
    return losses, float(loss_fn(final, x_test, y_test)), accuracy(final, x_test, y_test), skipped, calibrations


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args(argv)
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target.astype(np.int32), test_size=0.25, random_state=SEED)
    rows, curves = [], {}
    for setting, scale in [("unit scale", 1.0), ("parameter and input scale 2^8", 256.0)]:
        # Logits grow by scale^3 through three layers; the learning rate follows so updates stay relative.
        lr = 0.1 / scale**2
        data = (jnp.asarray(x_train * scale), jnp.asarray(y_train), jnp.asarray(x_test * scale), jnp.asarray(y_test))
        params = init(jax.random.PRNGKey(SEED), [64, 128, 128, 10], scale)
        for policy in ["fp32", "naive-fp16", "fp16-loss-scaling", "scalify-f16", "fp8-hybrid", "fp8-static",
                       "fp8-calibrated"]:
            name = f"{setting} / {policy}"
            losses, test_loss, test, skipped, calibrations = run(name, policy, params, data, args.steps, lr, 128)
            rows.append((setting, policy, losses[-1], test_loss, test, skipped, calibrations))
            curves[name] = losses
    table = ["| setting | run | final train loss | test loss | test accuracy | steps skipped | FP8 calibrations |",
             "|---|---|---|---|---|---|---|"]
    table += [f"| {s} | {p} | {l:.4f} | {t:.4f} | {a:.3f} | {k} | {'' if c is None else c} |"
              for s, p, l, t, a, k, c in rows]
    print("\n".join(table))
    args.out.mkdir(parents=True, exist_ok=True)
    command = f".venv/bin/python examples/mlp_digits.py --steps {args.steps}"
    (args.out / "mlp_digits.md").write_text(
        f"# MLP on digits\n\n`{command}` (seed {SEED}; 64-128-128-10 ReLU MLP, SGD, batch 128, 75/25 split; "
        f"run {datetime.date.today()}, jax {jax.__version__}). fp16-loss-scaling: f32 master weights, f16 forward and "
        f"backward, dynamic loss scaling from 2^15; a skipped step is one whose gradients overflowed. FP8 calibrations: "
        f"how many times fp8-calibrated measured and froze its scales (the first step, and each step that overflowed).\n\n"
        + "\n".join(table) + "\n\n![loss curves](mlp_digits.png)\n"
    )
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=False)
    for ax, setting in zip(axes, ["unit scale", "parameter and input scale 2^8"]):
        for name, losses in curves.items():
            if name.startswith(setting):
                ax.plot(np.nan_to_num(losses, nan=np.nan, posinf=np.nan), label=name.split(" / ")[1])
        ax.set_title(setting)
        ax.set_xlabel("step")
        ax.set_ylabel("train loss")
        ax.set_yscale("log")
        ax.legend()
    fig.tight_layout()
    fig.savefig(args.out / "mlp_digits.png", dpi=100)
    print(f"wrote {args.out / 'mlp_digits.md'} and {args.out / 'mlp_digits.png'}", file=sys.stderr)
    return rows


if __name__ == "__main__":
    main()
