"""Sharded training steps through scalify.jit on 8 CPU devices, against jax.jit (run in its own
process by test_sharding.py: the device count is fixed when jax starts).

Prints one JSON line per case: the worst relative L2 error over the outputs, and whether each output
kept the sharding jax gives it."""

import json
import os
import sys

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import shard_map  # noqa: E402
from jax.sharding import Mesh, NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

import scalify  # noqa: E402

shardy = sys.argv[1] == "shardy"
jax.config.update("jax_use_shardy_partitioner", shardy)
mesh = Mesh(np.array(jax.devices()).reshape(4, 2), ("data", "model"))
rng = np.random.default_rng(0)


def loss(w, x, y):
    h = jnp.tanh(x @ w["a"])
    return jnp.mean((h @ w["b"] - y) ** 2)


def step(w, x, y):
    value, g = jax.value_and_grad(loss)(w, x, y)
    return jax.tree.map(lambda p, q: p - 0.1 * q, w, g), value


def put(x, *spec):
    return jax.device_put(jnp.asarray(x, jnp.float32), NamedSharding(mesh, P(*spec)))


w = {"a": put(rng.standard_normal((16, 32)) / 4, None, "model"), "b": put(rng.standard_normal((32, 4)) / 6, "model", None)}
x, y = put(rng.standard_normal((64, 16)), "data"), put(rng.standard_normal((64, 4)), "data")


def relative_l2(a, b):
    a, b = np.asarray(scalify.unscale(a), np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def report(case, actual, expected):
    pairs = list(zip(jax.tree.leaves(actual, is_leaf=lambda v: isinstance(v, scalify.ScaledArray)), jax.tree.leaves(expected)))
    error = max(relative_l2(a, e) for a, e in pairs)
    data = [a.data if isinstance(a, scalify.ScaledArray) else a for a, _ in pairs]
    kept = all(d.sharding.is_equivalent_to(e.sharding, e.ndim) for d, (_, e) in zip(data, pairs))
    print(json.dumps({"case": case, "error": error, "shardings_kept": kept}), flush=True)


expected = jax.jit(step)(w, x, y)


# The layouts of issue 15: data parallel (batch sharded, parameters replicated), tensor parallel
# (weights sharded over "model", batch replicated), and FSDP-style (parameters and Adam's moments
# sharded over "data" as well as the batch), each step against jax.jit of itself on the same devices.
def adam_update(w, m, v, t, g):
    t = t + 1
    m = jax.tree.map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
    v = jax.tree.map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
    correction = jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
    w = jax.tree.map(lambda w, m, v: w - 1e-2 * correction * m / (jnp.sqrt(v) + 1e-8), w, m, v)
    return w, m, v, t


def adam_step(state, x, y):
    value, g = jax.value_and_grad(loss)(state[0], x, y)
    return adam_update(*state, g), value


def layout(a, b, batch):
    weights = {"a": put(w["a"], *a), "b": put(w["b"], *b)}
    return weights, put(x, *batch), put(y, *batch)


def fsdp_state():
    weights, xs, ys = layout(("data",), ("data",), ("data",))
    zeros = jax.tree.map(lambda p: jax.device_put(jnp.zeros_like(p), p.sharding), weights)
    moments = jax.tree.map(lambda p: jax.device_put(jnp.full_like(p, 1e-4), p.sharding), weights)
    return (weights, zeros, moments, jnp.zeros((), jnp.int32)), xs, ys


def shard_map_adam_step(state, x, y):
    """Adam inside shard_map (gradients averaged with pmean): the whole step, optimizer included,
    is one manual computation's body."""

    def local(state, x, y):
        w, m, v, t = state
        value, g = jax.value_and_grad(loss)(w, x, y)
        g, value = jax.lax.pmean((g, value), "data")
        return adam_update(w, m, v, t, g), value

    replicated = jax.tree.map(lambda _: P(), state)
    return shard_map(local, mesh=mesh, in_specs=(replicated, P("data"), P("data")), out_specs=(replicated, P()))(
        state, x, y
    )


def replicated_adam_state():
    weights, xs, ys = layout((), (), ("data",))
    zeros = jax.tree.map(jnp.zeros_like, weights)
    return (weights, zeros, jax.tree.map(lambda p: jnp.full_like(p, 1e-4), weights), jnp.zeros((), jnp.int32)), xs, ys


layouts = {
    "data parallel": (step, lambda: layout((), (), ("data",))),
    "tensor parallel": (step, lambda: layout((None, "model"), ("model", None), ())),
    "FSDP Adam": (adam_step, fsdp_state),
}
if shardy:
    # Under GSPMD jax's own Exported.call of this program fails ("should have a sharding attribute of
    # type TensorShardingPerValueAttr"), so scalify.jit, which calls through it, cannot either.
    layouts["shard_map Adam"] = (shard_map_adam_step, replicated_adam_state)
for name, (function, arguments) in layouts.items():
    state, xs, ys = arguments()
    reference = jax.jit(function)(state, xs, ys)
    for policy in ["f32", "f16", "fp8-hybrid"]:
        try:
            result = scalify.jit(function, policy=policy)(state, xs, ys)
        except ValueError as error:
            # GSPMD's manual computations with run-time scales are refused (XLA would abort).
            print(json.dumps({"case": f"{name} at {policy}", "refused": str(error)[:3000]}), flush=True)
            continue
        report(f"{name} at {policy}", result, reference)

if shardy:
    # What `as_text()` writes (Shardy's custom form) rewrites like jax's generic print of the same
    # module, and jax's own MLIR (Shardy registered) reads the rewrite back.
    from jax.interpreters import mlir as jax_mlir  # noqa: E402
    from jaxlib.mlir import ir  # noqa: E402

    lowered = jax.jit(step).lower(w, x, y)
    options = scalify.Policy.preset("f16").options()
    from_custom, _ = scalify._scalify.rewrite(lowered.as_text(), options)
    generic = lowered.compiler_ir().operation.get_asm(print_generic_op_form=True)
    from_generic, _ = scalify._scalify.rewrite(generic, options)
    with jax_mlir.make_ir_context():
        read_back = str(ir.Module.parse(from_custom))
    print(json.dumps({"case": "as_text() rewritten", "same_as_generic": from_custom == from_generic,
                      "custom_form": "sdy.mesh @mesh = <" in from_custom, "read_by_jax": "sdy.mesh @mesh" in read_back}), flush=True)

for policy in ["f32", "f16", "fp8-hybrid"]:
    report(f"data+tensor parallel step at {policy}", scalify.jit(step, policy=policy)(w, x, y), expected)

# Inside the user's own jax.jit, with donation, three steps.
outer = jax.jit(lambda w, x, y: scalify.jit(step, policy="f16")(w, x, y))
w_ref, w_new = w, w
for _ in range(3):
    w_ref, value_ref = jax.jit(step)(w_ref, x, y)
    w_new, value_new = outer(w_new, x, y)
report("f16 inside jax.jit, 3 steps", (w_new, value_new), (w_ref, value_ref))
donating = scalify.jit(step, policy="f16", donate_argnums=0)
w_copy = jax.tree.map(lambda a: a.copy(), w)
report("f16 with donate_argnums", donating(w_copy, x, y), expected)
print(json.dumps({"case": "donated", "deleted": all(a.is_deleted() for a in jax.tree.leaves(w_copy))}), flush=True)

# A scalified function inside another.
inner = scalify.jit(loss, policy="f16")
nested = scalify.jit(lambda w, x, y: inner(w, x, y) * 2.0, policy="f16")
report("scalified inside scalified", nested(w, x, y), 2.0 * jax.jit(loss)(w, x, y))

# shard_map with a psum (the collective inside a manual computation).


def sharded_sum_of_squares(x):
    return shard_map(lambda a: jax.lax.psum(jnp.sum(a * a), "data"), mesh=mesh, in_specs=P("data"), out_specs=P())(x)


for policy in ["f32", "f16"]:
    try:
        result = scalify.jit(sharded_sum_of_squares, policy=policy)(x)
    except ValueError as error:
        # GSPMD's manual computations with run-time scales are refused (XLA would abort).
        print(json.dumps({"case": f"shard_map psum at {policy}", "refused": str(error)[:3000]}), flush=True)
        continue
    report(f"shard_map psum at {policy}", result, jax.jit(sharded_sum_of_squares)(x))


# Run-time scales that differ between devices (each shard rescaled from its own max, shards 2^6
# apart in magnitude) crossing devices: psum and all_gather agree on the group's largest scale first,
# ppermute sends each scale with its data.
def per_device_scales(x):
    def body(a):
        a = scalify.dynamic_rescale_max(a * a)
        shifted = jax.lax.ppermute(a, "data", [(i, (i + 1) % 4) for i in range(4)])
        return jax.lax.psum(a, "data"), jax.lax.all_gather(a, "data", tiled=True), shifted

    # The gathered array is the same on every device: out_specs stacks the four copies.
    return shard_map(body, mesh=mesh, in_specs=P("data"), out_specs=(P(), P("data"), P("data")))(x)


magnitudes = put(np.repeat(2.0 ** (6 * np.arange(4)), 16)[:, None] * np.asarray(x), "data")
for policy in ["f32", "f16", "fp8-hybrid"]:
    scalified = scalify.jit(per_device_scales, policy=policy)
    try:
        result = scalified(magnitudes)
    except ValueError as error:
        print(json.dumps({"case": f"per-device scales at {policy}", "refused": str(error)[:3000]}), flush=True)
        continue
    report(f"per-device scales at {policy}", result, jax.jit(per_device_scales)(magnitudes))
    lowered = scalified.lower(magnitudes).report
    print(json.dumps({"case": f"per-device scales at {policy}: report", "fallbacks": lowered.get("fallbacks", []),
                      "collective_scales": lowered.get("collective_scales")}), flush=True)


# A data-parallel training step written with shard_map: per-shard gradients, pmean across "data".
def shard_map_step(w, x, y):
    def local(w, x, y):
        value, g = jax.value_and_grad(loss)(w, x, y)
        g = jax.lax.pmean(g, "data")
        return jax.tree.map(lambda p, q: p - 0.1 * q, w, g), jax.lax.pmean(value, "data")

    replicated = {"a": P(), "b": P()}
    return shard_map(local, mesh=mesh, in_specs=(replicated, P("data"), P("data")), out_specs=(replicated, P()))(w, x, y)


w_replicated = jax.tree.map(lambda a: jax.device_put(a, NamedSharding(mesh, P())), w)
expected = jax.jit(shard_map_step)(w_replicated, x, y)
for policy in ["f32", "f16", "fp8-hybrid"]:
    scalified = scalify.jit(shard_map_step, policy=policy)
    try:
        result = scalified(w_replicated, x, y)
    except ValueError as error:
        print(json.dumps({"case": f"shard_map step at {policy}", "refused": str(error)[:3000]}), flush=True)
        continue
    fallbacks = sorted({f["op"] for f in scalified.lower(w_replicated, x, y).report.get("fallbacks", [])})
    report(f"shard_map step at {policy}", result, expected)
    print(json.dumps({"case": f"shard_map step at {policy}: fallbacks", "ops": fallbacks}), flush=True)
