"""Markers for user code: dynamic rescales and FP8 format hints.

Under `scalify.jit` each marker lowers to a `stablehlo.custom_call` that the scalify pass recognises
(`scalify.dynamic_rescale_max`, ...). Anywhere else it lowers to nothing: a marked program runs in plain
jax unchanged. The `_grad` variants are the identity forward and mark the cotangent backward.
"""

import contextlib
import inspect
import threading

import jax
from jax._src.interpreters import mlir
from jax.extend.core import Primitive

_state = threading.local()


@contextlib.contextmanager
def emitting_markers():
    """Within this context (scalify.jit's lowering) markers become custom calls."""
    previous = getattr(_state, "emit", False)
    _state.emit = True
    try:
        yield
    finally:
        _state.emit = previous


def _ir_type(ctx, aval):
    """The MLIR type of `aval` (jax >= 0.9 takes the module context too; jax 0.8 does not)."""
    if len(inspect.signature(mlir.aval_to_ir_type).parameters) == 2:
        return mlir.aval_to_ir_type(ctx.module_context, aval)
    return mlir.aval_to_ir_type(aval)


# Every marker's custom-call target: the pass consumes them, so jax.export may let them through.
MARKER_TARGETS = []


def _marker_primitive(target):
    MARKER_TARGETS.append(target)
    primitive = Primitive(target)
    primitive.def_impl(lambda x: x)
    primitive.def_abstract_eval(lambda x: x)

    def lowering(ctx, x):
        if not getattr(_state, "emit", False):
            return [x]
        (aval,) = ctx.avals_out
        call = mlir.custom_call(target, result_types=[_ir_type(ctx, aval)], operands=[x])
        return call.results

    mlir.register_lowering(primitive, lowering)
    # Differentiation and batching see an identity.
    jax.interpreters.ad.deflinear(primitive, lambda t: [t])
    jax.interpreters.batching.primitive_batchers[primitive] = lambda args, dims: (primitive.bind(*args), dims[0])
    return primitive


def _forward_marker(target):
    primitive = _marker_primitive(target)

    def marker(x):
        return primitive.bind(x)

    marker.__name__ = target.split(".")[-1]
    marker.__doc__ = f"Identity; under scalify.jit, `{target}` on x."
    return marker


def _gradient_marker(target):
    primitive = _marker_primitive(target)

    @jax.custom_vjp
    def marker(x):
        return x

    marker.defvjp(lambda x: (x, None), lambda _, g: (primitive.bind(g),))
    marker.__name__ = target.split(".")[-1]
    marker.__doc__ = f"Identity forward; under scalify.jit, `{target}` on the cotangent."
    return marker


dynamic_rescale_max = _forward_marker("scalify.dynamic_rescale_max")
dynamic_rescale_l1 = _forward_marker("scalify.dynamic_rescale_l1")
dynamic_rescale_l2 = _forward_marker("scalify.dynamic_rescale_l2")
dynamic_rescale_max_grad = _gradient_marker("scalify.dynamic_rescale_max_grad")
dynamic_rescale_l1_grad = _gradient_marker("scalify.dynamic_rescale_l1_grad")
dynamic_rescale_l2_grad = _gradient_marker("scalify.dynamic_rescale_l2_grad")
fp8_forward = _forward_marker("scalify.fp8_forward")
fp8_backward = _forward_marker("scalify.fp8_backward")
