//! The scale algebra. A scale is a power-of-two f32 scalar, either known at compile time (`Static`)
//! or a `tensor<f32>` value computed at run time (`Dynamic`). Every operation folds when its inputs
//! are static and emits scalar StableHLO ops only when one is dynamic: this is what makes "no run-time
//! scale arithmetic when scales are static" hold without any later clean-up.

use melior::ir::{Value, ValueLike};
use scalify_dialect::OpBuilder;
use scalify_dialect::melior;
use scalify_dialect::types::{scalar_f32_type, tensor_type};

use super::pow2::{self, Rounding};

#[derive(Clone, Copy, Debug)]
pub enum Scale<'c, 'a> {
    Static(f32),
    Dynamic(Value<'c, 'a>),
}

impl Scale<'_, '_> {
    pub const ONE: Scale<'static, 'static> = Scale::Static(1.0);

    pub fn as_static(&self) -> Option<f32> {
        match self {
            Scale::Static(s) => Some(*s),
            Scale::Dynamic(_) => None,
        }
    }

    pub fn is_one(&self) -> bool {
        self.as_static() == Some(1.0)
    }
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

    /// The scale as a `tensor<f32>` value.
    pub fn value(&self, scale: Scale<'c, 'a>) -> Value<'c, 'a> {
        match scale {
            Scale::Static(s) => self.builder.scalar_f32(s),
            Scale::Dynamic(v) => v,
        }
    }

    fn binary(&self, name: &str, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Value<'c, 'a> {
        let (a, b) = (self.value(a), self.value(b));
        self.builder.elementwise(name, &[a, b])
    }

    fn unary(&self, name: &str, a: Value<'c, 'a>) -> Value<'c, 'a> {
        self.builder.elementwise(name, &[a])
    }

    pub fn mul(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(x * y),
            (Scale::Static(x), other) | (other, Scale::Static(x)) if x == 1.0 => other,
            _ => Scale::Dynamic(self.binary("stablehlo.multiply", a, b)),
        }
    }

    /// a / b, with x / 0 = 0 (a zero scale belongs to a tensor that is statically or dynamically zero).
    pub fn div(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(if y == 0.0 { 0.0 } else { x / y }),
            (other, Scale::Static(1.0)) => other,
            // A known non-zero power of two: multiply by its exact reciprocal, no zero guard needed.
            (other, Scale::Static(y)) if y != 0.0 => self.mul(other, Scale::Static(1.0 / y)),
            (_, Scale::Static(_)) => Scale::Static(0.0),
            _ => {
                let (numerator, denominator) = (self.value(a), self.value(b));
                let quotient = self.builder.elementwise("stablehlo.divide", &[numerator, denominator]);
                Scale::Dynamic(self.select_zero_where_zero(denominator, quotient))
            }
        }
    }

    /// `select(guard == 0, 0, value)` on scalars.
    fn select_zero_where_zero(&self, guard: Value<'c, 'a>, value: Value<'c, 'a>) -> Value<'c, 'a> {
        let zero = self.builder.scalar_f32(0.0);
        let is_zero = self.compare(guard, zero, "EQ");
        self.builder.value("stablehlo.select", &[is_zero, zero, value], value.r#type(), &[])
    }

    fn compare(&self, a: Value<'c, 'a>, b: Value<'c, 'a>, direction: &str) -> Value<'c, 'a> {
        let context = self.builder.context();
        let i1 = melior::ir::r#type::IntegerType::new(context, 1).into();
        let attribute = melior::ir::Attribute::parse(context, &format!("#stablehlo<comparison_direction {direction}>"))
            .expect("comparison direction");
        self.builder.value("stablehlo.compare", &[a, b], tensor_type(&[], i1), &[("comparison_direction", attribute)])
    }

    pub fn max(&self, a: Scale<'c, 'a>, b: Scale<'c, 'a>) -> Scale<'c, 'a> {
        match (a, b) {
            (Scale::Static(x), Scale::Static(y)) => Scale::Static(x.max(y)),
            _ => Scale::Dynamic(self.binary("stablehlo.maximum", a, b)),
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
            _ => {
                let larger = self.max(a, b);
                match self.rounding {
                    Rounding::Down => larger,
                    Rounding::Up => {
                        let smaller = self.binary("stablehlo.minimum", a, b);
                        let doubled = self.mul(larger, Scale::Static(2.0));
                        let (larger, doubled) = (self.value(larger), self.value(doubled));
                        let zero = self.builder.scalar_f32(0.0);
                        let one_is_zero = self.compare(smaller, zero, "EQ");
                        Scale::Dynamic(self.builder.value(
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
            Scale::Dynamic(v) => {
                let root = Scale::Dynamic(self.round(self.unary("stablehlo.sqrt", v)));
                let square = self.mul(root, root);
                (root, self.div(s, square))
            }
        }
    }

    /// 1 / s (exact for powers of two); 1 / 0 is 0 by the safe-division rule.
    pub fn reciprocal(&self, s: Scale<'c, 'a>) -> Scale<'c, 'a> {
        self.div(Scale::Static(1.0), s)
    }

    /// Power-of-two rounding of a run-time f32 scalar through its exponent bits: `bits & 0x7F800000`
    /// for normal numbers; subnormals are moved into the normal range by an exact 2^64 first.
    pub fn round(&self, x: Value<'c, 'a>) -> Value<'c, 'a> {
        let context = self.builder.context();
        let i32_scalar = tensor_type(&[], melior::ir::r#type::IntegerType::new(context, 32).into());
        let f32_scalar = scalar_f32_type(context);
        let down = |v: Value<'c, 'a>| {
            let bits = self.builder.value("stablehlo.bitcast_convert", &[v], i32_scalar, &[]);
            let mask = self.builder.constant(
                melior::ir::attribute::DenseElementsAttribute::i32_splat(i32_scalar, 0x7F80_0000).into(),
                i32_scalar,
            );
            let exponent = self.builder.elementwise("stablehlo.and", &[bits, mask]);
            self.builder.value("stablehlo.bitcast_convert", &[exponent], f32_scalar, &[])
        };
        let magnitude = self.unary("stablehlo.abs", x);
        let normal = down(magnitude);
        let big = self.builder.scalar_f32(2f32.powi(64));
        let small = self.builder.scalar_f32(2f32.powi(-64));
        let lifted = self.builder.elementwise("stablehlo.multiply", &[magnitude, big]);
        let lifted = down(lifted);
        let subnormal = self.builder.elementwise("stablehlo.multiply", &[lifted, small]);
        let threshold = self.builder.scalar_f32(f32::MIN_POSITIVE);
        let is_subnormal = self.compare(magnitude, threshold, "LT");
        let rounded_down = self.builder.value("stablehlo.select", &[is_subnormal, subnormal, normal], f32_scalar, &[]);
        match self.rounding {
            Rounding::Down => rounded_down,
            Rounding::Up => {
                let exact = self.compare(rounded_down, magnitude, "EQ");
                let two = self.builder.scalar_f32(2.0);
                let doubled = self.builder.elementwise("stablehlo.multiply", &[rounded_down, two]);
                self.builder.value("stablehlo.select", &[exact, rounded_down, doubled], f32_scalar, &[])
            }
        }
    }
}
