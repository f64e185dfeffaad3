//! FP8 lowering snapshots: a forward dot, a backward dot (gradient operand in E5M2), a batched
//! attention dot, a weight gradient with two contracting dimensions, and a dot kept in f16 by the
//! FLOP threshold. Locations carry JAX's name stack, as `as_text(debug_info=True)` prints it.

use scalify_passes::scalify::Report;
use scalify_passes::scalify_module_text;

fn scalify(module: &str, options: &str) -> (String, Report) {
    scalify_module_text(module.as_bytes(), options).unwrap_or_else(|e| panic!("{}", e.render("<test>")))
}

/// The preset's FP8 choices without its boundary rescaling and f32 update, which have their own
/// tests: the snapshots show the lowering alone.
const HYBRID: &str = "preset=fp8-hybrid signature=keep rescale-inputs=none optimizer-data-type=f16";

#[test]
fn forward_dot_in_e4m3_with_dynamic_rescale() {
    let (text, report) = scalify(
        r#"func.func @main(%x: tensor<32x64xf32>, %w: tensor<64x128xf32>) -> tensor<32x128xf32> {
          %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<32x64xf32>, tensor<64x128xf32>) -> tensor<32x128xf32> loc("jit(step)/jvp(mlp)/dot_general")
          return %0 : tensor<32x128xf32>
        }"#,
        HYBRID,
    );
    let dot = &report.dots[0];
    assert!(dot.lowered && dot.role == "forward", "{dot:?}");
    assert_eq!(dot.formats, Some(("f8E4M3FN".into(), "f8E4M3FN".into())));
    assert_eq!(dot.flops, 2 * 32 * 128 * 64);
    // The XLA pattern: clamp to +-448, convert to f8E4M3FN, dot(f8, f8) -> f32, scalar multiply.
    assert!(text.contains("dense<4.480000e+02>") && text.contains("-> tensor<32x64xf8E4M3FN>"), "{text}");
    assert!(text.contains("(tensor<32x64xf8E4M3FN>, tensor<64x128xf8E4M3FN>) -> tensor<32x128xf32>"), "{text}");
    assert_eq!(text.matches("applies stablehlo.maximum").count(), 2, "one max-abs reduction per operand: {text}");
    insta::assert_snapshot!(text);
}

#[test]
fn backward_dot_takes_the_gradient_in_e5m2() {
    let (text, report) = scalify(
        r#"func.func @main(%g: tensor<32x128xf32>, %w: tensor<64x128xf32>) -> tensor<32x64xf32> {
          %dg = stablehlo.negate %g : tensor<32x128xf32> loc("jit(step)/transpose(jvp(mlp))/neg")
          %0 = stablehlo.dot_general %dg, %w, contracting_dims = [1] x [1] : (tensor<32x128xf32>, tensor<64x128xf32>) -> tensor<32x64xf32> loc("jit(step)/transpose(jvp(mlp))/dot_general")
          return %0 : tensor<32x64xf32>
        }"#,
        HYBRID,
    );
    let dot = &report.dots[0];
    assert_eq!(dot.role, "backward");
    assert_eq!(dot.formats, Some(("f8E5M2".into(), "f8E4M3FN".into())), "the gradient (lhs) in E5M2");
    assert!(text.contains("dense<5.734400e+04>") && text.contains("xf8E5M2>"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn batched_attention_and_a_two_dimensional_contraction() {
    let (text, report) = scalify(
        r#"func.func @main(%q: tensor<2x4x64x32xf32>, %k: tensor<2x4x64x32xf32>, %x: tensor<8x16x64xf32>, %g: tensor<8x16x96xf32>) -> (tensor<2x4x64x64xf32>, tensor<64x96xf32>) {
          %s = stablehlo.dot_general %q, %k, batching_dims = [0, 1] x [0, 1], contracting_dims = [3] x [3] : (tensor<2x4x64x32xf32>, tensor<2x4x64x32xf32>) -> tensor<2x4x64x64xf32> loc("jit(step)/jvp(attn)/dot_general")
          %dw = stablehlo.dot_general %x, %g, contracting_dims = [0, 1] x [0, 1] : (tensor<8x16x64xf32>, tensor<8x16x96xf32>) -> tensor<64x96xf32> loc("jit(step)/transpose(jvp(attn))/dot_general")
          return %s, %dw : tensor<2x4x64x64xf32>, tensor<64x96xf32>
        }"#,
        HYBRID,
    );
    assert!(report.dots.iter().all(|d| d.lowered), "{:?}", report.dots);
    // The weight gradient contracts over batch and time: merged into one dimension of 128.
    assert!(text.contains("-> tensor<64x128xf8E4M3FN>") && text.contains("-> tensor<96x128xf8E4M3FN>"), "{text}");
    assert!(text.contains("batching_dims = [0, 1] x [0, 1], contracting_dims = [3] x [3]"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn small_dot_stays_in_f16_below_the_threshold() {
    let (text, report) = scalify(
        r#"func.func @main(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
          %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
          return %0 : tensor<4x8xf32>
        }"#,
        &format!("{HYBRID} fp8-min-flops=1000"),
    );
    let dot = &report.dots[0];
    assert!(!dot.lowered);
    assert_eq!(dot.reason, "kept in f16: 512 FLOPs is below fp8-min-flops=1000");
    assert_eq!(dot.role, "unknown (treated as forward)");
    assert!(
        !text.contains("f8E4M3FN") && text.contains("(tensor<4x8xf16>, tensor<8x8xf16>) -> tensor<4x8xf16>"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// Frozen calibrated statistics belong to one module: a list of another length (the module changed,
/// or was calibrated under other options) is refused with the counts, not applied to the wrong casts.
/// Casts inside a region (a loop body) are not calibrated: rescaled from their max every step.
#[test]
fn calibration_of_another_module_is_refused() {
    let module = r#"func.func @main(%x: tensor<16x32xf32>, %w: tensor<32x8xf32>) -> tensor<16x8xf32> {
      %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
      return %0 : tensor<16x8xf32>
    }"#;
    let error = scalify_module_text(module.as_bytes(), "preset=fp8-calibrated calibration=1,2,3").unwrap_err();
    let message = error.render("<test>");
    assert!(message.contains("calibration has 3 values, but main takes 2 statistics"), "{message}");
    let (_, report) = scalify(module, "preset=fp8-calibrated calibration=1,2");
    assert_eq!(report.calibration_summary(), Some(("frozen", 2)));
    // torch-mlir names its entry `forward`: a single public function is the entry too.
    let (_, report) = scalify(&module.replace("@main", "@forward"), "preset=fp8-calibrated");
    assert_eq!(report.calibration_summary(), Some(("measure", 2)));
    let two = format!("{module}\n{}", module.replace("@main", "@other")).replace("@main", "@first");
    let error = scalify_module_text(two.as_bytes(), "preset=fp8-calibrated").unwrap_err().render("<test>");
    assert!(error.contains("need an entry function"), "{error}");

    let looped = r#"func.func @main(%x: tensor<16x32xf32>, %w: tensor<32x32xf32>) -> tensor<16x32xf32> {
      %c0 = stablehlo.constant dense<0> : tensor<i32>
      %c4 = stablehlo.constant dense<4> : tensor<i32>
      %c1 = stablehlo.constant dense<1> : tensor<i32>
      %r:2 = stablehlo.while(%i = %c0, %h = %x) : tensor<i32>, tensor<16x32xf32>
       cond {
        %p = stablehlo.compare LT, %i, %c4 : (tensor<i32>, tensor<i32>) -> tensor<i1>
        stablehlo.return %p : tensor<i1>
      } do {
        %d = stablehlo.dot_general %h, %w, contracting_dims = [1] x [0] : (tensor<16x32xf32>, tensor<32x32xf32>) -> tensor<16x32xf32>
        %n = stablehlo.add %i, %c1 : tensor<i32>
        stablehlo.return %n, %d : tensor<i32>, tensor<16x32xf32>
      }
      return %r#1 : tensor<16x32xf32>
    }"#;
    let (text, report) = scalify(looped, "preset=fp8-calibrated calibration=");
    assert_eq!(report.calibration_summary(), Some(("frozen", 0)));
    assert!(report.dots[0].lowered && report.statistic_reductions == 2, "{:?}\n{text}", report.dots);
}
