//! Collectives: values cross devices, so a scale must mean the same on every device. A static scale
//! does (the SPMD program computes it at compile time, identically on every device). A run-time scale
//! may differ between devices, so it crosses with its data:
//! - reductions and gathers (all_reduce, reduce_scatter, all_gather, all_to_all) first agree on one
//!   scale, the group's largest: a scalar `all_reduce` (maximum) of the scales over the same groups,
//!   each device's data brought down to it, so no device's data leaves its range and every device
//!   ends with the same scale;
//! - a permute or broadcast sends each scale along its data, with a scalar collective of its own kind.
//! Each added collective takes a channel of its own where the original has one.

use melior::ir::attribute::{Attribute, AttributeLike};
use melior::ir::operation::OperationLike;
use melior::ir::{OperationRef, Value, ValueLike};
use scalify_dialect::ir::walk;
use scalify_dialect::melior;
use scalify_dialect::types::{scalar_f32_type, shape_of};

use super::super::pow2;
use super::super::rewriter::{Rewriter, Scaled, Statistic, op_name};
use super::super::scale::{Scale, ScaleMath};
use super::reduction::{Body, body_kind, in_original_precision};
use super::{emit_like, is_float, operands, results};

/// The smallest normal f32: a permuted scale's floor (devices no pair sends to receive zeros).
const SMALLEST_NORMAL_F32: f64 = 1.1754943508222875e-38;

/// A channel handle no op in the module uses, nor any collective this rewrite added, for a collective
/// added beside `op`; none when `op` itself has none (a cross-replica collective). Handles are
/// compared as attributes (the library has no accessor for their fields): the first `handle = k`
/// unused at any type.
fn fresh_channel<'c>(rw: &mut Rewriter<'c, '_>, op: &OperationRef<'c, '_>) -> Option<Attribute<'c>> {
    op.attribute("channel_handle").ok()?;
    let mut module = *op;
    while let Some(parent) = module.parent_operation() {
        module = parent;
    }
    let mut used = rw.channel_handles.clone();
    walk(&module, |inner| used.extend(inner.attribute("channel_handle").ok()));
    let context = rw.context;
    let handle = |k: usize, kind: u32| {
        Attribute::parse(context, &format!("#stablehlo.channel_handle<handle = {k}, type = {kind}>"))
            .expect("a channel handle parses")
    };
    let free = (1..=used.len() + 1).find(|&k| (0..=3).all(|kind| !used.contains(&handle(k, kind))))?;
    let fresh = handle(free, 1); // DEVICE_TO_DEVICE
    rw.channel_handles.push(fresh);
    Some(fresh)
}

/// `scale` (a run-time `tensor<f32>`) through a collective like `op`: `name` over the same devices,
/// with `combiner` as its body where it reduces.
fn scale_collective<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: &OperationRef<'c, 'a>,
    name: &str,
    scale: Value<'c, 'a>,
    combiner: Option<&str>,
) -> Value<'c, 'a> {
    rw.report.collective_scales += 1;
    let context = rw.context;
    let channel = fresh_channel(rw, op);
    let builder = rw.builder();
    let mut attributes: Vec<(&str, Attribute<'c>)> = ["replica_groups", "source_target_pairs", "use_global_device_ids"]
        .into_iter()
        .filter_map(|key| op.attribute(key).ok().map(|value| (key, value)))
        .collect();
    attributes.extend(channel.map(|c| ("channel_handle", c)));
    // all_to_all over a channel spans partitions, which for an all_reduce (with one replica, as SPMD
    // programs have) means its groups are device ids.
    if op_name(op) == "stablehlo.all_to_all" && channel.is_some() && name == "stablehlo.all_reduce" {
        attributes.push(("use_global_device_ids", Attribute::unit(context)));
    }
    let scalar = scalar_f32_type(context);
    let regions = combiner.map(|body| vec![builder.combiner(body, scalar)]).unwrap_or_default();
    builder.op_with_regions(name, &[scale], &[scalar], &attributes, regions).result(0).expect("one result").into()
}

/// `s` at the scale every device of `op`'s groups agrees on: the largest of theirs.
fn agreed<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: &OperationRef<'c, 'a>, s: Scaled<'c, 'a>) -> Scaled<'c, 'a> {
    if s.invariant || s.scale.as_static().is_some() {
        return s;
    }
    let local = ScaleMath::new(&rw.builder(), rw.options.rounding).value(s.scale);
    let largest = Scale::dynamic(scale_collective(rw, op, "stablehlo.all_reduce", local, Some("stablehlo.maximum")));
    Scaled { data: rw.rescale(s, largest), scale: largest, ..s }
}

/// The scale of what `op` (a permute or broadcast) delivers: each sender's scale, sent alongside.
fn delivered<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: &OperationRef<'c, 'a>, s: Scaled<'c, 'a>) -> Scale<'c, 'a> {
    if s.invariant {
        return Scale::ONE;
    }
    if s.scale.as_static().is_some() {
        return s.scale;
    }
    let local = ScaleMath::new(&rw.builder(), rw.options.rounding).value(s.scale);
    let sent = scale_collective(rw, op, &op_name(op), local, None);
    let builder = rw.builder();
    let floor = builder.scalar_f32(SMALLEST_NORMAL_F32 as f32);
    Scale::dynamic(builder.elementwise("stablehlo.maximum", &[sent, floor]))
}

/// all_gather, all_to_all, collective_permute, collective_broadcast: the data moves between devices.
/// Gathers mix devices' data, so they move it at the agreed scale; a permute or broadcast delivers one
/// sender's data, with that sender's scale.
pub fn moving<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let sends_scales =
        matches!(op_name(&op).as_str(), "stablehlo.collective_permute" | "stablehlo.collective_broadcast");
    let (mut data, mut mapped) = (Vec::new(), Vec::new());
    for value in operands(&op) {
        if !is_float(value) {
            data.push(rw.plain(value));
            mapped.push(None);
            continue;
        }
        let s = rw.scaled(value);
        let (s, scale) = if sends_scales {
            (s, delivered(rw, &op, s))
        } else {
            let s = agreed(rw, &op, s);
            (s, if s.invariant { Scale::ONE } else { s.scale })
        };
        data.push(s.data);
        mapped.push(Some((s, scale)));
    }
    let types = results(&op).iter().map(|r| rw.data_type(r.r#type())).collect::<Vec<_>>();
    let new = emit_like(rw, op, &data, &types);
    // Variadic collectives pair results with operands one to one.
    for ((old, new), source) in results(&op).into_iter().zip(results(&new)).zip(mapped) {
        match source {
            Some((s, scale)) => rw.bind_scaled(old, Scaled { splat: s.splat, ..Scaled::new(new, scale) }),
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

/// all_reduce and reduce_scatter: computed in the op's own float type on data at the agreed scale.
/// With static scales a sum over N devices is taken to grow like sqrt(N): the result is brought
/// back by r = R(sqrt(N)) into the scale; max and min keep it. A sum at a run-time scale is
/// renormalized from its own RMS.
pub fn reducing<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let body = body_kind(&op, 0);
    if !matches!(body, Body::Sum | Body::MaxMin) {
        return Err(format!("collective body is not a sum, max or min ({body:?})"));
    }
    let mut scaled = Vec::new();
    let mut run_time = Vec::new();
    for value in operands(&op) {
        let s = rw.scaled(value);
        run_time.push(!s.invariant && s.scale.as_static().is_none());
        scaled.push(agreed(rw, &op, s));
    }
    let data: Vec<Value> = scaled.iter().map(|s| s.data).collect();
    let values = in_original_precision(rw, &op, &data);
    let new = rw.clone_op(op, &values);
    if body == Body::Sum && run_time.iter().any(|&r| r) {
        // A sum of run-time-scaled data grows with how alike the devices' values are (N times for a
        // replicated gradient's psum then pmean), not like sqrt(N): its RMS is brought back to 1 from
        // the sum itself, computed in the op's own type. Identical on every device of an all_reduce.
        for ((old, new), (s, run_time)) in results(&op).into_iter().zip(results(&new)).zip(scaled.iter().zip(run_time))
        {
            let normalized = if run_time {
                rw.normalize(new, s.scale, Statistic::L2, 0.0)
            } else {
                rw.wrap(new, if s.invariant { Scale::ONE } else { s.scale })
            };
            rw.bind_scaled(old, normalized);
        }
        return Ok(());
    }
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
