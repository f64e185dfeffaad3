//! Comparing an output against a reference, element by element, as numpy's `allclose` does, plus the
//! error statistics a user wants to see.

use crate::array::HostArray;

/// `|actual - expected| <= atol + rtol * |expected|` for every element; NaN matches NaN and an infinity
/// matches the same infinity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    pub rtol: f64,
    pub atol: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Self { rtol: 1e-5, atol: 1e-6 }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    pub count: usize,
    pub max_abs_error: f64,
    /// Over elements whose reference is non-zero.
    pub max_rel_error: f64,
    /// ||actual - expected|| / ||expected|| (0 when both are zero; infinite when a NaN or infinity
    /// appears where the reference has a different value).
    pub rel_l2_error: f64,
    pub nan_actual: usize,
    pub inf_actual: usize,
    pub nan_expected: usize,
    pub inf_expected: usize,
    /// Elements outside the tolerance.
    pub mismatches: usize,
}

impl Comparison {
    pub fn within(&self) -> bool {
        self.mismatches == 0
    }
}

pub fn compare(actual: &HostArray, expected: &HostArray, tolerance: Tolerance) -> Result<Comparison, String> {
    if actual.shape() != expected.shape() {
        return Err(format!("shape {:?} differs from the reference's {:?}", actual.shape(), expected.shape()));
    }
    let (a, e) = (actual.to_f64(), expected.to_f64());
    let mut c = Comparison { count: a.len(), ..Default::default() };
    let (mut diff_sq, mut ref_sq) = (0.0f64, 0.0f64);
    let mut unmatched_non_finite = false;
    for (&x, &y) in a.iter().zip(&e) {
        c.nan_actual += x.is_nan() as usize;
        c.inf_actual += x.is_infinite() as usize;
        c.nan_expected += y.is_nan() as usize;
        c.inf_expected += y.is_infinite() as usize;
        let same_special = (x.is_nan() && y.is_nan()) || (x.is_infinite() && x == y);
        if same_special {
            continue;
        }
        let abs = (x - y).abs();
        // NaN differences (NaN against a number) count as mismatches: no comparison holds for them.
        let within = abs <= tolerance.atol + tolerance.rtol * y.abs();
        if !within {
            c.mismatches += 1;
        }
        if abs.is_nan() || abs.is_infinite() {
            c.max_abs_error = f64::INFINITY;
            unmatched_non_finite = true;
            continue;
        }
        c.max_abs_error = c.max_abs_error.max(abs);
        if y != 0.0 {
            c.max_rel_error = c.max_rel_error.max(abs / y.abs());
        }
        diff_sq += abs * abs;
        ref_sq += y * y;
    }
    // A NaN or infinity where the reference has none (or another) is an infinite error.
    c.rel_l2_error = if unmatched_non_finite {
        f64::INFINITY
    } else if ref_sq > 0.0 {
        (diff_sq / ref_sq).sqrt()
    } else if diff_sq > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    Ok(c)
}
