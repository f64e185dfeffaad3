//! The scale algebra. A scale is a power-of-two f32 scalar, either known at compile time (`Static`)
//! or a `tensor<f32>` base computed at run time times a compile-time power of two (`Dynamic`). Every
//! operation folds what it can at compile time (all of it when scales are static, the factors and
//! same-base ratios when they are not) and emits scalar StableHLO ops only for the rest: this is what
//! makes "no run-time scale arithmetic when scales are static" hold without any later clean-up.

use melior::ir::{Value, ValueLike};
use scalify_dialect::OpBuilder;
use scalify_dialect::melior;
use scalify_dialect::types::{scalar_f32_type, tensor_type};

use super::pow2::{self, Rounding};

#[derive(Clone, Copy, Debug)]
pub enum Scale<'c, 'a> {
    Static(f32),
    /// `base * factor`: a run-time `tensor<f32>` times a compile-time power of two. Kept apart so that
    /// scales sharing a base (x and mean(x), the operands of x - mean(x), a gradient and its
    /// transpose) multiply, compare and divide at compile time: only a new base costs a scalar op.
    Dynamic {
        base: Value<'c, 'a>,
        factor: f32,
    },
}

impl<'c, 'a> Scale<'c, 'a> {
    pub const ONE: Scale<'static, 'static> = Scale::Static(1.0);

    /// A run-time scale.
    pub fn dynamic(base: Value<'c, 'a>) -> Self {
        Scale::Dynamic { base, factor: 1.0 }
    }

    pub fn as_static(&self) -> Option<f32> {
        match self {
            Scale::Static(s) => Some(*s),
            Scale::Dynamic { .. } => None,
        }
    }

    pub fn is_one(&self) -> bool {
        self.as_static() == Some(1.0)
    }

    /// `self / other` where it is known at compile time (both static, or one run-time base).
    pub fn ratio_to(&self, other: &Scale) -> Option<f32> {
        match (self, other) {
            (Scale::Static(x), Scale::Static(y)) => Some(x / y),
            (Scale::Dynamic { factor: x, .. }, Scale::Dynamic { factor: y, .. }) if same_base(self, other) => {
                Some(x / y)
            }
            _ => None,
        }
    }
}

/// Whether two dynamic scales share their run-time base.
fn same_base(a: &Scale, b: &Scale) -> bool {
    matches!((a, b), (Scale::Dynamic { base: x, .. }, Scale::Dynamic { base: y, .. }) if x == y)
}

/// Scale arithmetic at one insertion point.
pub struct ScaleMath<'b, 'c, 'a> {
    pub builder: &'b OpBuilder<'c, 'a>,
    pub rounding: Rounding,
}

impl<'b, 'c: 'a, 'a> ScaleMath<'b, 'c, 'a> {
    pub fn new(builder: &'b OpBuilder<'c, 'a>, rounding: Rounding) -> Self {
        Self { builder, rounding }
    }

    /// The scale as a `tensor<f32>` value (a dynamic scale's factor costs one multiply here).
    pub fn value(&self, scale: Scale<'c, 'a>) -> Value<'c, 'a> {
        match scale {
            Scale::Static(s) => self.builder.scalar_f32(s),
            Scale::Dynamic { base, factor } if factor == 1.0 => base,
            Scale::Dynamic { base, factor } => {
                self.builder.elementwise("stablehlo.multiply", &[base, self.builder.scalar_f32(factor)])
            }
        }
    }

    fn binary(&self, name: &str, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Value<'c, 'a> {
        let (a, b) = (self.value(a), self.value(b));
        self.builder.elementwise(name, &[a, b])
    }

    fn unary(&self, name: &str, a: Value<'c, 'a>) -> Value<'c, 'a> {
        self.builder.elementwise(name, &[a])
    }

    /// `base * factor` (a power of two, computed in f64), folding a factor outside f32's normal range
    /// into the base in two exact steps.
    fn with_factor(&self, base: Value<'c, 'a>, factor: f64) -> Scale<'c, 'a> {
        if (factor as f32).is_normal() {
            return Scale::Dynamic { base, factor: factor as f32 };
        }
        let exponent = factor.log2().round() as i32;
        let two = |e: i32| self.builder.scalar_f32(2f32.powi(e));
        let step = self.builder.elementwise("stablehlo.multiply", &[base, two(exponent / 2)]);
        Scale::dynamic(self.builder.elementwise("stablehlo.multiply", &[step, two(exponent - exponent / 2)]))
    }

    pub fn mul(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(x * y),
            (Scale::Static(x), _) | (_, Scale::Static(x)) if x == 0.0 => Scale::Static(0.0),
            (Scale::Static(x), Scale::Dynamic { base, factor })
            | (Scale::Dynamic { base, factor }, Scale::Static(x)) => self.with_factor(base, factor as f64 * x as f64),
            // Each operand's scale is in f32's range, but a base may sit far outside it with its
            // factor bringing it back (2^100 * 2^-80): the bases' product could pass f32's range
            // where the scale does not. Each factor is applied to its base first. A product past
            // f32's range stays inf (not capped): the value it bounds is beyond f32 too unless its
            // data is 0, and a cap would turn an overflow the original has into a finite number.
            (Scale::Dynamic { .. }, Scale::Dynamic { .. }) => {
                Scale::dynamic(self.builder.elementwise("stablehlo.multiply", &[self.value(a), self.value(b)]))
            }
        }
    }

    /// a / b. A zero scale belongs to a tensor that is statically or dynamically zero, so what a
    /// quotient by it multiplies only has to stay finite: statically x / 0 = 0; at run time the
    /// denominator is floored at 2^-126 (one `maximum`, not a compare and select: guards doubled XLA's
    /// compile time of the GPT step), which gives 0 for the ratios that align scales (their
    /// numerator is 0 too) and 2^126 for a reciprocal. Dynamic scales over one base divide at compile
    /// time: where the base is 0 both tensors are zero (their data finite), so any ratio gives 0.
    pub fn div(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(if y == 0.0 { 0.0 } else { x / y }),
            (_, Scale::Static(y)) if y == 0.0 => Scale::Static(0.0),
            (Scale::Static(x), _) if x == 0.0 => Scale::Static(0.0),
            // A known non-zero power of two: multiply by its exact reciprocal, no zero guard needed.
            (Scale::Dynamic { base, factor }, Scale::Static(y)) => self.with_factor(base, factor as f64 / y as f64),
            (Scale::Dynamic { factor: fx, .. }, Scale::Dynamic { factor: fy, .. }) if same_base(&a, &b) => {
                Scale::Static(fx / fy)
            }
            (_, Scale::Dynamic { .. }) => {
                let (numerator, fx) = match a {
                    Scale::Static(x) => (self.builder.scalar_f32(1.0), x),
                    Scale::Dynamic { base, factor } => (base, factor),
                };
                // The whole denominator is floored, its factor included, so that 1 / 0 stays 2^126.
                let floor = self.builder.scalar_f32(f32::MIN_POSITIVE);
                let denominator = self.builder.elementwise("stablehlo.maximum", &[self.value(b), floor]);
                let quotient = self.builder.elementwise("stablehlo.divide", &[numerator, denominator]);
                self.with_factor(quotient, fx as f64)
            }
        }
    }

    fn compare(&self, a: Value<'c, 'a>, b: Value<'c, 'a>, direction: &str) -> Value<'c, 'a> {
        let context = self.builder.context();
        let i1 = melior::ir::r#type::IntegerType::new(context, 1).into();
        let attribute = melior::ir::Attribute::parse(context, &format!("#stablehlo<comparison_direction {direction}>"))
            .expect("comparison direction");
        self.builder.value("stablehlo.compare", &[a, b], tensor_type(&[], i1), &[("comparison_direction", attribute)])
    }

    /// The larger scale. Over one base the larger factor; otherwise the smaller factor is taken out,
    /// `max(x * fx/f, y * fy/f) * f`, which leaves one of the two bases unmultiplied.
    pub fn max(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(x.max(y)),
            (Scale::Dynamic { base, factor: fx }, Scale::Dynamic { factor: fy, .. }) if same_base(&a, &b) => {
                Scale::Dynamic { base, factor: fx.max(fy) }
            }
            (Scale::Dynamic { base: x, factor: fx }, Scale::Dynamic { base: y, factor: fy }) => {
                let common = fx.min(fy);
                let larger = self.binary(
                    "stablehlo.maximum",
                    Scale::Dynamic { base: x, factor: fx / common },
                    Scale::Dynamic { base: y, factor: fy / common },
                );
                Scale::Dynamic { base: larger, factor: common }
            }
            _ => Scale::dynamic(self.binary("stablehlo.maximum", a, b)),
        }
    }

    /// The smaller scale (same folding as `max`).
    pub fn min(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(x.min(y)),
            (Scale::Dynamic { base, factor: fx }, Scale::Dynamic { factor: fy, .. }) if same_base(&a, &b) => {
                Scale::Dynamic { base, factor: fx.min(fy) }
            }
            _ => Scale::dynamic(self.binary("stablehlo.minimum", a, b)),
        }
    }

    /// The scale of a sum: R(sqrt(a^2 + b^2)), or the other scale when one is zero. For powers of two
    /// m >= n this is m * R(sqrt(1 + (n/m)^2)) with the root in [1, sqrt(2)]: rounding down gives m,
    /// rounding up gives 2m (m when n = 0). So no square is ever formed, and nothing overflows.
    pub fn sum(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(if x == 0.0 {
                y
            } else if y == 0.0 {
                x
            } else {
                pow2::round(((x as f64).hypot(y as f64)) as f32, self.rounding)
            }),
            // Zero static operands keep the other's scale.
            (Scale::Static(z), other) | (other, Scale::Static(z)) if z == 0.0 => other,
            _ => {
                let larger = self.max(a, b);
                match self.rounding {
                    Rounding::Down => larger,
                    // One base: both zero or both not, so 2m (and 2 * 0 = 0).
                    Rounding::Up if same_base(&a, &b) => self.mul(larger, Scale::Static(2.0)),
                    Rounding::Up => {
                        let smaller = self.binary("stablehlo.minimum", a, b);
                        let doubled = self.mul(larger, Scale::Static(2.0));
                        let (larger, doubled) = (self.value(larger), self.value(doubled));
                        let zero = self.builder.scalar_f32(0.0);
                        let one_is_zero = self.compare(smaller, zero, "EQ");
                        Scale::dynamic(self.builder.value(
                            "stablehlo.select",
                            &[one_is_zero, larger, doubled],
                            larger.r#type(),
                            &[],
                        ))
                    }
                }
            }
        }
    }

    /// R(sqrt(s)) and the power of two `s / R(sqrt(s))^2` (1 or 2 for round-down) left for the data.
    pub fn sqrt(&self, s: Scale<'c, 'a>) -> (Scale<'c, 'a>, Scale<'c, 'a>) {
        match s {
            Scale::Static(x) => {
                let root = pow2::round(x.sqrt(), self.rounding);
                let residual = if root == 0.0 { 1.0 } else { x / (root * root) };
                (Scale::Static(root), Scale::Static(residual))
            }
            Scale::Dynamic { base, factor } => {
                // An even power of two in the factor comes out of the root exactly; an odd one joins the base.
                let exponent = factor.log2() as i32;
                let (base, half) = if exponent % 2 == 0 {
                    (base, exponent / 2)
                } else {
                    (
                        self.builder.elementwise("stablehlo.multiply", &[base, self.builder.scalar_f32(2.0)]),
                        (exponent - 1) / 2,
                    )
                };
                let root_of_base = self.round(self.unary("stablehlo.sqrt", base));
                let square = self.builder.elementwise("stablehlo.multiply", &[root_of_base, root_of_base]);
                let residual = self.div(Scale::dynamic(base), Scale::dynamic(square));
                (self.with_factor(root_of_base, 2f64.powi(half)), residual)
            }
        }
    }

    /// 1 / s (exact for powers of two); at run time 1 / 0 is 2^126 by the safe-division rule.
    pub fn reciprocal(&self, s: Scale<'c, 'a>) -> Scale<'c, 'a> {
        self.div(Scale::Static(1.0), s)
    }

    /// Power-of-two rounding of a non-negative run-time f32 scalar through its exponent bits alone.
    /// Subnormals round to 0, as under flush-to-zero (which XLA's CPU applies anyway): a statistic
    /// below 2^-126 marks a tensor that f32 itself holds only approximately. Kept to three ops
    /// because XLA copies cheap scalar producers into every fusion that reads a scale.
    pub fn round(&self, x: Value<'c, 'a>) -> Value<'c, 'a> {
        let context = self.builder.context();
        let i32_scalar = tensor_type(&[], melior::ir::r#type::IntegerType::new(context, 32).into());
        let bits = self.builder.value("stablehlo.bitcast_convert", &[x], i32_scalar, &[]);
        let mask = self.builder.constant(
            melior::ir::attribute::DenseElementsAttribute::i32_splat(i32_scalar, 0x7F80_0000).into(),
            i32_scalar,
        );
        let exponent = self.builder.elementwise("stablehlo.and", &[bits, mask]);
        let rounded_down = self.builder.value("stablehlo.bitcast_convert", &[exponent], scalar_f32_type(context), &[]);
        match self.rounding {
            Rounding::Down => rounded_down,
            Rounding::Up => {
                let exact = self.compare(rounded_down, x, "EQ");
                let doubled =
                    self.builder.elementwise("stablehlo.multiply", &[rounded_down, self.builder.scalar_f32(2.0)]);
                self.builder.value("stablehlo.select", &[exact, rounded_down, doubled], rounded_down.r#type(), &[])
            }
        }
    }
}
