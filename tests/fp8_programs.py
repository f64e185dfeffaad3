"""Training steps not in the fixtures, for the FP8 tests: exported with JAX's name stacks, with seeded
inputs saved beside them (OUT/<name>.mlir, OUT/<name>/in_000.npy, ...)."""

import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_platforms", "cpu")
out = pathlib.Path(sys.argv[1])
rng = np.random.default_rng(7)


def adam(params, grads, state, lr=1e-3):
    m, v = state
    m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: 0.99 * v + 0.01 * g * g, v, grads)
    params = jax.tree_util.tree_map(lambda p, m, v: p - lr * m / (jnp.sqrt(v) + 1e-8), params, m, v)
    return params, (m, v)


def gelu_mlp_step(params, state, x, y):  # 3 dense layers, GELU, softmax cross-entropy, Adam
    def loss(params):
        h = x
        for w in params[:-1]:
            h = jax.nn.gelu(h @ w)
        logp = jax.nn.log_softmax(h @ params[-1])
        return -jnp.mean(jnp.sum(logp * y, -1))

    l, g = jax.value_and_grad(loss)(params)
    return (*adam(params, g, state), l)


def conv_step(params, x, y):  # two 3x3 convolutions (NHWC), global pool, dense, SGD
    def loss(params):
        dn = ("NHWC", "HWIO", "NHWC")
        h = jax.nn.relu(jax.lax.conv_general_dilated(x, params[0], (1, 1), "SAME", dimension_numbers=dn))
        h = jax.nn.relu(jax.lax.conv_general_dilated(h, params[1], (1, 1), "SAME", dimension_numbers=dn))
        return jnp.mean(jnp.square(h.mean((1, 2)) @ params[2] - y))

    l, g = jax.value_and_grad(loss)(params)
    return [p - 0.05 * gi for p, gi in zip(params, g)], l


def attention_step(params, x):  # one causal attention layer with a residual, squared loss, SGD
    def loss(params):
        wq, wk, wv, wo = params
        q, k, v = x @ wq, x @ wk, x @ wv
        att = jnp.einsum("bqd,bkd->bqk", q, k) / 8.0
        att = jnp.where(jnp.tril(jnp.ones(att.shape[-2:], bool)), att, -jnp.inf)
        y = x + jnp.einsum("bqk,bkd->bqd", jax.nn.softmax(att, -1), v) @ wo
        return jnp.mean(jnp.square(y))

    l, g = jax.value_and_grad(loss)(params)
    return [p - 0.01 * gi for p, gi in zip(params, g)], l


def normal(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


mlp = [normal(64, 128, scale=64**-0.5), normal(128, 128, scale=128**-0.5), normal(128, 10, scale=128**-0.5)]
zeros = [np.zeros_like(w) for w in mlp]
labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 64)]
steps = {
    "gelu_mlp_step": (gelu_mlp_step, (mlp, (zeros, zeros), normal(64, 64), labels)),
    "conv_step": (conv_step, ([normal(3, 3, 4, 16, scale=0.2), normal(3, 3, 16, 16, scale=0.1), normal(16, 8, scale=0.25)],
                              normal(8, 16, 16, 4), normal(8, 8))),
    "attention_step": (attention_step, ([normal(64, 64, scale=0.125) for _ in range(4)], normal(4, 32, 64))),
}
for name, (step, args) in steps.items():
    (out / f"{name}.mlir").write_text(jax.jit(step).lower(*args).as_text(debug_info=True))
    (out / name).mkdir(exist_ok=True)
    for i, leaf in enumerate(jax.tree_util.tree_leaves(args)):
        np.save(out / name / f"in_{i:03d}.npy", np.asarray(leaf))
