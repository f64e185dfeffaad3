//! FP8 matmuls: which dot_generals go to FP8, in which formats, and the lowering XLA's GPU
//! GemmRewriter fuses into a cuBLASLt FP8 GEMM: per operand `convert(clamp(x * s))` to FP8 with the
//! format's exact bounds, `dot_general(f8, f8) -> f32`, then a multiply by a scalar splat.

use melior::ir::operation::OperationLike;
use melior::ir::{OperationRef, Value, ValueLike};
use scalify_dialect::types::{shape_of, with_element};
use scalify_dialect::{DotDimensions, ElementType};
use scalify_dialect::{ir, melior};

use super::policy::{Fp8Scales, MatmulType};
use super::pow2;
use super::report::DotRecord;
use super::rewriter::{Fp8Cast, Fp8CastKey, Rewriter, Scaled, Statistic, location_text, op_name};
use super::role::Role;
use super::scale::{Scale, ScaleMath};

/// A dot's role for its formats: the name stack's; outside autodiff it is `Unknown` (treated as forward).
fn location_says(location: &str) -> Role {
    Role::of_location(location, false)
}

/// The op that produced `value`, looking through layout ops (the table's `layout` rows: they move
/// data without changing which pass it belongs to); `None` for block arguments.
fn producer<'c, 'a>(mut value: Value<'c, 'a>) -> Option<OperationRef<'c, 'a>> {
    for _ in 0..16 {
        let owner = ir::defining_op(value)?;
        if super::rules::find(&op_name(&owner), None).is_some_and(|rule| rule.layout) {
            value = owner.operand(0).ok()?;
        } else {
            return Some(owner);
        }
    }
    None
}

/// A `scalify.fp8_forward` / `scalify.fp8_backward` marker on an operand: the user's format hint.
fn marked_format(value: Value, options: &super::policy::Options) -> Option<ElementType> {
    let op = producer(value)?;
    if op_name(&op) != "stablehlo.custom_call" {
        return None;
    }
    match ir::string_attribute(&op, "call_target_name")?.as_str() {
        "scalify.fp8_forward" => Some(options.fp8_forward),
        "scalify.fp8_backward" => Some(options.fp8_backward),
        _ => None,
    }
}

/// The role of an op: its name stack's; without one, backward when the function's loss does not
/// depend on it (`role::loss_cone`), else forward; `Unknown` when neither tells.
fn role_of(rw: &Rewriter, op: &OperationRef) -> Role {
    match (location_says(&op.location().to_string()), &rw.loss_cone) {
        (Role::Unknown, Some(cone)) if cone.contains(&(op.to_raw().ptr as usize)) => Role::Forward,
        (Role::Unknown, Some(_)) => Role::Backward,
        (role, _) => role,
    }
}

/// Whether an operand was computed by the backward pass.
fn is_gradient(rw: &Rewriter, value: Value) -> bool {
    producer(value).is_some_and(|op| role_of(rw, &op) == Role::Backward)
}

/// The formats of (lhs, rhs) and the role, or why the dot stays in the data type.
fn formats(rw: &Rewriter, op: &OperationRef, lhs: Value, rhs: Value) -> (Role, (ElementType, ElementType)) {
    let options = &rw.options;
    let role = role_of(rw, op);
    let (forward, backward) = (options.fp8_forward, options.fp8_backward);
    let (mut a, mut b) = match role {
        Role::Backward => match (is_gradient(rw, lhs), is_gradient(rw, rhs)) {
            (true, false) => (backward, forward),
            (false, true) => (forward, backward),
            // Both from the backward pass (a gradient of a gradient): the lhs is taken as the gradient.
            (true, true) => (backward, forward),
            (false, false) => (forward, forward),
        },
        _ => (forward, forward),
    };
    if let Some(format) = marked_format(lhs, options) {
        a = format;
    }
    if let Some(format) = marked_format(rhs, options) {
        b = format;
    }
    // cuBLASLt takes at least one E4M3FN operand; E5M2 x E5M2 would fall back to f16 in XLA.
    if a == ElementType::F8E5M2 && b == ElementType::F8E5M2 {
        a = ElementType::F8E4M3FN;
    }
    (role, (a, b))
}

/// The statistic an operand is rescaled from before its cast: the policy's; with calibrated scales
/// its max (while measuring, and at casts inside regions, which are not calibrated).
fn cast_statistic(rw: &Rewriter) -> Option<Statistic> {
    match rw.options.fp8_scales {
        Fp8Scales::Calibrated => Some(Statistic::Max),
        _ => rw.options.rescale,
    }
}

/// The factor a max-rescaled operand's data is brought to: half the format's largest power of two
/// (2^7 in E4M3FN, 2^14 in E5M2), room for the next steps' growth.
fn headroom(format: ElementType) -> f32 {
    pow2::pow2_down(format.max_finite() as f32) / 2.0
}

/// Under calibration, how far below the headroom an operand's max is cast (measuring and frozen
/// alike): the room it has to grow between recalibrations before its frozen scale overflows the
/// format. Built into both steps, not added to the frozen scales: a frozen scale above the measured
/// one shrinks its data, and every product downstream compounds that (raising each frozen maximum
/// of the GPT step's f16 rewrite by one power of two moved its gradients 2^19 below their measured
/// magnitude, where f16 flushes them).
const CALIBRATED_CAST_ROOM: f32 = 0.5;

/// The factor an operand's max is brought to before its cast.
fn cast_target(rw: &Rewriter, format: ElementType) -> f32 {
    headroom(format) * if rw.calibrated_here() { CALIBRATED_CAST_ROOM } else { 1.0 }
}

/// One operand as FP8 data: rescaled from its own statistic when the policy asks (so that its
/// largest magnitude sits at half the format's maximum, or its RMS at 1), clamped to the format's
/// exact finite range (E4M3FN +-448, E5M2 +-57344: XLA's convert does not saturate), converted.
/// Returns the FP8 value, its scale, and the headroom factor its data was multiplied by.
fn to_fp8<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, operand: Scaled<'c, 'a>, format: ElementType) -> Fp8Cast<'c, 'a> {
    let builder = rw.builder();
    let math = ScaleMath::new(&builder, rw.options.rounding);
    let wide = rw.convert(operand.data, ElementType::F32);
    let scale = if operand.invariant { Scale::ONE } else { operand.scale };
    let (wide, scale, headroom) = match cast_statistic(rw) {
        None => (wide, scale, 1.0),
        // Already at max |data| <= 1 from a dynamic rescale: only the headroom factor, no statistic.
        Some(Statistic::Max) if operand.bounded => {
            let headroom = cast_target(rw, format);
            let data = rw.multiply_by_scale(wide, Scale::Static(headroom));
            (data, math.div(scale, Scale::Static(headroom)), headroom)
        }
        Some(statistic) => {
            let headroom = if statistic == Statistic::Max { cast_target(rw, format) } else { 1.0 };
            // data * headroom / norm, at scale * norm / headroom; floored so that an all-zero operand
            // gets a finite factor (headroom / norm <= 2^79).
            let (data, new_scale) = rw.rescaled_in_f32(operand.data, scale, statistic, 2f32.powi(-64), headroom);
            (data, new_scale, headroom)
        }
    };
    // At a frozen calibrated scale no clamp: a value the calibration did not foresee converts to NaN
    // (E4M3FN) or inf (E5M2), which reaches the step's outputs, where the overflow flag
    // (`driver::calibration_result`) sees it.
    if rw.statistics_frozen() {
        return (builder.convert(wide, format), scale, headroom);
    }
    let bound = format.max_finite();
    let low = builder.splat(wide.r#type(), -bound);
    let high = builder.splat(wide.r#type(), bound);
    let clamped = builder.clamp(low, wide, high);
    (builder.convert(clamped, format), scale, headroom)
}

/// What identifies a cast: the same data may stand for different values at different scales (x and
/// 0.5 x share it); a cast is reused only in the block that holds it, where it dominates.
fn cast_key(rw: &Rewriter, operand: &Scaled, format: ElementType) -> Fp8CastKey {
    let scale = match operand.scale {
        Scale::Static(s) => (0, s.to_bits(), operand.invariant),
        Scale::Dynamic { base, factor } => (base.to_raw().ptr as usize, factor.to_bits(), operand.invariant),
    };
    (operand.data.to_raw().ptr as usize, scale, format, rw.point_block())
}

/// `to_fp8`, once per (tensor, format) in a block.
fn cached_fp8<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, operand: Scaled<'c, 'a>, format: ElementType) -> Fp8Cast<'c, 'a> {
    let key = cast_key(rw, &operand, format);
    if let Some(cast) = rw.fp8_casts.get(&key) {
        return *cast;
    }
    let cast = to_fp8(rw, operand, format);
    rw.fp8_casts.insert(key, cast);
    cast
}

/// `value` laid out as [batch..., free..., contracting] with the contracting dimensions merged into
/// one (in the order given, which pairs them with the other operand's).
fn gemm_layout<'c: 'a, 'a>(
    rw: &Rewriter<'c, 'a>,
    value: Value<'c, 'a>,
    batch: &[i64],
    contracting: &[i64],
) -> Value<'c, 'a> {
    let shape = shape_of(value.r#type()).unwrap_or_default();
    let free: Vec<i64> = (0..shape.len() as i64).filter(|d| !batch.contains(d) && !contracting.contains(d)).collect();
    let order: Vec<i64> = batch.iter().chain(&free).chain(contracting).copied().collect();
    let builder = rw.builder();
    let element = scalify_dialect::types::element_type_of(value.r#type());
    let permuted_shape: Vec<u64> = order.iter().map(|&d| shape[d as usize] as u64).collect();
    let transposed = if order.iter().enumerate().all(|(i, &d)| i as i64 == d) {
        value
    } else {
        let permutation = melior::ir::attribute::DenseI64ArrayAttribute::new(rw.context, &order);
        let ty = scalify_dialect::types::tensor_type(&permuted_shape, element);
        builder.value("stablehlo.transpose", &[value], ty, &[("permutation", permutation.into())])
    };
    let kept = batch.len() + free.len();
    let mut merged_shape: Vec<u64> = permuted_shape[..kept].to_vec();
    merged_shape.push(permuted_shape[kept..].iter().product());
    let ty = scalify_dialect::types::tensor_type(&merged_shape, element);
    builder.value("stablehlo.reshape", &[transposed], ty, &[])
}

/// Whether `op` (a dot_general or convolution with `k` products per output) goes to FP8, in which
/// formats; records the decision when it does not.
fn decide<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    k: i64,
    has_contraction: bool,
) -> Result<Option<(ElementType, ElementType, DotRecord)>, String> {
    if rw.options.matmul_type != MatmulType::F8 {
        return Ok(None);
    }
    let (lhs, rhs) = (op.operand(0).map_err(|e| e.to_string())?, op.operand(1).map_err(|e| e.to_string())?);
    let old: Value = op.result(0).map_err(|e| e.to_string())?.into();
    let result_shape = shape_of(old.r#type()).unwrap_or_default();
    let flops = 2 * result_shape.iter().product::<i64>().max(1) as u64 * k.max(1) as u64;
    let (role, (fa, fb)) = formats(rw, &op, lhs, rhs);
    let mut record = DotRecord {
        op: op_name(&op),
        location: location_text(op.location()),
        lhs_shape: shape_of(lhs.r#type()).unwrap_or_default(),
        rhs_shape: shape_of(rhs.r#type()).unwrap_or_default(),
        flops,
        role: match role {
            Role::Unknown => "unknown (treated as forward)".to_string(),
            role => role.name().to_string(),
        },
        formats: None,
        lowered: false,
        reason: String::new(),
    };
    let refusal = if !has_contraction {
        Some("no contracting dimension (an outer product)".to_string())
    } else if flops < rw.options.fp8_min_flops {
        Some(format!("{flops} FLOPs is below fp8-min-flops={}", rw.options.fp8_min_flops))
    } else {
        None
    };
    if let Some(reason) = refusal {
        record.reason = format!("kept in {}: {reason}", rw.data_element().name());
        rw.report.dots.push(record);
        return Ok(None);
    }
    record.formats = Some((fa.name().to_string(), fb.name().to_string()));
    Ok(Some((fa, fb, record)))
}

/// The FP8 product's data (f32 or bf16, at the operands' headroom) brought back near unit scale by
/// the contraction factor r and the headrooms, stored in the data type, and bound as `op`'s result.
/// The operands sat at their formats' headroom (up to 256 and 32768): f16 would overflow at 65504
/// without this. All factors are powers of two: exact.
fn bind_product<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    product: Value<'c, 'a>,
    [(sa, ha), (sb, hb)]: [(Scale<'c, 'a>, f32); 2],
    k: i64,
    mut record: DotRecord,
    lowering: &str,
) {
    let r = pow2::round((k.max(1) as f64).sqrt() as f32, rw.options.rounding);
    let factor = r * ha * hb;
    let data = if factor == 1.0 { product } else { rw.multiply_by_scale(product, Scale::Static(1.0 / factor)) };
    let builder = rw.builder();
    let math = ScaleMath::new(&builder, rw.options.rounding);
    let scale = math.mul(math.mul(sa, sb), Scale::Static(factor));
    let scaled = rw.wrap(data, scale);
    rw.bind_scaled(op.result(0).expect("one result").into(), scaled);
    record.lowered = true;
    record.reason = match cast_statistic(rw) {
        _ if rw.statistics_frozen() => format!("{lowering}: operand scales calibrated"),
        None => format!("{lowering}: operand scales from propagation"),
        Some(statistic) => format!("{lowering}: operands rescaled from their {statistic:?} at the cast"),
    };
    rw.report.dots.push(record);
}

/// When `op` goes to FP8: its original result, and each operand as (FP8 value, scale, headroom).
type Fp8Operands<'c, 'a> = (Value<'c, 'a>, [(Value<'c, 'a>, Scale<'c, 'a>, f32); 2], DotRecord);

/// `decide`, then both operands cast (once per tensor and format in a block).
fn fp8_operands<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    [a, b]: [Scaled<'c, 'a>; 2],
    k: i64,
    has_contraction: bool,
) -> Result<Option<Fp8Operands<'c, 'a>>, String> {
    let Some((fa, fb, record)) = decide(rw, op, k, has_contraction)? else { return Ok(None) };
    let old: Value = op.result(0).map_err(|e| e.to_string())?.into();
    Ok(Some((old, [cached_fp8(rw, a, fa), cached_fp8(rw, b, fb)], record)))
}

/// Lowers `op` (a dot_general or a convolution) to FP8 if the policy and its shape allow; records the
/// decision. Returns whether it did (when not, the caller computes it in the data type).
pub fn try_lower<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    a: Scaled<'c, 'a>,
    b: Scaled<'c, 'a>,
    k: i64,
) -> Result<bool, String> {
    if op_name(&op) == "stablehlo.convolution" {
        let Some(operands) = fp8_operands(rw, op, [a, b], k, true)? else { return Ok(false) };
        lower_convolution(rw, op, operands, k)?;
        return Ok(true);
    }
    let dims = DotDimensions::of(&op).map_err(|e| e.to_string())?;
    let Some(operands) = fp8_operands(rw, op, [a, b], k, !dims.lhs_contracting.is_empty())? else {
        return Ok(false);
    };
    lower_dot(rw, op, operands, &dims, k)?;
    Ok(true)
}

/// XLA's cuBLASLt FP8 GEMM pattern: `dot_general(f8, f8) -> f32` (or bf16), then a scalar multiply.
fn lower_dot<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    (old, [(a8, sa, ha), (b8, sb, hb)], record): Fp8Operands<'c, 'a>,
    dims: &DotDimensions,
    k: i64,
) -> Result<(), String> {
    let output = with_element(old.r#type(), rw.options.fp8_output.to_mlir(rw.context)).ok_or("unranked dot")?;
    let product = if dims.lhs_contracting.len() == 1 {
        let product = super::families::emit_like(rw, op, &[a8, b8], &[output]);
        product.result(0).expect("one result").into()
    } else {
        // Several contracting dimensions (a weight gradient summed over batch and time): merged into
        // one, as XLA's dot decomposer would, so the GEMM rewriter sees one per operand.
        let a8 = gemm_layout(rw, a8, &dims.lhs_batch, &dims.lhs_contracting);
        let b8 = gemm_layout(rw, b8, &dims.rhs_batch, &dims.rhs_contracting);
        let batch: Vec<i64> = (0..dims.lhs_batch.len() as i64).collect();
        let rank = |v: Value| shape_of(v.r#type()).map_or(0, |s| s.len()) as i64;
        let merged = DotDimensions {
            lhs_batch: batch.clone(),
            rhs_batch: batch,
            lhs_contracting: vec![rank(a8) - 1],
            rhs_contracting: vec![rank(b8) - 1],
        };
        let attribute = merged.to_attribute(rw.context);
        rw.builder().value("stablehlo.dot_general", &[a8, b8], output, &[("dot_dimension_numbers", attribute)])
    };
    bind_product(rw, op, product, [(sa, ha), (sb, hb)], k, record, "fp8 (cuBLASLt GEMM pattern)");
    Ok(())
}

/// The pattern XLA's cuDNN conv rewriter turns into an FP8 graph convolution on Hopper: the FP8
/// operands converted back to f32, convolved, the result multiplied by a scalar.
fn lower_convolution<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    (old, [(a8, sa, ha), (b8, sb, hb)], record): Fp8Operands<'c, 'a>,
    k: i64,
) -> Result<(), String> {
    let (wa, wb) = (rw.convert(a8, ElementType::F32), rw.convert(b8, ElementType::F32));
    let output = with_element(old.r#type(), ElementType::F32.to_mlir(rw.context)).ok_or("unranked convolution")?;
    let product = super::families::emit_like(rw, op, &[wa, wb], &[output]);
    let product: Value = product.result(0).expect("one result").into();
    bind_product(rw, op, product, [(sa, ha), (sb, hb)], k, record, "fp8 (cuDNN graph convolution pattern)");
    Ok(())
}
