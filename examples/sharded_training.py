"""A sharded training step through `scalify.jit`, on 8 CPU devices, against `jax.jit` of the same step.

The model is an MLP classifier on two interleaved spirals (synthetic), trained with optax Adam. The step
is written once; the layout decides where its arrays live on a (data=4, model=2) mesh:

- `dp`:       batch sharded over "data", parameters and optimizer state replicated;
- `tp`:       hidden dimension sharded over "model" (Megatron-style column/row split), batch replicated;
- `fsdp`:     parameters and Adam's moments sharded over "data" as well as the batch;
- `shard_map`: a data-parallel step written with `jax.shard_map`, gradients averaged with `pmean`.

scalify.jit keeps the shardings it is given: XLA's SPMD partitioner splits the rewritten step exactly
as it splits jax's, and the scales are replicated scalars.

    .venv/bin/python examples/sharded_training.py [--layouts dp tp fsdp shard_map] [--steps 200]
        [--runs fp32 f16 fp8-hybrid] [--out docs]

Progress bars per run; writes OUT/sharded_training.md (final loss and test accuracy per layout and run,
ms/step) and OUT/sharded_training.png (loss curves of the fsdp layout, or the first one run).

Multi-host: the same code runs on several hosts. Call `jax.distributed.initialize()` first on every
host (one process per host), build the mesh over `jax.devices()` (all hosts' devices), and give each
host its shard of the batch (`jax.make_array_from_process_local_data`). `scalify.jit` compiles through
`jax.export`, so the rewritten step is partitioned by the same SPMD partitioner and runs on the same
devices with the same collectives as `jax.jit` would: nothing in scalify is host-local.
"""

import argparse
import datetime
import os
import pathlib
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=8")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
from jax.sharding import Mesh, NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402
from tqdm import tqdm  # noqa: E402

import scalify  # noqa: E402
from loss_plot import save_loss_plot  # noqa: E402
from spirals import spirals  # noqa: E402

jax.config.update("jax_platforms", "cpu")
SEED = 0
WIDTH = 256


def init(key):
    keys = jax.random.split(key, 3)
    dense = lambda k, m, n: jax.random.normal(k, (m, n), jnp.float32) / np.sqrt(m)  # noqa: E731
    return {"w1": dense(keys[0], 2, WIDTH), "w2": dense(keys[1], WIDTH, WIDTH), "w3": dense(keys[2], WIDTH, 2)}


def logits(params, x):
    h = jax.nn.gelu((4.0 * x) @ params["w1"])
    h = jax.nn.gelu(h @ params["w2"])
    return h @ params["w3"]


def loss_fn(params, x, y):
    return optax.softmax_cross_entropy_with_integer_labels(logits(params, x), y).mean()


optimizer = optax.adam(3e-3)


def train_step(params, opt_state, x, y):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss


def shard_map_step(mesh):
    """Data parallel with explicit collectives: each device's gradient, averaged over "data"."""

    def local(params, opt_state, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        grads, loss = jax.lax.pmean((grads, loss), "data")
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    def step(params, opt_state, x, y):
        replicated = jax.tree.map(lambda _: P(), (params, opt_state))
        return jax.shard_map(
            local, mesh=mesh, in_specs=(*replicated, P("data"), P("data")), out_specs=(*replicated, P())
        )(params, opt_state, x, y)

    return step


def placements(layout):
    """(parameter specs, batch spec) of a layout."""
    if layout == "tp":
        return {"w1": P(None, "model"), "w2": P("model", None), "w3": P()}, P()
    if layout == "fsdp":
        return {"w1": P(), "w2": P("data", None), "w3": P("data", None)}, P("data")
    return {"w1": P(), "w2": P(), "w3": P()}, P("data")


def train(layout, runs=("fp32", "f16", "fp8-hybrid"), steps=200, batch=256, progress=True):
    """One model per run from the same initialization and batches; {run: (losses, accuracy, ms/step)}."""
    mesh = Mesh(np.array(jax.devices()[:8]).reshape(4, 2), ("data", "model"))
    param_specs, batch_spec = placements(layout)
    place = lambda tree, specs: jax.tree.map(  # noqa: E731
        lambda a, s: jax.device_put(a, NamedSharding(mesh, s)), tree, specs
    )
    params0 = place(init(jax.random.PRNGKey(SEED)), param_specs)
    # Adam's moments live where their parameters do (FSDP shards them too); the step count is replicated.
    adam, *rest = optimizer.init(params0)
    adam = adam._replace(mu=place(adam.mu, param_specs), nu=place(adam.nu, param_specs))
    opt_state0 = (adam, *rest)
    step_fn = shard_map_step(mesh) if layout == "shard_map" else train_step
    test_x, test_y = spirals(4096, np.random.default_rng(SEED + 2))
    results = {}
    for run in runs:
        step = jax.jit(step_fn) if run == "fp32" else scalify.jit(step_fn, policy=run)
        params, opt_state = params0, opt_state0
        rng = np.random.default_rng(SEED + 1)
        losses, seconds = [], []
        bar = tqdm(range(steps), desc=f"{layout} {run}", unit="step", file=sys.stderr, mininterval=1.0, disable=not progress)
        for i in bar:
            x, y = spirals(batch, rng)
            x = jax.device_put(x, NamedSharding(mesh, batch_spec))
            y = jax.device_put(y, NamedSharding(mesh, batch_spec))
            start = time.perf_counter()
            params, opt_state, loss = step(params, opt_state, x, y)
            loss = float(np.asarray(scalify.unscale(loss), np.float32))
            if i > 0:  # the first step compiles
                seconds.append(time.perf_counter() - start)
            losses.append(loss)
            bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
        final = jax.tree.map(lambda a: np.asarray(a, np.float32), scalify.unscale(params))
        accuracy = float((np.asarray(logits(final, test_x)).argmax(-1) == test_y).mean())
        results[run] = (losses, accuracy, 1e3 * float(np.median(seconds)) if seconds else float("nan"))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layouts", nargs="+", default=["dp", "tp", "fsdp", "shard_map"])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", nargs="+", default=["fp32", "f16", "fp8-hybrid"])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("docs"))
    args = parser.parse_args()
    table = [
        "| layout | run | final loss (mean of last 10) | vs fp32 | test accuracy | ms/step |",
        "|---|---|---|---|---|---|",
    ]
    curves = {}
    for layout in args.layouts:
        results = train(layout, args.runs, args.steps)
        reference = np.mean(results["fp32"][0][-10:]) if "fp32" in results else None
        for run, (losses, accuracy, ms) in results.items():
            final = np.mean(losses[-10:])
            versus = f"{100 * (final / reference - 1):+.1f}%" if reference else "-"
            table.append(f"| {layout} | {run} | {final:.4f} | {versus} | {accuracy:.3f} | {ms:.1f} |")
        if not curves or layout == "fsdp":
            curves = {f"{layout} {run}": losses for run, (losses, _, _) in results.items()}
    print("\n".join(table))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sharded_training.md").write_text(
        f"# A sharded training step through scalify.jit on 8 CPU devices\n\n`.venv/bin/python "
        f"examples/sharded_training.py --steps {args.steps}` (seed {SEED}; MLP 2-{WIDTH}-{WIDTH}-2, GELU, optax "
        f"Adam 3e-3, batch 256 of two spirals; mesh data=4 x model=2; accuracy on 4096 held-out points; "
        f"run {datetime.date.today()}, jax {jax.__version__})\n\n" + "\n".join(table) + "\n"
    )
    save_loss_plot(curves, args.out / "sharded_training.png", log_scale=True)


if __name__ == "__main__":
    main()
