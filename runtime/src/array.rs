//! Host arrays: bytes in row-major order with a dtype and a shape, converted element-wise to and from
//! f64 through `half` and `float8` for the low-precision formats.

use float8::{F8E4M3, F8E5M2};
use half::{bf16, f16};

use crate::dtype::DType;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ArrayError {
    #[error("{dtype} array of shape {shape:?} needs {expected} bytes, got {actual}")]
    Size { dtype: DType, shape: Vec<i64>, expected: usize, actual: usize },
    #[error("negative dimension in shape {0:?}")]
    Shape(Vec<i64>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct HostArray {
    dtype: DType,
    shape: Vec<i64>,
    bytes: Vec<u8>,
}

fn element_count(shape: &[i64]) -> Result<usize, ArrayError> {
    shape.iter().try_fold(
        1usize,
        |n, &d| {
            if d < 0 { Err(ArrayError::Shape(shape.to_vec())) } else { Ok(n * d as usize) }
        },
    )
}

impl HostArray {
    pub fn new(dtype: DType, shape: Vec<i64>, bytes: Vec<u8>) -> Result<Self, ArrayError> {
        let expected = element_count(&shape)? * dtype.size();
        if bytes.len() != expected {
            return Err(ArrayError::Size { dtype, shape, expected, actual: bytes.len() });
        }
        Ok(Self { dtype, shape, bytes })
    }

    /// Converts `values` to `dtype`: round to nearest even for floats (saturating for FP8, as the
    /// `float8` crate does), truncation toward zero with saturation for integers, `!= 0` for pred.
    pub fn from_f64(dtype: DType, shape: Vec<i64>, values: &[f64]) -> Result<Self, ArrayError> {
        let mut bytes = Vec::with_capacity(values.len() * dtype.size());
        for &v in values {
            match dtype {
                DType::Pred => bytes.push((v != 0.0) as u8),
                DType::S8 => bytes.extend((v as i8).to_le_bytes()),
                DType::S16 => bytes.extend((v as i16).to_le_bytes()),
                DType::S32 => bytes.extend((v as i32).to_le_bytes()),
                DType::S64 => bytes.extend((v as i64).to_le_bytes()),
                DType::U8 => bytes.extend((v as u8).to_le_bytes()),
                DType::U16 => bytes.extend((v as u16).to_le_bytes()),
                DType::U32 => bytes.extend((v as u32).to_le_bytes()),
                DType::U64 => bytes.extend((v as u64).to_le_bytes()),
                DType::F16 => bytes.extend(f16::from_f64(v).to_le_bytes()),
                DType::BF16 => bytes.extend(bf16::from_f64(v).to_le_bytes()),
                DType::F32 => bytes.extend((v as f32).to_le_bytes()),
                DType::F64 => bytes.extend(v.to_le_bytes()),
                DType::F8E4M3FN => bytes.push(F8E4M3::from_f64(v).to_bits()),
                DType::F8E5M2 => bytes.push(F8E5M2::from_f64(v).to_bits()),
            }
        }
        Self::new(dtype, shape, bytes)
    }

    pub fn from_f32(shape: Vec<i64>, values: &[f32]) -> Result<Self, ArrayError> {
        Self::new(DType::F32, shape, values.iter().flat_map(|v| v.to_le_bytes()).collect())
    }

    /// Every element as f64 (exact for all dtypes but 64-bit integers beyond 2^53).
    pub fn to_f64(&self) -> Vec<f64> {
        let b = &self.bytes;
        let n = self.dtype.size();
        let chunk = |i: usize| &b[i * n..(i + 1) * n];
        (0..self.len())
            .map(|i| {
                let c = chunk(i);
                match self.dtype {
                    DType::Pred => (c[0] != 0) as u8 as f64,
                    DType::S8 => c[0] as i8 as f64,
                    DType::S16 => i16::from_le_bytes([c[0], c[1]]) as f64,
                    DType::S32 => i32::from_le_bytes(c.try_into().unwrap()) as f64,
                    DType::S64 => i64::from_le_bytes(c.try_into().unwrap()) as f64,
                    DType::U8 => c[0] as f64,
                    DType::U16 => u16::from_le_bytes([c[0], c[1]]) as f64,
                    DType::U32 => u32::from_le_bytes(c.try_into().unwrap()) as f64,
                    DType::U64 => u64::from_le_bytes(c.try_into().unwrap()) as f64,
                    DType::F16 => f16::from_le_bytes([c[0], c[1]]).to_f64(),
                    DType::BF16 => bf16::from_le_bytes([c[0], c[1]]).to_f64(),
                    DType::F32 => f32::from_le_bytes(c.try_into().unwrap()) as f64,
                    DType::F64 => f64::from_le_bytes(c.try_into().unwrap()),
                    DType::F8E4M3FN => F8E4M3::from_bits(c[0]).to_f64(),
                    DType::F8E5M2 => F8E5M2::from_bits(c[0]).to_f64(),
                }
            })
            .collect()
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    pub fn shape(&self) -> &[i64] {
        &self.shape
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len() / self.dtype.size()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}
