"""Scaled arrays: a tensor carried as (data, scale) with value = data * scale, scale a power of two."""

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np


@jax.tree_util.register_pytree_node_class
@dataclass(frozen=True)
class ScaledArray:
    """`data * scale`: data in a low-precision dtype, scale a power-of-two float32 scalar."""

    data: jax.Array
    scale: jax.Array

    def __post_init__(self):
        # Inside jax transformations leaves may be tracers or placeholders (`object()` in tree
        # utilities); check only what has a shape.
        scale_shape = getattr(self.scale, "shape", None)
        if scale_shape is not None and tuple(scale_shape) != ():
            raise ValueError(f"ScaledArray scale must be a scalar, not of shape {tuple(scale_shape)}")
        scale_dtype = getattr(self.scale, "dtype", None)
        if scale_dtype is not None and not jnp.issubdtype(scale_dtype, jnp.floating):
            raise TypeError(f"ScaledArray scale must be a float scalar, not {scale_dtype}")
        data_dtype = getattr(self.data, "dtype", None)
        if data_dtype is not None and not jnp.issubdtype(data_dtype, jnp.floating):
            raise TypeError(f"ScaledArray data must be floating point, not {data_dtype}")

    def tree_flatten(self):
        return (self.data, self.scale), None

    @classmethod
    def tree_unflatten(cls, _, children):
        return cls(*children)

    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    def __array__(self, dtype=None):
        return np.asarray(self.to_array(), dtype=dtype)

    def to_array(self, dtype=jnp.float32):
        """The value, computed in float32 (never in the data dtype, which could overflow)."""
        return (jnp.asarray(self.data, jnp.float32) * jnp.asarray(self.scale, jnp.float32)).astype(dtype)


def _pow2_scale(x) -> float:
    """The power of two of the RMS of x (1 for an all-zero or non-finite array): the data then has
    E[data^2] in [1, 4), the unit scale every scalify rule assumes. (A max-based scale would leave the
    data's RMS far below 1, and each product in the program would compound that deficit.)"""
    values = np.asarray(x, np.float64)
    finite = values[np.isfinite(values)]
    rms = float(np.sqrt(np.mean(finite * finite))) if finite.size else 0.0
    return 2.0 ** math.floor(math.log2(rms)) if rms > 0 else 1.0


def _pow2_scale_traced(x):
    """`_pow2_scale` in jax ops, for values inside a traced call (a plain array given where the
    rewritten step takes a scaled one): the power of two of the RMS of the finite values, else 1."""
    x = jnp.asarray(x, jnp.float32)
    finite = jnp.isfinite(x)
    count = jnp.maximum(jnp.sum(finite), 1)
    rms = jnp.sqrt(jnp.sum(jnp.where(finite, x * x, 0.0)) / count)
    ok = jnp.isfinite(rms) & (rms > 0)
    return jnp.where(ok, jnp.exp2(jnp.floor(jnp.log2(jnp.where(ok, rms, 1.0)))), 1.0).astype(jnp.float32)


def _is_float(x) -> bool:
    return hasattr(x, "dtype") and jnp.issubdtype(x.dtype, jnp.floating)


def as_scaled(tree, dtype=jnp.float16):
    """Every float leaf as a ScaledArray with data in `dtype` and scale the power of two of its RMS;
    other leaves unchanged."""

    def convert(x):
        if isinstance(x, ScaledArray) or not _is_float(x):
            return x
        scale = _pow2_scale(x)
        data = (np.asarray(x, np.float64) / scale).astype(jnp.dtype(dtype))
        return ScaledArray(jnp.asarray(data), jnp.asarray(scale, jnp.float32))

    return jax.tree_util.tree_map(convert, tree, is_leaf=lambda x: isinstance(x, ScaledArray))


def unscale(tree, dtype=jnp.float32):
    """Every ScaledArray leaf back to a plain array of `dtype`."""
    return jax.tree_util.tree_map(
        lambda x: x.to_array(dtype) if isinstance(x, ScaledArray) else x,
        tree,
        is_leaf=lambda x: isinstance(x, ScaledArray),
    )
