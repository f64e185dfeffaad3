//! Seeded random inputs that follow each argument's dtype and shape.
//!
//! Distributions that fit a training step's arguments. Floats: normal with standard deviation
//! 1/sqrt(n), n the second-to-last dimension for rank >= 2 (a weight's fan-in, a sequence's length:
//! activations then stay near unit scale through the network) and 1 below that; the absolute value of
//! that where the argument reaches a square root or logarithm (Adam's second moment); rounded to the
//! dtype. Integers used as indices: uniform over the valid range `[0, bound)`. Other integers: uniform
//! over `[0, 8)` (small, non-negative, valid as a count or a step number). pred: fair coin.

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

    pub fn array(&mut self, spec: &TensorSpec, index_bound: Option<i64>, nonnegative: bool) -> HostArray {
        let count: i64 = spec.shape.iter().product();
        let bound = index_bound.unwrap_or(DEFAULT_INTEGER_BOUND).max(1);
        let fan_in = match spec.shape.len() {
            0 | 1 => 1,
            rank => spec.shape[rank - 2].max(1),
        };
        let deviation = 1.0 / (fan_in as f64).sqrt();
        let values: Vec<f64> = (0..count)
            .map(|_| match spec.dtype {
                d if d.is_float() => {
                    let x = deviation * self.rng.sample::<f64, _>(StandardNormal);
                    if nonnegative { x.abs() } else { x }
                }
                DType::Pred => self.rng.random_bool(0.5) as u8 as f64,
                _ => self.rng.random_range(0..bound) as f64,
            })
            .collect();
        HostArray::from_f64(spec.dtype, spec.shape.clone(), &values).expect("shape and values agree")
    }
}
