//! Element types of arrays crossing the host/device boundary, with their names in MLIR, PJRT and numpy.

use crate::sys;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    Pred,
    S8,
    S16,
    S32,
    S64,
    U8,
    U16,
    U32,
    U64,
    F16,
    BF16,
    F32,
    F64,
    F8E4M3FN,
    F8E5M2,
}

/// (dtype, MLIR element type, PJRT buffer type, numpy descr as written, bytes)
/// numpy stores ml_dtypes' bfloat16 and float8 arrays as raw void records: '<V2' and '|V1'.
const TABLE: &[(DType, &str, sys::PJRT_Buffer_Type, &str, usize)] = &[
    (DType::Pred, "i1", sys::PJRT_Buffer_Type_PRED, "|b1", 1),
    (DType::S8, "i8", sys::PJRT_Buffer_Type_S8, "|i1", 1),
    (DType::S16, "i16", sys::PJRT_Buffer_Type_S16, "<i2", 2),
    (DType::S32, "i32", sys::PJRT_Buffer_Type_S32, "<i4", 4),
    (DType::S64, "i64", sys::PJRT_Buffer_Type_S64, "<i8", 8),
    (DType::U8, "ui8", sys::PJRT_Buffer_Type_U8, "|u1", 1),
    (DType::U16, "ui16", sys::PJRT_Buffer_Type_U16, "<u2", 2),
    (DType::U32, "ui32", sys::PJRT_Buffer_Type_U32, "<u4", 4),
    (DType::U64, "ui64", sys::PJRT_Buffer_Type_U64, "<u8", 8),
    (DType::F16, "f16", sys::PJRT_Buffer_Type_F16, "<f2", 2),
    (DType::BF16, "bf16", sys::PJRT_Buffer_Type_BF16, "<V2", 2),
    (DType::F32, "f32", sys::PJRT_Buffer_Type_F32, "<f4", 4),
    (DType::F64, "f64", sys::PJRT_Buffer_Type_F64, "<f8", 8),
    (DType::F8E4M3FN, "f8E4M3FN", sys::PJRT_Buffer_Type_F8E4M3FN, "|V1", 1),
    (DType::F8E5M2, "f8E5M2", sys::PJRT_Buffer_Type_F8E5M2, "|V1", 1),
];

impl DType {
    pub const ALL: [DType; 15] = [
        DType::Pred,
        DType::S8,
        DType::S16,
        DType::S32,
        DType::S64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F16,
        DType::BF16,
        DType::F32,
        DType::F64,
        DType::F8E4M3FN,
        DType::F8E5M2,
    ];

    fn row(self) -> &'static (DType, &'static str, sys::PJRT_Buffer_Type, &'static str, usize) {
        TABLE.iter().find(|row| row.0 == self).expect("every dtype has a row")
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        self.row().4
    }

    /// The element type as MLIR prints it (`f32`, `i1`, `ui8`, `f8E4M3FN`, ...).
    pub fn mlir_name(self) -> &'static str {
        self.row().1
    }

    pub fn from_mlir_name(name: &str) -> Option<Self> {
        TABLE.iter().find(|row| row.1 == name).map(|row| row.0)
    }

    pub fn to_pjrt(self) -> sys::PJRT_Buffer_Type {
        self.row().2
    }

    pub fn from_pjrt(ty: sys::PJRT_Buffer_Type) -> Option<Self> {
        TABLE.iter().find(|row| row.2 == ty).map(|row| row.0)
    }

    /// The numpy `descr` this dtype is written with.
    pub fn npy_descr(self) -> &'static str {
        self.row().3
    }

    /// dtypes a numpy `descr` can be read as; void records are ambiguous until the expected type is known.
    pub fn from_npy_descr(descr: &str) -> Vec<Self> {
        let normalized = match descr {
            "<b1" | "=b1" => "|b1",
            "<i1" | "=i1" => "|i1",
            "<u1" | "=u1" => "|u1",
            "|V2" => "<V2",
            // ml_dtypes writes float8_e4m3fn as '<V1' and float8_e5m2 as '<f1'.
            "<V1" | "<f1" | "|f1" => "|V1",
            other => other,
        };
        TABLE.iter().filter(|row| row.3 == normalized).map(|row| row.0).collect()
    }

    pub fn is_float(self) -> bool {
        matches!(self, DType::F16 | DType::BF16 | DType::F32 | DType::F64 | DType::F8E4M3FN | DType::F8E5M2)
    }

    pub fn is_integer(self) -> bool {
        !self.is_float() && self != DType::Pred
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.mlir_name())
    }
}
