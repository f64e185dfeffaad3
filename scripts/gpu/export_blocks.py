"""Training steps of one transformer block at sizes where FP8 pays, for the GPU plan.

    .venv/bin/python scripts/gpu/export_blocks.py OUT_DIR [--d-model 2048 4096 8192] [--tokens 8192]

For each d_model writes block_d<D>.f32.mlir (the step in f32, with JAX's name stacks, for scalify to
rewrite) and block_d<D>.bf16.mlir (the same step in plain bf16 jax: the baseline). The step: pre-LN
attention (causal, 128-wide heads) and a 4x GELU MLP on batch x seq tokens, the squared-error loss of
its output, value_and_grad, SGD on every weight. Lowered only (no execution), so it runs on CPU.
"""

import argparse
import pathlib
import sys

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures"))
import generate  # noqa: E402  (layer_norm)

jax.config.update("jax_platforms", "cpu")
HEAD_DIM = 128
SEQ = 2048


def block(params, x):
    B, T, D = x.shape
    heads = D // HEAD_DIM
    h = generate.layer_norm(x, params["ln1"])
    q, k, v = jnp.split(h @ params["qkv"], 3, axis=-1)
    split = lambda t: t.reshape(B, T, heads, HEAD_DIM).transpose(0, 2, 1, 3)
    q, k, v = split(q), split(k), split(v)
    att = jnp.einsum("bhqd,bhkd->bhqk", q, k) / np.sqrt(HEAD_DIM)
    att = jnp.where(jnp.tril(jnp.ones((T, T), bool)), att, -jnp.inf)
    att = jax.nn.softmax(att.astype(jnp.float32), axis=-1).astype(x.dtype)
    y = jnp.einsum("bhqk,bhkd->bhqd", att, v).transpose(0, 2, 1, 3).reshape(B, T, D)
    x = x + y @ params["proj"]
    h = generate.layer_norm(x, params["ln2"])
    return x + jax.nn.gelu(h @ params["fc"]) @ params["fc_proj"]


def step(params, x, target):
    def loss_fn(params):
        return jnp.mean(jnp.square(block(params, x) - target).astype(jnp.float32))

    loss, grads = jax.value_and_grad(loss_fn)(params)
    return jax.tree_util.tree_map(lambda p, g: p - (1e-3 * g).astype(p.dtype), params, grads), loss


def arguments(d_model, tokens, dtype):
    shape = lambda *s: jax.ShapeDtypeStruct(s, dtype)
    ln = {"g": shape(d_model), "b": shape(d_model)}
    params = {
        "ln1": ln,
        "qkv": shape(d_model, 3 * d_model),
        "proj": shape(d_model, d_model),
        "ln2": ln,
        "fc": shape(d_model, 4 * d_model),
        "fc_proj": shape(4 * d_model, d_model),
    }
    x = shape(tokens // SEQ, SEQ, d_model)
    return params, x, x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--d-model", type=int, nargs="+", default=[2048, 4096, 8192])
    parser.add_argument("--tokens", type=int, default=8192)
    parser.add_argument("--only", choices=["f32", "bf16"], default=None, help="write one of the two versions")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for d_model in args.d_model:
        for name, dtype in [("f32", jnp.float32), ("bf16", jnp.bfloat16)]:
            if args.only and name != args.only:
                continue
            path = args.out / f"block_d{d_model}.{name}.mlir"
            lowered = jax.jit(step).lower(*arguments(d_model, args.tokens, dtype))
            path.write_text(lowered.as_text(debug_info=name == "f32"))
            print(f"{path}: {path.stat().st_size // 1024} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
