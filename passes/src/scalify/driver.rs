//! The walk: every function's body in order, each op handed to its rule (or to the fallback), the
//! signature's boundary handled, and the original computation removed once nothing uses it.
//! The driver knows no op by name except at the boundaries: rules live in `rules.rs`.

use melior::ir::attribute::{
    ArrayAttribute, DenseI64ArrayAttribute, DictionaryAttribute, StringAttribute, TypeAttribute,
};
use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationLike, OperationMutLike};
use melior::ir::r#type::FunctionType;
use melior::ir::{Attribute, BlockRef, Module, OperationRef, RegionLike, Type, Value, ValueLike};
use scalify_dialect::types::{element_type_of, is_float_tensor, scalar_f32_type};
use scalify_dialect::{Diagnostic, ElementType, InsertPoint, MlirError, ScalifyContext, SourceLocation};
use scalify_dialect::{ir, melior};

use super::families::{Family, unscaled_fallback};
use super::plan::Plan;
use super::policy::{MatmulType, Options, SignatureMode};
use super::report::Report;
use super::rewriter::{Calibration, Mapped, PointMark, Rewriter, Scaled, location_text, op_name};
use super::role;
use super::rules;
use super::scale::{Scale, ScaleMath};

fn block_ops<'c, 'a>(block: BlockRef<'c, 'a>) -> Vec<OperationRef<'c, 'a>> {
    let mut ops = Vec::new();
    let mut next = block.first_operation();
    while let Some(op) = next {
        ops.push(op);
        next = op.next_in_block();
    }
    ops
}

fn touches_float(op: &OperationRef) -> bool {
    op.operands().any(|v| is_float_tensor(v.r#type()))
        || op.results().any(|r| {
            let v: Value = r.into();
            is_float_tensor(v.r#type())
        })
}

/// One op, by its rule; ops that never see a float are copied with their operands remapped. What a
/// rule emits is verified on the spot: IR that does not verify is a bug of that rule, reported as
/// such (by op, rule and location), never passed on.
/// The first such failure is kept in the rewriter (`invalid`); the walk's caller reports it.
fn rewrite_op<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) {
    let name = op_name(&op);
    if !touches_float(&op) {
        let operands: Vec<Value> = op.operands().collect::<Vec<_>>().into_iter().map(|v| rw.plain(v)).collect();
        let copy = rw.clone_op(op, &operands);
        for (old, new) in op.results().zip(copy.results()) {
            rw.bind_plain(old.into(), new.into());
        }
        return;
    }
    let target = (name == "stablehlo.custom_call").then(|| ir::string_attribute(&op, "call_target_name")).flatten();
    // The user's own float types stay where the data type would change them: a bf16 dot under
    // data-type=f32 stays bf16 (see `keep_types`). f64 always stays f64: its values may lie beyond
    // f32's range (the scales, f32, stay within 2^+-100 and the data holds the rest), and the user
    // asked for its precision (PyTorch's variance upcast).
    let role_element = rw.data_element();
    let own_type = narrowest_result_element(&op).filter(|e| e.bits() < role_element.bits() || *e == ElementType::F64);
    if let Some(own_type) = own_type
        && (rw.options.keeps_types() || own_type == ElementType::F64)
    {
        rw.set_data_element(own_type);
    }
    let mark = rw.mark();
    let reason = match rules::find(&name, target.as_deref()) {
        Some(rule) => match Family::apply(rule, rw, op) {
            Ok(()) => {
                verify_inserted(rw, mark, &op, rule.family.name());
                // Keyed by the table's row: a custom call by its target.
                rw.report.record_rule(rule);
                if std::env::var_os("SCALIFY_TRACE").is_some() {
                    trace(rw, &op);
                }
                rw.set_data_element(role_element);
                return;
            }
            Err(reason) => reason,
        },
        None => match &target {
            Some(target) => format!("no scale rule for '{name}' with target '{target}'"),
            None => format!("no scale rule for '{name}'"),
        },
    };
    let mark = rw.mark();
    unscaled_fallback(rw, op);
    verify_inserted(rw, mark, &op, "unscaled fallback");
    rw.report.fallback(&name, location_text(op.location()), reason);
    rw.set_data_element(role_element);
}

/// The narrowest float element type among `op`'s results, if it has float results.
fn narrowest_result_element(op: &OperationRef) -> Option<ElementType> {
    op.results()
        .filter_map(|r| {
            let v: Value = r.into();
            is_float_tensor(v.r#type()).then(|| ElementType::of(element_type_of(v.r#type()))).flatten()
        })
        .min_by_key(|e| e.bits())
}

/// A rule emitted IR that does not verify: named by op, rule and location.
#[derive(Debug)]
pub(crate) struct InvalidRewrite {
    op: String,
    rule: &'static str,
    location: Option<SourceLocation>,
}

fn verify_inserted<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    mark: PointMark<'c, 'a>,
    op: &OperationRef<'c, 'a>,
    rule: &'static str,
) {
    if rw.invalid.is_none() && !rw.inserted_since(mark).iter().all(|new| new.verify()) {
        rw.invalid = Some(InvalidRewrite { op: op_name(op), rule, location: SourceLocation::from_mlir(op.location()) });
    }
}

/// Why a function could not be rewritten.
pub(crate) enum FunctionError {
    /// The function is outside what the pass handles (no body terminator, unranked arguments).
    Unsupported(String),
    /// A rule emitted IR that does not verify: a bug of scalify's.
    Invalid(InvalidRewrite),
}

impl From<&str> for FunctionError {
    fn from(reason: &str) -> Self {
        Self::Unsupported(reason.to_string())
    }
}

impl From<String> for FunctionError {
    fn from(reason: String) -> Self {
        Self::Unsupported(reason)
    }
}

fn facts(s: &Scaled) -> &'static str {
    match (s.sentinel, s.integral) {
        (true, true) => " (sentinel, integral)",
        (true, false) => " (sentinel)",
        (false, true) => " (integral)",
        (false, false) => "",
    }
}

/// `SCALIFY_TRACE=1`: each op's result scales on stderr, for debugging rules.
fn trace<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: &OperationRef<'c, 'a>) {
    let scales: Vec<String> = op
        .results()
        .map(|r| match rw.lookup(r.into()) {
            Mapped::Scaled(s) => match s.scale {
                Scale::Static(x) => format!("{x:e}{}{}", if s.invariant { " (any)" } else { "" }, facts(&s)),
                Scale::Dynamic { base, factor } => match scalify_dialect::fold::constant_scalar(base) {
                    Some(scalify_dialect::fold::Scalar::F32(constant)) => {
                        format!("frozen {:e}{}", constant * factor, facts(&s))
                    }
                    _ => format!("dynamic * {factor:e}{}", facts(&s)),
                },
            },
            Mapped::Plain(_) => "-".to_string(),
        })
        .collect();
    eprintln!("scalify: {} {} -> {}", op_name(op), location_text(op.location()), scales.join(", "));
}

/// Rewrites every op of `old` but its terminator into `new` (appended in order); returns the old
/// terminator for the caller to translate.
pub(crate) fn rewrite_block_into<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    old: BlockRef<'c, 'a>,
    new: BlockRef<'c, 'a>,
) -> Result<OperationRef<'c, 'a>, String> {
    let (point, location) = (rw.point(), rw.location());
    let ops = block_ops(old);
    let (terminator, body) = ops.split_last().ok_or("empty region")?;
    let element = rw.data_element();
    for op in body {
        rw.set_point(InsertPoint::End(new), op.location());
        if let Some(has_autodiff) = rw.nested_roles {
            let role = super::role::Role::of_location(&op.location().to_string(), has_autodiff);
            rw.set_data_element(rw.options.data_type_for(role));
        }
        rewrite_op(rw, *op);
    }
    rw.set_data_element(element);
    rw.set_point(point, location);
    Ok(*terminator)
}

/// Ops without uses and without side effects, removed from last to first.
fn remove_dead_ops(block: BlockRef) {
    for op in block_ops(block).into_iter().rev() {
        let name = op_name(&op);
        let effectful = matches!(
            name.as_str(),
            "func.return"
                | "stablehlo.return"
                | "stablehlo.send"
                | "stablehlo.recv"
                | "stablehlo.infeed"
                | "stablehlo.outfeed"
                | "stablehlo.after_all"
                | "stablehlo.rng_bit_generator"
        ) || (name == "stablehlo.custom_call"
            && ir::bool_attribute(&op, "has_side_effect") == Some(true));
        let used = op.results().any(|r| !scalify_dialect::values::uses(r.into()).is_empty());
        if !effectful && !used {
            ir::erase(op);
        }
    }
}

/// Each of the function's `count` arguments' sharding as text (Shardy's or GSPMD's; empty where it
/// has none): arguments share a statistic's reduction only within one placement.
fn argument_placements(function: &OperationRef, count: usize) -> Vec<String> {
    let array = function.attribute("arg_attrs").ok().and_then(|a| ArrayAttribute::try_from(a).ok());
    let placement = |i: usize| -> Option<String> {
        let attributes = DictionaryAttribute::try_from(array.as_ref()?.element(i).ok()?).ok()?;
        let sharding =
            ["sdy.sharding", "mhlo.sharding"].map(|key| attributes.element_by_name(key).map(|a| a.to_string()));
        Some(format!("{sharding:?}"))
    };
    (0..count).map(|i| placement(i).unwrap_or_default()).collect()
}

/// `arg_attrs` / `res_attrs` with `scale_attributes` inserted after every position in `scaled`.
fn widen_attribute_list<'c>(
    context: &'c melior::Context,
    function: &OperationRef<'c, '_>,
    name: &str,
    scaled: &[i64],
    scale_attributes: Attribute<'c>,
) -> Option<Attribute<'c>> {
    let attribute = function.attribute(name).ok()?;
    let array = ArrayAttribute::try_from(attribute).ok()?;
    let mut values = Vec::new();
    for i in 0..array.len() {
        values.push(array.element(i).ok()?);
        if scaled.contains(&(i as i64)) {
            values.push(scale_attributes);
        }
    }
    Some(ArrayAttribute::new(context, &values).into())
}

/// The attributes of a new scale argument or result: replicated, in the sharding format the function
/// already uses (Shardy's `sdy.sharding` on the module's mesh, or GSPMD's `mhlo.sharding`), so every
/// device holds the same scale; none on an unsharded function.
fn scale_attributes<'c>(context: &'c melior::Context, function: &OperationRef<'c, '_>) -> Attribute<'c> {
    let has = |key: &str| {
        ["arg_attrs", "res_attrs"].iter().any(|list| {
            let Some(array) = function.attribute(list).ok().and_then(|a| ArrayAttribute::try_from(a).ok()) else {
                return false;
            };
            (0..array.len())
                .filter_map(|i| array.element(i).ok())
                .any(|element| DictionaryAttribute::try_from(element).is_ok_and(|d| d.element_by_name(key).is_some()))
        })
    };
    let mesh = || {
        let module_body = function.block()?;
        block_ops(module_body)
            .into_iter()
            .find(|op| op_name(op) == "sdy.mesh")
            .and_then(|mesh| ir::string_attribute(&mesh, "sym_name"))
    };
    let text = match (has("sdy.sharding"), has("mhlo.sharding")) {
        (true, _) => match mesh() {
            Some(mesh) => format!("{{sdy.sharding = #sdy.sharding<@{mesh}, []>}}"),
            None => "{}".to_string(),
        },
        (false, true) => r#"{mhlo.sharding = "{replicated}"}"#.to_string(),
        _ => "{}".to_string(),
    };
    Attribute::parse(context, &text).unwrap_or_else(|| Attribute::parse(context, "{}").expect("empty dictionary"))
}

/// `entry`: whether this is the function calibrated statistics are measured in (see `entry_point`).
fn rewrite_function<'c: 'a, 'a>(
    context: &'c melior::Context,
    function: OperationRef<'c, 'a>,
    options: &Options,
    entry: bool,
    report: &mut Report,
) -> Result<(), FunctionError> {
    let Some(block) = function.region(0).ok().and_then(|r| r.first_block()) else { return Ok(()) };
    let first = block.first_operation().ok_or("function without a terminator")?;
    let mut rw = Rewriter::new(context, options.clone(), InsertPoint::Before(first));
    rw.set_point(InsertPoint::Before(first), function.location());

    let ops = block_ops(block);
    let plan = Plan::new(block, &ops, options);
    rw.function_roles = plan.roles.is_some().then_some(plan.has_autodiff);
    if options.matmul_type == MatmulType::F8 && !ops.iter().any(|op| op.location().to_string().contains("jvp(")) {
        let returned: Vec<Value> = ops.last().map(|t| t.operands().collect()).unwrap_or_default();
        rw.loss_cone = role::loss_cone(&ops[..ops.len().saturating_sub(1)], &returned);
    }
    if entry && options.calibrated() {
        let block = block.to_raw().ptr as usize;
        rw.calibration = Some(Calibration { block, slots: Vec::new(), measured: Vec::new() });
    }
    let placements = argument_placements(&function, block.argument_count());
    let scaled_arguments = bind_arguments(&mut rw, block, &plan, &placements)?;
    let (terminator, body) = ops.split_last().ok_or("function without a terminator")?;
    for (i, op) in body.iter().enumerate() {
        rw.set_point(InsertPoint::Before(*op), op.location());
        if let Some(roles) = &plan.roles {
            rw.set_data_element(options.data_type_for(roles[i]));
        }
        rewrite_op(&mut rw, *op);
    }
    if let Some(invalid) = rw.invalid.take() {
        return Err(FunctionError::Invalid(invalid));
    }
    let (mut returned, scaled_results) = bind_results(&mut rw, *terminator, &plan);
    let calibration_result = match rw.calibration.take() {
        Some(calibration) => {
            let mode = if options.calibration.is_some() { "frozen" } else { "measure" };
            rw.report.calibration = Some((mode, calibration.slots.clone()));
            Some(calibration_result(&mut rw, calibration, &returned)?)
        }
        None => None,
    };
    returned.extend(calibration_result);
    ir::mutable(*terminator).set_operands(&returned);
    let inputs: Vec<Type> =
        (0..block.argument_count()).filter_map(|i| block.argument(i).ok()).map(|a| a.r#type()).collect();
    let outputs: Vec<Type> = returned.iter().map(|v| v.r#type()).collect();
    if options.signature == SignatureMode::Scaled {
        retype_scaled_signature(context, function, options, (&inputs, &outputs), (&scaled_arguments, &scaled_results));
    }
    if calibration_result.is_some() {
        append_calibration_result(context, function, options, (&inputs, &outputs));
    }
    remove_dead_ops(block);
    let rewritten = std::mem::take(&mut rw.report);
    merge(report, rewritten);
    Ok(())
}

/// Binds each float argument to its scaled value: at scale 1 (`signature=keep`), or as a (data,
/// scale) pair whose scale is a new argument right after it (`signature=scaled`); rescaled on entry
/// if asked. Returns the original positions that became pairs.
fn bind_arguments<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    block: BlockRef<'c, 'a>,
    plan: &Plan,
    placements: &[String],
) -> Result<Vec<i64>, FunctionError> {
    let options = rw.options.clone();
    let context = rw.context;
    // With data types by role, arguments enter in f32 (rescaled there, if asked): each consumer
    // converts to its role's data type (the f32 optimizer reads f32 parameters and state).
    if plan.roles.is_some() {
        rw.set_data_element(ElementType::F32);
    }
    let mut scaled_arguments = Vec::new();
    // Every argument's statistic is taken on entry, those of one type together (`normalize_all`).
    let mut entering = Vec::new();
    for index in (0..block.argument_count()).rev() {
        let argument: Value = block.argument(index).map_err(|e| e.to_string())?.into();
        if !is_float_tensor(argument.r#type()) {
            continue;
        }
        if ElementType::of(element_type_of(argument.r#type())) == Some(ElementType::F64) {
            // f64 stays f64 in either signature, entering at scale 1 (see `rewrite_op`).
            rw.bind_scaled(argument, Scaled::new(argument, Scale::ONE));
            continue;
        }
        match options.signature {
            SignatureMode::Keep => entering.push((argument, Scale::ONE, placements[index].clone())),
            SignatureMode::Scaled => {
                let storage = plan.argument_storage[index].to_mlir(context);
                let ty = scalify_dialect::types::with_element(argument.r#type(), storage).ok_or("unranked argument")?;
                rw.retype(argument, ty);
                let scale = block.insert_argument(index + 1, scalar_f32_type(context), argument.location());
                entering.push((argument, Scale::dynamic(scale), placements[index].clone()));
                scaled_arguments.push(index as i64);
            }
        }
    }
    // In the arguments' order (the loop runs backwards so that each scale argument is inserted after
    // its data without moving the arguments still to come).
    entering.reverse();
    let scaled = match options.rescale_inputs {
        Some(statistic) => rw.normalize_all(&entering, statistic),
        None => entering
            .iter()
            .map(|&(argument, scale, _)| match options.signature {
                SignatureMode::Keep => rw.wrap(argument, scale),
                SignatureMode::Scaled => Scaled::new(argument, scale),
            })
            .collect(),
    };
    for (&(argument, _, _), scaled) in entering.iter().zip(scaled) {
        rw.bind_scaled(argument, scaled);
    }
    scaled_arguments.reverse();
    Ok(scaled_arguments)
}

/// The values the rewritten function returns: plain values as they are, scaled ones unscaled to
/// their original types (`signature=keep`) or as (data, scale) pairs, rescaled for storage if asked
/// (`signature=scaled`). Also returns the original result positions that became pairs.
fn bind_results<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    terminator: OperationRef<'c, 'a>,
    plan: &Plan,
) -> (Vec<Value<'c, 'a>>, Vec<i64>) {
    let options = rw.options.clone();
    rw.set_point(InsertPoint::Before(terminator), terminator.location());
    // With data types by role, results are read in f32 (unscaled from there, or rescaled there and
    // then stored in data-type): an f32 update is never rounded to f16 before its statistic.
    rw.set_data_element(if plan.roles.is_some() { ElementType::F32 } else { options.data_type });
    let mut returned = Vec::new();
    let mut scaled_results = Vec::new();
    let results_element = rw.data_element();
    for (index, value) in terminator.operands().collect::<Vec<_>>().into_iter().enumerate() {
        // f64 results are read, and returned, in f64 in either signature.
        let f64_result = ElementType::of(element_type_of(value.r#type())) == Some(ElementType::F64);
        rw.set_data_element(if f64_result { ElementType::F64 } else { results_element });
        match (rw.lookup(value), options.signature) {
            (Mapped::Plain(v), _) => returned.push(v),
            (Mapped::Scaled(s), _) if f64_result => returned.push(rw.unscale(s, ElementType::F64)),
            (Mapped::Scaled(s), SignatureMode::Keep) => {
                let element = ElementType::of(element_type_of(value.r#type())).unwrap_or(ElementType::F32);
                returned.push(rw.unscale(s, element));
            }
            (Mapped::Scaled(s), SignatureMode::Scaled) => {
                let s = match options.rescale_results {
                    Some(statistic) if !s.invariant => rw.normalize_for_storage(s.data, s.scale, statistic),
                    _ => s,
                };
                let builder = rw.builder();
                let scale = if s.invariant { Scale::ONE } else { s.scale };
                returned.push(rw.convert(s.data, plan.result_storage[index]));
                returned.push(ScaleMath::new(&builder, options.rounding).value(scale));
                scaled_results.push(index as i64);
            }
        }
    }
    (returned, scaled_results)
}

/// The extra result of a function under calibration: measuring, the scales its statistics give in
/// program order (`tensor<Nxf32>`); frozen, the overflow flag (`tensor<i1>`, true when any float
/// result is not finite: a cast beyond its format's range made NaN or inf, or the step itself did).
fn calibration_result<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    calibration: Calibration<'c, 'a>,
    returned: &[Value<'c, 'a>],
) -> Result<Value<'c, 'a>, FunctionError> {
    let builder = rw.builder();
    let f32 = ElementType::F32.to_mlir(rw.context);
    let Some(exponents) = &rw.options.calibration else {
        let ty = scalify_dialect::types::tensor_type(&[calibration.measured.len() as u64], f32);
        if calibration.measured.is_empty() {
            return Ok(builder.splat(ty, 1.0));
        }
        let one = scalify_dialect::types::tensor_type(&[1], f32);
        let scales: Vec<Value> =
            calibration.measured.iter().map(|s| builder.value("stablehlo.reshape", &[*s], one, &[])).collect();
        let dimension = melior::ir::attribute::IntegerAttribute::new(
            melior::ir::r#type::IntegerType::new(rw.context, 64).into(),
            0,
        );
        return Ok(builder.value("stablehlo.concatenate", &scales, ty, &[("dimension", dimension.into())]));
    };
    if exponents.len() != calibration.slots.len() {
        return Err(FunctionError::Unsupported(format!(
            "calibration has {} values, but main takes {} statistics (calibrate this module again)",
            exponents.len(),
            calibration.slots.len()
        )));
    }
    // Per float result, 1 where an element is not finite; the largest over all results. Results of
    // one shape are reduced together, one variadic reduction: XLA fuses a reduction of a result into
    // that result's kernel only sometimes, and one per result cost the GPT step 29 kernels.
    let mut by_shape: Vec<(Vec<i64>, Vec<Value>)> = Vec::new();
    let mut overflowed = builder.scalar_f32(0.0);
    for value in returned.iter().filter(|v| is_float_tensor(v.r#type())) {
        let finite = builder.is_finite(*value);
        let ty = scalify_dialect::types::with_element(finite.r#type(), f32).expect("ranked result");
        let flags =
            builder.value("stablehlo.select", &[finite, builder.splat(ty, 0.0), builder.splat(ty, 1.0)], ty, &[]);
        let shape = scalify_dialect::types::shape_of(ty).unwrap_or_default();
        if shape.is_empty() {
            overflowed = builder.elementwise("stablehlo.maximum", &[overflowed, flags]);
            continue;
        }
        match by_shape.iter_mut().find(|(s, _)| *s == shape) {
            Some((_, members)) => members.push(flags),
            None => by_shape.push((shape, vec![flags])),
        }
    }
    for (_, members) in &by_shape {
        let reductions: Vec<_> = members.iter().map(|&flags| (flags, "stablehlo.maximum", 0.0)).collect();
        for any in builder.reduce_all_together(&reductions) {
            overflowed = builder.elementwise("stablehlo.maximum", &[overflowed, any]);
        }
    }
    let i1 = melior::ir::r#type::IntegerType::new(rw.context, 1).into();
    let direction = Attribute::parse(rw.context, "#stablehlo<comparison_direction GT>").expect("direction");
    let flag_type = scalify_dialect::types::tensor_type(&[], i1);
    let zero = builder.scalar_f32(0.0);
    Ok(builder.value("stablehlo.compare", &[overflowed, zero], flag_type, &[("comparison_direction", direction)]))
}

/// The function type with the calibration result appended (its attributes replicated, as a scale's),
/// and `scalify.calibration` saying which (`measure` or `frozen`).
fn append_calibration_result<'c>(
    context: &'c melior::Context,
    function: OperationRef<'c, '_>,
    options: &Options,
    (inputs, outputs): (&[Type<'c>], &[Type<'c>]),
) {
    let extra = scale_attributes(context, &function);
    let results = function.attribute("res_attrs").ok().and_then(|a| ArrayAttribute::try_from(a).ok()).map(|array| {
        let mut values: Vec<Attribute> = (0..array.len()).filter_map(|i| array.element(i).ok()).collect();
        values.push(extra);
        ArrayAttribute::new(context, &values)
    });
    let mut function = ir::mutable(function);
    let ty: Type = FunctionType::new(context, inputs, outputs).into();
    function.set_inherent_attribute("function_type", TypeAttribute::new(ty).into());
    if let Some(results) = results {
        function.set_inherent_attribute("res_attrs", results.into());
    }
    let mode = if options.calibration.is_some() { "frozen" } else { "measure" };
    function.set_attribute("scalify.calibration", StringAttribute::new(context, mode).into());
}

/// A scaled signature's function type, with each pair's attributes widened, and the attributes by
/// which a caller rebuilds the pairs (`scalify.scaled_arguments` / `scalify.scaled_results`: the
/// original positions that became (data, scale)).
fn retype_scaled_signature<'c>(
    context: &'c melior::Context,
    function: OperationRef<'c, '_>,
    options: &Options,
    (inputs, outputs): (&[Type<'c>], &[Type<'c>]),
    (scaled_arguments, scaled_results): (&[i64], &[i64]),
) {
    let scale_attributes = scale_attributes(context, &function);
    let widened_args = widen_attribute_list(context, &function, "arg_attrs", scaled_arguments, scale_attributes);
    let widened_results = widen_attribute_list(context, &function, "res_attrs", scaled_results, scale_attributes);
    let mut function = ir::mutable(function);
    let ty: Type = FunctionType::new(context, inputs, outputs).into();
    function.set_inherent_attribute("function_type", TypeAttribute::new(ty).into());
    if let Some(a) = widened_args {
        function.set_inherent_attribute("arg_attrs", a);
    }
    if let Some(a) = widened_results {
        function.set_inherent_attribute("res_attrs", a);
    }
    function.set_attribute("scalify.scaled_arguments", DenseI64ArrayAttribute::new(context, scaled_arguments).into());
    function.set_attribute("scalify.scaled_results", DenseI64ArrayAttribute::new(context, scaled_results).into());
    function.set_attribute("scalify.data_type", StringAttribute::new(context, options.data_type.name()).into());
}

fn merge(into: &mut Report, from: Report) {
    for (name, entry) in from.ops {
        let target = into.ops.entry(name).or_default();
        target.count += entry.count;
        for (rule, n) in entry.rules {
            *target.rules.entry(rule).or_default() += n;
        }
        target.formula = target.formula.or(entry.formula);
    }
    into.fallbacks.extend(from.fallbacks);
    into.dots.extend(from.dots);
    into.statistic_reductions += from.statistic_reductions;
    into.range_rescales += from.range_rescales;
    into.collective_scales += from.collective_scales;
    into.statistic_bytes += from.statistic_bytes;
    if into.calibration.is_none() {
        into.calibration = from.calibration;
    }
}

/// The module's entry function, as a runtime calls it: the one named `main`, else its only public
/// function (torch-mlir's `forward`).
fn entry_point<'c, 'a>(functions: &[OperationRef<'c, 'a>]) -> Option<*mut std::ffi::c_void> {
    let named = |f: &&OperationRef| ir::string_attribute(f, "sym_name").as_deref() == Some("main");
    if let Some(main) = functions.iter().find(named) {
        return Some(main.to_raw().ptr);
    }
    let public: Vec<&OperationRef> =
        functions.iter().filter(|f| ir::string_attribute(f, "sym_visibility").is_none_or(|v| v == "public")).collect();
    match public[..] {
        [only] => Some(only.to_raw().ptr),
        _ => None,
    }
}

/// Runs scalify on every function of `module`. In strict mode a fallback is an error.
pub fn scalify(context: &ScalifyContext, module: &mut Module, options: &Options) -> Result<Report, MlirError> {
    let mut report = Report::default();
    let functions: Vec<OperationRef> =
        block_ops(module.body()).into_iter().filter(|op| op_name(op) == "func.func").collect();
    let called = called_functions(module);
    refuse_gspmd_manual_with_dynamic_scales(module, options)?;
    let entry = entry_point(&functions);
    if options.calibrated() && entry.is_none() {
        return Err(MlirError::new(
            "scalify: calibrated statistics need an entry function to measure and freeze them in: \
             one named main, or a single public function",
            Vec::new(),
        ));
    }
    for function in functions {
        let is_entry = entry.as_ref() == Some(&function.to_raw().ptr);
        context.take_diagnostics();
        // A function some call refers to keeps its signature: the call sites were not rewritten to
        // pass (data, scale) pairs (`scalify-inline` first removes such calls).
        let name = ir::string_attribute(&function, "sym_name");
        let options = match name {
            Some(name) if called.contains(&name) => &Options { signature: SignatureMode::Keep, ..options.clone() },
            _ => options,
        };
        match rewrite_function(context.mlir(), function, options, is_entry, &mut report) {
            Ok(()) => {}
            Err(FunctionError::Unsupported(reason)) => {
                return Err(MlirError::new(format!("scalify: {reason}"), Vec::new()));
            }
            Err(FunctionError::Invalid(InvalidRewrite { op, rule, location })) => {
                let message = format!(
                    "scalify: internal error: the '{rule}' rule for '{op}' produced IR that does not verify \
                     (a scalify bug; please report it with this input)"
                );
                // The verifier's diagnostics, as notes: what exactly is wrong.
                let notes = context
                    .take_diagnostics()
                    .into_iter()
                    .map(|d| Diagnostic::note(d.message).at(d.location))
                    .collect();
                let diagnostic = Diagnostic { notes, ..Diagnostic::error(message.clone()).at(location) };
                return Err(MlirError::new(message, vec![diagnostic]));
            }
        }
    }
    if options.strict && !report.fallbacks.is_empty() {
        let diagnostics = report
            .fallbacks
            .iter()
            .map(|f| Diagnostic::error(format!("scalify: {} (strict=true)", f.reason)).at(parse_location(&f.location)))
            .collect();
        return Err(MlirError::new("scalify: ops without a scale rule (strict=true)", diagnostics));
    }
    Ok(report)
}

/// GSPMD's manual computations (`shard_map` lowered without Shardy: values entering through
/// `custom_call @SPMDFullToShardShape`) abort XLA's partitioner once run-time scales are computed
/// around them (measured: `Array::Reshape` check failure with `rescale-inputs=l2`), so that combination
/// is refused here rather than reaching XLA. Shardy's `sdy.manual_computation` has no such limit.
fn refuse_gspmd_manual_with_dynamic_scales(module: &Module, options: &Options) -> Result<(), MlirError> {
    let mut manual = Vec::new();
    let mut markers = false;
    ir::walk(&module.as_operation(), |op| {
        if op_name(&op) != "stablehlo.custom_call" {
            return;
        }
        let target = ir::string_attribute(&op, "call_target_name").unwrap_or_default();
        if target == "SPMDFullToShardShape" {
            manual.push(SourceLocation::from_mlir(op.location()));
        }
        // The dynamic-rescale markers give run-time scales whatever the options.
        markers |= target.starts_with("scalify.dynamic_rescale");
    });
    let dynamic = options.rescale_inputs.is_some()
        || options.rescale_results.is_some()
        || options.rescale.is_some()
        || options.signature == SignatureMode::Scaled
        || markers;
    if !dynamic {
        return Ok(());
    }
    let Some(location) = manual.first() else { return Ok(()) };
    let message = "scalify: a GSPMD manual computation (shard_map without Shardy) cannot take run-time scales: \
                   XLA's GSPMD partitioner aborts on them. Lower with Shardy (jax's default since 0.7), or use \
                   static scales only (rescale-inputs=none rescale-results=none rescale=none signature=keep)";
    Err(MlirError::new(message, vec![Diagnostic::error(message).at(location.clone())]))
}

/// The names of the functions `func.call` ops refer to, anywhere in `module`.
fn called_functions(module: &Module) -> std::collections::HashSet<String> {
    let mut callees = std::collections::HashSet::new();
    ir::walk(&module.as_operation(), |op| {
        if op_name(&op) == "func.call"
            && let Some(callee) = ir::symbol_attribute(&op, "callee")
        {
            callees.insert(callee);
        }
    });
    callees
}

/// `file:line:col` back into a location (the report stores text).
pub(crate) fn parse_location(text: &str) -> Option<SourceLocation> {
    let mut parts = text.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some(SourceLocation { file, line, column })
}

/// What the user should hear about a run, as warnings in mlir-opt's form: a module with nothing to
/// rewrite (no function computes on floats: the wrong file, or an unread dialect), then every fallback.
pub fn warnings(report: &Report) -> Vec<Diagnostic> {
    let nothing = (report.ops.is_empty() && report.fallbacks.is_empty())
        .then(|| Diagnostic::warning("scalify: nothing to rewrite: no function computes on floating-point tensors"));
    let fallbacks = report.fallbacks.iter().map(|f| {
        Diagnostic::warning(format!("scalify: {}; computed on unscaled values with scale 1", f.reason))
            .at(parse_location(&f.location))
    });
    nothing.into_iter().chain(fallbacks).collect()
}
