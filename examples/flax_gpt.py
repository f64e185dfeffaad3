"""A flax linen GPT trained with optax, through `scalify.jit`, against `jax.jit`.

The model is written as a flax user writes it: `nn.Embed`, `nn.LayerNorm`, `nn.Dense` and flax's own
`nn.MultiHeadDotProductAttention` with `nn.make_causal_mask` (flax masks with `finfo(float32).min`);
optax's AdamW behind global-norm clipping, with a warmup-cosine schedule. The data is a synthetic
language (a fixed random Markov chain over 32 symbols, so the best loss is known: its entropy rate).

    .venv/bin/python examples/flax_gpt.py [--steps 200] [--runs fp32 f16 fp8-hybrid] [--out docs]

A progress bar per run; prints the final losses against jax's, writes OUT/flax_gpt.md and
OUT/flax_gpt.png (loss curves). Returns the table's numbers from `train()` for tests.
"""

import argparse
import pathlib
import sys

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
from tqdm import tqdm

import scalify
from loss_plot import save_loss_plot

jax.config.update("jax_platforms", "cpu")
SEED = 0
VOCAB = 32


class Block(nn.Module):
    heads: int

    @nn.compact
    def __call__(self, x, mask):
        d_model = x.shape[-1]
        h = nn.LayerNorm()(x)
        x = x + nn.MultiHeadDotProductAttention(num_heads=self.heads)(h, h, mask=mask)
        h = nn.LayerNorm()(x)
        return x + nn.Dense(d_model)(nn.gelu(nn.Dense(4 * d_model)(h)))


class GPT(nn.Module):
    layers: int
    d_model: int
    heads: int
    block: int

    @nn.compact
    def __call__(self, tokens):
        x = nn.Embed(VOCAB, self.d_model)(tokens)
        x = x + self.param("position", nn.initializers.normal(0.02), (self.block, self.d_model))
        mask = nn.make_causal_mask(tokens)
        for _ in range(self.layers):
            x = Block(self.heads)(x, mask)
        return nn.Dense(VOCAB)(nn.LayerNorm()(x))


def markov_chain(rng):
    """A sparse random transition matrix (each symbol has 4 likely successors) and its entropy rate."""
    logits = rng.standard_normal((VOCAB, VOCAB)) * 3.0
    transition = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    stationary = np.linalg.matrix_power(transition, 200)[0]
    entropy = -(stationary[:, None] * transition * np.log(transition)).sum()
    return transition, float(entropy)


def batches(transition, batch, block, rng):
    tokens = np.empty((batch, block + 1), np.int32)
    tokens[:, 0] = rng.integers(0, VOCAB, batch)
    cumulative = transition.cumsum(axis=1)
    for t in range(1, block + 1):
        u = rng.random(batch)[:, None]
        tokens[:, t] = (u > cumulative[tokens[:, t - 1]]).sum(axis=1).clip(0, VOCAB - 1)
    return jnp.asarray(tokens[:, :-1]), jnp.asarray(tokens[:, 1:])


def train(steps=200, runs=("fp32", "f16", "fp8-hybrid"), layers=2, d_model=64, heads=4, block=32, batch=16,
          progress=True):
    """Trains one model per run from the same initialization and data; returns {run: losses}."""
    model = GPT(layers=layers, d_model=d_model, heads=heads, block=block)
    transition, entropy = markov_chain(np.random.default_rng(SEED))
    params0 = model.init(jax.random.PRNGKey(SEED), jnp.zeros((batch, block), jnp.int32))
    schedule = optax.warmup_cosine_decay_schedule(0.0, 3e-3, warmup_steps=max(1, steps // 10), decay_steps=steps)
    optimizer = optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(schedule, weight_decay=0.01))

    def loss_fn(params, x, y):
        logits = model.apply(params, x).astype(jnp.float32)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    def train_step(params, opt_state, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    results = {}
    for run in runs:
        params, opt_state = params0, optimizer.init(params0)
        if run == "fp32":
            step = jax.jit(train_step)
        else:
            step = scalify.jit(train_step, policy=scalify.Policy.preset(run, signature="scaled"))
            params, opt_state = scalify.as_scaled((params, opt_state), jnp.float16)
        rng = np.random.default_rng(SEED + 1)
        losses = []
        bar = tqdm(range(steps), desc=run, unit="step", file=sys.stderr, mininterval=1.0, disable=not progress)
        for _ in bar:
            x, y = batches(transition, batch, block, rng)
            params, opt_state, loss = step(params, opt_state, x, y)
            losses.append(float(np.asarray(scalify.unscale(loss), np.float32)))
            bar.set_postfix(loss=f"{losses[-1]:.4f}", refresh=False)
        results[run] = losses
    return results, entropy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", nargs="+", default=["fp32", "f16", "fp8-hybrid"])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args()
    results, entropy = train(args.steps, args.runs)
    reference = np.mean(results["fp32"][-10:]) if "fp32" in results else None
    table = ["| run | first loss | final loss (mean of last 10) | vs fp32 |", "|---|---|---|---|"]
    for run, losses in results.items():
        final = np.mean(losses[-10:])
        versus = f"{100 * (final / reference - 1):+.1f}%" if reference else ""
        table.append(f"| {run} | {losses[0]:.4f} | {final:.4f} | {versus} |")
    print("\n".join(table))
    print(f"entropy rate of the data (the best loss): {entropy:.4f}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "flax_gpt.md").write_text(
        f"# flax linen GPT + optax, through scalify.jit\n\n`.venv/bin/python examples/flax_gpt.py --steps "
        f"{args.steps}` (seed {SEED}; flax MultiHeadDotProductAttention with a causal mask; optax AdamW, "
        f"clip 1.0, warmup-cosine 3e-3; synthetic Markov data, entropy rate {entropy:.4f})\n\n" + "\n".join(table) + "\n"
    )
    save_loss_plot(results, args.out / "flax_gpt.png", floor=entropy, floor_label="entropy rate")

if __name__ == "__main__":
    main()
