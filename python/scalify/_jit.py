"""`scalify.jit`: jax.jit's calling convention around the scalify pass."""

import contextlib
import dataclasses
import functools
import json

import jax
import jax.numpy as jnp
import numpy as np
import jax.extend.backend
import jax.extend.mlir as jax_extend_mlir
from jax.interpreters import mlir as jax_mlir
from jaxlib.mlir import ir

from . import _scalify
from ._markers import MARKER_TARGETS, emitting_markers
from ._scaled import ScaledArray, _is_float, _pow2_scale_traced



@dataclasses.dataclass(frozen=True)
class Policy:
    """The scalify pass's options (see the README), one field per option (`data_type` is
    `data-type=`). A field left at None takes the pass's default: role data types take `data_type`,
    and f16 data brings its own defaults (inputs rescaled from their RMS, scaled results from their
    max, the optimizer's update in f32; set a field to override). `Policy.preset(name)` gives the
    pass's named presets ("f32", "f16", "bf16", "fp8-hybrid", "fp8-static", "fp8-calibrated").
    With `statistics="calibrated"` (or `fp8_scales="calibrated"`), `scalify.jit` sets `calibration`
    itself (statistics measured, then frozen); a value given here is the frozen calibration to start
    from."""

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
    keep_types: bool | None = None
    fp8_scales: str = "dynamic"
    statistics: str = "dynamic"
    calibration: str | None = None

    @property
    def calibrated(self):
        """Whether statistics are measured once and frozen (what `scalify.jit` then manages)."""
        return self.statistics == "calibrated" or self.fp8_scales == "calibrated"

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
            values[field] = (
                int(value) if field == "fp8_min_flops" else value == "true" if field in ("strict", "keep_types") else value
            )
        assert set(values) <= set(fields), f"preset {name} has options Policy lacks: {set(values) - set(fields)}"
        return dataclasses.replace(cls(**values), **overrides)

    def __post_init__(self):
        # Every value is checked by the pass's own option parser, so errors surface here, not at the
        # first call.
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            allowed = (
                (int,) if field.name == "fp8_min_flops" else (bool,) if field.name in ("strict", "keep_types") else (str,)
            )
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


# Element types of the rewritten module's signature, as jax dtypes.
_ELEMENT_DTYPES = {
    "f64": jnp.float64, "f32": jnp.float32, "f16": jnp.float16, "bf16": jnp.bfloat16,
    "f8E4M3FN": jnp.float8_e4m3fn, "f8E5M2": jnp.float8_e5m2, "i1": jnp.bool_,
    "i8": jnp.int8, "i16": jnp.int16, "i32": jnp.int32, "i64": jnp.int64,
    "ui8": jnp.uint8, "ui16": jnp.uint16, "ui32": jnp.uint32, "ui64": jnp.uint64,
}  # fmt: skip


def _generic_text(module_text):
    """The module in MLIR's generic form with locations, parsed and printed by jax's own MLIR (which
    has Shardy registered): the linked library knows the custom form of the `sdy` ops jax writes
    today, and any `sdy` op in generic form."""
    with jax_mlir.make_ir_context():
        module = ir.Module.parse(module_text)
        return module.operation.get_asm(print_generic_op_form=True, enable_debug_info=True)


def _main_function_type(module_text):
    with jax_mlir.make_ir_context():
        module = ir.Module.parse(module_text)
        main = next(op for op in module.body.operations
                    if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == "main")
        return str(ir.TypeAttr(main.attributes["function_type"]).value)


@contextlib.contextmanager
def _dense_replica_groups():
    """jax >= 0.11 writes the groups of shard_map's collectives as mesh axes
    (`#stablehlo.replica_group_mesh_axes`, StableHLO 1.14), which the linked StableHLO (1.13) cannot
    read; with its option `jax_use_rgv3` off it writes the same groups as device ids, as before."""
    if "jax_use_rgv3" not in jax.config.values:
        yield
        return
    previous = jax.config.values["jax_use_rgv3"]
    jax.config.update("jax_use_rgv3", False)
    try:
        yield
    finally:
        jax.config.update("jax_use_rgv3", previous)


def _before_serialization(jitted, call_args, call_kwargs, exported_text):
    """The module scalify rewrites: jax's lowering as it was before `jax.export` serialized it.

    Serializing legalizes CHLO, so an `Exported` holds erf, erfc, lgamma... as polynomials over
    1/x and exp(-x^2), both branches computed everywhere: scalify rules those ops as whole functions,
    and a branch's values where it is not selected (1/x^2 at x near 0) would otherwise set scales.
    Where the export changed the function's signature (platform, dimension or effect arguments), its
    own module is used."""
    lowered = jitted.lower(*call_args, **call_kwargs)
    text = lowered.compiler_ir("stablehlo").operation.get_asm(print_generic_op_form=True, enable_debug_info=True)
    if _main_function_type(text) != _main_function_type(exported_text):
        return exported_text
    return text


@dataclasses.dataclass(frozen=True)
class _Signature:
    """@main of a rewritten module: avals in and out, and the original positions that became
    (data, scale) pairs."""

    in_avals: tuple
    out_avals: tuple
    scaled_arguments: frozenset
    scaled_results: frozenset

    @staticmethod
    def of(module_text):
        with jax_mlir.make_ir_context():
            module = ir.Module.parse(module_text)
            main = next(
                op
                for op in module.body.operations
                if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == "main"
            )
            function_type = ir.FunctionType(ir.TypeAttr(main.attributes["function_type"]).value)

            def aval(t):
                tensor = ir.RankedTensorType(t)
                return jax.core.ShapedArray(tuple(tensor.shape), _ELEMENT_DTYPES[str(tensor.element_type)])

            def positions(name):
                if name not in main.attributes:
                    return frozenset()
                return frozenset(int(i) for i in ir.DenseI64ArrayAttr(main.attributes[name]))

            return _Signature(
                tuple(aval(t) for t in function_type.inputs),
                tuple(aval(t) for t in function_type.results),
                positions("scalify.scaled_arguments"),
                positions("scalify.scaled_results"),
            )


def _widen(values, scaled, scale_value):
    """`values` with `scale_value(value)` inserted after each position in `scaled`."""
    widened = []
    for position, value in enumerate(values):
        widened.append(value)
        if position in scaled:
            widened.append(scale_value(value))
    return tuple(widened)


def _replicated(sharding):
    """The sharding of a scale next to data sharded as `sharding`: replicated on the same mesh."""
    if sharding is None:
        return None
    return jax.sharding.NamedSharding(sharding.mesh, jax.sharding.PartitionSpec())


class _Compiled:
    """One input signature. jax.export lowers the function (shardings, platforms and calling
    convention included); scalify rewrites its module; the result is wrapped back into an `Exported`,
    which jax calls like any other: eagerly, inside `jax.jit`, inside another scalified function, on
    any number of devices."""

    def __init__(self, jitted, call_args, call_kwargs, policy, donate_argnums):
        self.policy = policy
        markers = [jax.export.DisabledSafetyCheck.custom_call(target) for target in MARKER_TARGETS]
        exported = jax.export.export(jitted, disabled_checks=markers)(*call_args, **call_kwargs)
        if len(exported.module_kept_var_idx) != len(exported.in_avals):
            raise ValueError("scalify.jit: the exported module dropped unused arguments")
        original = _before_serialization(jitted, call_args, call_kwargs, _generic_text(exported.mlir_module()))
        text, report = _scalify.rewrite(original, policy.options())
        self.lowered = Lowered(text, json.loads(report), original)
        # Calibrated statistics: one more result after the step's own (the measured statistics, or the
        # frozen step's overflow flag).
        self.extra_result = (self.lowered.report.get("calibration") or {}).get("mode")
        signature = _Signature.of(text)
        self.signature = signature
        self.out_tree = exported.out_tree
        # As jax.export serializes: Shardy ops kept as such where the backend reads them (mixed).
        mixed = getattr(jax.extend.backend.get_backend(), "serialize_with_sdy", False)
        serialized = jax_extend_mlir.serialize_portable_artifact(text.encode(), _target_version(), mixed)
        changes = dict(
            mlir_module_serialized=serialized,
            in_avals=signature.in_avals,
            out_avals=signature.out_avals,
            in_tree=jax.tree_util.tree_structure((tuple(range(len(signature.in_avals))), {})),
            out_tree=jax.tree_util.tree_structure(tuple(range(len(signature.out_avals)))),
            in_shardings_hlo=_widen(exported.in_shardings_hlo, signature.scaled_arguments, lambda _: None),
            out_shardings_hlo=_widen(exported.out_shardings_hlo, signature.scaled_results, lambda _: None)
            + ((None,) if self.extra_result else ()),
            module_kept_var_idx=tuple(range(len(signature.in_avals))),
            _get_vjp=None,
        )
        # Named shardings: absent from jax 0.8's Exported, optional in 0.9-0.10
        # (`_has_named_shardings`), always there from 0.11.
        fields = {field.name for field in dataclasses.fields(exported)}
        if "_in_named_shardings" in fields:
            if "_has_named_shardings" in fields and not jax.config.jax_use_shardy_partitioner:
                # GSPMD: the module's own `mhlo.sharding` annotations place the values (jax 0.10
                # cannot call an export's named shardings without Shardy).
                changes["_has_named_shardings"] = False
            elif getattr(exported, "_has_named_shardings", True):
                changes["_in_named_shardings"] = _widen(
                    exported._in_named_shardings, signature.scaled_arguments, _replicated
                )
                changes["_out_named_shardings"] = _widen(
                    exported._out_named_shardings, signature.scaled_results, _replicated
                )
                if self.extra_result:
                    mesh_of = next((s for s in exported._out_named_shardings if s is not None), None)
                    changes["_out_named_shardings"] += (_replicated(mesh_of),)
        self.exported = dataclasses.replace(exported, **{k: v for k, v in changes.items() if k in fields})
        self.out_count = len(exported.out_avals)
        self._call = jax.jit(self._run, donate_argnums=donate_argnums)

    def _run(self, *dynamic_args, **dynamic_kwargs):
        leaves = jax.tree_util.tree_leaves((dynamic_args, dynamic_kwargs), is_leaf=_is_scaled)
        in_avals = iter(self.signature.in_avals)
        arguments = []
        for position, leaf in enumerate(leaves):
            aval = next(in_avals)
            if position in self.signature.scaled_arguments:
                if _is_scaled(leaf):
                    data, scale = leaf.data, leaf.scale
                else:
                    # A plain array where the step takes a scaled one: at the power of two of its RMS,
                    # as `as_scaled` would give it (at scale 1, values beyond f16's range would be inf).
                    scale = _pow2_scale_traced(leaf)
                    data = jnp.asarray(leaf, jnp.float32) / scale
                arguments.append(jnp.asarray(data, aval.dtype))
                arguments.append(jnp.asarray(scale, next(in_avals).dtype))
            else:
                arguments.append(jnp.asarray(leaf.to_array() if _is_scaled(leaf) else leaf, aval.dtype))
        outputs = iter(self.exported.call(*arguments))
        results = []
        for position in range(self.out_count):
            value = next(outputs)
            results.append(ScaledArray(value, next(outputs)) if position in self.signature.scaled_results else value)
        tree = jax.tree_util.tree_unflatten(self.out_tree, results)
        return (tree, next(outputs)) if self.extra_result else tree

    def __call__(self, dynamic_args, dynamic_kwargs):
        return self._call(*dynamic_args, **dynamic_kwargs)


class _Calibrated:
    """Calibrated statistics (`statistics=calibrated`, or `fp8-scales=calibrated`) for one input
    signature: a measuring step (each statistic computed as dynamic scaling does, their powers of two
    returned) and a frozen one compiled with them as constants (no statistic; an overflow flag
    returned). The first call measures (and the next ones, while a statistic is of an all-zero
    tensor, up to `ZERO_STATISTIC_PATIENCE` in a row); each later call runs the frozen
    step and reads its flag (one boolean to the host), and when it is up (a value beyond its format's
    range at a frozen statistic made the step's results non-finite) runs the measuring step on the
    same arguments instead, returns its results and freezes its statistics. Under an outer trace, where
    the flag cannot be read, the choice is a `lax.cond` on the device (the frozen scales stay)."""

    def __init__(self, compile_step, policy):
        self._compile_step = compile_step
        self._policy = policy
        start = policy.calibration
        self.measuring = compile_step(dataclasses.replace(policy, calibration="measure"))
        self.frozen = compile_step(policy) if start not in (None, "measure") else None
        self.exponents = None
        self.calibrations = 0
        self.measured_in_a_row = 0

    @property
    def lowered(self):
        return (self.frozen or self.measuring).lowered

    # Measuring steps in a row before a statistic of an all-zero tensor is frozen anyway.
    ZERO_STATISTIC_PATIENCE = 3

    def _measured(self, scales):
        """Freezes the scales a measuring step gave, unless one is of an all-zero tensor (biases and
        AdamW's moments on the first step): such a scale says nothing of the tensor's next values, so
        the next step measures again, up to `ZERO_STATISTIC_PATIENCE` steps in a row. Calibrated on
        its first step (those tensors at scale 1, their next values in f16's subnormals), the
        char-level GPT's step-50 updates were off by 34% (median over tensors) with no overflow to
        flag; calibrated on its second step, by 0.17%, as the measuring step's 0.16%."""
        scales = np.asarray(scales, np.float64)
        self.measured_in_a_row += 1
        if (scales == 0).any() and self.measured_in_a_row < self.ZERO_STATISTIC_PATIENCE:
            self.frozen = None
            return
        self.measured_in_a_row = 0
        self._freeze(scales)

    def _freeze(self, scales):
        # Frozen exactly as measured: the room an FP8 operand has to grow is built into the rewrite
        # (under calibration its max is cast at half the headroom, in both steps). A frozen scale
        # raised above its measured one would shrink its data, and every product downstream would
        # compound it (f16 data then flushes).
        # A tensor still all zero after `ZERO_STATISTIC_PATIENCE` steps (a gradient that never
        # flows) is frozen at f32's smallest normal, 2^-126, next to the 0 its measuring step gave it:
        # every scale derived from it (a sum's common scale is the larger one) is then the measuring
        # step's (frozen at 1, a zero bias added to an output at scale 2^-1 moved their sum to scale 1:
        # seen on the GPT step). Should it turn non-zero, its data is its value times 2^126: held
        # where the data type's range holds it, else an overflow the flag sees.
        with np.errstate(divide="ignore"):
            log2 = np.log2(scales)
        exponents = np.round(np.nan_to_num(log2, neginf=-126.0, posinf=127.0)).astype(int)
        self.exponents = np.clip(exponents, -126, 127)
        calibration = ",".join(str(e) for e in self.exponents)
        self.frozen = self._compile_step(dataclasses.replace(self._policy, calibration=calibration))
        self.calibrations += 1

    def __call__(self, *arguments):
        traced = any(_is_tracer(x) for x in jax.tree_util.tree_leaves(arguments))
        if self.frozen is None:
            results, scales = self.measuring(*arguments)
            if not traced:
                self._measured(scales)
            return results
        results, overflowed = self.frozen(*arguments)
        if traced:
            return jax.lax.cond(overflowed, lambda: self.measuring(*arguments)[0], lambda: results)
        if bool(overflowed):
            results, scales = self.measuring(*arguments)
            self._measured(scales)
        return results


def _target_version():
    """The StableHLO version the rewritten module is serialized at: jax's own current one (the module
    is deserialized by the same jaxlib that serializes it)."""
    from jaxlib.mlir.dialects import stablehlo

    return stablehlo.get_current_version()


def _committed(tree):
    """Arrays on one device placed there explicitly, when every array of the call is on one device.
    Results come back committed to their device; a first call with uncommitted arrays (fresh
    `jnp.asarray`, NumPy) would otherwise compile the step a second time on the second call, once
    it is fed its own results."""
    leaves = jax.tree_util.tree_leaves(tree)
    if any(_is_tracer(x) for x in leaves):
        return tree
    devices = {d for x in leaves if isinstance(x, jax.Array) for d in x.sharding.device_set}
    if len(devices) > 1:
        return tree
    device = devices.pop() if devices else jax.devices()[0]
    commit = lambda x: jax.device_put(x, device) if isinstance(x, (jax.Array, np.ndarray)) else x
    return jax.tree_util.tree_map(commit, tree)


def _is_tracer(x):
    return isinstance(x, jax.core.Tracer)


class Scalified:
    """A function compiled through the scalify pass; call it like the result of `jax.jit`."""

    def __init__(self, fn, policy, static_argnums, static_argnames, jit_kwargs):
        self.fn = fn
        self.policy = _policy(policy)
        self.static_argnums = tuple(static_argnums) if isinstance(static_argnums, (tuple, list)) else (static_argnums,)
        self.static_argnames = (
            tuple(static_argnames) if isinstance(static_argnames, (tuple, list)) else (static_argnames,)
        )
        jit_kwargs = dict(jit_kwargs)
        donate = jit_kwargs.pop("donate_argnums", ())
        self.donate_argnums = tuple(donate) if isinstance(donate, (tuple, list)) else (donate,)
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
        return static, dynamic_args, dynamic_kwargs

    @staticmethod
    def _spec(leaf):
        """What the original (unscaled) function is lowered for: shape, dtype, and the sharding of a
        concrete array spread over a mesh (a tracer's comes from the enclosing jit)."""
        array = leaf.data if _is_scaled(leaf) else leaf
        dtype = jnp.float32 if _is_scaled(leaf) else (array.dtype if hasattr(array, "dtype") else jnp.asarray(array).dtype)
        sharding = getattr(array, "sharding", None) if isinstance(array, jax.Array) and not _is_tracer(array) else None
        if not isinstance(sharding, jax.sharding.NamedSharding) or sharding.mesh.size == 1:
            sharding = None
        return jax.ShapeDtypeStruct(np.shape(array), dtype, sharding=sharding)

    def _compiled(self, args, kwargs):
        static, dynamic_args, dynamic_kwargs = self._split(args, kwargs)
        leaves, tree = jax.tree_util.tree_flatten((dynamic_args, dynamic_kwargs), is_leaf=_is_scaled)
        specs = [self._spec(leaf) for leaf in leaves]
        key = (static, tree, tuple((s.shape, str(s.dtype), s.sharding) for s in specs))
        if key not in self._cache:
            spec_args, spec_kwargs = jax.tree_util.tree_unflatten(tree, specs)
            call_args = list(spec_args)
            for i, value in sorted((i, v) for i, v in static if isinstance(i, int)):
                call_args.insert(i, value)
            call_kwargs = dict(spec_kwargs, **{k: v for k, v in static if isinstance(k, str)})
            # Donation is by position among the dynamic arguments.
            donate = tuple(i - sum(s < i for s in self.static_argnums) for i in self.donate_argnums)
            def compile_step(policy, donate=donate):
                with emitting_markers(), _dense_replica_groups():
                    return _Compiled(self._jitted, call_args, call_kwargs, policy, donate)

            if self.policy.calibrated:
                # The measuring step may run again on the frozen step's arguments: nothing is donated.
                self._cache[key] = _Calibrated(functools.partial(compile_step, donate=()), self.policy)
            else:
                self._cache[key] = compile_step(self.policy)
        return self._cache[key], dynamic_args, dynamic_kwargs

    def lower(self, *args, **kwargs) -> Lowered:
        """The rewritten module for these arguments (`.as_text()`, `.report`, `.original`); with
        calibrated FP8 scales, the frozen step once calibrated, else the measuring one."""
        return self._compiled(args, kwargs)[0].lowered

    def calibrations(self, *args, **kwargs) -> int:
        """With calibrated statistics: how many times they were measured and frozen for these
        arguments' signature (1 after the first call; each overflow adds one)."""
        compiled = self._compiled(args, kwargs)[0]
        return compiled.calibrations if isinstance(compiled, _Calibrated) else 0

    def __call__(self, *args, **kwargs):
        compiled, dynamic_args, dynamic_kwargs = self._compiled(args, kwargs)
        return compiled(*_committed((dynamic_args, dynamic_kwargs)))


def jit(fn=None, *, policy="f32", static_argnums=(), static_argnames=(), **jit_kwargs):
    """Like `jax.jit`, with the scalify pass between lowering and compilation.

    `policy`: a preset name ("f32", "f16", "bf16", "fp8-hybrid", "fp8-static", "fp8-calibrated") or a
    `Policy`. With calibrated statistics (`statistics="calibrated"`, "fp8-calibrated") the first call
    measures them and later calls run with them frozen, recalibrating when a step overflows (see `_Calibrated`); `donate_argnums` is then ignored. With a scaled signature
    (fp8-hybrid), float arguments may be `ScaledArray`s and float results are `ScaledArray`s, so
    parameters and optimizer state stay scaled low-precision data between steps.
    """
    if fn is None:
        return functools.partial(
            jit, policy=policy, static_argnums=static_argnums, static_argnames=static_argnames, **jit_kwargs
        )
    return Scalified(fn, policy, static_argnums, static_argnames, jit_kwargs)
