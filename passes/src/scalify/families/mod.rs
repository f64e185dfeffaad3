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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Invariant,
    Product,
    Quotient,
    Square,
    Sum,
    AlignMax,
    Clamp,
    AlignedToUnit,
    ScaleFree,
    Sqrt,
    Rsqrt,
    Power,
    Unscaled,
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
            Family::Product => "product",
            Family::Quotient => "quotient",
            Family::Square => "square",
            Family::Sum => "sum",
            Family::AlignMax => "align-max",
            Family::Clamp => "clamp",
            Family::AlignedToUnit => "aligned-to-unit",
            Family::ScaleFree => "scale-free",
            Family::Sqrt => "sqrt",
            Family::Rsqrt => "rsqrt",
            Family::Power => "power",
            Family::Unscaled => "unscaled",
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
            Family::Invariant => elementwise::invariant(rw, op),
            Family::Product => elementwise::product(rw, op),
            Family::Quotient => elementwise::quotient(rw, op),
            Family::Square => elementwise::square(rw, op),
            Family::Sum => elementwise::sum(rw, op, sentinels),
            Family::AlignMax => elementwise::align_max(rw, op, sentinels),
            Family::Clamp => elementwise::clamp(rw, op, sentinels),
            Family::AlignedToUnit => elementwise::aligned_to_unit(rw, op),
            Family::ScaleFree => elementwise::scale_free(rw, op),
            Family::Sqrt => elementwise::sqrt(rw, op, false),
            Family::Rsqrt => elementwise::sqrt(rw, op, true),
            Family::Power => elementwise::power(rw, op),
            Family::Unscaled => unscaled(rw, op),
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

/// Float operands at one scale S (the largest of the voting ones, see `votes`; 1 if none votes),
/// non-float operands as they are.
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
    for m in &mapped {
        if let Mapped::Scaled(s) = m
            && votes(s, sentinels, only_sentinels)
        {
            common = Some(match common {
                None => s.scale,
                Some(c) => math.max(c, s.scale),
            });
        }
    }
    let common = common.unwrap_or(Scale::ONE);
    let aligned = mapped
        .iter()
        .map(|m| match m {
            Mapped::Scaled(s) => rw.rescale(*s, common),
            Mapped::Plain(v) => *v,
        })
        .collect();
    (aligned, common)
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

/// The op computed on unscaled values in its original types; float results get scale 1. This is
/// both the `Unscaled` family (exp, tanh, ...) and the driver's fallback for ops without a rule.
pub(crate) fn unscaled<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
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
    let copy = rw.clone_op(op, &new_operands);
    bind_results(rw, op, copy, Scale::ONE);
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

/// The driver's fallback for an op without a rule (or outside its rule): computed unscaled, which
/// cannot fail.
pub(crate) fn unscaled_fallback<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) {
    unscaled(rw, op).expect("the unscaled computation applies to every op");
}

pub(crate) fn scaled_operands<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: &OperationRef<'c, 'a>) -> Vec<Scaled<'c, 'a>> {
    operands(op).into_iter().map(|v| rw.scaled(v)).collect()
}
