//! The clean-up pipeline on a small training-step-like module, as a reviewed snapshot.

use scalify_dialect::{PrintOptions, ScalifyContext, io};
use scalify_passes::{Pipeline, RunOptions};

const MODULE: &str = r#"
func.func private @dense(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<2x4xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %a = call @dense(%x, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %b = call @dense(%x, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %one = stablehlo.constant dense<1.0> : tensor<2x4xf32>
  %c = stablehlo.multiply %b, %one : tensor<2x4xf32>
  return %a, %c : tensor<2x4xf32>, tensor<2x4xf32>
}
"#;

#[test]
fn inline_canonicalize_cse_symbol_dce() {
    let context = ScalifyContext::new();
    let mut module = io::parse_bytes(&context, MODULE.as_bytes()).unwrap();
    let pipeline = Pipeline::parse(&context, "builtin.module(inline,canonicalize,cse,symbol-dce)").unwrap();
    pipeline.run(&context, &mut module, RunOptions::default()).unwrap();
    io::verify(&context, &module).unwrap();
    let text = String::from_utf8(io::print(&module, PrintOptions::default()).unwrap()).unwrap();
    // Expected: @dense inlined twice and gone, the two copies merged by cse into one dot and one
    // maximum, constants hoisted. The multiply by one stays: upstream canonicalize carries no
    // StableHLO folds in this library (IREE's iree-stablehlo-canonicalize does).
    insta::assert_snapshot!(text);
}

#[test]
fn pipeline_text_round_trips() {
    let context = ScalifyContext::new();
    let mut pipeline = Pipeline::new();
    pipeline.push("inline").push("func.func(chlo-legalize-to-stablehlo)").push("cse");
    assert_eq!(pipeline.to_text(), "builtin.module(inline,func.func(chlo-legalize-to-stablehlo),cse)");
    pipeline.check(&context).unwrap();
    assert_eq!(Pipeline::parse(&context, &pipeline.to_text()).unwrap().to_text(), pipeline.to_text());
}
