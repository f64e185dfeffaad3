//! Power-of-two rounding of f32 scales at compile time, exact over the whole f32 range.
//!
//! The reference implementation maps f32 subnormals to 0 and rounds exact powers of two up to the
//! next one; neither happens here.

/// Rounding of a positive magnitude to a power of two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rounding {
    /// Largest power of two <= x.
    #[default]
    Down,
    /// Smallest power of two >= x.
    Up,
}

const EXPONENT_MASK: u32 = 0x7F80_0000;

/// Largest power of two <= |x|; 0 for 0, +inf for inf and NaN.
pub fn pow2_down(x: f32) -> f32 {
    let x = x.abs();
    if x == 0.0 {
        return 0.0;
    }
    if !x.is_finite() {
        return f32::INFINITY;
    }
    if x < f32::MIN_POSITIVE {
        // Subnormal: scale into the normal range (exactly), round, scale back (exactly).
        return pow2_down(x * 2f32.powi(64)) * 2f32.powi(-64);
    }
    f32::from_bits(x.to_bits() & EXPONENT_MASK)
}

/// Smallest power of two >= |x|; exact powers of two are returned unchanged. Above 2^127, the
/// largest f32 power of two, 2^127 (2^128 would be inf: `finfo.max` rounds up to a finite scale).
pub fn pow2_up(x: f32) -> f32 {
    let down = pow2_down(x);
    if down == x.abs() || !down.is_finite() || down == 2f32.powi(127) { down } else { down * 2.0 }
}

pub fn round(x: f32, rounding: Rounding) -> f32 {
    match rounding {
        Rounding::Down => pow2_down(x),
        Rounding::Up => pow2_up(x),
    }
}

/// Whether `x` is 0 or a power of two (what every static scale must be).
pub fn is_pow2_or_zero(x: f32) -> bool {
    x == 0.0 || (x.is_finite() && x > 0.0 && pow2_down(x) == x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_normals_subnormals_and_specials() {
        assert_eq!(pow2_down(3.0), 2.0);
        assert_eq!(pow2_down(-3.0), 2.0);
        assert_eq!(pow2_down(1.0), 1.0);
        assert_eq!(pow2_down(0.75), 0.5);
        assert_eq!(pow2_up(3.0), 4.0);
        assert_eq!(pow2_up(4.0), 4.0, "an exact power of two is not doubled");
        assert_eq!(pow2_up(0.3), 0.5);
        let tiny = f32::from_bits(0x0000_0003); // 3 * 2^-149, subnormal
        assert_eq!(pow2_down(tiny), 2f32.powi(-148), "subnormals are not flushed");
        assert_eq!(pow2_up(tiny), 2f32.powi(-147));
        assert_eq!(pow2_down(0.0), 0.0);
        assert_eq!(pow2_down(f32::INFINITY), f32::INFINITY);
        assert_eq!(pow2_down(f32::NAN), f32::INFINITY);
        assert_eq!(pow2_down(f32::MAX), 2f32.powi(127));
        for e in -149..=127 {
            let p = 2f32.powi(e);
            assert_eq!(pow2_down(p), p, "2^{e}");
            assert_eq!(pow2_up(p), p, "2^{e}");
            assert!(is_pow2_or_zero(p));
        }
        assert!(!is_pow2_or_zero(3.0));
    }
}
