"""scalify: scale propagation for low-precision training of JAX programs.

    import scalify
    step = scalify.jit(train_step, policy="fp8-hybrid")
    params, opt_state, loss = step(params, opt_state, batch)

`scalify.jit` lowers the function with jax (debug info on, so the backward pass is recognisable),
rewrites the StableHLO module in-process with the scalify pass, and compiles the result for the current
backend. Pytrees in and out, static arguments, one compilation per input signature, as `jax.jit`.
"""

from ._jit import Policy, Scalified, jit
from ._markers import (
    dynamic_rescale_l1,
    dynamic_rescale_l1_grad,
    dynamic_rescale_l2,
    dynamic_rescale_l2_grad,
    dynamic_rescale_max,
    dynamic_rescale_max_grad,
    fp8_backward,
    fp8_forward,
)
from ._scaled import ScaledArray, as_scaled, unscale

__all__ = [
    "Policy",
    "Scalified",
    "ScaledArray",
    "as_scaled",
    "dynamic_rescale_l1",
    "dynamic_rescale_l1_grad",
    "dynamic_rescale_l2",
    "dynamic_rescale_l2_grad",
    "dynamic_rescale_max",
    "dynamic_rescale_max_grad",
    "fp8_backward",
    "fp8_forward",
    "jit",
    "library_version",
    "unscale",
]


def library_version():
    """The MLIR library the pass runs on (libIREECompiler.so, with its revision)."""
    from ._scalify import library_version as version

    return version()
