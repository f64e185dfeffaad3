"""PyTorch training steps for scalify: a `torch.nn.Module`, its loss and its `torch.optim` optimizer
become one StableHLO module of the whole step (forward, backward, optimizer), run through
`scalify.jit` on jax's PJRT like any JAX step.

    import scalify.torch
    step = scalify.torch.export_step(model, loss_fn, optimizer, x, y)
    train = scalify.jit(step.function, policy="fp8-hybrid")
    params, state = scalify.as_scaled(step.initial_state(), jnp.float16)
    params, state, loss = train(params, state, x, y)      # x, y: NumPy or jax arrays

The route: `torch.func` gives the loss's gradients, the optimizer's update is written out functionally
from its hyperparameters (`SGD` with momentum, `Adam`, `AdamW`, as `torch.optim` computes them),
`make_fx` traces the step with torch-mlir's decomposition table, and torch-mlir's FX importer emits
StableHLO (`output_type="stablehlo"`). Needs `torch` and `torch-mlir` (not dependencies of scalify).
The exported program has no JAX name stacks: scalify finds forward, backward and optimizer from the
dataflow (FP8 gradients get E5M2).
"""

import dataclasses

import jax
import jax.extend.mlir as jax_extend_mlir
import numpy as np

from ._jit import _Signature, _target_version

_SUPPORTED = ("SGD", "Adam", "AdamW")


def _hyperparameters(optimizer, parameter):
    """The optimizer's settings for `parameter`, refusing what the functional update does not cover."""
    kind = type(optimizer).__name__
    if kind not in _SUPPORTED:
        raise NotImplementedError(f"scalify.torch: optimizer {kind} is not supported (supported: {', '.join(_SUPPORTED)})")
    group = next((g for g in optimizer.param_groups if any(p is parameter for p in g["params"])), None)
    if group is None:
        raise ValueError("scalify.torch: a model parameter is not in the optimizer's parameter groups")
    settings = dict(group)
    if not isinstance(settings["lr"], (int, float)):
        raise NotImplementedError("scalify.torch: the learning rate must be a number (not a tensor)")
    for flag in ("amsgrad", "maximize", "nesterov", "capturable", "differentiable"):
        if settings.get(flag) and not (flag == "nesterov" and kind == "SGD"):
            raise NotImplementedError(f"scalify.torch: {kind}({flag}=True) is not supported")
    if kind == "SGD" and settings.get("dampening", 0) != 0:
        raise NotImplementedError("scalify.torch: SGD(dampening != 0) is not supported")
    return kind, settings


def _update(kind, settings, p, g, state, step):
    """One parameter's update as torch.optim computes it (single-tensor path); returns (p, state)."""
    import torch

    lr, wd = settings["lr"], settings.get("weight_decay", 0.0)
    if kind == "SGD":
        if wd:
            g = g + wd * p
        momentum = settings.get("momentum", 0.0)
        if momentum:
            # torch starts the buffer at g; from a zero buffer with no dampening that is the same.
            buffer = momentum * state[0] + g
            g = g + momentum * buffer if settings.get("nesterov") else buffer
            return p - lr * g, (buffer,)
        return p - lr * g, ()
    beta1, beta2 = settings["betas"]
    eps = settings["eps"]
    if kind == "AdamW":
        p = p * (1 - lr * wd)
    elif wd:
        g = g + wd * p
    m, v = state
    m = m + (1 - beta1) * (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    step_size = lr / (1 - beta1**step)
    denominator = torch.sqrt(v) / torch.sqrt(1 - beta2**step) + eps
    return p - step_size * m / denominator, (m, v)


def _state_names(kind, settings):
    if kind == "SGD":
        return ("momentum_buffer",) if settings.get("momentum", 0.0) else ()
    return ("exp_avg", "exp_avg_sq")


def _stablehlo_constants(module):
    """torch-mlir writes some constants as `arith.constant`; jax serializes StableHLO only. Rewritten in
    place, in the importer's own context (which has StableHLO); returns the module's text."""
    from torch_mlir import ir

    constants = []

    def collect(op):
        if op.name == "arith.constant":
            constants.append(op)
        return ir.WalkResult.ADVANCE

    with module.context:
        module.operation.walk(collect)
        for op in constants:
            with ir.InsertionPoint(op), op.location:
                replacement = ir.Operation.create(
                    "stablehlo.constant", results=[op.result.type], attributes={"value": op.attributes["value"]}
                )
            op.result.replace_all_uses_with(replacement.result)
            op.erase()
    return str(module.operation)


@dataclasses.dataclass
class TorchStep:
    """One training step of a PyTorch model as StableHLO.

    `text`: the module; `@main(*params, *state, step, *inputs) -> (*params, *state, step, loss)`, the
    parameters in `named_parameters()` order. `function(params, state, *inputs)`: that module as a jax
    function on pytrees (`params` and `state` dicts, as `initial_state()` gives them), to pass to
    `scalify.jit` (or `jax.jit`).
    """

    text: str
    parameter_names: list
    state_names: list
    _initial: tuple
    _exported: object = None

    def initial_state(self):
        """(params, state) as NumPy arrays: the model's parameters and the optimizer's zero state."""
        params, state = self._initial
        return {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in state.items()}

    def function(self, params, state, *inputs):
        arguments = [params[n] for n in self.parameter_names] + [state[n] for n in self.state_names] + list(inputs)
        outputs = self._exported.call(*arguments)
        n, k = len(self.parameter_names), len(self.state_names)
        new_params = dict(zip(self.parameter_names, outputs[:n]))
        new_state = dict(zip(self.state_names, outputs[n : n + k]))
        return new_params, new_state, outputs[-1]


def _exported_of(text):
    """`text` (StableHLO, no shardings) as a `jax.export.Exported`: a stand-in function with the same
    signature is exported, and its module swapped for `text`."""
    signature = _Signature.of(text)
    outputs = signature.out_avals

    def stand_in(*args):
        return tuple(jax.numpy.zeros(a.shape, a.dtype) for a in outputs)

    specs = [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in signature.in_avals]
    template = jax.export.export(jax.jit(stand_in, keep_unused=True))(*specs)
    serialized = jax_extend_mlir.serialize_portable_artifact(text.encode(), _target_version(), False)
    return dataclasses.replace(template, mlir_module_serialized=serialized)


def export_step(model, loss_fn, optimizer, *example_inputs):
    """The training step `loss = loss_fn(model(inputs[0]), *inputs[1:])`, its gradients and the
    optimizer's update, exported for `example_inputs`' shapes and dtypes (see the module docstring)."""
    import torch
    from torch.fx.experimental.proxy_tensor import make_fx
    from torch_mlir import fx

    named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    names = [name for name, _ in named]
    settings = [_hyperparameters(optimizer, p) for _, p in named]
    state_layout = [(name, s) for (name, _), (kind, hp) in zip(named, settings) for s in _state_names(kind, hp)]
    n, k = len(named), len(state_layout)

    def step(*flat):
        params, state, count, inputs = flat[:n], flat[n : n + k], flat[n + k], flat[n + k + 1 :]

        # 64-bit integers cross the boundary as 32-bit ones (jax's default), widened here for torch.
        inputs = [x.long() if wide else x for x, wide in zip(inputs, widened)]

        def loss_of(*ps):
            output = torch.func.functional_call(model, dict(zip(names, ps)), (inputs[0],))
            return loss_fn(output, *inputs[1:])

        grads, loss = torch.func.grad_and_value(loss_of, argnums=tuple(range(n)))(*params)
        count = count + 1
        new_params, new_state, position = [], [], 0
        for p, g, (kind, hp) in zip(params, grads, settings):
            width = len(_state_names(kind, hp))
            p, s = _update(kind, hp, p, g, state[position : position + width], count)
            position += width
            new_params.append(p)
            new_state.extend(s)
        return (*new_params, *new_state, count, loss)

    params0 = [p.detach().clone() for _, p in named]
    state0 = [torch.zeros_like(dict(named)[name]) for name, _ in state_layout]
    examples = [torch.as_tensor(np.asarray(x)) for x in example_inputs]
    widened = [x.dtype == torch.int64 for x in examples]
    examples = [x.int() if wide else x for x, wide in zip(examples, widened)]
    traced = make_fx(step, decomposition_table=fx.get_decomposition_table())(
        *params0, *state0, torch.zeros((), dtype=torch.float32), *examples
    )
    module = fx.stateless_fx_import(traced, output_type="stablehlo", model_name="main")
    text = _stablehlo_constants(module)
    state_names = [f"{name}.{s}" for name, s in state_layout] + ["step"]
    initial_params = {name: p.numpy() for name, p in zip(names, params0)}
    initial_state = {name: s.numpy() for name, s in zip(state_names, state0)}
    initial_state["step"] = np.zeros((), np.float32)
    return TorchStep(text, names, state_names, (initial_params, initial_state), _exported_of(text))
