# One small program per rule family, exported by jax with seeded inputs (run by scalify_numerics.rs).
import pathlib, sys
import jax, jax.numpy as jnp, numpy as np

jax.config.update("jax_platforms", "cpu")
out = pathlib.Path(sys.argv[1])
rng = np.random.default_rng(0)
f32 = lambda *s: rng.standard_normal(s).astype(np.float32)

def maxpool(x):
    return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

programs = {
    "elementwise": (lambda a, b: jnp.where(a > b, a * b - 3.0 * a, jnp.maximum(a, -b) / (1.0 + jnp.abs(b))) + jnp.clip(a, -0.5, 0.5), [f32(8, 16), f32(8, 16)]),
    "unscaled_functions": (lambda x: jnp.exp(x) + jnp.log1p(jnp.abs(x)) + jnp.tanh(x) * jax.nn.sigmoid(x) + jnp.sin(x) * jnp.cos(x) + jnp.floor(x), [f32(8, 16)]),
    "chlo_functions": (lambda x: jax.scipy.special.erf(x) + jax.nn.gelu(x, approximate=False) + jnp.square(x), [f32(8, 16)]),
    "roots_and_powers": (lambda x: jnp.sqrt(jnp.abs(x) * 8.0) + jax.lax.rsqrt(jnp.abs(x) + 0.5) + x ** 3 + jnp.abs(x) ** 0.5, [f32(8, 16)]),
    "layernorm_softmax": (lambda x: jax.nn.softmax((x - x.mean(-1, keepdims=True)) * jax.lax.rsqrt(x.var(-1, keepdims=True) + 1e-5), -1), [f32(8, 64)]),
    "batched_attention": (lambda q, k, v: jnp.einsum("bhqk,bhkd->bhqd", jax.nn.softmax(jnp.where(jnp.tril(jnp.ones((16, 16), bool)), jnp.einsum("bhqd,bhkd->bhqk", q, k) / 4.0, -jnp.inf), -1), v), [f32(2, 4, 16, 16)] * 3),
    "convolution_grad": (lambda x, w: jax.grad(lambda w: jnp.sum(jnp.tanh(jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")))))(w), [f32(2, 8, 8, 3), f32(3, 3, 3, 4)]),
    "maxpool_grad": (lambda x: jax.grad(lambda x: jnp.sum(maxpool(x) ** 2))(x), [f32(2, 8, 8, 3)]),
    "reductions": (lambda x: (x.sum(1), x.max(0), x.min(1), jnp.argmax(x, 1), jnp.cumsum(x, 1)), [f32(8, 16)]),
    "gather_scatter": (lambda t, i: jax.grad(lambda t: jnp.sum(jnp.sin(t[i])))(t) + t.at[i[:, 0]].set(1.0), [f32(20, 8), rng.integers(0, 20, (6, 3)).astype(np.int32)]),
    "slicing": (lambda x, i: jnp.concatenate([jax.lax.dynamic_slice(x, (i, 0), (4, 16)), jnp.pad(x[::2, ::-1], ((1, 1), (0, 0))), jax.lax.dynamic_update_slice(x, x[:2] * 3.0, (i, 0))], 0), [f32(8, 16), np.int32(3)]),
    "sort": (lambda x: jnp.sort(x * 5.0, axis=1) + jnp.sort(x, axis=0), [f32(8, 16)]),
    "while_loop": (lambda x, w: jax.lax.fori_loop(0, 5, lambda i, h: jnp.tanh(h @ w) * 2.0 + h, x), [f32(4, 16), f32(16, 16)]),
    "scan_grad": (lambda xs, w: jax.grad(lambda w: jnp.sum(jax.lax.scan(lambda h, x: (jnp.tanh(h @ w + x), h), jnp.zeros((4, 16)), xs)[0]))(w), [f32(6, 4, 16), f32(16, 16)]),
    "cond": (lambda x, p: jax.lax.cond(p > 0, lambda x: x * 4.0 + 1.0, lambda x: jnp.exp(x) / 8.0, x), [f32(8, 16), np.int32(1)]),
    "switch": (lambda x, i: jax.lax.switch(i, [lambda x: x * 64.0, lambda x: -x, lambda x: x @ x.T / 16.0 @ x], x), [f32(16, 16), np.int32(2)]),
    "iota_and_converts": (lambda x: x * jnp.arange(16, dtype=jnp.float32) + (x * 10.0).astype(jnp.int32).astype(jnp.float32), [f32(8, 16)]),
    "dense_constants": (lambda x: x @ jnp.asarray(np.linspace(-3e-3, 5e-3, 16 * 4).reshape(16, 4), jnp.float32) * 1e3, [f32(8, 16)]),
}

for name, (f, args) in programs.items():
    (out / f"{name}.mlir").write_text(jax.jit(f).lower(*args).as_text())
    folder = out / name
    folder.mkdir()
    for i, a in enumerate(args):
        np.save(folder / f"in_{i:03d}.npy", np.asarray(a))
