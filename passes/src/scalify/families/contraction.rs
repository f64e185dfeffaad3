//! Contractions: a sum of K products of unit-scale data grows like sqrt(K), so the result's data is
//! divided by r = R(sqrt(K)) and its scale multiplied by r.

use melior::ir::operation::OperationLike;
use melior::ir::{OperationRef, Value, ValueLike};
use scalify_dialect::melior;
use scalify_dialect::types::shape_of;
use scalify_dialect::{ConvDimensions, DotDimensions};

use super::super::fp8;
use super::super::pow2;
use super::super::rewriter::{Rewriter, Scaled};
use super::super::scale::{Scale, ScaleMath};
use super::elementwise::{bounded_for_product, is_tensor_data, narrower_than_f32};
use super::{emit_like, scaled_operands};

/// r = R(sqrt(K)).
fn contraction_factor(rw: &Rewriter, k: i64) -> f32 {
    pow2::round((k.max(1) as f64).sqrt() as f32, rw.options.rounding)
}

fn contract<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>, k: i64) -> Result<(), String> {
    let [a, b] = scaled_operands(rw, &op)[..] else { return Err("expected two operands".into()) };
    // A tensor contracted with itself (x^T x) sums K squares of one sign: its data grows like K
    // times the squared outliers, not sqrt(K), so at f16 it is taken on data bounded by 1, as a
    // square is (a Gram of products of unit-RMS tensors overflowed f16 where f32 held 4e14).
    let (x, y): (Value, Value) =
        (op.operand(0).map_err(|e| e.to_string())?.into(), op.operand(1).map_err(|e| e.to_string())?.into());
    let (a, b) = if x == y && is_tensor_data(&a) {
        let a = bounded_for_product(rw, x, a, narrower_than_f32(rw));
        (a, a)
    } else {
        (a, b)
    };
    // A contraction with a zero (or +-inf) operand sums products that no scale changes: its result
    // is invariant too, and needs no FP8.
    let invariant = a.invariant || b.invariant;
    if !invariant && fp8::try_lower(rw, op, a, b, k)? {
        return Ok(());
    }
    let old: Value = op.result(0).map_err(|e| e.to_string())?.into();
    let ty = rw.data_type(old.r#type());
    let product = emit_like(rw, op, &[a.data, b.data], &[ty]);
    let product: Value = product.result(0).expect("one result").into();
    let r = contraction_factor(rw, k);
    let data = if r == 1.0 { product } else { rw.multiply_by_scale(product, Scale::Static(1.0 / r)) };
    let (data, scale) = match (a.scale, b.scale) {
        (Scale::Static(x), Scale::Static(y)) => rw.within_scale_range(data, x as f64 * y as f64 * r as f64),
        _ => {
            let builder = rw.builder();
            let math = ScaleMath::new(&builder, rw.options.rounding);
            (data, math.mul(math.mul(a.scale, b.scale), Scale::Static(r)))
        }
    };
    rw.bind_scaled(old, Scaled { invariant, ..Scaled::new(data, scale) });
    Ok(())
}

pub fn dot_general<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let dims = DotDimensions::of(&op).map_err(|e| e.to_string())?;
    let lhs = shape_of(op.operand(0).map_err(|e| e.to_string())?.r#type()).ok_or("unranked dot operand")?;
    let k = dims.lhs_contracting.iter().map(|&d| lhs[d as usize]).product::<i64>();
    contract(rw, op, k)
}

pub fn convolution<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let dims = ConvDimensions::of(&op).map_err(|e| e.to_string())?;
    let kernel = shape_of(op.operand(1).map_err(|e| e.to_string())?.r#type()).ok_or("unranked kernel")?;
    // Each output sums kernel-spatial x input-features-per-group products: the kernel's input feature
    // dimension already holds input features / feature_group_count.
    let k = dims.kernel_spatial.iter().map(|&d| kernel[d as usize]).product::<i64>()
        * kernel[dims.kernel_input_feature as usize];
    contract(rw, op, k)
}
