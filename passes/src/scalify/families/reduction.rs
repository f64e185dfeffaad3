//! Ops with a computation region (reduce, reduce_window, select_and_scatter, scatter, sort). The region
//! is kept as it is and the op computes in its own float type on *scaled* data: the rule only has to
//! know how the region's computation treats a scale, which it reads off the region.

use melior::ir::block::BlockLike;
use melior::ir::operation::OperationLike;
use melior::ir::{OperationRef, RegionLike, Value, ValueLike};
use scalify_dialect::melior;
use scalify_dialect::types::{element_type_of, is_float_tensor, shape_of};
use scalify_dialect::{ElementType, attrs};

use super::super::pow2;
use super::super::rewriter::{Rewriter, op_name};
use super::super::scale::{Scale, ScaleMath};
use super::{Sentinels, align_to_max, is_float, operands, results};

/// What a computation region does with its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Body {
    /// `return add(x, y)`: sums scale like the data.
    Sum,
    /// `return max(x, y)` / `min(x, y)`.
    MaxMin,
    /// Only comparisons, selections and integer work: any common positive scale leaves it unchanged
    /// (argmax pairs, sort comparators, select_and_scatter's select).
    Selection,
    /// `return y`: scatter that replaces.
    Replace,
    Other,
}

pub(super) fn body_kind(op: &OperationRef, region_index: usize) -> Body {
    let Some(block) = op.region(region_index).ok().and_then(|r| r.first_block()) else { return Body::Other };
    let mut ops = Vec::new();
    let mut next = block.first_operation();
    while let Some(current) = next {
        ops.push(current);
        next = current.next_in_block();
    }
    let Some((terminator, body)) = ops.split_last() else { return Body::Other };
    let args: Vec<Value> = (0..block.argument_count()).filter_map(|i| block.argument(i).ok()).map(Into::into).collect();
    let returned: Vec<Value> = terminator.operands().collect();
    if body.is_empty() && returned.len() == 1 && args.len() == 2 && returned[0] == args[1] {
        return Body::Replace;
    }
    if let [single] = body {
        let operands: Vec<Value> = single.operands().collect();
        let result: Value = single.result(0).map(Into::into).unwrap_or(returned[0]);
        let on_arguments = operands.len() == 2 && operands.iter().all(|o| args.contains(o));
        if on_arguments && returned == [result] {
            match op_name(single).as_str() {
                "stablehlo.add" => return Body::Sum,
                "stablehlo.maximum" | "stablehlo.minimum" => return Body::MaxMin,
                _ => {}
            }
        }
    }
    let selection_only = body.iter().all(|inner| {
        let name = op_name(inner);
        let touches_float =
            inner.operands().chain(inner.results().map(Into::into)).any(|v: Value| is_float_tensor(v.r#type()));
        matches!(
            name.as_str(),
            "stablehlo.compare"
                | "stablehlo.select"
                | "stablehlo.and"
                | "stablehlo.or"
                | "stablehlo.not"
                | "stablehlo.xor"
                | "stablehlo.maximum"
                | "stablehlo.minimum"
        ) || !touches_float
            || is_scale_free_constant(inner)
    });
    if selection_only { Body::Selection } else { Body::Other }
}

/// A float constant every scale represents: 0, +-inf or NaN (JAX's total-order comparators use them).
fn is_scale_free_constant(op: &OperationRef) -> bool {
    if op_name(op) != "stablehlo.constant" {
        return false;
    }
    let Ok(value) = op.attribute("value") else { return false };
    // Any float width: an f16 or bf16 infinity too.
    matches!(scalify_dialect::ir::float_constant_values(value), Some((true, v)) if v[0] == 0.0 || !v[0].is_finite())
}

/// Float values converted to the op's original float type, read off its results (XLA wants one float
/// type across a region op's operands; the original operands may be arguments whose type the scaled
/// signature already changed).
pub(super) fn in_original_precision<'c: 'a, 'a>(
    rw: &Rewriter<'c, 'a>,
    op: &OperationRef<'c, 'a>,
    values: &[Value<'c, 'a>],
) -> Vec<Value<'c, 'a>> {
    let original =
        results(op).into_iter().find(|r| is_float(*r)).and_then(|r| ElementType::of(element_type_of(r.r#type())));
    values
        .iter()
        .map(|value| match original {
            Some(element) if is_float(*value) => rw.convert(*value, element),
            _ => *value,
        })
        .collect()
}

/// Binds the float results of `new` (in the original precision) at `scale`, times `factor`.
fn bind_scaled_results<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    old: OperationRef<'c, 'a>,
    new: OperationRef<'c, 'a>,
    scale: Scale<'c, 'a>,
    factor: f32,
) {
    for (o, n) in results(&old).into_iter().zip(results(&new)) {
        if is_float(o) {
            let n = if factor == 1.0 { n } else { rw.multiply_by_scale(n, Scale::Static(factor)) };
            let scaled = rw.wrap(n, scale);
            rw.bind_scaled(o, scaled);
        } else {
            rw.bind_plain(o, n);
        }
    }
}

/// Number of input elements that meet in one output element.
fn reduced_count(op: &OperationRef) -> Result<i64, String> {
    let input = shape_of(op.operand(0).map_err(|e| e.to_string())?.r#type()).ok_or("unranked input")?;
    // reduce names the reduced dimensions; reduce_window a window.
    match attrs::i64_array(op, "window_dimensions") {
        Ok(window) => Ok(window.iter().product()),
        Err(_) => {
            let dims = attrs::i64_array(op, "dimensions").map_err(|e| e.to_string())?;
            Ok(dims.iter().map(|&d| input[d as usize]).product())
        }
    }
}

/// reduce and reduce_window.
pub fn reduce<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let old_operands = operands(&op);
    let inputs = old_operands.len() / 2;
    let body = body_kind(&op, 0);
    if inputs == 1 && matches!(body, Body::Sum | Body::MaxMin) {
        let input = rw.scaled(old_operands[0]);
        let init = rw.scaled(old_operands[1]);
        let scale = if input.invariant { Scale::ONE } else { input.scale };
        let init = rw.rescale(init, scale);
        let values = in_original_precision(rw, &op, &[input.data, init]);
        let new = rw.clone_op(op, &values);
        if body == Body::MaxMin {
            bind_scaled_results(rw, op, new, scale, 1.0);
        } else {
            // A sum of n unit values has RMS sqrt(n): its data is divided by R(sqrt(n)). Not in f32
            // data, whose range needs no help, and where the multiply between two sums would keep
            // XLA from merging them into one reduction as it merges the original's (reduce of
            // reduce: another summation order, so the f32 rewrite would not be exact).
            let r = if rw.data_element() == ElementType::F32 {
                1.0
            } else {
                pow2::round((reduced_count(&op)?.max(1) as f64).sqrt() as f32, rw.options.rounding)
            };
            let builder = rw.builder();
            let out_scale = ScaleMath::new(&builder, rw.options.rounding).mul(scale, Scale::Static(r));
            bind_scaled_results(rw, op, new, out_scale, 1.0 / r);
        }
        return Ok(());
    }
    if matches!(body, Body::Selection | Body::MaxMin) {
        return at_common_scale(rw, op);
    }
    Err(format!("reduction body is not a sum, max, min or selection ({body:?})"))
}

/// Every float operand at one scale S, computed in the original precision; float results at S.
fn at_common_scale<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let old_operands = operands(&op);
    let (aligned, scale) = align_to_max(rw, &old_operands, Sentinels::Vote);
    let values = in_original_precision(rw, &op, &aligned);
    let new = rw.clone_op(op, &values);
    bind_scaled_results(rw, op, new, scale, 1.0);
    Ok(())
}

/// select_and_scatter(operand, source, init): the select compares operand elements with each other,
/// so the operand's own scale cancels; the scatter adds source values, so the result has the source's.
pub fn select_and_scatter<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    if body_kind(&op, 0) != Body::Selection || body_kind(&op, 1) != Body::Sum {
        return Err("select is not a comparison or scatter is not a sum".into());
    }
    let old_operands = operands(&op);
    let operand = rw.scaled(old_operands[0]);
    let source = rw.scaled(old_operands[1]);
    let init = rw.scaled(old_operands[2]);
    let scale = if source.invariant { Scale::ONE } else { source.scale };
    let init = rw.rescale(init, scale);
    let values = in_original_precision(rw, &op, &[operand.data, source.data, init]);
    let new = rw.clone_op(op, &values);
    bind_scaled_results(rw, op, new, scale, 1.0);
    Ok(())
}

/// scatter with add or replace updates: operands and updates at a common scale.
pub fn scatter<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    match body_kind(&op, 0) {
        Body::Sum | Body::Replace | Body::MaxMin => at_common_scale(rw, op),
        other => Err(format!("scatter update is not add, replace, max or min ({other:?})")),
    }
}

/// sort: the comparator sees data at a common scale.
pub fn sort<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    match body_kind(&op, 0) {
        Body::Selection | Body::MaxMin => at_common_scale(rw, op),
        other => Err(format!("comparator does more than compare ({other:?})")),
    }
}
