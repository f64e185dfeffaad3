//! A generator of random training-step-like StableHLO programs, for differential testing of the
//! Scalify pass (tests/differential.rs, scripts/differential).
//!
//! A program takes a batch `x` (B x D), a weight `w` (D x D), a bias `b` (D) and an optimizer state
//! `v` (D x D, positive), each at its own magnitude, and composes ops scalify has rules for: element-wise
//! arithmetic, constants from 2^-20 to 2^20 and beyond, divisions, the unscaled and unbounded
//! functions, dots in the three orientations a backward pass has, reductions and their broadcasts,
//! masked softmaxes with the fills real libraries use (`finfo.min`, `-1e9`, `-inf`, additive masks),
//! clamps, `while` loops and `if`s. Like a training step it has a forward section ending in a scalar
//! loss, a backward-like section ending in a weight gradient, and an Adam-like update of the weight
//! and the state, each op located with the name stack JAX gives it (`jvp(...)`, `transpose(jvp(...))`,
//! the optimizer outside both), so the pass assigns roles as it does on real steps. It returns the
//! loss, the new weight and state, and two intermediate values.
//!
//! The same choices can be emitted twice: as the program itself, and as its *rounded twin*, where
//! every float result passes through `reduce_precision` to a narrower mantissa (f32's exponent range
//! kept). The twin is the program computed in a low-precision format that cannot overflow: the error
//! a format's precision costs on this program, its conditioning included. A rewrite to that format
//! should cost about as much, and no more.

use crate::Rng;

/// A shape in the program: the batch B, the features D.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// B x D: activations.
    Batch,
    /// D x D: weights and their gradients.
    Square,
    /// D: biases, reductions over the batch.
    Features,
    /// B: reductions over the features.
    Rows,
    Scalar,
}

/// Where an op sits in the step, written as JAX's name stack in its location (the pass reads roles
/// from it: FP8 formats, the optimizer's own data type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Forward,
    Backward,
    Optimizer,
}

impl Section {
    fn location(self) -> &'static str {
        match self {
            Section::Forward => "loc(\"jit(step)/jvp(model)/op\")",
            Section::Backward => "loc(\"jit(step)/transpose(jvp(model))/op\")",
            Section::Optimizer => "loc(\"jit(step)/adamw/op\")",
        }
    }
}

/// Mantissa bits a rounded twin keeps: `elementwise` after every float op, `dot_operands` on the
/// operands of every dot (FP8 formats are narrower than the data around them).
#[derive(Clone, Copy, Debug)]
pub struct Rounding {
    pub elementwise: u32,
    pub dot_operands: u32,
    /// Whether the optimizer's update is rounded too (the presets compute it in f32).
    pub optimizer: bool,
    /// `Some(e)`: the *range twin*, where each tensor is also held in a format of `e` exponent bits
    /// at one power-of-two scale (its largest finite magnitude's): what one scale per tensor can
    /// hold at all. Elements more than the format's range below their tensor's largest flush to 0.
    pub per_tensor_exponent: Option<u32>,
}

impl Rounding {
    /// The range twin of this rounding: the same mantissas, each tensor at one scale in a format of
    /// `exponent_bits`.
    pub fn per_tensor(self, exponent_bits: u32) -> Rounding {
        Rounding { per_tensor_exponent: Some(exponent_bits), ..self }
    }
}

/// A generated program: its text, and the magnitude each input is drawn at (x, w, b, v).
pub struct Program {
    pub text: String,
    pub input_shapes: Vec<Vec<i64>>,
    pub input_magnitudes: Vec<f64>,
    /// Whether input `i` must be positive (the optimizer state).
    pub input_positive: Vec<bool>,
}

struct Builder {
    batch: i64,
    features: i64,
    rounding: Option<Rounding>,
    section: Section,
    body: String,
    indent: usize,
    next: usize,
    /// Float values by shape, in order of definition (in the current region's scope).
    pool: Vec<(String, Shape)>,
}

impl Builder {
    fn ty(&self, shape: Shape) -> String {
        self.ty_of(shape, "f32")
    }

    fn ty_of(&self, shape: Shape, element: &str) -> String {
        let (b, d) = (self.batch, self.features);
        match shape {
            Shape::Batch => format!("tensor<{b}x{d}x{element}>"),
            Shape::Square => format!("tensor<{d}x{d}x{element}>"),
            Shape::Features => format!("tensor<{d}x{element}>"),
            Shape::Rows => format!("tensor<{b}x{element}>"),
            Shape::Scalar => format!("tensor<{element}>"),
        }
    }

    /// A line of an op that ends on it: it gets the section's location.
    fn line(&mut self, text: &str) {
        let located = format!("{text} {}", self.section.location());
        self.structural(&located);
    }

    /// A line that opens or continues a region (the op's location goes on its last line).
    fn structural(&mut self, text: &str) {
        self.body.push_str(&" ".repeat(self.indent));
        self.body.push_str(text);
        self.body.push('\n');
    }

    fn fresh(&mut self) -> String {
        self.next += 1;
        format!("%v{}", self.next)
    }

    /// Emits `rhs` as a non-float or structural value (no rounding).
    fn raw(&mut self, rhs: String) -> String {
        let name = self.fresh();
        self.line(&format!("{name} = {rhs}"));
        name
    }

    /// Emits a float-valued op of `shape`; in a rounded twin its result is rounded.
    fn float(&mut self, rhs: String, shape: Shape) -> String {
        let name = self.raw(rhs);
        match self.rounding {
            Some(r) if r.optimizer || self.section != Section::Optimizer => self.round(&name, shape, r.elementwise),
            _ => name,
        }
    }

    fn round(&mut self, value: &str, shape: Shape, mantissa: u32) -> String {
        let ty = self.ty(shape);
        match self.rounding.and_then(|r| r.per_tensor_exponent) {
            // A scalar is its own scale: nothing beside it to flush.
            Some(exponent) if shape != Shape::Scalar => self.round_at_own_scale(value, shape, exponent, mantissa),
            _ => self.raw(format!("stablehlo.reduce_precision {value}, format = e8m{mantissa} : {ty}")),
        }
    }

    /// `value` held at one power-of-two scale s (the largest finite |x|'s, rounded down; 1 for an
    /// all-zero tensor) in a format of `exponent` bits: reduce_precision(x / s) * s.
    fn round_at_own_scale(&mut self, value: &str, shape: Shape, exponent: u32, mantissa: u32) -> String {
        let (ty, predicates) = (self.ty(shape), self.ty_of(shape, "i1"));
        let magnitude = self.raw(format!("stablehlo.abs {value} : {ty}"));
        let finite = self.raw(format!("stablehlo.is_finite {value} : ({ty}) -> {predicates}"));
        let zeros = self.constant("0.000000e+00", shape);
        let finite_magnitude =
            self.raw(format!("stablehlo.select {finite}, {magnitude}, {zeros} : {predicates}, {ty}"));
        let zero = self.constant("0.000000e+00", Shape::Scalar);
        let dims = if matches!(shape, Shape::Batch | Shape::Square) { "[0, 1]" } else { "[0]" };
        let largest = self.raw(format!(
            "stablehlo.reduce({finite_magnitude} init: {zero}) applies stablehlo.maximum across dimensions = {dims} : ({ty}, tensor<f32>) -> tensor<f32>"
        ));
        let bits = self.raw(format!("stablehlo.bitcast_convert {largest} : (tensor<f32>) -> tensor<i32>"));
        let exponent_mask = self.raw("stablehlo.constant dense<2139095040> : tensor<i32>".into());
        let power_bits = self.raw(format!("stablehlo.and {bits}, {exponent_mask} : tensor<i32>"));
        let power = self.raw(format!("stablehlo.bitcast_convert {power_bits} : (tensor<i32>) -> tensor<f32>"));
        let one = self.constant("1.000000e+00", Shape::Scalar);
        let positive = self
            .raw(format!("stablehlo.compare GT, {power}, {zero}, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>"));
        let scale = self.raw(format!("stablehlo.select {positive}, {power}, {one} : tensor<i1>, tensor<f32>"));
        let scale = self.broadcast(&scale, Shape::Scalar, shape);
        let data = self.raw(format!("stablehlo.divide {value}, {scale} : {ty}"));
        let rounded = self.raw(format!("stablehlo.reduce_precision {data}, format = e{exponent}m{mantissa} : {ty}"));
        self.raw(format!("stablehlo.multiply {rounded}, {scale} : {ty}"))
    }

    fn constant(&mut self, value: &str, shape: Shape) -> String {
        let ty = self.ty(shape);
        self.raw(format!("stablehlo.constant dense<{value}> : {ty}"))
    }

    fn pick(&self, rng: &mut Rng, shape: Shape) -> Option<String> {
        let candidates: Vec<&String> = self.pool.iter().filter(|(_, s)| *s == shape).map(|(n, _)| n).collect();
        // Favour recent values, so chains grow deep rather than wide.
        let n = candidates.len();
        if n == 0 {
            return None;
        }
        let index = if rng.below(3) == 0 { rng.below(n) } else { n - 1 - rng.below(n.min(3)) };
        Some(candidates[index].clone())
    }

    fn any_value(&self, rng: &mut Rng) -> (String, Shape) {
        let n = self.pool.len();
        let index = if rng.below(2) == 0 { rng.below(n) } else { n - 1 - rng.below(n.min(4)) };
        self.pool[index].clone()
    }

    fn unary(&mut self, op: &str, x: &str, shape: Shape) -> String {
        let ty = self.ty(shape);
        self.float(format!("stablehlo.{op} {x} : {ty}"), shape)
    }

    fn binary(&mut self, op: &str, x: &str, y: &str, shape: Shape) -> String {
        let ty = self.ty(shape);
        self.float(format!("stablehlo.{op} {x}, {y} : {ty}"), shape)
    }

    fn broadcast(&mut self, x: &str, from: Shape, to: Shape) -> String {
        if from == to {
            return x.to_string();
        }
        let dims = match (from, to) {
            (Shape::Scalar, _) => "[]",
            (Shape::Features, Shape::Batch | Shape::Square) => "[1]",
            (Shape::Rows, Shape::Batch) => "[0]",
            _ => unreachable!("no broadcast from {from:?} to {to:?}"),
        };
        let (ft, tt) = (self.ty(from), self.ty(to));
        self.raw(format!("stablehlo.broadcast_in_dim {x}, dims = {dims} : ({ft}) -> {tt}"))
    }

    /// A positive value of `shape` away from zero: |x| + c.
    fn positive(&mut self, x: &str, shape: Shape, c: &str) -> String {
        let a = self.unary("abs", x, shape);
        let k = self.constant(c, shape);
        self.binary("add", &a, &k, shape)
    }

    fn reduce(&mut self, x: &str, from: Shape, dims: &str, to: Shape, max: bool) -> String {
        let init = if max { "0xFF800000" } else { "0.000000e+00" };
        let zero = self.constant(init, Shape::Scalar);
        let op = if max { "maximum" } else { "add" };
        let (ft, tt) = (self.ty(from), self.ty(to));
        self.float(
            format!(
                "stablehlo.reduce({x} init: {zero}) applies stablehlo.{op} across dimensions = {dims} : ({ft}, tensor<f32>) -> {tt}"
            ),
            to,
        )
    }

    fn dot(&mut self, a: &str, a_shape: Shape, b: &str, b_shape: Shape, contract: &str, out: Shape) -> String {
        let (a, b) = match self.rounding {
            Some(r) => (self.round(a, a_shape, r.dot_operands), self.round(b, b_shape, r.dot_operands)),
            None => (a.to_string(), b.to_string()),
        };
        let (at, bt, ot) = (self.ty(a_shape), self.ty(b_shape), self.ty(out));
        self.float(format!("stablehlo.dot_general {a}, {b}, contracting_dims = {contract} : ({at}, {bt}) -> {ot}"), out)
    }

    /// A masked softmax over the features of a batch value, as attention computes it: the mask keeps
    /// column j of row i when j <= i + offset (column 0 always, so no row is fully masked).
    fn masked_softmax(&mut self, rng: &mut Rng, x: &str) -> String {
        let it = self.ty_of(Shape::Batch, "i32");
        let pt = self.ty_of(Shape::Batch, "i1");
        let rows = self.raw(format!("stablehlo.iota dim = 0 : {it}"));
        let cols = self.raw(format!("stablehlo.iota dim = 1 : {it}"));
        let offset = self.raw(format!("stablehlo.constant dense<{}> : {it}", rng.below(3)));
        let limit = self.raw(format!("stablehlo.add {rows}, {offset} : {it}"));
        let keep = self.raw(format!("stablehlo.compare LE, {cols}, {limit}, SIGNED : ({it}, {it}) -> {pt}"));
        let fill = ["-3.40282347E+38", "-1.000000e+09", "0xFF800000", "-6.550400e+04"][rng.below(4)];
        let masked = if rng.below(2) == 0 {
            // jnp.where(mask, logits, fill)
            let f = self.constant(fill, Shape::Batch);
            self.float(format!("stablehlo.select {keep}, {x}, {f} : {pt}, {}", self.ty(Shape::Batch)), Shape::Batch)
        } else {
            // logits + where(mask, 0, fill): an additive bias mask.
            let zero = self.constant("0.000000e+00", Shape::Batch);
            let f = self.constant(fill, Shape::Batch);
            let bias = self
                .float(format!("stablehlo.select {keep}, {zero}, {f} : {pt}, {}", self.ty(Shape::Batch)), Shape::Batch);
            self.binary("add", x, &bias, Shape::Batch)
        };
        let max = self.reduce(&masked, Shape::Batch, "[1]", Shape::Rows, true);
        let max_b = self.broadcast(&max, Shape::Rows, Shape::Batch);
        let shifted = self.binary("subtract", &masked, &max_b, Shape::Batch);
        let e = self.unary("exponential", &shifted, Shape::Batch);
        let sum = self.reduce(&e, Shape::Batch, "[1]", Shape::Rows, false);
        let sum_b = self.broadcast(&sum, Shape::Rows, Shape::Batch);
        self.binary("divide", &e, &sum_b, Shape::Batch)
    }

    /// One random step: appends a new value to the pool.
    fn step(&mut self, rng: &mut Rng, depth: usize) {
        let (x, shape) = self.any_value(rng);
        let same = |value: String| (value, shape);
        let made: (String, Shape) = match rng.below(20) {
            0..=3 => {
                let op = ["add", "subtract", "multiply", "maximum", "minimum"][rng.below(5)];
                let y = self.operand_like(rng, shape);
                same(self.binary(op, &x, &y, shape))
            }
            4 => {
                let y = self.operand_like(rng, shape);
                let c = ["1.000000e+00", "2.500000e-01", "1.000000e-02"][rng.below(3)];
                let d = self.positive(&y, shape, c);
                same(self.binary("divide", &x, &d, shape))
            }
            5 | 6 => {
                let op = ["negate", "abs", "tanh", "logistic", "sine"][rng.below(5)];
                same(self.unary(op, &x, shape))
            }
            7 => same(match rng.below(4) {
                0 => {
                    let lo = self.constant("-4.000000e+00", Shape::Scalar);
                    let hi = self.constant("4.000000e+00", Shape::Scalar);
                    let ty = self.ty(shape);
                    let c = self.float(
                        format!("stablehlo.clamp {lo}, {x}, {hi} : (tensor<f32>, {ty}, tensor<f32>) -> {ty}"),
                        shape,
                    );
                    self.unary("exponential", &c, shape)
                }
                1 => {
                    let p = self.positive(&x, shape, "5.000000e-01");
                    self.unary("log", &p, shape)
                }
                2 => {
                    let p = self.positive(&x, shape, "2.500000e-01");
                    self.unary(["sqrt", "rsqrt"][rng.below(2)], &p, shape)
                }
                _ => {
                    let n = ["2.000000e+00", "3.000000e+00"][rng.below(2)];
                    let k = self.constant(n, shape);
                    self.binary("power", &x, &k, shape)
                }
            }),
            8 | 9 => {
                let k = [
                    "1.250000e-01",
                    "3.000000e+00",
                    "1.000000e-03",
                    "1.000000e+03",
                    "-7.000000e-01",
                    "1.048576e+06",
                    "9.53674316E-7",
                    "1.000000e+05",
                ][rng.below(8)];
                let c = self.constant(k, shape);
                same(self.binary("multiply", &x, &c, shape))
            }
            10 | 11 => self.random_dot(rng),
            12 | 13 => match shape {
                Shape::Batch => {
                    let (dims, to, back) = if rng.below(2) == 0 {
                        ("[1]", Shape::Rows, Shape::Batch)
                    } else {
                        ("[0]", Shape::Features, Shape::Batch)
                    };
                    let r = self.reduce(&x, Shape::Batch, dims, to, rng.below(3) == 0);
                    let y = self.broadcast(&r, to, back);
                    (self.binary(["add", "subtract", "multiply"][rng.below(3)], &x, &y, Shape::Batch), Shape::Batch)
                }
                Shape::Square => {
                    let max = rng.below(3) == 0;
                    (self.reduce(&x, Shape::Square, "[0]", Shape::Features, max), Shape::Features)
                }
                Shape::Features | Shape::Rows => (self.reduce(&x, shape, "[0]", Shape::Scalar, false), Shape::Scalar),
                Shape::Scalar => {
                    let y = self.operand_like(rng, Shape::Scalar);
                    same(self.binary("add", &x, &y, Shape::Scalar))
                }
            },
            14 | 15 => {
                let x = self.pick(rng, Shape::Batch).expect("the batch input is always there");
                (self.masked_softmax(rng, &x), Shape::Batch)
            }
            16 => {
                let lo = ["-1.000000e+00", "0.000000e+00", "-3.40282347E+38"][rng.below(3)];
                let hi = ["1.000000e+00", "6.000000e+00", "3.40282347E+38", "0x7F800000"][rng.below(4)];
                let lo = self.constant(lo, Shape::Scalar);
                let hi = self.constant(hi, Shape::Scalar);
                let ty = self.ty(shape);
                same(self.float(
                    format!("stablehlo.clamp {lo}, {x}, {hi} : (tensor<f32>, {ty}, tensor<f32>) -> {ty}"),
                    shape,
                ))
            }
            17 if depth == 0 => same(self.while_loop(rng, &x, shape)),
            18 if depth == 0 => same(self.if_else(rng, &x, shape)),
            _ => self.random_dot(rng),
        };
        self.pool.push(made);
    }

    /// A second operand of `shape`: a value of that shape, or a broadcast of a smaller one.
    fn operand_like(&mut self, rng: &mut Rng, shape: Shape) -> String {
        let smaller: &[Shape] = match shape {
            Shape::Batch => &[Shape::Features, Shape::Rows, Shape::Scalar],
            Shape::Square => &[Shape::Features, Shape::Scalar],
            Shape::Features | Shape::Rows => &[Shape::Scalar],
            Shape::Scalar => &[],
        };
        if !smaller.is_empty() && rng.below(3) == 0 {
            let from = smaller[rng.below(smaller.len())];
            if let Some(v) = self.pick(rng, from) {
                return self.broadcast(&v, from, shape);
            }
        }
        self.pick(rng, shape).expect("a value of every input shape")
    }

    /// A dot in one of the orientations of a dense layer's forward and backward.
    fn random_dot(&mut self, rng: &mut Rng) -> (String, Shape) {
        let x = self.pick(rng, Shape::Batch).unwrap();
        let w = self.pick(rng, Shape::Square).unwrap();
        match rng.below(3) {
            // forward: x @ w
            0 => (self.dot(&x, Shape::Batch, &w, Shape::Square, "[1] x [0]", Shape::Batch), Shape::Batch),
            // input gradient: dy @ w^T
            1 => (self.dot(&x, Shape::Batch, &w, Shape::Square, "[1] x [1]", Shape::Batch), Shape::Batch),
            // weight gradient: x^T @ dy
            _ => {
                let y = self.pick(rng, Shape::Batch).unwrap();
                (self.dot(&x, Shape::Batch, &y, Shape::Batch, "[0] x [0]", Shape::Square), Shape::Square)
            }
        }
    }

    /// `while i < n { x = x * k + tanh(x) }`: data carried through a loop.
    fn while_loop(&mut self, rng: &mut Rng, x: &str, shape: Shape) -> String {
        let ty = self.ty(shape);
        let n = 1 + rng.below(3);
        let zero = self.raw("stablehlo.constant dense<0> : tensor<i32>".to_string());
        let result = self.fresh();
        let (i, v) = (self.fresh(), self.fresh());
        self.structural(&format!("{result}:2 = stablehlo.while({i} = {zero}, {v} = {x}) : tensor<i32>, {ty}"));
        self.structural("cond {");
        self.indent += 2;
        let limit = self.raw(format!("stablehlo.constant dense<{n}> : tensor<i32>"));
        let p =
            self.raw(format!("stablehlo.compare LT, {i}, {limit}, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>"));
        self.line(&format!("stablehlo.return {p} : tensor<i1>"));
        self.indent -= 2;
        self.structural("} do {");
        self.indent += 2;
        let one = self.raw("stablehlo.constant dense<1> : tensor<i32>".to_string());
        let next_i = self.raw(format!("stablehlo.add {i}, {one} : tensor<i32>"));
        let k = self.constant(["5.000000e-01", "1.500000e+00", "-1.000000e+00"][rng.below(3)], shape);
        let scaled = self.binary("multiply", v.as_str(), &k, shape);
        let t = self.unary("tanh", &v, shape);
        let next_v = self.binary("add", &scaled, &t, shape);
        self.line(&format!("stablehlo.return {next_i}, {next_v} : tensor<i32>, {ty}"));
        self.indent -= 2;
        self.line("}");
        format!("{result}#1")
    }

    /// `if sum(x) > 0 { f(x) } else { g(x) }`.
    fn if_else(&mut self, rng: &mut Rng, x: &str, shape: Shape) -> String {
        let ty = self.ty(shape);
        let total = match shape {
            Shape::Scalar => x.to_string(),
            Shape::Batch | Shape::Square => self.reduce(x, shape, "[0, 1]", Shape::Scalar, false),
            Shape::Features | Shape::Rows => self.reduce(x, shape, "[0]", Shape::Scalar, false),
        };
        let zero = self.constant("0.000000e+00", Shape::Scalar);
        let p = self.raw(format!("stablehlo.compare GT, {total}, {zero} : (tensor<f32>, tensor<f32>) -> tensor<i1>"));
        let result = self.fresh();
        self.structural(&format!("{result} = \"stablehlo.if\"({p}) ({{"));
        let saved = self.pool.len();
        for branch in 0..2 {
            self.indent += 2;
            for _ in 0..1 + rng.below(3) {
                self.step(rng, 1);
            }
            // The branch yields a value of `shape`: the last one of that shape made in it, else x.
            let made = self.pool[saved..].iter().rev().find(|(_, s)| *s == shape).map(|(n, _)| n.clone());
            let value = made.unwrap_or_else(|| x.to_string());
            self.line(&format!("stablehlo.return {value} : {ty}"));
            self.pool.truncate(saved);
            self.indent -= 2;
            if branch == 0 {
                self.structural("}, {");
            } else {
                self.line(&format!("}}) : (tensor<i1>) -> {ty}"));
            }
        }
        result
    }
}

/// Input magnitudes: spread widely, but so that one program's values span less than f16's range
/// (2^40 with subnormals) around any one scale. Wider spans inside one tensor (an eps that underflows
/// beside sqrt(v) of 1e-2 in a sum; a max whose smaller operand wins by 2^40) are beyond what one
/// scale per tensor can hold in f16, a known limit of the method, not of a rule.
const MAGNITUDES: &[f64] = &[1.0, 1.0, 1e-3, 1e3, 3e-5, 2e4];

/// The program for `seed`, with `steps` random steps; `rounding` makes its rounded twin (the same
/// choices, the same inputs).
pub fn generate(seed: u64, steps: usize, rounding: Option<Rounding>) -> Program {
    let mut rng = Rng(seed);
    let batch = [2, 4, 8][rng.below(3)];
    let features = [4, 8, 16][rng.below(3)];
    let input_magnitudes: Vec<f64> =
        (0..4).map(|i| if i == 3 { 1e-6 } else { MAGNITUDES[rng.below(MAGNITUDES.len())] }).collect();
    let mut b = Builder {
        batch,
        features,
        rounding,
        section: Section::Forward,
        body: String::new(),
        indent: 4,
        next: 0,
        pool: Vec::new(),
    };
    let inputs = [("%x", Shape::Batch), ("%w", Shape::Square), ("%b", Shape::Features), ("%v", Shape::Square)];
    let params: Vec<String> = inputs.iter().map(|(n, s)| format!("{n}: {}", b.ty(*s))).collect();
    let input_shapes = inputs
        .iter()
        .map(|(_, s)| match s {
            Shape::Batch => vec![batch, features],
            Shape::Square => vec![features, features],
            Shape::Features => vec![features],
            _ => unreachable!(),
        })
        .collect();
    let mut held = Vec::new();
    for (name, shape) in inputs {
        let name = match b.rounding {
            // The twin rounds its inputs too: a low-precision program holds them in its format.
            Some(r) => b.round(name, shape, r.elementwise),
            None => name.to_string(),
        };
        held.push(name);
    }
    // x, w and b feed the model; v is the optimizer's state, which only the update reads.
    for (name, (_, shape)) in held.iter().zip(inputs).take(3) {
        b.pool.push((name.clone(), shape));
    }
    // The forward pass and its loss (the mean square of a batch value)...
    for _ in 0..steps.div_ceil(2) {
        b.step(&mut rng, 0);
    }
    let last_batch = b.pick(&mut Rng(seed ^ 1), Shape::Batch).unwrap();
    let sq = b.binary("multiply", &last_batch, &last_batch, Shape::Batch);
    let total = b.reduce(&sq, Shape::Batch, "[0, 1]", Shape::Scalar, false);
    let inv = b.constant(&format!("{:e}", 1.0 / (batch * features) as f64), Shape::Scalar);
    let loss = b.binary("multiply", &total, &inv, Shape::Scalar);
    let (middle, middle_shape) = b.pool[b.pool.len() - 1].clone();
    // ... a backward-like pass ending in a weight gradient ...
    b.section = Section::Backward;
    let made = b.pool.len();
    for _ in 0..steps / 2 {
        b.step(&mut rng, 0);
    }
    let gradient = match b.pool[made..].iter().rev().find(|(_, s)| *s == Shape::Square) {
        Some((g, _)) => g.clone(),
        None => {
            let x = b.pick(&mut rng, Shape::Batch).unwrap();
            let dy = b.pick(&mut rng, Shape::Batch).unwrap();
            b.dot(&x, Shape::Batch, &dy, Shape::Batch, "[0] x [0]", Shape::Square)
        }
    };
    let (last, last_shape) = b.pool.last().unwrap().clone();
    // ... and an Adam-like update: v' = 0.9 v + 0.1 g^2, w' = w - 1e-3 g / (sqrt(v') + 1e-8).
    b.section = Section::Optimizer;
    let sq = Shape::Square;
    let (w, v) = (held[1].clone(), held[3].clone());
    let decay = b.constant("9.000000e-01", sq);
    let kept = b.binary("multiply", &v, &decay, sq);
    let g2 = b.binary("multiply", &gradient, &gradient, sq);
    let rate = b.constant("1.000000e-01", sq);
    let fresh = b.binary("multiply", &g2, &rate, sq);
    let v_new = b.binary("add", &kept, &fresh, sq);
    let root = b.unary("sqrt", &v_new, sq);
    let eps = b.constant("1.000000e-08", sq);
    let denominator = b.binary("add", &root, &eps, sq);
    let direction = b.binary("divide", &gradient, &denominator, sq);
    let lr = b.constant("1.000000e-03", sq);
    let step = b.binary("multiply", &direction, &lr, sq);
    let w_new = b.binary("subtract", &w, &step, sq);
    let results = [(loss, Shape::Scalar), (w_new, sq), (v_new, sq), (last, last_shape), (middle, middle_shape)];
    let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    let types: Vec<String> = results.iter().map(|(_, s)| b.ty(*s)).collect();
    let text = format!(
        "func.func @main({}) -> ({}) {{\n{}    return {} : {}\n}}\n",
        params.join(", "),
        types.join(", "),
        b.body,
        names.join(", "),
        types.join(", ")
    );
    Program { text, input_shapes, input_magnitudes, input_positive: vec![false, false, false, true] }
}
