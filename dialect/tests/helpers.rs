//! The typed helpers against real modules: attribute views on fixture ops, and the builder's ops
//! verifying inside a function.

use scalify_dialect::melior::ir::block::BlockLike;
use scalify_dialect::melior::ir::operation::{OperationLike, OperationMutLike, WalkOrder, WalkResult};
use scalify_dialect::melior::ir::{Location, RegionLike, ValueLike};
use scalify_dialect::types::{self, ElementType};
use scalify_dialect::{ConvDimensions, DotDimensions, InsertPoint, OpBuilder, PrintOptions, ScalifyContext, attrs, io};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");

/// (op name, printed attribute views) of every op named `name` in a fixture.
fn collect<T>(fixture: &str, name: &str, view: impl Fn(scalify_dialect::melior::ir::OperationRef) -> T) -> Vec<T> {
    let context = ScalifyContext::new();
    let module = io::parse_file(&context, std::path::Path::new(&format!("{FIXTURES}/{fixture}.mlir"))).unwrap();
    let mut found = Vec::new();
    module.as_operation().walk(WalkOrder::PreOrder, |op| {
        if op.name().as_string_ref().as_str().unwrap() == name {
            found.push(view(op));
        }
        WalkResult::Advance
    });
    found
}

#[test]
fn dot_dimensions_of_batched_attention() {
    let dots = collect("gpt_train_step", "stablehlo.dot_general", |op| DotDimensions::of(&op).unwrap());
    assert_eq!(dots.len(), 39);
    // q @ k^T over (batch, head): two batch dimensions, contracting over the head dimension.
    assert!(dots.iter().any(|d| d.lhs_batch == [0, 1] && d.rhs_batch == [0, 1] && d.lhs_contracting == [3]));
    // Plain matmuls: no batch dimensions.
    assert!(dots.iter().any(|d| d.lhs_batch.is_empty() && d.lhs_contracting.len() == 1));
}

#[test]
fn dot_dimensions_print_back_to_the_same_attribute() {
    let context = ScalifyContext::new();
    let dims =
        DotDimensions { lhs_batch: vec![0], rhs_batch: vec![0], lhs_contracting: vec![2], rhs_contracting: vec![1] };
    let attribute = dims.to_attribute(context.mlir());
    assert_eq!(
        attribute.to_string(),
        "#stablehlo.dot<lhs_batching_dimensions = [0], rhs_batching_dimensions = [0], lhs_contracting_dimensions = [2], rhs_contracting_dimensions = [1]>"
    );
}

#[test]
fn convolution_dimensions_and_groups_of_the_cnn() {
    let convs = collect("cnn_train_step", "stablehlo.convolution", |op| {
        (ConvDimensions::of(&op).unwrap(), attrs::integer(&op, "feature_group_count").unwrap())
    });
    assert_eq!(convs.len(), 5);
    let (forward, groups) = &convs[0];
    assert_eq!(*groups, Some(1));
    assert_eq!((forward.input_batch, forward.input_feature, forward.input_spatial.as_slice()), (0, 3, &[1, 2][..]));
    assert_eq!((forward.kernel_input_feature, forward.kernel_output_feature), (2, 3));
}

#[test]
fn reduce_and_window_dimensions() {
    let reduce = collect("gpt_train_step", "stablehlo.reduce", |op| attrs::i64_array(&op, "dimensions").unwrap());
    assert!(reduce.contains(&vec![2]));
    let windows =
        collect("cnn_train_step", "stablehlo.reduce_window", |op| attrs::i64_array(&op, "window_dimensions").unwrap());
    assert_eq!(windows, vec![vec![1, 2, 2, 1]; 2]);
    let missing = collect("cnn_train_step", "stablehlo.reduce_window", |op| {
        attrs::i64_array(&op, "nope").unwrap_err().to_string()
    });
    assert_eq!(missing[0], "'stablehlo.reduce_window' has no attribute 'nope'");
}

#[test]
fn element_types_round_trip_through_mlir() {
    let context = ScalifyContext::new();
    for element in ElementType::ALL {
        let ty = element.to_mlir(context.mlir());
        assert_eq!(ty.to_string(), element.name());
        assert_eq!(ElementType::of(ty), Some(element));
        assert_eq!(ElementType::from_name(element.name()), Some(element));
    }
    assert_eq!(ElementType::F8E4M3FN.max_finite(), 448.0);
    assert_eq!(ElementType::F8E5M2.max_finite(), 57344.0);
    let tensor = types::tensor_type(&[2, 3], ElementType::BF16.to_mlir(context.mlir()));
    assert_eq!(tensor.to_string(), "tensor<2x3xbf16>");
    assert_eq!(types::shape_of(tensor), Some(vec![2, 3]));
    assert_eq!(types::scalar_f32_type(context.mlir()).to_string(), "tensor<f32>");
}

#[test]
fn builder_ops_verify_inside_a_function() {
    let context = ScalifyContext::new();
    let module = io::parse_bytes(
        &context,
        b"func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {\n  return %x : tensor<2x3xf32>\n}\n",
    )
    .unwrap();
    let body = module.body();
    let func = body.first_operation().unwrap();
    let block = func.region(0).unwrap().first_block().unwrap();
    let ret = block.terminator().unwrap();
    let x: scalify_dialect::melior::ir::Value = block.argument(0).unwrap().into();
    let builder = OpBuilder::new(context.mlir(), InsertPoint::Before(ret), Location::unknown(context.mlir()));
    // x * 2^-3, saturated to the E4M3FN range, cast to FP8 and back.
    let scale = builder.scalar_f32(0.125);
    let scale = builder.broadcast_scalar(scale, x.r#type());
    let scaled = builder.elementwise("stablehlo.multiply", &[x, scale]);
    let bound = ElementType::F8E4M3FN.max_finite();
    let low = builder.splat(x.r#type(), -bound);
    let high = builder.splat(x.r#type(), bound);
    let clamped = builder.clamp(low, scaled, high);
    let fp8 = builder.convert(clamped, ElementType::F8E4M3FN);
    let back = builder.convert(fp8, ElementType::F32);
    block.terminator_mut().unwrap().set_operand(0, back);
    io::verify(&context, &module).unwrap_or_else(|e| panic!("{}", e.render("<built>")));
    let text = String::from_utf8(io::print(&module, PrintOptions::default()).unwrap()).unwrap();
    assert!(text.contains("stablehlo.convert %2 : (tensor<2x3xf32>) -> tensor<2x3xf8E4M3FN>"), "{text}");
    assert!(text.contains("dense<4.480000e+02> : tensor<2x3xf32>"), "{text}");
    assert!(text.contains("dense<1.250000e-01> : tensor<f32>"), "{text}");
}

#[test]
fn signature_finds_token_arguments_and_their_vocabulary_bound() {
    let context = ScalifyContext::new();
    let path = std::path::Path::new(FIXTURES).join("gpt_train_step.mlir");
    let module = io::parse_file(&context, &path).unwrap();
    let signature = scalify_dialect::signature::signature(&module).unwrap();
    assert_eq!(signature.function, "main");
    let integers: Vec<_> = signature.arguments.iter().filter(|a| a.ty.element == "i32").collect();
    // The AdamW step counter (a scalar, not an index) and the input and target tokens.
    assert_eq!(integers.len(), 3, "{integers:?}");
    let tokens: Vec<_> = integers.iter().filter(|a| a.ty.shape == [8, 32]).collect();
    assert_eq!(tokens.len(), 2);
    // x indexes the embedding table (65 rows); y indexes the 65 log-probabilities.
    assert!(tokens.iter().all(|a| a.index_bound == Some(65)), "{tokens:?}");
    assert_eq!(integers.iter().find(|a| a.ty.shape.is_empty()).unwrap().index_bound, None);
    assert_eq!(signature.results.len(), signature.arguments.len() - 2 + 1, "new params and state, loss; no tokens");
}
