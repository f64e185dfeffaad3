//! Collectives: values cross devices, so a scale must mean the same on every device. A static scale
//! does (the SPMD program computes it at compile time, identically on every device); a run-time scale
//! may differ between devices, so such an instance falls back (computed unscaled, reported) rather
//! than mixing data of different scales.

use melior::ir::attribute::{Attribute, AttributeLike};
use melior::ir::operation::OperationLike;
use melior::ir::{OperationRef, Value, ValueLike};
use scalify_dialect::melior;
use scalify_dialect::types::shape_of;

use super::super::pow2;
use super::super::rewriter::{Rewriter, Scaled};
use super::super::scale::{Scale, ScaleMath};
use super::reduction::{Body, body_kind, in_original_precision};
use super::{emit_like, is_float, operands, results};

/// Err when a scale in `scaled` is known only at run time (it may differ between devices).
fn all_static(scaled: &[Scaled]) -> Result<(), String> {
    if scaled.iter().any(|s| !s.invariant && s.scale.as_static().is_none()) {
        return Err("a run-time scale cannot cross devices (it may differ between them)".into());
    }
    Ok(())
}

/// all_gather, all_to_all, collective_permute, collective_broadcast: the data moves between devices,
/// each result at its operand's (static) scale.
pub fn moving<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let old_operands = operands(&op);
    let mapped: Vec<(Value, Option<Scaled>)> = old_operands
        .iter()
        .map(|v| {
            if is_float(*v) {
                let s = rw.scaled(*v);
                (s.data, Some(s))
            } else {
                (rw.plain(*v), None)
            }
        })
        .collect();
    all_static(&mapped.iter().filter_map(|(_, s)| *s).collect::<Vec<_>>())?;
    let data: Vec<Value> = mapped.iter().map(|(d, _)| *d).collect();
    let types = results(&op).iter().map(|r| rw.data_type(r.r#type())).collect::<Vec<_>>();
    let new = emit_like(rw, op, &data, &types);
    // Variadic collectives pair results with operands one to one.
    for ((old, new), (_, source)) in results(&op).into_iter().zip(results(&new)).zip(mapped) {
        match source {
            Some(s) => rw.bind_scaled(
                old,
                Scaled { splat: s.splat, ..Scaled::new(new, if s.invariant { Scale::ONE } else { s.scale }) },
            ),
            None => rw.bind_plain(old, new),
        }
    }
    Ok(())
}

/// Devices in each replica group (the second dimension of `replica_groups`); 0 when it is empty (every
/// device, a count the module does not state).
fn group_size(op: &OperationRef) -> i64 {
    let groups: Option<Attribute> = op.attribute("replica_groups").ok();
    match groups.and_then(|a| shape_of(a.r#type())).as_deref() {
        Some([_, devices]) => *devices,
        _ => 0,
    }
}

/// all_reduce and reduce_scatter: computed in the op's own float type on scaled data (as `reduce`).
/// A sum over N devices grows like sqrt(N): the result is brought back by r = R(sqrt(N)) into the
/// scale; max and min keep it.
pub fn reducing<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let body = body_kind(&op, 0);
    if !matches!(body, Body::Sum | Body::MaxMin) {
        return Err(format!("collective body is not a sum, max or min ({body:?})"));
    }
    let scaled: Vec<Scaled> = operands(&op).into_iter().map(|v| rw.scaled(v)).collect();
    all_static(&scaled)?;
    let data: Vec<Value> = scaled.iter().map(|s| s.data).collect();
    let values = in_original_precision(rw, &op, &data);
    let new = rw.clone_op(op, &values);
    let r = match body {
        Body::Sum => {
            let devices = group_size(&op);
            if devices == 0 {
                return Err("a sum over every device: the group size is not in the module".into());
            }
            pow2::round((devices as f64).sqrt() as f32, rw.options.rounding)
        }
        _ => 1.0,
    };
    // One result per operand, each at its operand's scale times r.
    for ((old, new), s) in results(&op).into_iter().zip(results(&new)).zip(scaled) {
        let scale = if s.invariant { Scale::ONE } else { s.scale };
        let builder = rw.builder();
        let out_scale = ScaleMath::new(&builder, rw.options.rounding).mul(scale, Scale::Static(r));
        let data = if r == 1.0 { new } else { rw.multiply_by_scale(new, Scale::Static(1.0 / r)) };
        let wrapped = rw.wrap(data, out_scale);
        rw.bind_scaled(old, wrapped);
    }
    Ok(())
}
