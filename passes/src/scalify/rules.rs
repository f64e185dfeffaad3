//! The rule table: every op scalify knows, and the family of rule that scales it. One row per op,
//! read top to bottom; the families are implemented in `families/`, the driver only looks rows up.
//!
//! Notation: a value is `data * scale`; `R` rounds to a power of two; `sa`, `sb` are operand scales.
//!
//! The sentinel column says what an operand that is a *sentinel* does to the common scale: a value
//! derived only from constants and non-float values whose every element is 0, +-inf or far outside
//! the data type's range (`finfo.min` in an attention mask, `(1 - mask) * -1e9`). Under `Saturate` a
//! sentinel never sets the scale: it is represented at the other operands' scale, saturated to the
//! data type's largest finite value (infinities kept), so masking keeps its meaning. Under `Vote` it
//! counts like any operand.

use super::families::Family::{self, *};
use super::families::Sentinels::{self, *};
use super::families::SplatMap;

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub op: &'static str,
    pub family: Family,
    pub sentinels: Sentinels,
    /// The rule as a formula, for readers and the report (`--scalify-report` prints it per op).
    pub formula: &'static str,
    /// What the op does to a splat constant's value, for rules that fold splats at compile time.
    pub splat: SplatMap,
    /// The op only moves or casts its first operand's elements (the FP8 lowering looks through it
    /// for a format marker and for the pass a value belongs to).
    pub layout: bool,
}

const fn rule(op: &'static str, family: Family, sentinels: Sentinels, formula: &'static str) -> Rule {
    Rule { op, family, sentinels, formula, splat: SplatMap::Same, layout: false }
}

impl Rule {
    const fn splat(self, splat: SplatMap) -> Rule {
        Rule { splat, ..self }
    }

    const fn layout(self) -> Rule {
        Rule { layout: true, ..self }
    }
}

pub const RULES: &[Rule] = &[
    // Layout and data movement: the data moves, the scale stays.
    rule("stablehlo.reshape", Invariant, Vote, "op(a), sa").layout(),
    rule("stablehlo.broadcast_in_dim", Invariant, Vote, "op(a), sa").layout(),
    rule("stablehlo.transpose", Invariant, Vote, "op(a), sa").layout(),
    rule("stablehlo.slice", Invariant, Vote, "op(a), sa").layout(),
    rule("stablehlo.reverse", Invariant, Vote, "op(a), sa"),
    rule("stablehlo.dynamic_slice", Invariant, Vote, "op(a, indices), sa"),
    rule("stablehlo.real_dynamic_slice", Invariant, Vote, "op(a, indices), sa"),
    rule("stablehlo.gather", Invariant, Vote, "gather(a, indices), sa"),
    rule("stablehlo.dynamic_reshape", Invariant, Vote, "op(a, shape), sa"),
    rule("stablehlo.dynamic_broadcast_in_dim", Invariant, Vote, "op(a, shape), sa"),
    rule("stablehlo.negate", Invariant, Vote, "-a, sa").splat(SplatMap::Negate),
    rule("stablehlo.abs", Invariant, Vote, "|a|, sa").splat(SplatMap::Abs),
    rule("stablehlo.optimization_barrier", Barrier, Vote, "barrier over data; scales pass by, one to one"),
    // Products: scales multiply, data does not move.
    rule(
        "stablehlo.multiply",
        Product,
        Vote,
        "a*b, sa*sb (a power-of-two splat factor costs nothing; times zero: zero); a*a as chlo.square",
    ),
    rule("stablehlo.divide", Quotient, Vote, "a/b, sa/sb; by tensor data at f16/FP8: q = a/b in f32, R(max|q|) sa/sb"),
    rule("chlo.square", Square, Vote, "a*a, sa^2 (a run-time sa kept in [2^-126, 2^63], its excess in the data)"),
    // Sums: both operands brought to S = R(sqrt(sa^2 + sb^2)).
    rule(
        "stablehlo.add",
        Sum,
        Saturate,
        "a*sa/S + b*sb/S, S = R(sqrt(sa^2+sb^2)); a zero operand keeps the other's scale",
    ),
    rule("stablehlo.subtract", Sum, Saturate, "a*sa/S - b*sb/S, S = R(sqrt(sa^2+sb^2)); a - a: zero at any scale"),
    // Selections: every float operand brought to the largest scale; 0 and +-inf splats take any scale.
    // Element-wise choices (max, min, select) can take every element from the smaller operand, which
    // the larger scale flushes in f16: scales that may lie far apart choose in f32, rescaled from the max.
    rule(
        "stablehlo.maximum",
        Choose,
        Saturate,
        "max(a*sa/S, b*sb/S), S = max(sa, sb); f16, far apart: in f32, R(max|y|)",
    ),
    rule(
        "stablehlo.minimum",
        Choose,
        Saturate,
        "min(a*sa/S, b*sb/S), S = max(sa, sb); f16, far apart: in f32, R(max|y|)",
    ),
    rule(
        "stablehlo.clamp",
        Clamp,
        Saturate,
        "finite bounds (0 counts): S = max(s_lo, s_hi), or min(sx, that) for constant bounds around 0; an open side: S = sx, bounds saturating (f16, sx far above the bound: a choice, in f32)",
    ),
    rule(
        "stablehlo.select",
        Choose,
        Saturate,
        "select(p, a*sa/S, b*sb/S), S = max(sa, sb); f16, far apart: in f32, R(max|y|)",
    ),
    rule("stablehlo.concatenate", AlignMax, Vote, "inputs at S = max of scales"),
    rule("stablehlo.pad", AlignMax, Saturate, "pad(a, v) at S = max(sa, sv)"),
    rule("stablehlo.dynamic_update_slice", AlignMax, Vote, "operand and update at S = max of scales"),
    rule("stablehlo.compare", AlignMax, Saturate, "compare(a*sa/S, b*sb/S): a common positive scale keeps order"),
    rule("stablehlo.atan2", AlignedToUnit, Vote, "atan2 of operands at a common scale, result scale 1"),
    // Scale-free results: functions of the data alone.
    rule("stablehlo.sign", ScaleFree, Vote, "sign(a), 1"),
    rule("stablehlo.is_finite", ScaleFree, Vote, "is_finite(a): scales are finite"),
    // Homogeneous functions with power-of-two scales.
    rule("stablehlo.sqrt", Sqrt, Vote, "sqrt(a*k), R(sqrt(sa)) with k = sa/R(sqrt(sa))^2 in {1, 2}"),
    rule("stablehlo.rsqrt", Rsqrt, Vote, "rsqrt(a*k), 1/R(sqrt(sa))"),
    rule(
        "stablehlo.power",
        Power,
        Vote,
        "a^n, sa^n for a splat exponent n in {-1, 0, 1}; otherwise unscaled (|n| >= 2 would move the data's exponent n-fold)",
    ),
    // Non-homogeneous functions of bounded result: computed on unscaled f32 values, result scale 1.
    rule("stablehlo.log", Unscaled, Vote, "log(a*sa), 1"),
    rule("stablehlo.log_plus_one", Unscaled, Vote, "log1p(a*sa), 1"),
    rule("stablehlo.logistic", Unscaled, Vote, "logistic(a*sa), 1"),
    rule("stablehlo.cosine", Unscaled, Vote, "cos(a*sa), 1"),
    rule("chlo.erfc", Unscaled, Vote, "erfc(a*sa), 1"),
    rule("chlo.erf_inv", Unscaled, Vote, "erf_inv(a*sa), 1"),
    rule("chlo.digamma", Unscaled, Vote, "digamma(a*sa), 1"),
    // Contracting functions, |f(x)| <= min(c|x|, 1): small where the input is small.
    rule("stablehlo.tanh", Contracting, Vote, "tanh(a*sa)/m, m = min(sa, 1)"),
    rule("stablehlo.sine", Contracting, Vote, "sin(a*sa)/m, m = min(sa, 1)"),
    rule("chlo.erf", Contracting, Vote, "erf(a*sa)/m, m = min(sa, 1)"),
    // Results the inputs' scales do not bound: computed unscaled; where the data type's range is
    // narrower than the result's (f16, FP8), the scale comes from the result's max at run time.
    rule("stablehlo.exponential", Unbounded, Vote, "exp(a*sa) = y, R(max|y|) at f16, else 1"),
    rule("stablehlo.exponential_minus_one", Unbounded, Vote, "expm1(a*sa) = y, R(max|y|) at f16, else 1"),
    rule("stablehlo.tan", Unbounded, Vote, "tan(a*sa) = y, R(max|y|) at f16, else 1"),
    rule("stablehlo.cbrt", Unbounded, Vote, "cbrt(a*sa) = y, R(max|y|) at f16, else 1"),
    rule("stablehlo.bitcast_convert", Unbounded, Vote, "bits of the true value"),
    rule("chlo.lgamma", Unbounded, Vote, "lgamma(a*sa) = y, R(max|y|) at f16, else 1"),
    rule("chlo.cosh", Unbounded, Vote, "cosh(a*sa) = y, R(max|y|) at f16, else 1"),
    rule("chlo.sinh", Unbounded, Vote, "sinh(a*sa) = y, R(max|y|) at f16, else 1"),
    // Results as large as the first operand: computed unscaled, re-expressed at its scale.
    rule("stablehlo.floor", AtInputScale, Vote, "floor(a*sa)/sa, sa"),
    rule("stablehlo.ceil", AtInputScale, Vote, "ceil(a*sa)/sa, sa"),
    rule("stablehlo.round_nearest_even", AtInputScale, Vote, "round(a*sa)/sa, sa"),
    rule("stablehlo.round_nearest_afz", AtInputScale, Vote, "round(a*sa)/sa, sa"),
    rule("stablehlo.remainder", AtInputScale, Vote, "rem(a*sa, b*sb)/sa, sa"),
    rule("stablehlo.reduce_precision", AtInputScale, Vote, "the rounding is of the true value: rp(a*sa)/sa, sa"),
    // Types and literals.
    rule(
        "stablehlo.convert",
        Convert,
        Vote,
        "float->float keeps data and scale (f64 data, kept, enters or leaves f16/FP8 at R(max|x|)); integers via f32",
    )
    .layout(),
    rule("stablehlo.constant", Constant, Vote, "splat v = m * R(v) at compile time; dense: scale R(max|v|)"),
    rule("arith.constant", Constant, Vote, "as stablehlo.constant (torch-mlir emits these)"),
    rule("stablehlo.iota", Iota, Vote, "iota / R(n - 1), R(n - 1): the largest index near 1"),
    // Contractions: the sum over K products is brought back near unit scale by r = R(sqrt(K)).
    rule(
        "stablehlo.dot_general",
        DotGeneral,
        Vote,
        "dot(a, b)/r, sa*sb*r, K = product of contracting sizes; with a zero operand: zero; dot(a, a) at f16 on a bounded by 1",
    ),
    rule(
        "stablehlo.convolution",
        Convolution,
        Vote,
        "conv(a, b)/r, sa*sb*r, K = kernel spatial size * input features per group",
    ),
    // Reductions over regions: computed in the op's own float type on scaled data.
    rule(
        "stablehlo.reduce",
        Reduce,
        Vote,
        "sum: sum(a)/r, sa*r, r = R(sqrt(N)); max/min: op(a), sa; selections (argmax) at a common scale",
    ),
    rule("stablehlo.reduce_window", Reduce, Vote, "as reduce, N = window size"),
    rule(
        "stablehlo.select_and_scatter",
        SelectAndScatter,
        Vote,
        "select on a (its scale cancels), scatter-add of source: s_source",
    ),
    rule("stablehlo.scatter", Scatter, Vote, "add/replace updates: operand and updates at S = max of scales"),
    rule("stablehlo.sort", Sort, Vote, "comparator on data at a common scale"),
    // Control flow: loop-carried scales are fixed on entry (static) or carried (dynamic).
    rule("stablehlo.while", While, Vote, "carried data at the entry scale, rescaled at each yield"),
    rule("stablehlo.case", Case, Vote, "branches yield data at a common scale"),
    rule("stablehlo.if", Case, Vote, "branches yield data at a common scale"),
    // Collectives: a scale must mean the same on every device, so only static scales cross (an
    // instance with a run-time scale falls back). Sums over N devices: r = R(sqrt(N)).
    rule("stablehlo.all_reduce", CollectiveReduce, Vote, "sum: all_reduce(a)/r, sa*r, N = group size; max/min: sa"),
    rule("stablehlo.reduce_scatter", CollectiveReduce, Vote, "as all_reduce, on each scattered block"),
    rule("stablehlo.all_gather", CollectiveMove, Vote, "op(a), sa"),
    rule("stablehlo.all_to_all", CollectiveMove, Vote, "op(a), sa"),
    rule("stablehlo.collective_permute", CollectiveMove, Vote, "op(a), sa"),
    rule("stablehlo.collective_broadcast", CollectiveMove, Vote, "op(a), sa"),
    // Shardy (read unregistered). shard_map's body: rewritten, entered and left at static scales.
    rule("sdy.manual_computation", IsolatedRegion, Vote, "body(a*sa/S) at S = static part of sa; results likewise"),
    rule("sdy.sharding_constraint", Invariant, Vote, "op(a), sa"),
    rule("sdy.reshard", Invariant, Vote, "op(a), sa"),
    rule("sdy.sharding_group", Invariant, Vote, "op(a): an annotation, no result"),
];

/// `stablehlo.custom_call` targets scalify knows: the markers user code places (the Python package
/// emits them; without scalify they are identities, removed by `scalify-strip-markers`).
pub const CUSTOM_CALLS: &[Rule] = &[
    rule("scalify.dynamic_rescale_max", RescaleMax, Vote, "a / R(max|a|), sa * R(max|a|), floored at 2^-14"),
    rule("scalify.dynamic_rescale_l1", RescaleL1, Vote, "a / R(mean|a|), sa * R(mean|a|)"),
    rule("scalify.dynamic_rescale_l2", RescaleL2, Vote, "a / R(rms(a)), sa * R(rms(a))"),
    // The _grad twins are identities forward; on the cotangent the Python side emits them, and there
    // they rescale like their forward counterparts.
    rule("scalify.dynamic_rescale_max_grad", RescaleMax, Vote, "as dynamic_rescale_max, on a cotangent"),
    rule("scalify.dynamic_rescale_l1_grad", RescaleL1, Vote, "as dynamic_rescale_l1, on a cotangent"),
    rule("scalify.dynamic_rescale_l2_grad", RescaleL2, Vote, "as dynamic_rescale_l2, on a cotangent"),
    rule("scalify.fp8_forward", Marker, Vote, "identity; the FP8 lowering reads it as a format hint"),
    rule("scalify.fp8_backward", Marker, Vote, "identity; the FP8 lowering reads it as a format hint"),
    // GSPMD's sharding annotations and manual-computation boundaries: the data moves, the scale stays
    // (only static scales reach them: see `refuse_gspmd_manual_with_dynamic_scales`).
    rule("Sharding", Invariant, Vote, "op(a), sa"),
    rule("SPMDFullToShardShape", Invariant, Vote, "op(a), sa"),
    rule("SPMDShardToFullShape", Invariant, Vote, "op(a), sa"),
];

/// The row of `op` (for `stablehlo.custom_call`, of its target), if scalify has a rule for it.
pub fn find(op: &str, custom_call_target: Option<&str>) -> Option<&'static Rule> {
    match custom_call_target {
        Some(target) => CUSTOM_CALLS.iter().find(|rule| rule.op == target),
        None => RULES.iter().find(|rule| rule.op == op),
    }
}

/// Whether `target` is one of scalify's markers (removable identities).
pub fn is_marker(target: &str) -> bool {
    target.starts_with("scalify.") && CUSTOM_CALLS.iter().any(|rule| rule.op == target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_op() {
        let mut names: Vec<&str> = RULES.iter().map(|rule| rule.op).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "an op has two rows");
    }
}
