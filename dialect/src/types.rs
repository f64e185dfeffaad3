//! Element and tensor types of the formats scalify works with.

use melior::Context;
use melior::ir::Type;
use melior::ir::r#type::{DimSize, RankedTensorType, ShapedTypeLike, TypeLike};
use mlir_sys as sys;

/// Floating-point element types scalify reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElementType {
    F64,
    F32,
    F16,
    BF16,
    F8E4M3FN,
    F8E5M2,
}

impl ElementType {
    pub const ALL: [ElementType; 6] = [Self::F64, Self::F32, Self::F16, Self::BF16, Self::F8E4M3FN, Self::F8E5M2];

    /// The float type `ty` is, if it is one of ours.
    pub fn of(ty: Type) -> Option<Self> {
        let raw = ty.to_raw();
        unsafe {
            if sys::mlirTypeIsAF64(raw) {
                Some(Self::F64)
            } else if sys::mlirTypeIsAF32(raw) {
                Some(Self::F32)
            } else if sys::mlirTypeIsAF16(raw) {
                Some(Self::F16)
            } else if sys::mlirTypeIsABF16(raw) {
                Some(Self::BF16)
            } else if sys::mlirTypeIsAFloat8E4M3FN(raw) {
                Some(Self::F8E4M3FN)
            } else if sys::mlirTypeIsAFloat8E5M2(raw) {
                Some(Self::F8E5M2)
            } else {
                None
            }
        }
    }

    pub fn to_mlir<'c>(self, context: &'c Context) -> Type<'c> {
        let raw_context = context.to_raw();
        unsafe {
            Type::from_raw(match self {
                Self::F64 => sys::mlirF64TypeGet(raw_context),
                Self::F32 => sys::mlirF32TypeGet(raw_context),
                Self::F16 => sys::mlirF16TypeGet(raw_context),
                Self::BF16 => sys::mlirBF16TypeGet(raw_context),
                Self::F8E4M3FN => sys::mlirFloat8E4M3FNTypeGet(raw_context),
                Self::F8E5M2 => sys::mlirFloat8E5M2TypeGet(raw_context),
            })
        }
    }

    /// The name MLIR prints (`f32`, `bf16`, `f8E4M3FN`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::F64 => "f64",
            Self::F32 => "f32",
            Self::F16 => "f16",
            Self::BF16 => "bf16",
            Self::F8E4M3FN => "f8E4M3FN",
            Self::F8E5M2 => "f8E5M2",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn bits(self) -> u32 {
        match self {
            Self::F64 => 64,
            Self::F32 => 32,
            Self::F16 | Self::BF16 => 16,
            Self::F8E4M3FN | Self::F8E5M2 => 8,
        }
    }

    /// Largest finite value: the bound of a saturating cast into this format.
    pub fn max_finite(self) -> f64 {
        match self {
            Self::F64 => f64::MAX,
            Self::F32 => f32::MAX as f64,
            Self::F16 => 65504.0,
            Self::BF16 => 3.3895313892515355e38,
            Self::F8E4M3FN => 448.0,
            Self::F8E5M2 => 57344.0,
        }
    }

    /// Smallest positive normal value.
    pub fn min_normal(self) -> f64 {
        match self {
            Self::F64 => f64::MIN_POSITIVE,
            Self::F32 | Self::BF16 => f32::MIN_POSITIVE as f64,
            Self::F16 | Self::F8E5M2 => 2f64.powi(-14),
            Self::F8E4M3FN => 2f64.powi(-6),
        }
    }
}

/// A ranked tensor type of static shape.
pub fn tensor_type<'c>(shape: &[u64], element: Type<'c>) -> Type<'c> {
    RankedTensorType::new(shape, element, None).into()
}

/// `tensor<f32>`: the type of every scale.
pub fn scalar_f32_type(context: &Context) -> Type<'_> {
    tensor_type(&[], ElementType::F32.to_mlir(context))
}

/// Shape of a ranked tensor type (`None` for anything else; dynamic sizes are negative).
pub fn shape_of(ty: Type) -> Option<Vec<i64>> {
    let ranked = RankedTensorType::try_from(ty).ok()?;
    let rank = ranked.rank();
    Some(
        (0..rank)
            .map(|i| match ranked.dim_size(i) {
                Ok(DimSize::Static(size)) => size as i64,
                _ => -1,
            })
            .collect(),
    )
}

/// Element type of a ranked tensor type, or the type itself for a scalar type.
pub fn element_type_of(ty: Type<'_>) -> Type<'_> {
    match RankedTensorType::try_from(ty) {
        Ok(ranked) => ranked.element(),
        Err(_) => ty,
    }
}

/// `ty` with its element type replaced (same shape).
pub fn with_element<'c>(ty: Type<'c>, element: Type<'c>) -> Option<Type<'c>> {
    let shape = shape_of(ty)?;
    if shape.iter().any(|&d| d < 0) {
        return None;
    }
    let shape: Vec<u64> = shape.into_iter().map(|d| d as u64).collect();
    Some(RankedTensorType::new(&shape, element, None).into())
}

/// Whether `ty` is a float tensor (or float scalar) type.
pub fn is_float_tensor(ty: Type) -> bool {
    unsafe { sys::mlirTypeIsAFloat(element_type_of(ty).to_raw()) }
}
