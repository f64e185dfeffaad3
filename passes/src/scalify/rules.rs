//! The rule table: every op scalify knows, and the family of rule that scales it. One row per op,
//! read top to bottom; the families are implemented in `families/`, the driver only looks rows up.
//!
//! Notation: a value is `data * scale`; `R` rounds to a power of two; `sa`, `sb` are operand scales.

use super::families::Family::{self, *};

/// (op name, family, why)
pub const RULES: &[(&str, Family, &str)] = &[
    // Layout and data movement: the data moves, the scale stays.
    ("stablehlo.reshape", Invariant, "op(a), sa"),
    ("stablehlo.broadcast_in_dim", Invariant, "op(a), sa"),
    ("stablehlo.transpose", Invariant, "op(a), sa"),
    ("stablehlo.slice", Invariant, "op(a), sa"),
    ("stablehlo.reverse", Invariant, "op(a), sa"),
    ("stablehlo.dynamic_slice", Invariant, "op(a, indices), sa"),
    ("stablehlo.real_dynamic_slice", Invariant, "op(a, indices), sa"),
    ("stablehlo.gather", Invariant, "gather(a, indices), sa"),
    ("stablehlo.dynamic_reshape", Invariant, "op(a, shape), sa"),
    ("stablehlo.dynamic_broadcast_in_dim", Invariant, "op(a, shape), sa"),
    ("stablehlo.negate", Invariant, "-a, sa"),
    ("stablehlo.abs", Invariant, "|a|, sa"),
    ("stablehlo.optimization_barrier", Invariant, "barrier over data; scales pass by"),
    // Products: scales multiply, data does not move.
    ("stablehlo.multiply", Product, "a*b, sa*sb (a power-of-two splat factor costs nothing)"),
    ("stablehlo.divide", Quotient, "a/b, sa/sb"),
    ("chlo.square", Square, "a*a, sa^2"),
    // Sums: both operands brought to S = R(sqrt(sa^2 + sb^2)).
    ("stablehlo.add", Sum, "a*sa/S + b*sb/S, S = R(sqrt(sa^2+sb^2)); a zero operand keeps the other's scale"),
    ("stablehlo.subtract", Sum, "a*sa/S - b*sb/S, S = R(sqrt(sa^2+sb^2))"),
    // Selections: every float operand brought to the largest scale; 0 and +-inf splats take any scale.
    ("stablehlo.maximum", AlignMax, "max(a*sa/S, b*sb/S), S = max(sa, sb)"),
    ("stablehlo.minimum", AlignMax, "min(a*sa/S, b*sb/S), S = max(sa, sb)"),
    ("stablehlo.clamp", Clamp, "finite bounds bound the result: all three at S = max(s_lo, s_hi)"),
    ("stablehlo.select", AlignMax, "select(p, a*sa/S, b*sb/S), S = max(sa, sb)"),
    ("stablehlo.concatenate", AlignMax, "inputs at S = max of scales"),
    ("stablehlo.pad", AlignMax, "pad(a, v) at S = max(sa, sv)"),
    ("stablehlo.dynamic_update_slice", AlignMax, "operand and update at S = max of scales"),
    ("stablehlo.compare", AlignMax, "compare(a*sa/S, b*sb/S): a common positive scale keeps order"),
    ("stablehlo.atan2", AlignedToUnit, "atan2 of operands at a common scale, result scale 1"),
    // Scale-free results: functions of the data alone.
    ("stablehlo.sign", ScaleFree, "sign(a), 1"),
    ("stablehlo.is_finite", ScaleFree, "is_finite(a): scales are finite"),
    // Homogeneous functions with power-of-two scales.
    ("stablehlo.sqrt", Sqrt, "sqrt(a*k), R(sqrt(sa)) with k = sa/R(sqrt(sa))^2 in {1, 2}"),
    ("stablehlo.rsqrt", Rsqrt, "rsqrt(a*k), 1/R(sqrt(sa))"),
    ("stablehlo.power", Power, "a^n, sa^n for a splat integer exponent; otherwise unscaled"),
    // Non-homogeneous functions: computed on unscaled f32 values, result scale 1.
    ("stablehlo.exponential", Unscaled, "exp(a*sa), 1"),
    ("stablehlo.exponential_minus_one", Unscaled, "expm1(a*sa), 1"),
    ("stablehlo.log", Unscaled, "log(a*sa), 1"),
    ("stablehlo.log_plus_one", Unscaled, "log1p(a*sa), 1"),
    ("stablehlo.logistic", Unscaled, "logistic(a*sa), 1"),
    ("stablehlo.tanh", Unscaled, "tanh(a*sa), 1"),
    ("stablehlo.sine", Unscaled, "sin(a*sa), 1"),
    ("stablehlo.cosine", Unscaled, "cos(a*sa), 1"),
    ("stablehlo.tan", Unscaled, "tan(a*sa), 1"),
    ("stablehlo.cbrt", Unscaled, "cbrt(a*sa), 1"),
    ("stablehlo.floor", Unscaled, "floor(a*sa), 1"),
    ("stablehlo.ceil", Unscaled, "ceil(a*sa), 1"),
    ("stablehlo.round_nearest_even", Unscaled, "round(a*sa), 1"),
    ("stablehlo.round_nearest_afz", Unscaled, "round(a*sa), 1"),
    ("stablehlo.remainder", Unscaled, "rem(a*sa, b*sb), 1"),
    ("stablehlo.reduce_precision", Unscaled, "the rounding is of the true value"),
    ("stablehlo.bitcast_convert", Unscaled, "bits of the true value"),
    ("chlo.erf", Unscaled, "erf(a*sa), 1"),
    ("chlo.erfc", Unscaled, "erfc(a*sa), 1"),
    ("chlo.erf_inv", Unscaled, "erf_inv(a*sa), 1"),
    ("chlo.lgamma", Unscaled, "lgamma(a*sa), 1"),
    ("chlo.digamma", Unscaled, "digamma(a*sa), 1"),
    // Types and literals.
    ("stablehlo.convert", Convert, "float->float keeps data and scale; to and from integers via f32"),
    ("stablehlo.constant", Constant, "splat v = m * R(v) at compile time; dense: scale R(max|v|)"),
    ("arith.constant", Constant, "as stablehlo.constant (torch-mlir emits these)"),
    ("stablehlo.iota", Iota, "iota / R(n), R(n)"),
    // Contractions: the sum over K products is brought back near unit scale by r = R(sqrt(K)).
    ("stablehlo.dot_general", DotGeneral, "dot(a, b)/r, sa*sb*r, K = product of contracting sizes"),
    ("stablehlo.convolution", Convolution, "conv(a, b)/r, sa*sb*r, K = kernel spatial size * input features per group"),
    // Reductions over regions: computed in the op's own float type on scaled data.
    (
        "stablehlo.reduce",
        Reduce,
        "sum: sum(a)/r, sa*r, r = R(sqrt(N)); max/min: op(a), sa; selections (argmax) at a common scale",
    ),
    ("stablehlo.reduce_window", Reduce, "as reduce, N = window size"),
    (
        "stablehlo.select_and_scatter",
        SelectAndScatter,
        "select on a (its scale cancels), scatter-add of source: s_source",
    ),
    ("stablehlo.scatter", Scatter, "add/replace updates: operand and updates at S = max of scales"),
    ("stablehlo.sort", Sort, "comparator on data at a common scale"),
    // Control flow: loop-carried scales are fixed on entry (static) or carried (dynamic).
    ("stablehlo.while", While, "carried data at the entry scale, rescaled at each yield"),
    ("stablehlo.case", Case, "branches yield data at a common scale"),
    ("stablehlo.if", Case, "branches yield data at a common scale"),
];

/// `stablehlo.custom_call` targets scalify knows: the markers user code places (the Python package
/// emits them; without scalify they are identities, removed by `scalify-strip-markers`).
pub const CUSTOM_CALLS: &[(&str, Family, &str)] = &[
    ("scalify.dynamic_rescale_max", RescaleMax, "a / R(max|a|), sa * R(max|a|), floored at 2^-14"),
    ("scalify.dynamic_rescale_l1", RescaleL1, "a / R(mean|a|), sa * R(mean|a|)"),
    ("scalify.dynamic_rescale_l2", RescaleL2, "a / R(rms(a)), sa * R(rms(a))"),
    // The _grad twins are identities forward; on the cotangent the Python side emits them, and there
    // they rescale like their forward counterparts.
    ("scalify.dynamic_rescale_max_grad", RescaleMax, "as dynamic_rescale_max, on a cotangent"),
    ("scalify.dynamic_rescale_l1_grad", RescaleL1, "as dynamic_rescale_l1, on a cotangent"),
    ("scalify.dynamic_rescale_l2_grad", RescaleL2, "as dynamic_rescale_l2, on a cotangent"),
    ("scalify.fp8_forward", Marker, "identity; the FP8 lowering reads it as a format hint"),
    ("scalify.fp8_backward", Marker, "identity; the FP8 lowering reads it as a format hint"),
];

/// The row of `op` (for `stablehlo.custom_call`, of its target), if scalify has a rule for it.
pub fn find(op: &str, custom_call_target: Option<&str>) -> Option<&'static (&'static str, Family, &'static str)> {
    match custom_call_target {
        Some(target) => CUSTOM_CALLS.iter().find(|(name, _, _)| *name == target),
        None => RULES.iter().find(|(name, _, _)| *name == op),
    }
}

/// Whether `target` is one of scalify's markers (removable identities).
pub fn is_marker(target: &str) -> bool {
    CUSTOM_CALLS.iter().any(|(name, _, _)| *name == target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_op() {
        let mut names: Vec<&str> = RULES.iter().map(|(name, _, _)| *name).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "an op has two rows");
    }
}
