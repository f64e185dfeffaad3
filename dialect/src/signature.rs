//! The signature of a module's entry point, as a runner needs it: argument and result types, and for
//! integer arguments used as indices, the range of valid values.

use melior::ir::block::BlockLike;
use melior::ir::operation::OperationLike;
use melior::ir::{BlockRef, Module, OperationRef, RegionLike, Type, Value, ValueLike};

use crate::attrs;
use crate::types::{element_type_of, shape_of};
use crate::values::uses;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorType {
    /// The element type as MLIR prints it (`f32`, `i32`, `i1`, `bf16`, ...).
    pub element: String,
    pub shape: Vec<i64>,
}

impl TensorType {
    fn of(ty: Type) -> Self {
        Self { element: element_type_of(ty).to_string(), shape: shape_of(ty).unwrap_or_default() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Argument {
    pub ty: TensorType,
    /// For an integer argument that indexes another tensor (gather, scatter, dynamic_slice,
    /// dynamic_update_slice), the exclusive upper bound of valid indices.
    pub index_bound: Option<i64>,
    /// For a float argument, whether its values reach a square root or logarithm (through products,
    /// sums, quotients and layout ops: Adam's second moment), so that only non-negative ones are valid.
    pub nonnegative: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub function: String,
    pub arguments: Vec<Argument>,
    pub results: Vec<TensorType>,
    /// At a scaled signature (`scalify.scaled_arguments`), the original argument positions that
    /// became (data, scale) pairs; empty otherwise.
    pub scaled_arguments: Vec<usize>,
    /// Likewise for results (`scalify.scaled_results`).
    pub scaled_results: Vec<usize>,
}

fn functions<'c, 'a>(module: &'a Module<'c>) -> Vec<OperationRef<'c, 'a>> {
    let mut functions = Vec::new();
    let mut op = module.body().first_operation();
    while let Some(current) = op {
        if current.name().as_string_ref().as_str() == Ok("func.func") {
            functions.push(current);
        }
        op = current.next_in_block();
    }
    functions
}

fn symbol_name(function: &OperationRef) -> Option<String> {
    function.attribute("sym_name").ok().map(|a| a.to_string().trim_matches('"').to_string())
}

/// The entry function: `@main`, or the only public function.
pub fn entry_function<'c, 'a>(module: &'a Module<'c>) -> Option<OperationRef<'c, 'a>> {
    let functions = functions(module);
    if let Some(main) = functions.iter().find(|f| symbol_name(f).as_deref() == Some("main")) {
        return Some(*main);
    }
    let public: Vec<_> = functions.into_iter().filter(|f| f.attribute("sym_visibility").is_err()).collect();
    if public.len() == 1 { Some(public[0]) } else { None }
}

/// Ops that pass an index tensor through without changing what its values mean.
const INDEX_PRESERVING: &[&str] = &[
    "stablehlo.reshape",
    "stablehlo.broadcast_in_dim",
    "stablehlo.convert",
    "stablehlo.transpose",
    "stablehlo.slice",
    "stablehlo.concatenate",
];

fn dim(value: Value, d: i64) -> Option<i64> {
    shape_of(value.r#type())?.get(d as usize).copied()
}

/// The tightest bound the uses of `value` put on its elements as indices, following the value
/// through layout ops, selects (JAX's negative-index wrap) and calls.
fn index_bound(module: &Module, value: Value, depth: usize) -> Option<i64> {
    let mut bound: Option<i64> = None;
    let mut tighten = |b: Option<i64>| {
        if let Some(b) = b.filter(|b| *b > 0) {
            bound = Some(bound.map_or(b, |old| old.min(b)));
        }
    };
    for (user, position) in uses(value) {
        let name = user.name().as_string_ref().as_str().unwrap_or("").to_string();
        let operand = |i: usize| user.operand(i).ok();
        match (name.as_str(), position) {
            ("stablehlo.gather", 1) => {
                let fields = attrs::structured_fields(&user, "dimension_numbers", "#stablehlo.gather").ok();
                let map = fields.and_then(|mut f| f.remove("start_index_map")).unwrap_or_default();
                let data = operand(0);
                tighten(map.iter().filter_map(|&d| data.and_then(|v| dim(v, d))).min());
            }
            ("stablehlo.scatter", p) if p == user.operand_count().saturating_sub(1) / 2 => {
                // scatter(inputs..., indices, updates...): indices sit after the inputs.
                let fields = attrs::structured_fields(&user, "scatter_dimension_numbers", "#stablehlo.scatter").ok();
                let map = fields.and_then(|mut f| f.remove("scatter_dims_to_operand_dims")).unwrap_or_default();
                let data = operand(0);
                tighten(map.iter().filter_map(|&d| data.and_then(|v| dim(v, d))).min());
            }
            ("stablehlo.dynamic_slice", p) if p >= 1 => {
                let sizes = attrs::i64_array(&user, "slice_sizes").unwrap_or_default();
                let d = (p - 1) as i64;
                let size = sizes.get(d as usize).copied().unwrap_or(1);
                tighten(operand(0).and_then(|v| dim(v, d)).map(|n| n - size + 1));
            }
            ("stablehlo.dynamic_update_slice", p) if p >= 2 => {
                let d = (p - 2) as i64;
                let update = operand(1).and_then(|v| dim(v, d)).unwrap_or(1);
                tighten(operand(0).and_then(|v| dim(v, d)).map(|n| n - update + 1));
            }
            (name, p) if depth < 8 && (INDEX_PRESERVING.contains(&name) || (name == "stablehlo.select" && p > 0)) => {
                for result in user.results() {
                    tighten(index_bound(module, result.into(), depth + 1));
                }
            }
            ("func.call", p) if depth < 8 => {
                let callee = user.attribute("callee").ok().map(|a| a.to_string().trim_start_matches('@').to_string());
                let target = functions(module).into_iter().find(|f| symbol_name(f) == callee);
                let argument = target
                    .and_then(|f| f.region(0).ok())
                    .and_then(|r| r.first_block())
                    .and_then(|b| b.argument(p).ok());
                if let Some(argument) = argument {
                    tighten(index_bound(module, argument.into(), depth + 1));
                }
            }
            _ => {}
        }
    }
    bound
}

/// Ops a value passes through on its way to a square root or logarithm in a training step.
const TOWARD_SQRT: &[&str] = &[
    "stablehlo.multiply",
    "stablehlo.add",
    "stablehlo.divide",
    "stablehlo.reshape",
    "stablehlo.broadcast_in_dim",
    "stablehlo.convert",
    "stablehlo.transpose",
    "stablehlo.slice",
];

/// Whether `value` reaches the operand of sqrt, rsqrt, log or log_plus_one within `depth` steps.
fn reaches_sqrt_or_log(value: Value, depth: usize) -> bool {
    uses(value).into_iter().any(|(user, _)| {
        let name = user.name().as_string_ref().as_str().unwrap_or("").to_string();
        match name.as_str() {
            "stablehlo.sqrt" | "stablehlo.rsqrt" | "stablehlo.log" | "stablehlo.log_plus_one" => true,
            name if depth > 0 && TOWARD_SQRT.contains(&name) => {
                user.results().any(|result| reaches_sqrt_or_log(result.into(), depth - 1))
            }
            _ => false,
        }
    })
}

pub fn signature(module: &Module) -> Option<Signature> {
    let function = entry_function(module)?;
    let name = function.attribute("sym_name").ok()?.to_string().trim_matches('"').to_string();
    let body: BlockRef = function.region(0).ok()?.first_block()?;
    let arguments = (0..body.argument_count())
        .filter_map(|i| body.argument(i).ok())
        .map(|arg| {
            let value: Value = arg.into();
            let ty = TensorType::of(value.r#type());
            let is_integer = ty.element.starts_with('i') && ty.element != "i1" || ty.element.starts_with("ui");
            let is_float = ty.element.starts_with('f') || ty.element.starts_with("bf");
            Argument {
                index_bound: if is_integer { index_bound(module, value, 0) } else { None },
                nonnegative: is_float && reaches_sqrt_or_log(value, 6),
                ty,
            }
        })
        .collect();
    let results = body.terminator()?.operands().map(|v| TensorType::of(v.r#type())).collect();
    let positions = |attribute: &str| -> Vec<usize> {
        attrs::i64_array(&function, attribute).unwrap_or_default().into_iter().map(|i| i as usize).collect()
    };
    Some(Signature {
        function: name,
        arguments,
        results,
        scaled_arguments: positions("scalify.scaled_arguments"),
        scaled_results: positions("scalify.scaled_results"),
    })
}
