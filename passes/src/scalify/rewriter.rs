//! The state a rule works with: old value -> new value map, the insertion point, and the data
//! helpers every rule shares (unscale, rescale, wrap). Rules never modify the original ops: they build
//! new ones at the insertion point; the driver removes the original computation once it is dead.

use std::collections::HashMap;

use melior::Context;
use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationLike, OperationMutLike};
use melior::ir::{Attribute, BlockRef, Location, OperationRef, Type, Value, ValueLike};
use scalify_dialect::types::{element_type_of, is_float_tensor, with_element};
use scalify_dialect::{ElementType, InsertPoint, OpBuilder, SourceLocation};
use scalify_dialect::{ir, melior};

use super::driver::InvalidRewrite;
use super::policy::Options;
use super::report::Report;
use super::scale::{Scale, ScaleMath};

/// Which magnitude of a tensor a dynamic rescale reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    /// max |x|
    Max,
    /// mean |x|
    L1,
    /// sqrt(mean x^2)
    L2,
}

impl Statistic {
    /// As the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Statistic::Max => "max",
            Statistic::L1 => "mean",
            Statistic::L2 => "rms",
        }
    }
}

/// A float tensor of the original program, as the rewritten program carries it: `data * scale`.
#[derive(Clone, Copy, Debug)]
pub struct Scaled<'c, 'a> {
    pub data: Value<'c, 'a>,
    pub scale: Scale<'c, 'a>,
    /// The data is a splat of 0 or +-inf, which every scale represents equally: aligning rules take
    /// the other operands' scale (ReLU's zero, attention's -inf mask).
    pub invariant: bool,
    /// The original value, when it is a splat constant (a power's exponent, a known divisor).
    pub splat: Option<f64>,
    /// max |data| <= 1 is known: the scale was just refreshed from this data's max (a dynamic rescale),
    /// and only layout ops followed. An FP8 cast with `rescale=max` needs no new statistic then.
    pub bounded: bool,
    /// A sentinel (see `rules.rs`): derived only from constants and non-float values, every element
    /// 0, +-inf or of magnitude at least `SENTINEL_MAGNITUDE` of the data type. Masks, not data.
    pub sentinel: bool,
    /// Every element is an integer, and the value is derived only from constants and non-float
    /// values (a converted mask, `1 - mask`): times a sentinel constant it is a sentinel.
    pub integral: bool,
}

impl<'c, 'a> Scaled<'c, 'a> {
    pub fn new(data: Value<'c, 'a>, scale: Scale<'c, 'a>) -> Self {
        Self { data, scale, invariant: false, splat: None, bounded: false, sentinel: false, integral: false }
    }
}

/// Whether a constant of magnitude `v` is a sentinel for data of type `element`: at or beyond the
/// square root of its largest finite value (f16: 256; bf16 and f32: 2^64), where representing it
/// would push unit-scale data of the other operand below the type's normal range.
pub fn is_sentinel_magnitude(v: f64, element: ElementType) -> bool {
    v.abs() >= element.max_finite().sqrt()
}

#[derive(Clone, Copy, Debug)]
pub enum Mapped<'c, 'a> {
    Scaled(Scaled<'c, 'a>),
    /// A non-float value (integer, bool) of the rewritten program.
    Plain(Value<'c, 'a>),
}

pub fn op_name(op: &OperationRef) -> String {
    op.name().as_string_ref().as_str().unwrap_or("?").to_string()
}

/// `file:line:col` of an op, or its printed location when it has no file position.
pub fn location_text(location: Location) -> String {
    match SourceLocation::from_mlir(location) {
        Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
        None => location.to_string(),
    }
}

/// (data value, (scale base or 0, scale or factor bits, invariant), format, block) of an FP8 cast.
pub type Fp8CastKey = (usize, (usize, u32, bool), ElementType, usize);
/// The FP8 value, its scale, and the headroom factor its data was multiplied by.
pub type Fp8Cast<'c, 'a> = (Value<'c, 'a>, Scale<'c, 'a>, f32);

pub struct Rewriter<'c, 'a> {
    pub context: &'c Context,
    pub options: Options,
    pub report: Report,
    values: HashMap<usize, Mapped<'c, 'a>>,
    point: InsertPoint<'c, 'a>,
    location: Location<'c>,
    /// FP8 casts already emitted, by (data value, scale, format, block): a tensor feeding several matmuls
    /// (a gradient's dW and dX) is measured and converted once. Reused only within the block that
    /// holds the cast, where it dominates every later op.
    pub fp8_casts: HashMap<Fp8CastKey, Fp8Cast<'c, 'a>>,
    /// Calibrated statistics (`Options::calibrated`), in the function under calibration.
    pub calibration: Option<Calibration<'c, 'a>>,
    /// Channel handles given to the collectives this rewrite added (some sit in bodies not yet in the
    /// module, where a scan of the module would not see them).
    pub channel_handles: Vec<Attribute<'c>>,
    /// Inside an isolated region (a shard_map body, which holds a whole step): each op's own role
    /// sets its data type, read from its name stack; `Some(has_autodiff)` while roles are read.
    pub nested_roles: Option<bool>,
    /// The function's `Some(has_autodiff)` when roles are read (what `nested_roles` takes in a body).
    pub function_roles: Option<bool>,
    /// Element type of new data: the current op's role's data type.
    data_type: ElementType,
    /// Without name stacks, the ops the function's scalar results depend on (`role::loss_cone`): what
    /// tells a backward matmul, and its gradient operand, for the FP8 formats.
    pub loss_cone: Option<std::collections::HashSet<usize>>,
    /// Types of the input program's values that the rewrite retyped in place (a scaled signature's
    /// arguments now hold their data type): what ops computed in the original types must see.
    original_types: HashMap<usize, Type<'c>>,
    /// The first op whose rewrite did not verify (see `driver::rewrite_op`).
    pub(crate) invalid: Option<InvalidRewrite>,
    /// An op before the insertion point, where `mark` starts looking (ops are erased only after the
    /// walk, so it stays valid).
    hint: Option<OperationRef<'c, 'a>>,
}

/// The statistics of a function under calibration (`statistics=calibrated`): those taken in its
/// body's block (statistics inside regions are taken every step), counted in program order, each a
/// slot of the calibration, with the scales they give when measuring.
pub struct Calibration<'c, 'a> {
    pub block: usize,
    /// Each slot's statistic, in program order (the report's `calibration.kinds`): a maximum bounds
    /// its tensor (outgrown, it overflows), a norm sets its typical magnitude.
    pub slots: Vec<Statistic>,
    pub measured: Vec<Value<'c, 'a>>,
}

/// Where the insertion point was: its block and the op just before it.
#[derive(Clone, Copy)]
pub struct PointMark<'c, 'a> {
    block: Option<BlockRef<'c, 'a>>,
    previous: Option<OperationRef<'c, 'a>>,
}

fn key(value: Value) -> usize {
    value.to_raw().ptr as usize
}

impl<'c: 'a, 'a> Rewriter<'c, 'a> {
    pub fn new(context: &'c Context, options: Options, point: InsertPoint<'c, 'a>) -> Self {
        let data_type = options.data_type;
        Self {
            context,
            options,
            report: Report::default(),
            values: HashMap::new(),
            point,
            location: Location::unknown(context),
            fp8_casts: HashMap::new(),
            calibration: None,
            channel_handles: Vec::new(),
            nested_roles: None,
            function_roles: None,
            data_type,
            loss_cone: None,
            original_types: HashMap::new(),
            invalid: None,
            hint: None,
        }
    }

    /// Retypes `value`, a value of the input program, remembering its type in the input.
    pub fn retype(&mut self, value: Value<'c, 'a>, ty: Type<'c>) {
        self.original_types.entry(key(value)).or_insert(value.r#type());
        value.set_type(ty);
    }

    /// The type `value` had in the input program.
    pub fn original_type(&self, value: Value<'c, 'a>) -> Type<'c> {
        self.original_types.get(&key(value)).copied().unwrap_or(value.r#type())
    }

    pub fn set_point(&mut self, point: InsertPoint<'c, 'a>, location: Location<'c>) {
        self.point = point;
        self.location = location;
    }

    pub fn point(&self) -> InsertPoint<'c, 'a> {
        self.point
    }

    /// The block new ops go into (identifies the insertion point's region for caches).
    pub fn point_block(&self) -> usize {
        let block = match self.point {
            InsertPoint::Before(anchor) => anchor.block().expect("anchor in a block"),
            InsertPoint::End(block) => block,
        };
        block.to_raw().ptr as usize
    }

    pub fn location(&self) -> Location<'c> {
        self.location
    }

    /// Whether `value` is defined in the block new ops go into: a value computed from it at the
    /// insertion point dominates every later use of it only then (not from inside a branch or a
    /// loop body, whose ops the rest of the function cannot see).
    pub fn defined_in_point_block(&self, value: Value<'c, 'a>) -> bool {
        let block = if let Ok(argument) = melior::ir::block::BlockArgument::try_from(value) {
            Some(argument.owner().to_raw().ptr as usize)
        } else {
            ir::defining_op(value).and_then(|op| op.block()).map(|b| b.to_raw().ptr as usize)
        };
        block == Some(self.point_block())
    }

    /// Marks the insertion point: `inserted_since` lists what goes in after it. The C API cannot step
    /// back from an op, so the op before the point is found walking forward from `hint`, the last
    /// mark's (marks along a forward walk cost linear time in all).
    pub fn mark(&mut self) -> PointMark<'c, 'a> {
        let (block, stop) = match self.point {
            InsertPoint::Before(anchor) => (anchor.block(), Some(anchor)),
            InsertPoint::End(block) => (Some(block), None),
        };
        let Some(block) = block else { return PointMark { block: None, previous: None } };
        let walk = |from: Option<OperationRef<'c, 'a>>| {
            let mut previous = from;
            let mut next = match from {
                Some(op) => op.next_in_block(),
                None => block.first_operation(),
            };
            while let Some(op) = next {
                if stop == Some(op) {
                    return Some(previous);
                }
                previous = Some(op);
                next = op.next_in_block();
            }
            // Reached the end: right for an `End` point; for `Before`, the hint was past the anchor.
            stop.is_none().then_some(previous)
        };
        let hint = self.hint.filter(|op| op.block() == Some(block));
        let previous = walk(hint).or_else(|| walk(None)).flatten();
        self.hint = previous;
        PointMark { block: Some(block), previous }
    }

    /// The ops inserted at the insertion point since `mark` was taken, in order.
    pub fn inserted_since(&self, mark: PointMark<'c, 'a>) -> Vec<OperationRef<'c, 'a>> {
        let stop = match self.point {
            InsertPoint::Before(anchor) => Some(anchor),
            InsertPoint::End(_) => None,
        };
        let mut next = match mark.previous {
            Some(previous) => previous.next_in_block(),
            None => mark.block.and_then(|block| block.first_operation()),
        };
        let mut inserted = Vec::new();
        while let Some(op) = next {
            if stop.is_some_and(|stop| stop == op) {
                break;
            }
            inserted.push(op);
            next = op.next_in_block();
        }
        inserted
    }

    pub fn builder(&self) -> OpBuilder<'c, 'a> {
        OpBuilder::new(self.context, self.point, self.location)
    }

    /// The data type of the op being rewritten (its role's, see `policy.rs`).
    pub fn data_element(&self) -> ElementType {
        self.data_type
    }

    pub fn set_data_element(&mut self, element: ElementType) {
        self.data_type = element;
    }

    /// `ty` with its float element type replaced by the data type (non-float types unchanged).
    pub fn data_type(&self, ty: Type<'c>) -> Type<'c> {
        if is_float_tensor(ty) { with_element(ty, self.data_element().to_mlir(self.context)).unwrap_or(ty) } else { ty }
    }

    pub fn bind(&mut self, old: Value<'c, 'a>, new: Mapped<'c, 'a>) {
        self.values.insert(key(old), new);
    }

    pub fn bind_scaled(&mut self, old: Value<'c, 'a>, new: Scaled<'c, 'a>) {
        self.bind(old, Mapped::Scaled(new));
    }

    pub fn bind_plain(&mut self, old: Value<'c, 'a>, new: Value<'c, 'a>) {
        self.bind(old, Mapped::Plain(new));
    }

    /// The rewritten value of `old`; float data in the current data type (an op of one role reading
    /// another role's value converts it: the f32 optimizer reads f16 gradients).
    pub fn lookup(&mut self, old: Value<'c, 'a>) -> Mapped<'c, 'a> {
        if let Some(mapped) = self.values.get(&key(old)).copied() {
            return match mapped {
                Mapped::Scaled(s) => Mapped::Scaled(Scaled { data: self.convert(s.data, self.data_element()), ..s }),
                plain => plain,
            };
        }
        if is_float_tensor(old.r#type()) {
            // A float the walk never produced (defined in a region left as it was): scale 1.
            let scaled = self.wrap(old, Scale::ONE);
            self.bind_scaled(old, scaled);
            Mapped::Scaled(scaled)
        } else {
            Mapped::Plain(old)
        }
    }

    pub fn scaled(&mut self, old: Value<'c, 'a>) -> Scaled<'c, 'a> {
        match self.lookup(old) {
            Mapped::Scaled(s) => s,
            Mapped::Plain(v) => Scaled::new(v, Scale::ONE),
        }
    }

    pub fn plain(&mut self, old: Value<'c, 'a>) -> Value<'c, 'a> {
        match self.lookup(old) {
            Mapped::Plain(v) => v,
            Mapped::Scaled(s) => s.data,
        }
    }

    /// Converts a float value of any element type to the data type and pairs it with `scale`.
    pub fn wrap(&self, value: Value<'c, 'a>, scale: Scale<'c, 'a>) -> Scaled<'c, 'a> {
        Scaled::new(self.convert(value, self.data_element()), scale)
    }

    /// `convert` when the element type differs, else the value itself.
    pub fn convert(&self, value: Value<'c, 'a>, element: ElementType) -> Value<'c, 'a> {
        if ElementType::of(element_type_of(value.r#type())) == Some(element) {
            value
        } else {
            self.builder().convert(value, element)
        }
    }

    /// `data * scale` computed in f32, converted to `element` (the original type): never in the data
    /// type, where f16 would overflow.
    pub fn unscale(&self, scaled: Scaled<'c, 'a>, element: ElementType) -> Value<'c, 'a> {
        // f64 data (an f64 op's result) stays f64: its values may lie beyond f32's range.
        let data_element = ElementType::of(element_type_of(scaled.data.r#type()));
        let wide_element = if data_element == Some(ElementType::F64) { ElementType::F64 } else { ElementType::F32 };
        let wide = self.convert(scaled.data, wide_element);
        let value =
            if scaled.invariant || scaled.scale.is_one() { wide } else { self.multiply_by_scale(wide, scaled.scale) };
        self.convert(value, element)
    }

    /// `value * scale`, stored in the value's own element type. In f16 and bf16 a factor outside the
    /// type's normal range (or a run-time factor, which may be) is applied in f32: a ratio of scales
    /// such as 2^-30 would flush to zero as an f16 constant.
    pub fn multiply_by_scale(&self, value: Value<'c, 'a>, scale: Scale<'c, 'a>) -> Value<'c, 'a> {
        // A run-time scale whose base folded to a constant (frozen calibrated statistics) is applied
        // as the static factor it is.
        if let Scale::Dynamic { base, factor } = scale
            && let Some(scalify_dialect::fold::Scalar::F32(b)) = scalify_dialect::fold::constant_scalar(base)
        {
            let s = b * factor;
            if s == 1.0 {
                return value;
            }
            if s.is_normal() {
                return self.multiply_by_scale(value, Scale::Static(s));
            }
        }
        let builder = self.builder();
        let element = ElementType::of(element_type_of(value.r#type())).unwrap_or(ElementType::F32);
        let narrow = matches!(element, ElementType::F16 | ElementType::BF16);
        match scale {
            Scale::Static(s) if !narrow || (s as f64 >= element.min_normal() && s as f64 <= element.max_finite()) => {
                let factor = builder.splat(value.r#type(), s as f64);
                builder.elementwise("stablehlo.multiply", &[value, factor])
            }
            _ if narrow => {
                let wide = self.convert(value, ElementType::F32);
                let product = self.multiply_by_scale(wide, scale);
                self.convert(product, element)
            }
            Scale::Static(_) => unreachable!("wide types take every static factor"),
            Scale::Dynamic { .. } => {
                let s = ScaleMath::new(&builder, self.options.rounding).value(scale);
                let s = self.convert(s, element);
                let factor = builder.broadcast_scalar(s, value.r#type());
                builder.elementwise("stablehlo.multiply", &[value, factor])
            }
        }
    }

    /// `data` at the static scale `scale` (exact, in f64), kept inside [2^-100, 2^100]: products of
    /// scales (a square of a square of a dot) can leave f32's range, where a scale of inf or 0 would
    /// turn the data into NaN. The excess power of two moves into the data instead (in f32 steps of
    /// at most 2^100), where a value whose true magnitude f32 holds has room for it.
    pub fn within_scale_range(&self, data: Value<'c, 'a>, scale: f64) -> (Value<'c, 'a>, Scale<'c, 'a>) {
        const LIMIT: f64 = 1.2676506002282294e30; // 2^100
        // Zero, infinite and NaN scales (fuzzed constants) have no excess to move.
        if scale == 0.0 || !scale.is_finite() || (scale >= 1.0 / LIMIT && scale <= LIMIT) {
            return (data, Scale::Static(scale as f32));
        }
        let kept = scale.clamp(1.0 / LIMIT, LIMIT);
        let mut residual = scale / kept;
        let mut data = data;
        while residual != 1.0 {
            let step = residual.clamp(1.0 / LIMIT, LIMIT);
            data = self.multiply_by_scale(data, Scale::Static(step as f32));
            residual /= step;
        }
        (data, Scale::Static(kept as f32))
    }

    /// The data of `scaled` re-expressed at scale `to`: `data * (scale / to)`.
    pub fn rescale(&self, scaled: Scaled<'c, 'a>, to: Scale<'c, 'a>) -> Value<'c, 'a> {
        if scaled.invariant {
            return scaled.data;
        }
        let builder = self.builder();
        let ratio = ScaleMath::new(&builder, self.options.rounding).div(scaled.scale, to);
        if ratio.is_one() {
            scaled.data
        } else if scaled.sentinel {
            self.saturating_rescale(scaled, ratio, to)
        } else {
            self.multiply_by_scale(scaled.data, ratio)
        }
    }

    /// A sentinel re-expressed at `to`: `data * ratio`, saturated to the data type's largest finite
    /// value, infinities kept. A splat at a static scale folds to a constant; otherwise the product
    /// is formed in f32 (where a sentinel's ratio may overflow to inf, which the clamp then bounds).
    fn saturating_rescale(&self, scaled: Scaled<'c, 'a>, ratio: Scale<'c, 'a>, to: Scale<'c, 'a>) -> Value<'c, 'a> {
        let builder = self.builder();
        let element = ElementType::of(element_type_of(scaled.data.r#type())).unwrap_or(ElementType::F32);
        let limit = element.max_finite();
        if let (Some(v), Some(to)) = (scaled.splat, to.as_static()) {
            return builder.splat(scaled.data.r#type(), (v / to as f64).clamp(-limit, limit));
        }
        // The ratio itself may leave f32 (finfo.min's 2^127 against data at 2^-100): capped at 2^127,
        // so that the mask's zeros stay 0 (not 0 * inf = NaN) and its fill still overflows to -inf,
        // which the clamp saturates.
        let cap = 2f32.powi(127);
        let ratio = match ratio {
            Scale::Static(r) => Scale::Static(r.min(cap)),
            dynamic => {
                let math = ScaleMath::new(&builder, self.options.rounding);
                Scale::dynamic(
                    builder.elementwise("stablehlo.minimum", &[math.value(dynamic), builder.scalar_f32(cap)]),
                )
            }
        };
        let wide = self.convert(scaled.data, ElementType::F32);
        let product = self.multiply_by_scale(wide, ratio);
        let low = builder.splat(product.r#type(), -limit);
        let high = builder.splat(product.r#type(), limit);
        let saturated = builder.clamp(low, product, high);
        let finite = builder.is_finite(wide);
        let kept = builder.value("stablehlo.select", &[finite, saturated, wide], wide.r#type(), &[]);
        self.convert(kept, element)
    }

    /// A statistic of `value`'s magnitude as a power-of-two `tensor<f32>` (at least `floor`; a floor of
    /// 0 lets an all-zero tensor report 0): the data statistics behind dynamic rescaling. One
    /// reduction over the value.
    pub fn magnitude(&mut self, value: Value<'c, 'a>, statistic: Statistic, floor: f32) -> Value<'c, 'a> {
        let builder = self.builder();
        let reductions = self.statistic_reductions(value, statistic);
        let reduced: Vec<Value> = reductions.iter().map(|&(v, body, init)| builder.reduce_all(v, body, init)).collect();
        self.statistic_from(value, &reduced, statistic, floor)
    }

    /// Whether statistics taken at the insertion point are frozen constants (calibrated, frozen, in
    /// the body under calibration): what FP8 casts need to know, since they must not saturate then.
    pub fn statistics_frozen(&self) -> bool {
        self.options.calibration.is_some() && self.calibrated_here()
    }

    /// Whether statistics taken at the insertion point are under calibration, measured or frozen.
    pub fn calibrated_here(&self) -> bool {
        self.calibration.as_ref().is_some_and(|c| c.block == self.point_block())
    }

    /// Under calibration, frozen: the next slot's scale, the constant 2^e (0 past the list's end: the
    /// driver refuses a list of the wrong length). A run-time scale over a constant, so that every
    /// rule decides as it did while measuring; its arithmetic folds as it is built.
    fn frozen_scale(&mut self, statistic: Statistic) -> Option<Scale<'c, 'a>> {
        if !self.statistics_frozen() {
            return None;
        }
        let calibration = self.calibration.as_mut().expect("under calibration");
        let exponents = self.options.calibration.as_ref().expect("frozen");
        let exponent = exponents.get(calibration.slots.len()).copied().unwrap_or(0);
        calibration.slots.push(statistic);
        Some(Scale::dynamic(self.builder().scalar_f32(2f32.powi(exponent))))
    }

    /// Under calibration, measuring: the scale a statistic gave is the next slot's value, returned
    /// by the step.
    fn record_scale(&mut self, scale: Scale<'c, 'a>, statistic: Statistic) {
        if self.calibrated_here() {
            let builder = self.builder();
            let value = ScaleMath::new(&builder, self.options.rounding).value(scale);
            let calibration = self.calibration.as_mut().expect("under calibration");
            calibration.slots.push(statistic);
            calibration.measured.push(value);
        }
    }

    /// `value` in f32 re-expressed at a frozen calibrated scale: `value * scale / frozen`.
    fn rescaled_to(
        &mut self,
        value: Value<'c, 'a>,
        scale: Scale<'c, 'a>,
        frozen: Scale<'c, 'a>,
    ) -> (Value<'c, 'a>, Scale<'c, 'a>) {
        let builder = self.builder();
        let ratio = ScaleMath::new(&builder, self.options.rounding).div(scale, frozen);
        let wide = self.convert(value, ElementType::F32);
        (self.multiply_by_scale(wide, ratio), frozen)
    }

    /// `magnitude` of each of `values`, all of one type, their reductions in one variadic
    /// `stablehlo.reduce` (one pass over them all: XLA launches a kernel per reduction of a function
    /// argument, the GPT step's 89 input statistics were 89 kernels).
    pub fn magnitudes(&mut self, values: &[Value<'c, 'a>], statistic: Statistic, floor: f32) -> Vec<Value<'c, 'a>> {
        if values.len() == 1 {
            return vec![self.magnitude(values[0], statistic, floor)];
        }
        let per_value: Vec<_> = values.iter().map(|&v| self.statistic_reductions(v, statistic)).collect();
        let all: Vec<_> = per_value.iter().flatten().copied().collect();
        let mut reduced = self.builder().reduce_all_together(&all).into_iter();
        values
            .iter()
            .zip(&per_value)
            .map(|(&value, reductions)| {
                let own: Vec<Value> = reduced.by_ref().take(reductions.len()).collect();
                self.statistic_from(value, &own, statistic, floor)
            })
            .collect()
    }

    /// The tensors whose reductions over every dimension make `statistic` of `value`, each with its
    /// reduction's body and init (counted in the report, one statistic per value).
    fn statistic_reductions(
        &mut self,
        value: Value<'c, 'a>,
        statistic: Statistic,
    ) -> Vec<(Value<'c, 'a>, &'static str, f64)> {
        let element_bytes = ElementType::of(element_type_of(value.r#type())).map_or(4, |e| e.bits() as i64 / 8);
        let elements = scalify_dialect::types::shape_of(value.r#type()).map_or(1, |s| s.iter().product::<i64>());
        self.report.statistic_reductions += 1;
        self.report.statistic_bytes += elements * element_bytes;
        let builder = self.builder();
        let wide = self.convert(value, ElementType::F32);
        let absolute = builder.elementwise("stablehlo.abs", &[wide]);
        match statistic {
            // Over the finite elements: an inf where the original has one (x / 0 under a mask, an
            // exp past f32) stays inf in the data instead of making the scale inf and every element NaN.
            Statistic::Max => {
                let finite = builder.is_finite(wide);
                let zeros = builder.splat(absolute.r#type(), 0.0);
                let finite_magnitudes =
                    builder.value("stablehlo.select", &[finite, absolute, zeros], absolute.r#type(), &[]);
                vec![(finite_magnitudes, "stablehlo.maximum", 0.0)]
            }
            Statistic::L1 => vec![(absolute, "stablehlo.add", 0.0)],
            Statistic::L2 => {
                let squares = builder.elementwise("stablehlo.multiply", &[absolute, absolute]);
                vec![(squares, "stablehlo.add", 0.0), (absolute, "stablehlo.maximum", 0.0)]
            }
        }
    }

    /// `statistic` of `value` from its reductions' results (`statistic_reductions`, in order), as a
    /// power of two, at least `floor`.
    fn statistic_from(
        &self,
        value: Value<'c, 'a>,
        reduced: &[Value<'c, 'a>],
        statistic: Statistic,
        floor: f32,
    ) -> Value<'c, 'a> {
        let builder = self.builder();
        let count = scalify_dialect::types::shape_of(value.r#type()).map_or(1, |s| s.iter().product::<i64>()).max(1);
        let raw = match (statistic, reduced) {
            (Statistic::Max, &[largest]) => largest,
            (Statistic::L1, &[sum]) => {
                builder.elementwise("stablehlo.multiply", &[sum, builder.scalar_f32(1.0 / count as f32)])
            }
            (Statistic::L2, &[sum, largest]) => {
                let mean = builder.elementwise("stablehlo.multiply", &[sum, builder.scalar_f32(1.0 / count as f32)]);
                let rms = builder.elementwise("stablehlo.sqrt", &[mean]);
                // Squares of values below 2^-63 flush and above 2^64 overflow in f32, so the RMS of
                // such a tensor reads 0 or inf. It lies between max|x| / sqrt(n) and max|x| (a sibling
                // reduction over the same values, fused into the same pass), so clamping it there
                // changes nothing where it is exact and repairs it where it is not.
                let lowest = builder
                    .elementwise("stablehlo.multiply", &[largest, builder.scalar_f32(1.0 / (count as f32).sqrt())]);
                let at_least = builder.elementwise("stablehlo.maximum", &[rms, lowest]);
                builder.elementwise("stablehlo.minimum", &[at_least, largest])
            }
            _ => unreachable!("statistic_reductions gives each statistic its reductions"),
        };
        let rounded = ScaleMath::new(&builder, self.options.rounding).round(raw);
        if floor == 0.0 {
            rounded
        } else {
            builder.elementwise("stablehlo.maximum", &[rounded, builder.scalar_f32(floor)])
        }
    }

    /// Re-expresses `(value, scale)` at `scale * norm` with `norm` from the value's own statistic:
    /// the data returns near unit magnitude whatever the static estimate was. Divides in f32, where
    /// any power of two is representable, then stores in the data type.
    pub fn normalize(
        &mut self,
        value: Value<'c, 'a>,
        scale: Scale<'c, 'a>,
        statistic: Statistic,
        floor: f32,
    ) -> Scaled<'c, 'a> {
        let (data, new_scale) = self.rescaled_in_f32(value, scale, statistic, floor, 1.0);
        Scaled { bounded: statistic == Statistic::Max, ..self.wrap(data, new_scale) }
    }

    /// The core of every dynamic rescale: `value` in f32 with its statistic brought to `target` (a
    /// power of two), `value * target / norm`, and its scale `scale * norm / target`. Under
    /// calibration that scale is what is measured and frozen: a frozen scale anchors the value's
    /// representation whatever the data upstream (a frozen statistic of the data would not: data
    /// upstream of it move with every other frozen value, scales compensating).
    pub fn rescaled_in_f32(
        &mut self,
        value: Value<'c, 'a>,
        scale: Scale<'c, 'a>,
        statistic: Statistic,
        floor: f32,
        target: f32,
    ) -> (Value<'c, 'a>, Scale<'c, 'a>) {
        if let Some(frozen) = self.frozen_scale(statistic) {
            return self.rescaled_to(value, scale, frozen);
        }
        let norm = self.magnitude(value, statistic, floor);
        self.rescaled_by(value, scale, (norm, statistic), target)
    }

    /// `value` in f32 with its `statistic`, `norm` (a power of two), brought to `target`.
    fn rescaled_by(
        &mut self,
        value: Value<'c, 'a>,
        scale: Scale<'c, 'a>,
        (norm, statistic): (Value<'c, 'a>, Statistic),
        target: f32,
    ) -> (Value<'c, 'a>, Scale<'c, 'a>) {
        let builder = self.builder();
        let math = ScaleMath::new(&builder, self.options.rounding);
        let wide = self.convert(value, ElementType::F32);
        let norm = math.div(Scale::dynamic(norm), Scale::Static(target));
        // An all-zero tensor (a norm of 0 under a zero floor) keeps zero data (0 * 2^126) at scale 0.
        let reciprocal = math.reciprocal(norm);
        let new_scale = math.mul(scale, norm);
        self.record_scale(new_scale, statistic);
        (self.multiply_by_scale(wide, reciprocal), new_scale)
    }

    /// `normalize` of each `(value, scale, placement)`, the statistics of values of one type and one
    /// placement taken together in one variadic reduction (`magnitudes`): the function's arguments,
    /// all read on entry. `placement` is the value's sharding (its argument attributes, as text):
    /// operands of one reduction sharded apart would be resharded to one layout first, a collective
    /// where each reduction alone needs only a scalar all-reduce.
    pub fn normalize_all(
        &mut self,
        entries: &[(Value<'c, 'a>, Scale<'c, 'a>, String)],
        statistic: Statistic,
    ) -> Vec<Scaled<'c, 'a>> {
        if self.statistics_frozen() {
            let frozen = entries.iter().map(|&(value, scale, _)| {
                let frozen = self.frozen_scale(statistic).expect("frozen");
                let (data, new_scale) = self.rescaled_to(value, scale, frozen);
                Scaled { bounded: statistic == Statistic::Max, ..self.wrap(data, new_scale) }
            });
            return frozen.collect();
        }
        let mut groups: Vec<(Type<'c>, &str, Vec<usize>)> = Vec::new();
        for (i, (value, _, placement)) in entries.iter().enumerate() {
            match groups.iter_mut().find(|(ty, p, _)| *ty == value.r#type() && p == placement) {
                Some((_, _, members)) => members.push(i),
                None => groups.push((value.r#type(), placement, vec![i])),
            }
        }
        let mut norms = vec![None; entries.len()];
        for (_, _, members) in &groups {
            let values: Vec<Value> = members.iter().map(|&i| entries[i].0).collect();
            for (&i, norm) in members.iter().zip(self.magnitudes(&values, statistic, 0.0)) {
                norms[i] = Some(norm);
            }
        }
        entries
            .iter()
            .zip(norms)
            .map(|(&(value, scale, _), norm)| {
                let norm = norm.expect("every entry in a group");
                let (data, new_scale) = self.rescaled_by(value, scale, (norm, statistic), 1.0);
                Scaled { bounded: statistic == Statistic::Max, ..self.wrap(data, new_scale) }
            })
            .collect()
    }

    /// `normalize` for a tensor stored between steps: with `Max`, the largest element goes to half
    /// the data type's largest power of two (2^14 in f16), so that the whole normal range below it
    /// holds the small elements (AdamW's v spans 2^20 and more; XLA's CPU flushes subnormals).
    /// With `L2`, the RMS goes to 1.
    pub fn normalize_for_storage(
        &mut self,
        value: Value<'c, 'a>,
        scale: Scale<'c, 'a>,
        statistic: Statistic,
    ) -> Scaled<'c, 'a> {
        let target = match statistic {
            Statistic::Max => super::pow2::pow2_down(self.options.data_type.max_finite() as f32) / 2.0,
            _ => 1.0,
        };
        let (data, new_scale) = self.rescaled_in_f32(value, scale, statistic, 0.0, target);
        self.wrap(data, new_scale)
    }

    /// Inserts a copy of `op` (regions included) at the insertion point, with `operands` (the first ones
    /// replaced, or all and more).
    pub fn clone_op(&self, op: OperationRef<'c, 'a>, operands: &[Value<'c, 'a>]) -> OperationRef<'c, 'a> {
        let copy = ir::clone_op(&op);
        let inserted = match self.point {
            InsertPoint::Before(anchor) => {
                anchor.block().expect("anchor in a block").insert_operation_before(anchor, copy)
            }
            InsertPoint::End(block) => block.append_operation(copy),
        };
        if operands.len() > inserted.operand_count() {
            // More operands than the original (an isolated region's run-time scales).
            ir::set_operands(inserted, operands);
            return inserted;
        }
        let mut mutable = ir::mutable(inserted);
        for (i, operand) in operands.iter().enumerate() {
            mutable.set_operand(i, *operand);
        }
        inserted
    }
}
