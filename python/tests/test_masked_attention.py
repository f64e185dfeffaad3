"""Masked attention in the forms real libraries emit, trained through scalify against jax.jit.

A mask fill (`finfo.min`, `-1e9`, `-inf`, a boolean mask inside `jax.nn.dot_product_attention`, flax's
`MultiHeadDotProductAttention`) is a sentinel: it must never set the scale of the logits it masks
(before, `finfo.min` took the select's scale to 2^127 and every logit flushed to zero: NaN from the
first step at f16).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import scalify

T, D, H, BATCH = 16, 32, 4, 64


def causal():
    # Traced (iota and compare), as flax's make_causal_mask: a NumPy constant of this size prints as an
    # i1 hex literal in one byte per element, which the linked MLIR (LLVM 22) reads as packed bits.
    return jnp.tril(jnp.ones((T, T), bool))


def heads(x, w, name):
    return (x @ w[name]).reshape(x.shape[0], T, H, D // H)


def attention_logits(x, w):
    q, k = heads(x, w, "q"), heads(x, w, "k")
    return q, k, jnp.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(D // H)


def attend_with(probabilities, x, w):
    return jnp.einsum("bhqk,bkhd->bqhd", probabilities, heads(x, w, "v"))


def where_finfo_min(x, w):  # flax linen, equinox
    _, _, logits = attention_logits(x, w)
    return attend_with(jax.nn.softmax(jnp.where(causal(), logits, jnp.finfo(jnp.float32).min), -1), x, w)


def additive_minus_1e9(x, w):  # keras 3 Softmax: inputs += (1 - mask) * -1e9
    _, _, logits = attention_logits(x, w)
    mask = causal().astype(jnp.float32)
    return attend_with(jax.nn.softmax(logits + (1.0 - mask) * -1e9, -1), x, w)


def where_minus_inf(x, w):
    _, _, logits = attention_logits(x, w)
    return attend_with(jax.nn.softmax(jnp.where(causal(), logits, -jnp.inf), -1), x, w)


def where_zero_or_minus_inf_bias(x, w):  # an additive bias of 0 and -inf
    _, _, logits = attention_logits(x, w)
    return attend_with(jax.nn.softmax(logits + jnp.where(causal(), 0.0, -jnp.inf), -1), x, w)


def dot_product_attention_bool_mask(x, w):  # jax.nn's own fill, -0.7 * finfo.max
    q, k, _ = attention_logits(x, w)
    return jax.nn.dot_product_attention(q, k, heads(x, w, "v"), mask=causal()[None, None])


def dot_product_attention_causal(x, w):
    q, k, _ = attention_logits(x, w)
    return jax.nn.dot_product_attention(q, k, heads(x, w, "v"), is_causal=True)


FORMS = [
    where_finfo_min,
    additive_minus_1e9,
    where_minus_inf,
    where_zero_or_minus_inf_bias,
    dot_product_attention_bool_mask,
    dot_product_attention_causal,
]


def make_step(attend):
    def loss(w, x, y):
        h = attend(x, w).reshape(x.shape[0], T, D).mean(1) @ w["o"]
        return jnp.mean((h - y) ** 2)

    def step(w, x, y):
        value, g = jax.value_and_grad(loss)(w, x, y)
        return jax.tree.map(lambda p, gp: p - 0.5 * gp, w, g), value

    return step


def init(seed):
    rng = np.random.default_rng(seed)
    w = {n: jnp.asarray(rng.standard_normal((D, D)) / np.sqrt(D), jnp.float32) for n in "qkv"}
    w["o"] = jnp.asarray(rng.standard_normal((D, 8)) / np.sqrt(D), jnp.float32)
    x = jnp.asarray(rng.standard_normal((BATCH, T, D)), jnp.float32)
    y = jnp.asarray(rng.standard_normal((BATCH, 8)), jnp.float32)
    return w, x, y


def train(step, w, x, y, steps):
    losses = []
    for _ in range(steps):
        w, value = step(w, x, y)
        losses.append(float(scalify.unscale(value)))
    return scalify.unscale(w), np.array(losses)


def relative_l2(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.mark.parametrize("attend", FORMS, ids=lambda f: f.__name__)
def test_masked_attention_trains_like_jax(attend):
    w, x, y = init(0)
    step = make_step(attend)
    w_ref, loss_ref = train(jax.jit(step), w, x, y, 20)
    assert loss_ref[-1] < 0.9 * loss_ref[0], "the reference must learn for the comparison to mean something"
    # f32: within f32 rounding of jax (powers of two move exactly; measured <= 1e-6 relative).
    # f16 and fp8-hybrid: the loss curve within 2% / 5% relative at every step, parameters within
    # 2e-2 / 6e-2 relative L2 after 20 steps (f16's 11-bit and E4M3's 4-bit mantissas).
    for policy, loss_tolerance, param_tolerance in [("f32", 1e-5, 1e-5), ("f16", 2e-2, 2e-2), ("fp8-hybrid", 5e-2, 6e-2)]:
        w_new, loss_new = train(scalify.jit(step, policy=policy), w, x, y, 20)
        assert np.all(np.isfinite(loss_new)), f"{policy}: {loss_new}"
        worst = float(np.max(np.abs(loss_new - loss_ref) / loss_ref))
        assert worst <= loss_tolerance, f"{policy}: loss off by {worst:.3e} relative"
        for name in w_ref:
            error = relative_l2(w_new[name], w_ref[name])
            assert error <= param_tolerance, f"{policy}: {name} off by {error:.3e}"
