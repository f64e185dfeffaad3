"""A flax linen GPT trained with optax, through `scalify.jit`, against `jax.jit`.

The model is written as a flax user writes it: `nn.Embed`, `nn.LayerNorm`, `nn.Dense` and flax's own
`nn.MultiHeadDotProductAttention` with `nn.make_causal_mask` (flax masks with `finfo(float32).min`);
optax's AdamW behind global-norm clipping, with a warmup-cosine schedule. The data is a synthetic
language (a fixed random Markov chain over 32 symbols, so the best loss is known: its entropy rate).

    .venv/bin/python examples/flax_gpt.py [--steps 1000] [--runs fp32:0 fp32:1 f16:0 fp8-hybrid:0] [--out docs]

A progress bar per run; prints the final losses against jax's, writes OUT/flax_gpt.md and
OUT/flax_gpt.png (loss curves). Returns the table's numbers from `train()` for tests.
"""

import argparse
import datetime
import pathlib
import sys
import time

import flax
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
HELD_OUT_BATCHES = 16


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
    """Trains one model per run (`RUN` or `RUN:SEED`; the seed picks the initialization and the data
    order) from the same schedule; returns ({run: {losses, held_out, seconds_per_step}}, entropy rate)."""
    model = GPT(layers=layers, d_model=d_model, heads=heads, block=block)
    transition, entropy = markov_chain(np.random.default_rng(SEED))
    schedule = optax.warmup_cosine_decay_schedule(0.0, 3e-3, warmup_steps=max(1, steps // 10), decay_steps=steps)
    optimizer = optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(schedule, weight_decay=0.01))
    held_out_rng = np.random.default_rng(SEED + 1000)  # the same held-out sequences for every run
    held_out = [batches(transition, batch, block, held_out_rng) for _ in range(HELD_OUT_BATCHES)]

    def loss_fn(params, x, y):
        logits = model.apply(params, x).astype(jnp.float32)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    def train_step(params, opt_state, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    evaluate = jax.jit(loss_fn)
    results = {}
    for spec in runs:
        run, _, seed = spec.partition(":")
        seed = int(seed or SEED)
        params0 = model.init(jax.random.PRNGKey(seed), jnp.zeros((batch, block), jnp.int32))
        params, opt_state = params0, optimizer.init(params0)
        if run == "fp32":
            step = jax.jit(train_step)
        else:
            step = scalify.jit(train_step, policy=scalify.Policy.preset(run, signature="scaled"))
            params, opt_state = scalify.as_scaled((params, opt_state), jnp.float16)
        rng = np.random.default_rng(seed + 1)
        losses, timed = [], 0.0
        bar = tqdm(range(steps), desc=spec, unit="step", file=sys.stderr, mininterval=1.0, disable=not progress)
        for i in bar:
            x, y = batches(transition, batch, block, rng)
            start = time.perf_counter()
            params, opt_state, loss = step(params, opt_state, x, y)
            losses.append(float(np.asarray(scalify.unscale(loss), np.float32)))
            if i > 0:  # the first step compiles
                timed += time.perf_counter() - start
            bar.set_postfix(loss=f"{losses[-1]:.4f}", refresh=False)
        final = jax.tree_util.tree_map(lambda p: jnp.asarray(p, jnp.float32), scalify.unscale(params))
        results[spec] = dict(losses=losses, held_out=float(np.mean([evaluate(final, x, y) for x, y in held_out])),
                             seconds_per_step=timed / max(1, steps - 1))
    return results, entropy


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--runs", nargs="+", default=["fp32:0", "fp32:1", "f16:0", "fp8-hybrid:0"])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args(argv)
    results, entropy = train(args.steps, args.runs)
    fp32 = [r["held_out"] for spec, r in results.items() if spec.split(":")[0] == "fp32"]
    reference = float(np.mean(fp32)) if fp32 else float("nan")
    spread = (max(fp32) - min(fp32)) / reference if len(fp32) > 1 else 0.0
    table = ["| run | first loss | final train loss (mean of last 10) | held-out loss | vs fp32 (mean of seeds) "
             "| ms/step |", "|---|---|---|---|---|---|"]
    for spec, r in results.items():
        versus = f"{100 * (r['held_out'] / reference - 1):+.2f}%"
        table.append(f"| {spec} | {r['losses'][0]:.4f} | {np.mean(r['losses'][-10:]):.4f} | {r['held_out']:.4f} | "
                     f"{versus} | {1000 * r['seconds_per_step']:.0f} |")
    print("\n".join(table))
    print(f"entropy rate of the data (the best loss): {entropy:.4f}; fp32 seed spread {100 * spread:.2f}%")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "flax_gpt.md").write_text(
        f"# flax linen GPT + optax, through scalify.jit\n\n`.venv/bin/python examples/flax_gpt.py --steps "
        f"{args.steps}" + (f" --runs {' '.join(args.runs)}" if argv and "--runs" in argv else "") + "`\n\n"
        f"Run {datetime.date.today()}, jax {jax.__version__}, flax {flax.__version__}, optax {optax.__version__}, "
        f"on this CPU. flax MultiHeadDotProductAttention with a causal mask (`finfo.min` fill); optax AdamW, "
        f"clip 1.0, warmup-cosine 3e-3; synthetic Markov data, entropy rate {entropy:.4f} (the best loss); "
        f"held-out loss on {HELD_OUT_BATCHES} fixed batches; RUN:SEED, the seed picks initialization and data "
        f"order. fp32 seed spread {100 * spread:.2f}% of {reference:.4f}. ms/step: one step's wall time, the "
        f"compiling first step excluded.\n\n" + "\n".join(table) + "\n\n![loss curves](flax_gpt.png)\n"
    )
    save_loss_plot({spec: r["losses"] for spec, r in results.items()}, args.out / "flax_gpt.png", floor=entropy,
                   floor_label="entropy rate")
    return results


if __name__ == "__main__":
    main()
