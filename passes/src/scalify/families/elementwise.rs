//! Families of elementwise and layout ops, constants and conversions.

use melior::ir::attribute::{DenseElementsAttribute, IntegerAttribute};
use melior::ir::operation::OperationLike;
use melior::ir::{Attribute, OperationRef, Type, Value, ValueLike};
use scalify_dialect::ElementType;
use scalify_dialect::melior;
use scalify_dialect::types::shape_of;

use super::super::pow2;
use super::super::rewriter::{Mapped, Rewriter, Scaled, Statistic, is_sentinel_magnitude, op_name};
use super::super::scale::{Scale, ScaleMath};
use super::{
    Sentinels, SplatMap, above_zero_where_infinite, align_to_max, bind_results, emit_like, is_float, operands, results,
    scaled_operands, sentinel_floor, taken_from, unbounded, unscaled, votes,
};

fn data_result_types<'c: 'a, 'a>(rw: &Rewriter<'c, 'a>, op: &OperationRef<'c, 'a>) -> Vec<Type<'c>> {
    results(op).iter().map(|r| rw.data_type(r.r#type())).collect()
}

/// Whether a scaled value's data is exactly 1: a positive power-of-two splat constant.
fn is_unit_data(s: &Scaled) -> bool {
    matches!((s.splat, s.scale.as_static()), (Some(v), Some(scale)) if v == scale as f64 && !s.invariant)
}

fn bind_one<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>, scaled: Scaled<'c, 'a>) {
    let result: Value = op.result(0).expect("one result").into();
    rw.bind_scaled(result, scaled);
}

/// optimization_barrier: each result is its operand, so scales pass by one to one.
pub fn barrier<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let types = data_result_types(rw, &op);
    let mapped: Vec<Mapped> = operands(&op).iter().map(|v| rw.lookup(*v)).collect();
    let data: Vec<Value> = mapped
        .iter()
        .map(|m| match m {
            Mapped::Scaled(s) => s.data,
            Mapped::Plain(v) => *v,
        })
        .collect();
    let new = emit_like(rw, op, &data, &types);
    for ((old, new), m) in results(&op).into_iter().zip(results(&new)).zip(mapped) {
        match m {
            Mapped::Scaled(s) => rw.bind_scaled(old, Scaled { data: new, ..s }),
            Mapped::Plain(_) => rw.bind_plain(old, new),
        }
    }
    Ok(())
}

/// op(a): the data moves, the scale stays. A splat's value (mapped as the table says: negate, abs)
/// and invariance survive layout ops.
pub fn invariant<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    splat_map: SplatMap,
) -> Result<(), String> {
    let name = op_name(&op);
    let old_operands = operands(&op);
    let types = data_result_types(rw, &op);
    let floats: Vec<Scaled> = old_operands.iter().filter(|v| is_float(**v)).map(|v| rw.scaled(*v)).collect();
    if floats.is_empty() {
        // A float made from non-float data (abs of a complex): no scale to carry over.
        return Err(format!("'{name}' of a non-float operand"));
    }
    let (data, scale) = align_to_max(rw, &old_operands, Sentinels::Vote);
    let new = emit_like(rw, op, &data, &types);
    let source = floats.first().copied();
    let splat = source.and_then(|s| s.splat).map(|v| splat_map.apply(v));
    let invariant = floats.len() == 1 && source.is_some_and(|s| s.invariant);
    // Layout ops, negate and abs never raise max |data|.
    let bounded = floats.len() == 1 && source.is_some_and(|s| s.bounded);
    // Moving elements keeps a sentinel a sentinel (a broadcast mask fill) and integers integers.
    let sentinel = floats.len() == 1 && source.is_some_and(|s| s.sentinel);
    let integral = floats.len() == 1 && source.is_some_and(|s| s.integral);
    for (old, new) in results(&op).into_iter().zip(results(&new)) {
        if is_float(old) {
            rw.bind_scaled(old, Scaled { data: new, scale, invariant, splat, bounded, sentinel, integral });
        } else {
            rw.bind_plain(old, new);
        }
    }
    Ok(())
}

/// a * b, sa * sb.
pub fn product<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let [a, b] = scaled_operands(rw, &op)[..] else { return Err("expected two operands".into()) };
    let (x, y): (Value, Value) =
        (op.operand(0).map_err(|e| e.to_string())?.into(), op.operand(1).map_err(|e| e.to_string())?.into());
    // A square squares its data's outliers: x * x (and x^3 = x * x * x, whose second product then
    // multiplies bounded data) is taken on data bounded by 1.
    let (a, b) = if x == y && is_tensor_data(&a) {
        let a = bounded_for_product(rw, x, a, narrower_than_f32(rw));
        let a = scale_within_square_root_of_range(rw, a);
        (a, a)
    } else {
        (a, b)
    };
    let builder = rw.builder();
    let data = if is_unit_data(&b) {
        a.data
    } else if is_unit_data(&a) {
        b.data
    } else {
        builder.elementwise("stablehlo.multiply", &[a.data, b.data])
    };
    let (data, scale) = match (a.scale, b.scale) {
        (Scale::Static(x), Scale::Static(y)) => rw.within_scale_range(data, x as f64 * y as f64),
        _ => (data, ScaleMath::new(&builder, rw.options.rounding).mul(a.scale, b.scale)),
    };
    let splat = a.splat.zip(b.splat).map(|(x, y)| x * y);
    // A nonzero integer times a sentinel is at least the sentinel: `(1 - mask) * -1e9`.
    let sentinel = (a.sentinel || a.integral) && (b.sentinel || b.integral) && (a.sentinel || b.sentinel);
    let integral = a.integral && b.integral;
    let bounded = a.bounded && b.bounded;
    // Zero (or +-inf) times anything is 0, +-inf or NaN: a value no scale changes.
    let invariant = a.invariant || b.invariant;
    bind_one(rw, op, Scaled { splat, sentinel, integral, bounded, invariant, ..Scaled::new(data, scale) });
    Ok(())
}

fn is_f64(value: Value) -> bool {
    is_float(value)
        && ElementType::of(scalify_dialect::types::element_type_of(value.r#type())) == Some(ElementType::F64)
}

/// Whether the function's data types include one narrower than f32 (the current op's own may be
/// f64: a convert into f64 is rewritten at f64).
fn widens_from_narrow_data(rw: &Rewriter) -> bool {
    2.0 * rw.options.narrowest_data_type().max_finite() < f32::MAX as f64
}

/// Whether the data type spans less than f32 (f16, FP8; bf16 spans f32's range).
pub(super) fn narrower_than_f32(rw: &Rewriter) -> bool {
    2.0 * rw.data_element().max_finite() < f32::MAX as f64
}

/// Data of a tensor, not a constant's or a mask's (a product with those moves data by at most the
/// constant's mantissa, or keeps it).
pub(super) fn is_tensor_data(s: &Scaled) -> bool {
    s.splat.is_none() && !s.invariant && !s.sentinel && !s.integral
}

/// `s` with max |data| <= 1 (a run-time rescale from its max, counted with `range_rescales`) where the
/// data type's range is narrower than f32's: unit-RMS data has no bound on its max, and a square
/// squares it (GELU's tanh form, 3 * x^2 of an activation with outliers, overflowed f16 after 70
/// training steps of an MLP), as does a contraction of a tensor with itself (a Gram matrix). Bound to
/// `old` again where that dominates every later use (`old` is
/// defined in the block being rewritten, not outside a branch or loop body), so later uses share
/// the one statistic; a product of bounded data is bounded.
pub(super) fn bounded_for_product<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    old: Value<'c, 'a>,
    s: Scaled<'c, 'a>,
    narrow: bool,
) -> Scaled<'c, 'a> {
    if s.bounded || !narrow {
        return s;
    }
    let normalized = rw.normalize(s.data, s.scale, Statistic::Max, 0.0);
    rw.report.range_rescales += 1;
    if rw.defined_in_point_block(old) {
        rw.bind_scaled(old, normalized);
    }
    normalized
}

/// `s` at a scale of at most 2^63, the excess of a run-time scale moved into its data, so that its
/// square's scale (at most 2^126) stays in f32's range. A run-time scale past 2^63 squared to inf,
/// and data of 0 times it to NaN, where the value, below 2^64 wherever the original's square is
/// finite, did not (Adam's `g * g` of a gradient whose data flushed). Below 2^63 the data is
/// multiplied by exactly 1; a value truly past f32's range still squares to inf.
/// Only at f32 and bf16 data: f16 and FP8 data are bounded by 1 before a square (at a scale past
/// 2^63 only where the original's square overflows), and f64 data hold what its scale does not.
fn scale_within_square_root_of_range<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, s: Scaled<'c, 'a>) -> Scaled<'c, 'a> {
    let f32_range = matches!(rw.data_element(), ElementType::F32 | ElementType::BF16);
    if !f32_range || !matches!(s.scale, Scale::Dynamic { .. }) {
        return s;
    }
    let builder = rw.builder();
    let math = ScaleMath::new(&builder, rw.options.rounding);
    // Floored at f32's smallest normal too, so that the excess (then at most 1) keeps the value of a
    // subnormal or zero scale exactly where the quotient's own floor would not.
    let kept = math.max(math.min(s.scale, Scale::Static(2f32.powi(63))), Scale::Static(f32::MIN_POSITIVE));
    let excess = math.div(s.scale, kept);
    Scaled { data: rw.multiply_by_scale(s.data, excess), scale: kept, ..s }
}

/// a / b, sa / sb. Unit-RMS data has no lower bound on its magnitude, so a quotient by tensor data
/// can leave a range narrower than f32's (1 / 1e-5 overflows f16; Adam's m / (sqrt(v) + eps) with
/// eps flushed): there it is computed in f32 and takes its scale from its max at run time (counted
/// with `range_rescales`).
pub fn quotient<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let [a, b] = scaled_operands(rw, &op)[..] else { return Err("expected two operands".into()) };
    let builder = rw.builder();
    let scale = ScaleMath::new(&builder, rw.options.rounding).div(a.scale, b.scale);
    if is_tensor_data(&b) && narrower_than_f32(rw) {
        let (x, y) = (rw.convert(a.data, ElementType::F32), rw.convert(b.data, ElementType::F32));
        let wide = builder.elementwise("stablehlo.divide", &[x, y]);
        let quotient = rw.normalize(wide, scale, Statistic::Max, 0.0);
        rw.report.range_rescales += 1;
        bind_one(rw, op, quotient);
        return Ok(());
    }
    let data = if is_unit_data(&b) { a.data } else { builder.elementwise("stablehlo.divide", &[a.data, b.data]) };
    let splat = a.splat.zip(b.splat).map(|(x, y)| x / y);
    bind_one(rw, op, Scaled { splat, ..Scaled::new(data, scale) });
    Ok(())
}

/// a * a, sa^2.
pub fn square<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let operand: Value = op.operand(0).map_err(|e| e.to_string())?;
    let a = rw.scaled(operand);
    let a = if is_tensor_data(&a) { bounded_for_product(rw, operand, a, narrower_than_f32(rw)) } else { a };
    let a = if is_tensor_data(&a) { scale_within_square_root_of_range(rw, a) } else { a };
    let builder = rw.builder();
    let scale = ScaleMath::new(&builder, rw.options.rounding).mul(a.scale, a.scale);
    let data = builder.elementwise("stablehlo.multiply", &[a.data, a.data]);
    bind_one(rw, op, Scaled { bounded: a.bounded, ..Scaled::new(data, scale) });
    Ok(())
}

/// a*sa/S +- b*sb/S with S = R(sqrt(sa^2 + sb^2)); a zero or infinite splat (or, under `Saturate`,
/// a sentinel: an additive mask) keeps the other's scale. `a - a` is zero (NaN where a is not
/// finite) at every scale: invariant, so it sets no scale downstream. At a's scale it would be a
/// loose bound (`x - stop_gradient(x)` of a large x), and `(x - x) + eps` there flushes eps in f16.
pub fn sum<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    sentinels: Sentinels,
) -> Result<(), String> {
    let [a, b] = scaled_operands(rw, &op)[..] else { return Err("expected two operands".into()) };
    let builder = rw.builder();
    if op_name(&op) == "stablehlo.subtract" && op.operand(0).ok() == op.operand(1).ok() && !a.invariant {
        let data = builder.elementwise("stablehlo.subtract", &[a.data, a.data]);
        bind_one(rw, op, Scaled { invariant: true, integral: a.integral, ..Scaled::new(data, a.scale) });
        return Ok(());
    }
    let math = ScaleMath::new(&builder, rw.options.rounding);
    let only_sentinels = (a.sentinel || a.invariant) && (b.sentinel || b.invariant);
    let scale = match (votes(&a, sentinels, only_sentinels), votes(&b, sentinels, only_sentinels)) {
        (false, false) => Scale::ONE,
        (false, true) => sentinel_floor(rw, &a).map_or(b.scale, |f| math.max(b.scale, f)),
        (true, false) => sentinel_floor(rw, &b).map_or(a.scale, |f| math.max(a.scale, f)),
        (true, true) => math.sum(a.scale, b.scale),
    };
    let (x, y) = (rw.rescale(a, scale), rw.rescale(b, scale));
    let data = builder.elementwise(&op_name(&op), &[x, y]);
    let integral = a.integral && b.integral;
    let scale = above_zero_where_infinite(&math, scale, &[a, b]);
    bind_one(rw, op, Scaled { integral, ..Scaled::new(data, scale) });
    Ok(())
}

/// Every float operand at S = the largest voting scale; float results at S, others as they are.
pub fn align_max<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    sentinels: Sentinels,
) -> Result<(), String> {
    let floats: Vec<Scaled> = operands(&op).into_iter().filter(|v| is_float(*v)).map(|v| rw.scaled(v)).collect();
    let (data, scale) = align_to_max(rw, &operands(&op), sentinels);
    let types = data_result_types(rw, &op);
    let new = emit_like(rw, op, &data, &types);
    for (old, new) in results(&op).into_iter().zip(results(&new)) {
        if is_float(old) {
            rw.bind_scaled(old, taken_from(new, scale, &floats));
        } else {
            rw.bind_plain(old, new);
        }
    }
    Ok(())
}

/// max, min, select: each element is taken from one operand, so the result may be as small as the
/// smaller one everywhere (`max(x, -y^2)` of y^2 near 1e12 is x). At the larger scale its data
/// falls below f16's normal range once the scales lie about 2^14 apart, though a scale of the result's
/// own would hold it. So in a data type of f16's range, with two voting operands whose
/// scales are not known to lie within `CHOICE_SPREAD`, the choice is made in f32 (each operand
/// aligned there) and the result takes its scale from its max at run time (`range_rescales`).
pub fn choose<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    sentinels: Sentinels,
) -> Result<(), String> {
    let voting: Vec<Scaled> = operands(&op)
        .into_iter()
        .filter(|v| is_float(*v))
        .map(|v| rw.scaled(v))
        .filter(|s| votes(s, sentinels, false))
        .collect();
    let far_apart = matches!(&voting[..], [a, b] if far_apart(&a.scale, &b.scale));
    if !(far_apart && narrower_than_f32(rw)) {
        return align_max(rw, op, sentinels);
    }
    choose_in_f32(rw, op, &voting[0].scale, &voting[1].scale)
}

/// Whether two scales are not known to lie within `CHOICE_SPREAD` of each other.
fn far_apart(a: &Scale, b: &Scale) -> bool {
    !a.ratio_to(b).is_some_and(|r| (1.0 / CHOICE_SPREAD..=CHOICE_SPREAD).contains(&r))
}

/// `op`, an element-wise choice, made on its float operands aligned in f32 at the larger of `a` and
/// `b`, its result rescaled from its max (`choose`).
fn choose_in_f32<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    a: &Scale<'c, 'a>,
    b: &Scale<'c, 'a>,
) -> Result<(), String> {
    let builder = rw.builder();
    let common = ScaleMath::new(&builder, rw.options.rounding).max(*a, *b);
    let data: Vec<Value> = operands(&op)
        .into_iter()
        .map(|v| match rw.lookup(v) {
            Mapped::Scaled(s) => {
                let wide = rw.convert(s.data, ElementType::F32);
                rw.rescale(Scaled { data: wide, ..s }, common)
            }
            Mapped::Plain(v) => v,
        })
        .collect();
    // The result's type in f32: that of an operand of the result's shape (a clamp's bounds may be scalars).
    let result: Value = op.result(0).map_err(|e| e.to_string())?.into();
    let shape = shape_of(result.r#type());
    let floats = data.iter().filter(|v| is_float(**v)).map(|v| v.r#type());
    let wide_type = floats.clone().find(|t| shape_of(*t) == shape).or(floats.last()).ok_or("no float operand")?;
    let chosen = builder.value(&op_name(&op), &data, wide_type, &[]);
    let result = rw.normalize(chosen, common, Statistic::Max, 0.0);
    rw.report.range_rescales += 1;
    bind_one(rw, op, result);
    Ok(())
}

/// How far apart two scales may lie for `choose` to align its operands in the data type: the
/// smaller operand's data, of magnitude near 1, stays 2^6 inside f16's normal range.
const CHOICE_SPREAD: f32 = 256.0;

/// clamp(lo, x, hi). With two finite bounds (0 counts) the result is no larger than they are: all
/// three at their scale s_b, so the result's data is bounded by theirs (a polynomial of it, as in
/// erf's expansion, stays in range); a huge x overflows to +-inf there, which the clamp maps to its
/// bound. Where the bounds are constants around 0 (`relu6`, `clamp(-4, x, 4)`) the result is also no
/// larger than x, element by element: at min(sx, s_b), so an x far below its bounds keeps its
/// precision (at s_b, `clamp(0, 1e-6 * x, 6)` flushes to 0 in f16), and a bound beyond x's range
/// saturates, which changes nothing. With an open side (+-inf, a sentinel) the result can be as large
/// as x: at x's scale, bounds saturating likewise (at the bound's scale, `clamp(finfo.min, x, 1)` of x
/// near 1e-4 would flush x, and `clamp(eps, x, inf)` would overflow every x to inf).
pub fn clamp<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    sentinels: Sentinels,
) -> Result<(), String> {
    let [low, x, high] = scaled_operands(rw, &op)[..] else { return Err("expected three operands".into()) };
    let builder = rw.builder();
    let math = ScaleMath::new(&builder, rw.options.rounding);
    let finite = |b: &Scaled| {
        let sentinel = b.sentinel && !b.invariant && sentinels == Sentinels::Saturate;
        !sentinel && (!b.invariant || b.splat == Some(0.0))
    };
    let closed = finite(&low) && finite(&high);
    // The scale the bounds set: a sentinel bound (finfo.min) never sets one, as in every rule.
    let sets_scale = |b: &Scaled| votes(b, sentinels, false);
    let bounds = [low, high].into_iter().filter(sets_scale).map(|b| b.scale).reduce(|a, b| math.max(a, b));
    // One open side: the clamp is max(x, lo) or min(x, hi), a choice that may take the bound
    // everywhere (`clamp(-1, x, inf)` of x far below -1, where -1 flushes at x's scale): as `choose`,
    // where x's scale may lie far above the bound's (far below, the bound saturates harmlessly).
    let finite_bounds: Vec<&Scaled> = [&low, &high].into_iter().filter(|b| sets_scale(b)).collect();
    if let [bound] = finite_bounds[..]
        && !closed
        && !x.invariant
        && narrower_than_f32(rw)
        && x.scale.ratio_to(&bound.scale).is_none_or(|r| r > CHOICE_SPREAD)
    {
        return choose_in_f32(rw, op, &x.scale, &bound.scale);
    }
    let around_zero = matches!((low.splat, high.splat), (Some(lo), Some(hi)) if lo <= 0.0 && 0.0 <= hi);
    let scale = match (x.invariant, closed, bounds) {
        (false, true, Some(bounds)) if around_zero => math.min(x.scale, bounds),
        (_, true, Some(bounds)) | (true, _, Some(bounds)) => bounds,
        (false, _, _) => x.scale,
        (true, _, None) => Scale::ONE,
    };
    let saturating = |bound: Scaled<'c, 'a>| Scaled { sentinel: true, ..bound };
    let data = [rw.rescale(saturating(low), scale), rw.rescale(x, scale), rw.rescale(saturating(high), scale)];
    let new = builder.value("stablehlo.clamp", &data, data[1].r#type(), &[]);
    bind_one(rw, op, Scaled::new(new, scale));
    Ok(())
}

/// Operands at a common scale, result scale 1 (atan2: a ratio of its operands).
pub fn aligned_to_unit<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let (data, _) = align_to_max(rw, &operands(&op), Sentinels::Vote);
    let types = data_result_types(rw, &op);
    let new = emit_like(rw, op, &data, &types);
    bind_results(rw, op, new, Scale::ONE);
    Ok(())
}

/// A function of the data alone (sign, is_finite): positive scales do not change it.
pub fn scale_free<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let data: Vec<Value> = scaled_operands(rw, &op).iter().map(|s| s.data).collect();
    let types = data_result_types(rw, &op);
    let new = emit_like(rw, op, &data, &types);
    bind_results(rw, op, new, Scale::ONE);
    Ok(())
}

/// sqrt(a * k) at R(sqrt(sa)), or rsqrt(a * k) at 1 / R(sqrt(sa)), with k = sa / R(sqrt(sa))^2.
pub fn sqrt<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>, reciprocal: bool) -> Result<(), String> {
    let a = rw.scaled(op.operand(0).map_err(|e| e.to_string())?);
    let builder = rw.builder();
    let math = ScaleMath::new(&builder, rw.options.rounding);
    let input_scale = if a.invariant { Scale::ONE } else { a.scale };
    let (root, residual) = math.sqrt(input_scale);
    let adjusted = if residual.is_one() { a.data } else { rw.multiply_by_scale(a.data, residual) };
    let data = builder.elementwise(&op_name(&op), &[adjusted]);
    let scale = if reciprocal { math.reciprocal(root) } else { root };
    bind_one(rw, op, Scaled::new(data, scale));
    Ok(())
}

/// a^n at sa^n for a splat integer exponent n and a static scale; otherwise computed unscaled, its
/// magnitude unbounded (`unbounded`).
pub fn power<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let [a, b] = scaled_operands(rw, &op)[..] else { return Err("expected two operands".into()) };
    // For |n| >= 2, data^n moves the data's exponent n times as far from 0 as the value's own: it
    // overflows a narrow data type as a square does (see `bounded_for_product`), and even in f32 data
    // 2^-40 cubes to a subnormal where the value (at a scale of 2^10) cubes to 2^-90, so the f32
    // rewrite would not be exact. There the power is computed unscaled (the original's own op) and
    // takes its scale from its own max where the data type is narrower than f32.
    let exponent = b.splat.filter(|n| n.fract() == 0.0 && n.abs() <= 1.0);
    let scale = a.scale.as_static().zip(exponent).map(|(s, n)| (s as f64).powi(n as i32) as f32);
    match (exponent, scale) {
        (Some(n), Some(scale)) if scale.is_normal() => {
            let builder = rw.builder();
            let n = builder.splat(a.data.r#type(), n);
            let data = builder.elementwise("stablehlo.power", &[a.data, n]);
            bind_one(rw, op, Scaled::new(data, Scale::Static(scale)));
            Ok(())
        }
        _ => unbounded(rw, op),
    }
}

/// float -> float keeps data and scale; to and from integers through unscaled values.
pub fn convert<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let input = op.operand(0).map_err(|e| e.to_string())?;
    let output: Value = op.result(0).map_err(|e| e.to_string())?.into();
    if is_f64(input) && !is_f64(output) && is_float(output) && narrower_than_f32(rw) {
        // f64 data (f64 ops keep their type) spans more than f16 or FP8 data: read in f64, a
        // tensor enters the data type at the scale of its max (counted with `range_rescales`); a
        // splat keeps its compile-time decomposition.
        let element = rw.data_element();
        rw.set_data_element(ElementType::F64);
        let wide = rw.scaled(input);
        rw.set_data_element(element);
        let scaled = if wide.splat.is_some() || wide.invariant {
            Scaled { data: rw.convert(wide.data, element), ..wide }
        } else {
            rw.report.range_rescales += 1;
            rw.normalize(wide.data, wide.scale, Statistic::Max, 0.0)
        };
        rw.bind_scaled(output, scaled);
        Ok(())
    } else if is_f64(output) && is_float(input) && !is_f64(input) && widens_from_narrow_data(rw) {
        // Into f64 from f16 or FP8 data (PyTorch's variance upcast): read at the scale of the
        // value's max, so the f64 ops (x - mean, its square) see data near 1 and their results
        // return to the narrow type in range; shared with the value's later uses where it
        // dominates them, as a square's bound is.
        let scaled = rw.scaled(input);
        let scaled = if is_tensor_data(&scaled) { bounded_for_product(rw, input, scaled, true) } else { scaled };
        rw.bind_scaled(output, scaled);
        Ok(())
    } else if is_float(input) && is_float(output) {
        let scaled = rw.scaled(input);
        rw.bind_scaled(output, scaled);
        Ok(())
    } else if is_float(output) {
        // Integers (a mask, token counts) become integral floats at scale 1.
        unscaled(rw, op)?;
        let converted = rw.scaled(output);
        rw.bind_scaled(output, Scaled { integral: true, ..converted });
        Ok(())
    } else {
        unscaled(rw, op)
    }
}

/// A dense constant of `ty` (a data-type tensor) holding `values`.
fn dense_constant<'c>(ty: Type<'c>, element: ElementType, values: &[f64]) -> Attribute<'c> {
    let bytes: Vec<u8> = match element {
        ElementType::F64 => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ElementType::F32 => values.iter().flat_map(|v| (*v as f32).to_le_bytes()).collect(),
        ElementType::F16 => values.iter().flat_map(|v| half::f16::from_f64(*v).to_le_bytes()).collect(),
        ElementType::BF16 => values.iter().flat_map(|v| half::bf16::from_f64(*v).to_le_bytes()).collect(),
        _ => unreachable!("data types are f64 (kept), f32, f16 and bf16"),
    };
    DenseElementsAttribute::raw_buffer(ty, &bytes).into()
}

/// A splat of `v` standing for `old`: v = (v / R(v)) * R(v), decomposed at compile time.
fn splat_constant<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, old: Value<'c, 'a>, v: f64) -> Scaled<'c, 'a> {
    let ty = rw.data_type(old.r#type());
    let builder = rw.builder();
    let facts = Scaled {
        splat: Some(v),
        sentinel: is_sentinel_magnitude(v, rw.options.narrowest_data_type()),
        integral: v.fract() == 0.0,
        ..Scaled::new(old, Scale::ONE)
    };
    if v == 0.0 || v.is_infinite() || v.is_nan() {
        Scaled { data: builder.splat(ty, v), invariant: v == 0.0 || !v.is_finite(), ..facts }
    } else {
        let scale = pow2::round(scale_magnitude(rw, v.abs()), rw.options.rounding);
        Scaled { data: builder.splat(ty, v / scale as f64), scale: Scale::Static(scale), ..facts }
    }
}

/// The magnitude a constant's scale is rounded from: in f64 data, kept within 2^+-100 (the f32 scale
/// cannot hold 1e300; the data holds the rest).
fn scale_magnitude(rw: &Rewriter, magnitude: f64) -> f32 {
    const LIMIT: f64 = 1.2676506002282294e30; // 2^100
    if rw.data_element() == ElementType::F64 { magnitude.clamp(1.0 / LIMIT, LIMIT) as f32 } else { magnitude as f32 }
}

/// Splats decompose at compile time: v = (v / R(v)) * R(v). Dense constants take R(max |v|).
pub fn constant<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let attribute = op.attribute("value").map_err(|e| e.to_string())?;
    let (is_splat, values) = scalify_dialect::ir::float_constant_values(attribute)
        .ok_or("only f32 and f64 dense constants are read at compile time")?;
    let old: Value = op.result(0).map_err(|e| e.to_string())?.into();
    let ty = rw.data_type(old.r#type());
    let builder = rw.builder();
    if is_splat {
        let scaled = splat_constant(rw, old, values[0]);
        rw.bind_scaled(old, scaled);
        return Ok(());
    }
    let largest = values.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
    let scale = if largest == 0.0 { 1.0 } else { pow2::round(scale_magnitude(rw, largest), rw.options.rounding) };
    let scaled_values: Vec<f64> = values.iter().map(|v| v / scale as f64).collect();
    let data = builder.constant(dense_constant(ty, rw.data_element(), &scaled_values), ty);
    let sentinel = values.iter().all(|v| *v == 0.0 || is_sentinel_magnitude(*v, rw.options.narrowest_data_type()));
    let integral = values.iter().all(|v| v.fract() == 0.0);
    rw.bind_scaled(old, Scaled { sentinel, integral, ..Scaled::new(data, Scale::Static(scale)) });
    Ok(())
}

/// A float iota counts 0 .. n-1: data iota / R(n-1) at scale R(n-1).
pub fn iota<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let old: Value = op.result(0).map_err(|e| e.to_string())?.into();
    let dimension = op
        .attribute("iota_dimension")
        .ok()
        .and_then(|a| IntegerAttribute::try_from(a).ok())
        .map(|a| a.value())
        .ok_or("iota without iota_dimension")?;
    let n = shape_of(old.r#type()).and_then(|s| s.get(dimension as usize).copied()).ok_or("iota of unknown size")?;
    let scale = pow2::round((n - 1).max(1) as f32, rw.options.rounding);
    let counted = emit_like(rw, op, &[], &[old.r#type()]);
    let counted: Value = counted.result(0).expect("iota result").into();
    let reciprocal = Scale::Static(1.0 / scale);
    let data = rw.multiply_by_scale(counted, reciprocal);
    let scaled = rw.wrap(data, Scale::Static(scale));
    rw.bind_scaled(old, scaled);
    Ok(())
}
