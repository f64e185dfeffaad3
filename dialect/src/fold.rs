//! Folding of rank-0 StableHLO ops whose operands are all constants, at the moment they are built.
//!
//! The linked MLIR's `canonicalize` does not fold StableHLO arithmetic on constants (its
//! `stablehlo-aggressive-folder` is not in the library), and scale arithmetic over constants is what
//! a calibrated rewrite is made of: its frozen statistics are constants that every rule handles as
//! run-time scales (so that the frozen and the measuring rewrite make the same decisions). Folding
//! them here leaves the frozen step with constant scales, as static scales are.
//!
//! Only the ops scale arithmetic uses, on f32 and i32 scalars, and only where the result is exactly
//! what XLA computes: a NaN or an f32 subnormal (which XLA's CPU flushes and its GPU keeps) is left
//! to run time.

use melior::ir::attribute::DenseElementsAttribute;
use melior::ir::operation::OperationLike;
use melior::ir::{Type, Value, ValueLike};

use crate::types::shape_of;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    F32(f32),
    I32(i32),
}

/// The value of a rank-0 f32 or i32 `stablehlo.constant`'s result.
pub fn constant_scalar(value: Value) -> Option<Scalar> {
    if shape_of(value.r#type()).is_none_or(|shape| !shape.is_empty()) {
        return None;
    }
    let result = melior::ir::operation::OperationResult::try_from(value).ok()?;
    let op = result.owner();
    if op.name().as_string_ref().as_str().ok()? != "stablehlo.constant" {
        return None;
    }
    let dense = DenseElementsAttribute::try_from(op.attribute("value").ok()?).ok()?;
    let element = crate::types::element_type_of(value.r#type());
    if crate::types::ElementType::of(element) == Some(crate::types::ElementType::F32) {
        return Some(Scalar::F32(dense.f32_splat_value()));
    }
    let integer = melior::ir::r#type::IntegerType::try_from(element).ok()?;
    (integer.width() == 32 && !integer.is_unsigned()).then(|| Scalar::I32(dense.i32_splat_value()))
}

/// `name(operands)` computed now, when every operand is a constant scalar and the op is one scale
/// arithmetic uses; `None` to build the op.
pub fn fold(name: &str, operands: &[Value], result_type: Type) -> Option<Scalar> {
    if operands.is_empty() || shape_of(result_type).is_none_or(|shape| !shape.is_empty()) {
        return None;
    }
    let values: Vec<Scalar> = operands.iter().map(|&v| constant_scalar(v)).collect::<Option<_>>()?;
    let folded = match (name, &values[..]) {
        ("stablehlo.multiply", &[Scalar::F32(a), Scalar::F32(b)]) => Scalar::F32(a * b),
        ("stablehlo.divide", &[Scalar::F32(a), Scalar::F32(b)]) => Scalar::F32(a / b),
        ("stablehlo.add", &[Scalar::F32(a), Scalar::F32(b)]) => Scalar::F32(a + b),
        ("stablehlo.subtract", &[Scalar::F32(a), Scalar::F32(b)]) => Scalar::F32(a - b),
        ("stablehlo.maximum", &[Scalar::F32(a), Scalar::F32(b)]) => Scalar::F32(a.max(b)),
        ("stablehlo.minimum", &[Scalar::F32(a), Scalar::F32(b)]) => Scalar::F32(a.min(b)),
        ("stablehlo.sqrt", &[Scalar::F32(a)]) => Scalar::F32(a.sqrt()),
        ("stablehlo.and", &[Scalar::I32(a), Scalar::I32(b)]) => Scalar::I32(a & b),
        ("stablehlo.bitcast_convert", &[Scalar::F32(a)]) => Scalar::I32(a.to_bits() as i32),
        ("stablehlo.bitcast_convert", &[Scalar::I32(a)]) => Scalar::F32(f32::from_bits(a as u32)),
        _ => return None,
    };
    match folded {
        // Operands that are NaN or subnormal, and results that are, keep XLA's own semantics.
        Scalar::F32(x) if x.is_nan() || x.is_subnormal() => None,
        _ if values.iter().any(|v| matches!(v, Scalar::F32(x) if x.is_nan() || x.is_subnormal())) => None,
        _ => Some(folded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{InsertPoint, OpBuilder};
    use crate::context::ScalifyContext;
    use crate::types::scalar_f32_type;
    use melior::ir::block::BlockLike;
    use melior::ir::{Block, Location, RegionLike};

    #[test]
    fn scalar_ops_on_constants_become_constants() {
        let scalify = ScalifyContext::new();
        let context = scalify.mlir();
        let location = Location::unknown(context);
        let block = Block::new(&[(scalar_f32_type(context), location)]);
        let region = melior::ir::Region::new();
        let block = region.append_block(block);
        let builder = OpBuilder::new(context, InsertPoint::End(block), location);
        let (half, four) = (builder.scalar_f32(0.5), builder.scalar_f32(4.0));
        let product = builder.elementwise("stablehlo.multiply", &[half, four]);
        assert_eq!(constant_scalar(product), Some(Scalar::F32(2.0)));
        let root = builder.elementwise("stablehlo.sqrt", &[four]);
        assert_eq!(constant_scalar(root), Some(Scalar::F32(2.0)));
        let argument: Value = block.argument(0).unwrap().into();
        let runtime = builder.elementwise("stablehlo.multiply", &[argument, four]);
        assert_eq!(constant_scalar(runtime), None, "an argument is not a constant");
        let tiny = builder.scalar_f32(f32::MIN_POSITIVE);
        let subnormal = builder.elementwise("stablehlo.multiply", &[tiny, half]);
        assert_eq!(constant_scalar(subnormal), None, "a subnormal result is left to XLA");
        let zero = builder.scalar_f32(0.0);
        let nan = builder.elementwise("stablehlo.divide", &[zero, zero]);
        assert_eq!(constant_scalar(nan), None, "a NaN result is left to XLA");
    }
}
