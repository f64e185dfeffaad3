//! Seeded random inputs that follow each argument's dtype and shape.
//!
//! Floats: standard normal, rounded to the dtype. Integers used as indices: uniform over the valid
//! range `[0, bound)`. Other integers: uniform over `[0, 8)` (small, non-negative, valid as a count
//! or a step number). pred: fair coin.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use crate::array::HostArray;
use crate::dtype::DType;
use crate::pjrt::TensorSpec;

/// Exclusive upper bound of integers that are not known to be indices.
pub const DEFAULT_INTEGER_BOUND: i64 = 8;

pub struct RandomInputs {
    rng: StdRng,
}

impl RandomInputs {
    pub fn new(seed: u64) -> Self {
        Self { rng: StdRng::seed_from_u64(seed) }
    }

    pub fn array(&mut self, spec: &TensorSpec, index_bound: Option<i64>) -> HostArray {
        let count: i64 = spec.shape.iter().product();
        let bound = index_bound.unwrap_or(DEFAULT_INTEGER_BOUND).max(1);
        let values: Vec<f64> = (0..count)
            .map(|_| match spec.dtype {
                d if d.is_float() => self.rng.sample::<f64, _>(StandardNormal),
                DType::Pred => self.rng.random_bool(0.5) as u8 as f64,
                _ => self.rng.random_range(0..bound) as f64,
            })
            .collect();
        HostArray::from_f64(spec.dtype, spec.shape.clone(), &values).expect("shape and values agree")
    }
}
