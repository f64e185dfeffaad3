"""`scalify.jit`: jax.jit's calling convention around the scalify pass."""

import dataclasses
import functools
import json

import jax
import jax.numpy as jnp
import numpy as np
from jax._src.lib import xla_client

from . import _scalify
from ._markers import emitting_markers
from ._scaled import ScaledArray, _is_float

_DATA_DTYPES = {"f32": jnp.float32, "f16": jnp.float16, "bf16": jnp.bfloat16}


@dataclasses.dataclass(frozen=True)
class Policy:
    """The scalify pass's options (see the README), one field per option (`data_type` is
    `data-type=`). A field left at None takes the pass's default: role data types take `data_type`,
    and f16 data brings its own defaults (inputs rescaled from their RMS, scaled results from their
    max, the optimizer's update in f32; set a field to override). `Policy.preset(name)` gives the
    pass's named presets ("f32", "f16", "bf16", "fp8-hybrid")."""

    data_type: str = "f32"
    forward_data_type: str | None = None
    backward_data_type: str | None = None
    optimizer_data_type: str | None = None
    state_data_type: str | None = None
    rounding: str = "down"
    signature: str = "keep"
    matmul_type: str = "data"
    fp8_forward: str = "e4m3"
    fp8_backward: str = "e5m2"
    fp8_output: str = "f32"
    rescale: str = "none"
    rescale_inputs: str | None = None
    rescale_results: str | None = None
    fp8_min_flops: int = 0
    strict: bool = False

    @classmethod
    def preset(cls, name, **overrides):
        """The named preset (its options are defined once, in the pass), with fields overridden."""
        presets = dict(_scalify.presets())
        if name not in presets:
            raise ValueError(f"unknown policy preset {name!r} (one of {sorted(presets)})")
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        values = {}
        for item in presets[name].split():
            key, value = item.split("=", 1)
            field = key.replace("-", "_")
            values[field] = int(value) if field == "fp8_min_flops" else value == "true" if field == "strict" else value
        assert set(values) <= set(fields), f"preset {name} has options Policy lacks: {set(values) - set(fields)}"
        return dataclasses.replace(cls(**values), **overrides)

    def __post_init__(self):
        # Every value is checked by the pass's own option parser, so errors surface here, not at the
        # first call.
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            allowed = (int,) if field.name == "fp8_min_flops" else (bool,) if field.name == "strict" else (str,)
            if value is not None and (not isinstance(value, allowed) or isinstance(value, bool) != (allowed == (bool,))):
                raise TypeError(
                    f"Policy.{field.name} must be {allowed[0].__name__}"
                    f"{' or None' if field.default is None else ''}, not {type(value).__name__} {value!r}"
                )
        _scalify.check_options(self.options())

    def options(self) -> str:
        """The pass options, in mlir-opt syntax."""
        items = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            value = str(value).lower() if isinstance(value, bool) else value
            items.append(f"{field.name.replace('_', '-')}={value}")
        return " ".join(items)


def _argument_dtypes(text):
    """{position: dtype} of @main's float arguments, read off the rewritten module's signature."""
    import re

    line = next((l for l in text.splitlines() if "func.func" in l and "@main" in l), "")
    start = line.find("(")
    signature = line[start + 1 : line.find(") ->", start)] if start >= 0 else ""
    dtypes = {}
    for position, match in enumerate(re.finditer(r"tensor<([^>]*)>", signature)):
        element = match.group(1).split("x")[-1]
        if element in _DATA_DTYPES:
            dtypes[position] = _DATA_DTYPES[element]
    return dtypes


def _policy(policy):
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, str):
        return Policy.preset(policy)
    names = ", ".join(repr(name) for name, _ in _scalify.presets())
    raise TypeError(f"policy must be a preset name ({names}) or a scalify.Policy, not {type(policy).__name__} {policy!r}")


def _is_scaled(x):
    return isinstance(x, ScaledArray)


@dataclasses.dataclass
class Lowered:
    """The rewritten module of one input signature."""

    text: str
    report: dict
    original: str

    def as_text(self) -> str:
        return self.text


class _Compiled:
    def __init__(self, lowered_jax, policy):
        self.policy = policy
        original = lowered_jax.as_text(debug_info=True)
        from ._scalify import rewrite

        text, report = rewrite(original, policy.options())
        self.lowered = Lowered(text, json.loads(report), original)
        self.out_tree = lowered_jax.out_tree
        self.out_floats = [
            jnp.issubdtype(info.dtype, jnp.floating) for info in jax.tree_util.tree_leaves(lowered_jax.out_info)
        ]
        # Each argument's element type as the rewrite declares it (parameters in data_type, optimizer
        # state in state_data_type).
        self.argument_dtypes = _argument_dtypes(text)
        devices = jax.devices()[:1]
        backend = devices[0].client
        self.executable = backend.compile_and_load(
            text, xla_client.DeviceList(tuple(devices)), xla_client.CompileOptions()
        )

    def __call__(self, leaves):
        scaled = self.policy.signature == "scaled"
        data_dtype = _DATA_DTYPES[self.policy.data_type]
        arguments = []
        for leaf in leaves:
            if not _is_scaled(leaf):
                leaf = jnp.asarray(leaf)
            if scaled and (_is_scaled(leaf) or _is_float(leaf)):
                if not _is_scaled(leaf):
                    leaf = ScaledArray(jnp.asarray(leaf), jnp.asarray(1.0, jnp.float32))
                arguments.append(jnp.asarray(leaf.data, self.argument_dtypes.get(len(arguments), data_dtype)))
                arguments.append(jnp.asarray(leaf.scale, jnp.float32))
            elif _is_scaled(leaf):
                arguments.append(leaf.to_array())
            else:
                arguments.append(jnp.asarray(leaf))
        outputs = iter(self.executable.execute([jax.device_put(a) for a in arguments]))
        results = []
        for is_float in self.out_floats:
            value = next(outputs)
            results.append(ScaledArray(value, next(outputs)) if scaled and is_float else value)
        return jax.tree_util.tree_unflatten(self.out_tree, results)


class Scalified:
    """A function compiled through the scalify pass; call it like the result of `jax.jit`."""

    def __init__(self, fn, policy, static_argnums, static_argnames, jit_kwargs):
        self.fn = fn
        self.policy = _policy(policy)
        self.static_argnums = tuple(static_argnums) if isinstance(static_argnums, (tuple, list)) else (static_argnums,)
        self.static_argnames = (
            tuple(static_argnames) if isinstance(static_argnames, (tuple, list)) else (static_argnames,)
        )
        self._jitted = jax.jit(
            fn, static_argnums=self.static_argnums, static_argnames=self.static_argnames, keep_unused=True, **jit_kwargs
        )
        self._cache = {}
        functools.update_wrapper(self, fn)

    def _split(self, args, kwargs):
        static = tuple((i, args[i]) for i in self.static_argnums if i < len(args))
        static += tuple((k, kwargs[k]) for k in self.static_argnames if k in kwargs)
        dynamic_args = tuple(a for i, a in enumerate(args) if i not in self.static_argnums)
        dynamic_kwargs = {k: v for k, v in kwargs.items() if k not in self.static_argnames}
        leaves, tree = jax.tree_util.tree_flatten((dynamic_args, dynamic_kwargs), is_leaf=_is_scaled)
        return static, leaves, tree

    @staticmethod
    def _spec(leaf):
        """What the original (unscaled) function is lowered for."""
        if _is_scaled(leaf):
            return jax.ShapeDtypeStruct(leaf.shape, jnp.float32)
        leaf = jnp.asarray(leaf) if not hasattr(leaf, "dtype") else leaf
        return jax.ShapeDtypeStruct(np.shape(leaf), leaf.dtype)

    def _compiled(self, args, kwargs):
        static, leaves, tree = self._split(args, kwargs)
        specs = [self._spec(leaf) for leaf in leaves]
        key = (static, tree, tuple((s.shape, str(s.dtype)) for s in specs))
        if key not in self._cache:
            dynamic_args, dynamic_kwargs = jax.tree_util.tree_unflatten(tree, specs)
            call_args = list(dynamic_args)
            for i, value in sorted((i, v) for i, v in static if isinstance(i, int)):
                call_args.insert(i, value)
            call_kwargs = dict(dynamic_kwargs, **{k: v for k, v in static if isinstance(k, str)})
            with emitting_markers():
                lowered = self._jitted.lower(*call_args, **call_kwargs)
            self._cache[key] = _Compiled(lowered, self.policy)
        return self._cache[key], leaves

    def lower(self, *args, **kwargs) -> Lowered:
        """The rewritten module for these arguments (`.as_text()`, `.report`, `.original`)."""
        return self._compiled(args, kwargs)[0].lowered

    def __call__(self, *args, **kwargs):
        compiled, leaves = self._compiled(args, kwargs)
        return compiled(leaves)


def jit(fn=None, *, policy="f32", static_argnums=(), static_argnames=(), **jit_kwargs):
    """Like `jax.jit`, with the scalify pass between lowering and compilation.

    `policy`: a preset name ("f32", "f16", "bf16", "fp8-hybrid") or a `Policy`. With a scaled signature
    (fp8-hybrid), float arguments may be `ScaledArray`s and float results are `ScaledArray`s, so
    parameters and optimizer state stay scaled low-precision data between steps.
    """
    if fn is None:
        return functools.partial(
            jit, policy=policy, static_argnums=static_argnums, static_argnames=static_argnames, **jit_kwargs
        )
    return Scalified(fn, policy, static_argnums, static_argnames, jit_kwargs)
