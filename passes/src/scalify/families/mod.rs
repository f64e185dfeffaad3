//! Rule families: the few shapes that scale rules take. `rules.rs` maps each op to one of these.

mod collective;
mod contraction;
mod control;
mod elementwise;
mod reduction;

use melior::ir::operation::OperationLike;
use melior::ir::{OperationRef, Type, Value, ValueLike};
use scalify_dialect::melior;
use scalify_dialect::types::is_float_tensor;

use super::rewriter::{Mapped, Rewriter, Scaled, Statistic};
use super::rules::Rule;
use super::scale::{Scale, ScaleMath};

/// What a sentinel operand (an attention mask's `finfo.min`; see `rules.rs`) does to the common
/// scale of a rule that aligns its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sentinels {
    /// Sentinels never set the scale; they are saturated at the others' scale.
    Saturate,
    /// Sentinels count like any operand.
    Vote,
}

/// What an op does to a splat constant's value (a rule that folds splats at compile time reads it
/// from the table, never from the op's name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplatMap {
    Same,
    Negate,
    Abs,
}

impl SplatMap {
    pub fn apply(self, value: f64) -> f64 {
        match self {
            SplatMap::Same => value,
            SplatMap::Negate => -value,
            SplatMap::Abs => value.abs(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Invariant,
    Barrier,
    Product,
    Quotient,
    Square,
    Sum,
    AlignMax,
    Choose,
    Clamp,
    AlignedToUnit,
    ScaleFree,
    Sqrt,
    Rsqrt,
    Power,
    Unscaled,
    Contracting,
    Unbounded,
    AtInputScale,
    Convert,
    Constant,
    Iota,
    DotGeneral,
    Convolution,
    Reduce,
    SelectAndScatter,
    Scatter,
    Sort,
    While,
    Case,
    CollectiveMove,
    CollectiveReduce,
    IsolatedRegion,
    RescaleMax,
    RescaleL1,
    RescaleL2,
    Marker,
}

impl Family {
    /// The name the report uses.
    pub fn name(self) -> &'static str {
        match self {
            Family::Invariant => "invariant",
            Family::Barrier => "barrier",
            Family::Product => "product",
            Family::Quotient => "quotient",
            Family::Square => "square",
            Family::Sum => "sum",
            Family::AlignMax => "align-max",
            Family::Choose => "choose",
            Family::Clamp => "clamp",
            Family::AlignedToUnit => "aligned-to-unit",
            Family::ScaleFree => "scale-free",
            Family::Sqrt => "sqrt",
            Family::Rsqrt => "rsqrt",
            Family::Power => "power",
            Family::Unscaled => "unscaled",
            Family::Contracting => "contracting",
            Family::Unbounded => "unbounded",
            Family::AtInputScale => "at-input-scale",
            Family::Convert => "convert",
            Family::Constant => "constant",
            Family::Iota => "iota",
            Family::DotGeneral => "dot-general",
            Family::Convolution => "convolution",
            Family::Reduce => "reduce",
            Family::SelectAndScatter => "select-and-scatter",
            Family::Scatter => "scatter",
            Family::Sort => "sort",
            Family::While => "while",
            Family::Case => "case",
            Family::CollectiveMove => "collective-move",
            Family::CollectiveReduce => "collective-reduce",
            Family::IsolatedRegion => "isolated-region",
            Family::RescaleMax => "dynamic-rescale-max",
            Family::RescaleL1 => "dynamic-rescale-l1",
            Family::RescaleL2 => "dynamic-rescale-l2",
            Family::Marker => "marker",
        }
    }

    /// Rewrites `op` at the rewriter's insertion point and binds its results. `Err(reason)` when this
    /// instance of the op is outside what the rule covers; the driver then falls back.
    pub fn apply<'c: 'a, 'a>(rule: &Rule, rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
        let sentinels = rule.sentinels;
        match rule.family {
            Family::Invariant => elementwise::invariant(rw, op, rule.splat),
            Family::Barrier => elementwise::barrier(rw, op),
            Family::Product => elementwise::product(rw, op),
            Family::Quotient => elementwise::quotient(rw, op),
            Family::Square => elementwise::square(rw, op),
            Family::Sum => elementwise::sum(rw, op, sentinels),
            Family::AlignMax => elementwise::align_max(rw, op, sentinels),
            Family::Choose => elementwise::choose(rw, op, sentinels),
            Family::Clamp => elementwise::clamp(rw, op, sentinels),
            Family::AlignedToUnit => elementwise::aligned_to_unit(rw, op),
            Family::ScaleFree => elementwise::scale_free(rw, op),
            Family::Sqrt => elementwise::sqrt(rw, op, false),
            Family::Rsqrt => elementwise::sqrt(rw, op, true),
            Family::Power => elementwise::power(rw, op),
            Family::Unscaled => unscaled(rw, op),
            Family::Contracting => contracting(rw, op),
            Family::Unbounded => unbounded(rw, op),
            Family::AtInputScale => at_input_scale(rw, op),
            Family::Convert => elementwise::convert(rw, op),
            Family::Constant => elementwise::constant(rw, op),
            Family::Iota => elementwise::iota(rw, op),
            Family::DotGeneral => contraction::dot_general(rw, op),
            Family::Convolution => contraction::convolution(rw, op),
            Family::Reduce => reduction::reduce(rw, op),
            Family::SelectAndScatter => reduction::select_and_scatter(rw, op),
            Family::Scatter => reduction::scatter(rw, op),
            Family::Sort => reduction::sort(rw, op),
            Family::While => control::while_loop(rw, op),
            Family::Case => control::case(rw, op),
            Family::CollectiveMove => collective::moving(rw, op),
            Family::CollectiveReduce => collective::reducing(rw, op),
            Family::IsolatedRegion => control::isolated_region(rw, op),
            Family::RescaleMax => dynamic_rescale(rw, op, Statistic::Max),
            Family::RescaleL1 => dynamic_rescale(rw, op, Statistic::L1),
            Family::RescaleL2 => dynamic_rescale(rw, op, Statistic::L2),
            Family::Marker => {
                let input = rw.lookup(op.operand(0).map_err(|e| e.to_string())?);
                rw.bind(op.result(0).map_err(|e| e.to_string())?.into(), input);
                Ok(())
            }
        }
    }
}

pub(crate) fn operands<'c, 'a>(op: &OperationRef<'c, 'a>) -> Vec<Value<'c, 'a>> {
    op.operands().collect()
}

pub(crate) fn results<'c, 'a>(op: &OperationRef<'c, 'a>) -> Vec<Value<'c, 'a>> {
    op.results().map(Into::into).collect()
}

fn is_float(value: Value) -> bool {
    is_float_tensor(value.r#type())
}

/// The op copied at the insertion point with new operands and result types (regions copied as they
/// are; attributes kept).
pub(crate) fn emit_like<'c: 'a, 'a>(
    rw: &Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    operands: &[Value<'c, 'a>],
    result_types: &[Type<'c>],
) -> OperationRef<'c, 'a> {
    let copy = rw.clone_op(op, operands);
    for (result, ty) in copy.results().zip(result_types) {
        result.set_type(*ty);
    }
    copy
}

/// Whether `s` sets the common scale of an aligning rule: invariant splats never do, sentinels not
/// under `Saturate` unless every operand is one.
pub(crate) fn votes(s: &Scaled, sentinels: Sentinels, only_sentinels: bool) -> bool {
    !s.invariant && (!s.sentinel || sentinels == Sentinels::Vote || only_sentinels)
}

/// The true magnitude a saturated sentinel keeps: beyond 2^7, exp underflows to 0 in f32 as
/// exp(finfo.min) does, so a masked softmax still gives masked entries no weight.
const SENTINEL_TRUE_MAGNITUDE: f64 = 128.0;

/// The least common scale at which `operand`, a finite sentinel that does not vote, keeps its meaning
/// once saturated to the data type's largest finite value (`SENTINEL_TRUE_MAGNITUDE`). Without this
/// floor, logits near 1e-5 (scale 2^-18) would turn f16's saturated finfo.min into -0.25.
pub(crate) fn sentinel_floor(rw: &Rewriter, operand: &Scaled) -> Option<Scale<'static, 'static>> {
    (operand.sentinel && !operand.invariant).then(|| {
        let ratio = SENTINEL_TRUE_MAGNITUDE / rw.data_element().max_finite();
        Scale::Static(2f64.powi(ratio.log2().ceil() as i32) as f32)
    })
}

/// `scale`, kept at or above f32's smallest normal where a non-voting operand may hold +-inf (a
/// `-inf` mask, not a zero splat): an all-zero tensor's run-time scale is 0 (its statistic is), and
/// -inf data at scale 0 is NaN once unscaled (logits of a zero-initialized layer under a causal
/// mask). Only the result's scale is floored; the data stay where they are, with no run-time
/// multiply: at a scale below 2^-126 the voters' values are zero or lost to f32 anyway.
pub(crate) fn above_zero_where_infinite<'c: 'a, 'a>(
    math: &ScaleMath<'_, 'c, 'a>,
    scale: Scale<'c, 'a>,
    operands: &[Scaled<'c, 'a>],
) -> Scale<'c, 'a> {
    let infinite = operands.iter().any(|s| s.invariant && s.splat.is_none_or(f64::is_infinite));
    if infinite && !operands.iter().all(|s| s.invariant) {
        math.max(scale, Scale::Static(f32::MIN_POSITIVE))
    } else {
        scale
    }
}

/// Float operands at one scale S (the largest of the voting ones, see `votes`; 1 if none votes, and
/// at least a non-voting sentinel's `sentinel_floor`), non-float operands as they are; and the scale
/// of a result taken from them (S, `above_zero_where_infinite`).
pub(crate) fn align_to_max<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    values: &[Value<'c, 'a>],
    sentinels: Sentinels,
) -> (Vec<Value<'c, 'a>>, Scale<'c, 'a>) {
    let mapped: Vec<Mapped> = values.iter().map(|v| rw.lookup(*v)).collect();
    let builder = rw.builder();
    let math = ScaleMath::new(&builder, rw.options.rounding);
    let only_sentinels = !mapped.iter().any(|m| matches!(m, Mapped::Scaled(s) if !s.invariant && !s.sentinel));
    let mut common: Option<Scale> = None;
    let mut floor: Option<Scale> = None;
    for m in &mapped {
        let Mapped::Scaled(s) = m else { continue };
        if votes(s, sentinels, only_sentinels) {
            common = Some(match common {
                None => s.scale,
                Some(c) => math.max(c, s.scale),
            });
        } else if let Some(f) = sentinel_floor(rw, s) {
            floor = Some(floor.map_or(f, |g| math.max(f, g)));
        }
    }
    let common = match (common, floor) {
        (Some(c), Some(f)) => math.max(c, f),
        (c, _) => c.unwrap_or(Scale::ONE),
    };
    let aligned = mapped
        .iter()
        .map(|m| match m {
            Mapped::Scaled(s) => rw.rescale(*s, common),
            Mapped::Plain(v) => *v,
        })
        .collect();
    let floats: Vec<Scaled> =
        mapped.iter().filter_map(|m| if let Mapped::Scaled(s) = m { Some(*s) } else { None }).collect();
    (aligned, above_zero_where_infinite(&math, common, &floats))
}

/// What is known of a value whose elements are each taken from one of `operands` (select, max,
/// min, pad, concatenate): invariant, a sentinel, integral when every operand is.
pub(crate) fn taken_from<'c, 'a>(
    data: Value<'c, 'a>,
    scale: Scale<'c, 'a>,
    operands: &[Scaled<'c, 'a>],
) -> Scaled<'c, 'a> {
    let all = |f: fn(&Scaled) -> bool| !operands.is_empty() && operands.iter().all(f);
    Scaled {
        invariant: all(|s| s.invariant),
        sentinel: all(|s| s.sentinel || s.invariant),
        integral: all(|s| s.integral),
        ..Scaled::new(data, scale)
    }
}

/// Binds every result of `new` to the matching result of `old`: floats as (data, scale).
pub(crate) fn bind_results<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    old: OperationRef<'c, 'a>,
    new: OperationRef<'c, 'a>,
    scale: Scale<'c, 'a>,
) {
    for (o, n) in old.results().zip(new.results()) {
        let (o, n): (Value, Value) = (o.into(), n.into());
        if is_float(o) {
            let scaled = rw.wrap(n, scale);
            rw.bind_scaled(o, scaled);
        } else {
            rw.bind_plain(o, n);
        }
    }
}

/// The op computed on unscaled values in its original types: each float operand unscaled to its
/// original type, the op cloned on them.
fn computed_unscaled<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> OperationRef<'c, 'a> {
    let new_operands: Vec<Value> = operands(&op)
        .into_iter()
        .map(|v| match rw.lookup(v) {
            Mapped::Scaled(s) => {
                let original = rw.original_type(v);
                let element = scalify_dialect::ElementType::of(scalify_dialect::types::element_type_of(original))
                    .unwrap_or(scalify_dialect::ElementType::F32);
                rw.unscale(s, element)
            }
            Mapped::Plain(p) => p,
        })
        .collect();
    rw.clone_op(op, &new_operands)
}

/// The `Unscaled` family (tanh, log, erf: results of bounded magnitude): computed unscaled, float
/// results at scale 1.
pub(crate) fn unscaled<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let copy = computed_unscaled(rw, op);
    bind_results(rw, op, copy, Scale::ONE);
    Ok(())
}

/// Whether data of the current data type spans less than values of `original` do (f16 and FP8
/// against f32; bf16 spans f32's range): a result at scale 1 could leave it.
fn narrower_range(rw: &Rewriter, original: Value) -> bool {
    let original = scalify_dialect::ElementType::of(scalify_dialect::types::element_type_of(original.r#type()));
    original.is_some_and(|o| 2.0 * rw.data_element().max_finite() < o.max_finite())
}

/// The `Unbounded` family (exp, cbrt, lgamma: results whose magnitude the inputs' scales do not bound)
/// and the driver's fallback: computed unscaled; where the data type's range is narrower than the
/// result's type, each float result takes its scale from its own max |x| at run time (one reduction,
/// counted as `range_rescales` in the report), so `exp(8x)` never overflows f16 silently.
pub(crate) fn unbounded<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let copy = computed_unscaled(rw, op);
    for (o, n) in op.results().zip(copy.results()) {
        let (o, n): (Value, Value) = (o.into(), n.into());
        if !is_float(o) {
            rw.bind_plain(o, n);
        } else if narrower_range(rw, n) {
            let scaled = rw.normalize(n, Scale::ONE, Statistic::Max, 0.0);
            rw.report.range_rescales += 1;
            rw.bind_scaled(o, scaled);
        } else {
            let scaled = rw.wrap(n, Scale::ONE);
            rw.bind_scaled(o, scaled);
        }
    }
    Ok(())
}

/// floor, ceil, round, remainder, reduce_precision: computed unscaled, the result re-expressed at its
/// first operand's scale (|floor(x)| <= |x| + 1, |rem(x, y)| <= |x|), which bounds its data.
pub(crate) fn at_input_scale<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let input = rw.scaled(op.operand(0).map_err(|e| e.to_string())?);
    let scale = if input.invariant { Scale::ONE } else { input.scale };
    recomputed_at(rw, op, scale)
}

/// tanh, sine, erf: |f(x)| <= min(c |x|, 1) with c ~ 1, so the result is bounded by the input where
/// the input is small and by 1 where it is not. Computed unscaled, re-expressed at min(sa, 1): a
/// tanh of values near 1e-6 keeps their precision instead of becoming f16 subnormals at scale 1.
pub(crate) fn contracting<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let input = rw.scaled(op.operand(0).map_err(|e| e.to_string())?);
    let scale = if input.invariant {
        Scale::ONE
    } else {
        let builder = rw.builder();
        ScaleMath::new(&builder, rw.options.rounding).min(input.scale, Scale::ONE)
    };
    recomputed_at(rw, op, scale)
}

/// The op computed on unscaled values, its one result re-expressed at `scale`.
fn recomputed_at<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    scale: Scale<'c, 'a>,
) -> Result<(), String> {
    let copy = computed_unscaled(rw, op);
    if scale.is_one() {
        // Nothing to re-express: the result as computed, in the op's own type (a bf16 tanh stays one
        // op, which XLA may compute with excess precision exactly as it does the original's).
        bind_results(rw, op, copy, Scale::ONE);
        return Ok(());
    }
    let result: Value = copy.result(0).map_err(|e| e.to_string())?.into();
    let builder = rw.builder();
    let reciprocal = ScaleMath::new(&builder, rw.options.rounding).reciprocal(scale);
    let wide = rw.convert(result, scalify_dialect::ElementType::F32);
    let data = rw.multiply_by_scale(wide, reciprocal);
    let scaled = rw.wrap(data, scale);
    rw.bind_scaled(op.result(0).map_err(|e| e.to_string())?.into(), scaled);
    Ok(())
}

/// A dynamic-rescale marker: the data is brought back to unit magnitude by a power of two of its
/// own statistic (floored at 2^-14, as the reference does), which moves into the scale.
fn dynamic_rescale<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    statistic: Statistic,
) -> Result<(), String> {
    let input = rw.scaled(op.operand(0).map_err(|e| e.to_string())?);
    let scale = if input.invariant { Scale::ONE } else { input.scale };
    let normalized = rw.normalize(input.data, scale, statistic, 2f32.powi(-14));
    rw.bind_scaled(op.result(0).map_err(|e| e.to_string())?.into(), normalized);
    Ok(())
}

/// The driver's fallback for an op without a rule (or outside its rule): computed unscaled, with a
/// run-time scale where the data type is narrower (nothing is known of its magnitude); cannot fail.
pub(crate) fn unscaled_fallback<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) {
    unbounded(rw, op).expect("the unscaled computation applies to every op");
}

pub(crate) fn scaled_operands<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: &OperationRef<'c, 'a>) -> Vec<Scaled<'c, 'a>> {
    operands(op).into_iter().map(|v| rw.scaled(v)).collect()
}
