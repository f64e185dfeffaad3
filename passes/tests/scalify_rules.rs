//! One reviewed snapshot per rule family, on small hand-written modules, after the full `--scalify`
//! pipeline (inline, scalify, CHLO legalization, canonicalize, cse). Each test also asserts the
//! property its family exists for, so a snapshot update cannot silently accept a wrong rule.

use scalify_dialect::{ScalifyContext, io};
use scalify_passes::scalify::Report;
use scalify_passes::{Pipeline, RunOptions, scalify_module_text};

/// f16 data without f16's defaults (policy.rs `F16_DEFAULTS`): inputs enter at scale 1, scaled results
/// keep their scale and every op computes in f16, so each snapshot shows its rule alone.
const F16: &str = "data-type=f16 rescale-inputs=none rescale-results=none optimizer-data-type=f16";

fn scalify(module: &str, options: &str) -> (String, Report) {
    scalify_module_text(module.as_bytes(), options).unwrap_or_else(|e| panic!("{}", e.render("<test>")))
}

/// Scalar f32 arithmetic in the output: what static scales must never need.
fn runtime_scale_ops(text: &str) -> usize {
    text.lines()
        .filter(|l| l.contains(": tensor<f32>") && !l.contains("stablehlo.constant") && !l.contains("return"))
        .filter(|l| !l.contains("func.func"))
        .filter(|l| !l.contains("stablehlo.reduce") && !l.contains("broadcast_in_dim"))
        .count()
}

/// The first line of `text` that contains `op`.
fn line_of<'t>(text: &'t str, op: &str) -> &'t str {
    text.lines().find(|l| l.contains(op)).unwrap_or_else(|| panic!("{op}: {text}"))
}

#[test]
fn invariant_layout_ops_keep_the_scale() {
    let (text, report) = scalify(
        "func.func @main(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
          %0 = stablehlo.transpose %x, dims = [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
          %1 = stablehlo.negate %0 : tensor<3x2xf32>
          return %1 : tensor<3x2xf32>
        }",
        F16,
    );
    // convert in, transpose, negate, convert out: no multiply anywhere, scale 1 throughout.
    assert!(!text.contains("multiply"), "{text}");
    assert_eq!(report.fallback_count(), 0);
}

#[test]
fn products_with_power_of_two_constants_cost_nothing() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
          %half = stablehlo.constant dense<0.5> : tensor<4xf32>
          %three = stablehlo.constant dense<3.0> : tensor<4xf32>
          %0 = stablehlo.multiply %x, %half : tensor<4xf32>
          %1 = stablehlo.multiply %0, %y : tensor<4xf32>
          %2 = stablehlo.divide %1, %three : tensor<4xf32>
          return %2 : tensor<4xf32>
        }",
        "",
    );
    // x * 0.5 is x at scale 0.5; 3 is 1.5 at scale 2: one multiply (x*y), one divide by 1.5, and the
    // output multiplied by its static scale 0.5 / 2 = 0.25.
    assert_eq!(text.matches("stablehlo.multiply").count(), 2, "{text}");
    assert!(text.contains("dense<1.500000e+00>") && text.contains("dense<2.500000e-01>"), "{text}");
    assert_eq!(runtime_scale_ops(&text), 0, "{text}");
}

#[test]
fn sums_align_to_the_root_of_squares_and_relu_keeps_the_scale() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<4xf32>, %w: tensor<4xf32>) -> tensor<4xf32> {
          %big = stablehlo.constant dense<8.0> : tensor<4xf32>
          %zero = stablehlo.constant dense<0.0> : tensor<4xf32>
          %0 = stablehlo.multiply %x, %big : tensor<4xf32>
          %1 = stablehlo.add %0, %w : tensor<4xf32>
          %2 = stablehlo.maximum %1, %zero : tensor<4xf32>
          return %2 : tensor<4xf32>
        }",
        "",
    );
    // x*8 has scale 8, w scale 1: S = R(sqrt(64 + 1)) = 8, so w is multiplied by 1/8 before the add;
    // max with the zero splat keeps S = 8; the result is unscaled by 8.
    assert!(text.contains("dense<1.250000e-01>") && text.contains("dense<8.000000e+00>"), "{text}");
    assert_eq!(runtime_scale_ops(&text), 0);
}

#[test]
fn masks_with_infinity_keep_finite_scales() {
    let (text, _) = scalify(
        "func.func @main(%s: tensor<4x4xf32>, %m: tensor<4x4xi1>) -> tensor<4x4xf32> {
          %k = stablehlo.constant dense<4.0> : tensor<4x4xf32>
          %ninf = stablehlo.constant dense<0xFF800000> : tensor<4x4xf32>
          %0 = stablehlo.multiply %s, %k : tensor<4x4xf32>
          %1 = stablehlo.select %m, %0, %ninf : tensor<4x4xi1>, tensor<4x4xf32>
          return %1 : tensor<4x4xf32>
        }",
        "data-type=bf16",
    );
    // The -inf splat takes the other operand's scale (4): no rescale of it, no inf * 0 anywhere.
    assert!(!text.contains("dense<0.000000e+00>"), "{text}");
    assert!(text.contains("dense<4.000000e+00> : tensor<4x4xf32>"), "{text}");
}

#[test]
fn sqrt_and_rsqrt_take_power_of_two_roots() {
    let (text, _) = scalify(
        "func.func @main(%v: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
          %c = stablehlo.constant dense<8.0> : tensor<4xf32>
          %0 = stablehlo.multiply %v, %c : tensor<4xf32>
          %1 = stablehlo.sqrt %0 : tensor<4xf32>
          %2 = stablehlo.rsqrt %0 : tensor<4xf32>
          return %1, %2 : tensor<4xf32>, tensor<4xf32>
        }",
        "",
    );
    // v*8 has scale 8 = 2 * 2^2: data doubled before the root, roots at scale 2 and 1/2.
    assert!(text.contains("dense<2.000000e+00>") && text.contains("dense<5.000000e-01>"), "{text}");
}

#[test]
fn nonhomogeneous_functions_run_unscaled_in_f32() {
    let (text, report) = scalify(
        "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
          %c = stablehlo.constant dense<4.0> : tensor<4xf32>
          %0 = stablehlo.multiply %x, %c : tensor<4xf32>
          %1 = stablehlo.exponential %0 : tensor<4xf32>
          %2 = chlo.erf %1 : tensor<4xf32> -> tensor<4xf32>
          return %2 : tensor<4xf32>
        }",
        F16,
    );
    // exp's operand: f16 data to f32, times its scale 4; erf then sees scale 1 and is legalized
    // after scalify, on f32.
    assert!(text.contains("stablehlo.exponential") && text.contains("tensor<4xf32>"), "{text}");
    assert_eq!(report.ops["chlo.erf"].rules["contracting"], 1);
}

#[test]
fn dense_constants_scale_by_their_largest_magnitude() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
          %c = stablehlo.constant dense<[1.0e-3, -6.0e-3, 2.0e-3]> : tensor<3xf32>
          %0 = stablehlo.add %x, %c : tensor<3xf32>
          return %0 : tensor<3xf32>
        }",
        F16,
    );
    // max |c| = 6e-3: scale 2^-8 (3.90625e-3), data c * 256 in f16.
    assert!(text.contains("dense<[2.561040e-01, -1.536130e+00, 5.122070e-01]> : tensor<3xf16>"), "{text}");
}

#[test]
fn dot_general_divides_by_the_root_of_the_contraction() {
    let (text, _) = scalify(
        "func.func @main(%q: tensor<2x4x16x64xf32>, %k: tensor<2x4x16x64xf32>) -> tensor<2x4x16x16xf32> {
          %0 = stablehlo.dot_general %q, %k, batching_dims = [0, 1] x [0, 1], contracting_dims = [3] x [3] : (tensor<2x4x16x64xf32>, tensor<2x4x16x64xf32>) -> tensor<2x4x16x16xf32>
          return %0 : tensor<2x4x16x16xf32>
        }",
        F16,
    );
    // K = 64: data / 8 in f16 at scale 8, unscaled by 8 in f32 at the end.
    assert!(text.contains("dense<1.250000e-01> : tensor<2x4x16x16xf16>"), "{text}");
    assert!(text.contains("dense<8.000000e+00> : tensor<2x4x16x16xf32>"), "{text}");
}

#[test]
fn convolution_counts_kernel_window_and_input_features() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x4x2xf32>) -> tensor<1x8x8x2xf32> {
          %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {pad = [[1, 1], [1, 1]]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x8x8x4xf32>, tensor<3x3x4x2xf32>) -> tensor<1x8x8x2xf32>
          return %0 : tensor<1x8x8x2xf32>
        }",
        "",
    );
    // K = 3 * 3 * 4 = 36: r = R(6) = 4.
    assert!(text.contains("dense<2.500000e-01>") && text.contains("dense<4.000000e+00>"), "{text}");
}

#[test]
fn reductions_sum_max_and_argmax() {
    let (_, report) = scalify(
        "func.func @main(%x: tensor<4x16xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>) {
          %zero = stablehlo.constant dense<0.0> : tensor<f32>
          %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
          %izero = stablehlo.constant dense<0> : tensor<i32>
          %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<4x16xf32>, tensor<f32>) -> tensor<4xf32>
          %1 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [1] : (tensor<4x16xf32>, tensor<f32>) -> tensor<4xf32>
          %iota = stablehlo.iota dim = 1 : tensor<4x16xi32>
          %2:2 = stablehlo.reduce(%x init: %ninf), (%iota init: %izero) across dimensions = [1] : (tensor<4x16xf32>, tensor<4x16xi32>, tensor<f32>, tensor<i32>) -> (tensor<4xf32>, tensor<4xi32>)
            reducer(%a: tensor<f32>, %b: tensor<f32>) (%i: tensor<i32>, %j: tensor<i32>) {
              %gt = stablehlo.compare GT, %a, %b : (tensor<f32>, tensor<f32>) -> tensor<i1>
              %v = stablehlo.select %gt, %a, %b : tensor<i1>, tensor<f32>
              %k = stablehlo.select %gt, %i, %j : tensor<i1>, tensor<i32>
              stablehlo.return %v, %k : tensor<f32>, tensor<i32>
            }
          return %0, %1, %2#0, %2#1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>
        }",
        "data-type=bf16",
    );
    // Sum over 16: data / 4 at scale 4; max and argmax at the input's scale; all three in f32 on the
    // bf16 data, no fallback.
    assert_eq!(report.fallback_count(), 0, "{:?}", report.fallbacks);
    assert_eq!(report.ops["stablehlo.reduce"].rules["reduce"], 3);
}

#[test]
fn while_loops_carry_data_at_a_fixed_scale() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
          %zero = stablehlo.constant dense<0> : tensor<i32>
          %n = stablehlo.constant dense<3> : tensor<i32>
          %one = stablehlo.constant dense<1> : tensor<i32>
          %two = stablehlo.constant dense<2.0> : tensor<4xf32>
          %0:2 = stablehlo.while(%i = %zero, %acc = %x) : tensor<i32>, tensor<4xf32>
            cond {
              %c = stablehlo.compare LT, %i, %n : (tensor<i32>, tensor<i32>) -> tensor<i1>
              stablehlo.return %c : tensor<i1>
            } do {
              %next = stablehlo.add %i, %one : tensor<i32>
              %doubled = stablehlo.multiply %acc, %two : tensor<4xf32>
              stablehlo.return %next, %doubled : tensor<i32>, tensor<4xf32>
            }
          return %0#1 : tensor<4xf32>
        }",
        "",
    );
    // The carried value enters at scale 1; each iteration doubles it (scale 2) and the yield brings it
    // back to scale 1 by a constant: the multiply by the mantissa 1 disappears, the rescale by 2 stays.
    assert_eq!(runtime_scale_ops(&text), 0, "{text}");
    assert!(text.contains("stablehlo.while"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn scaled_signature_pairs_data_with_scales() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<4xf32>, %n: tensor<i32>) -> (tensor<4xf32>, tensor<i32>) {
          %r = stablehlo.sqrt %x : tensor<4xf32>
          %0 = stablehlo.add %r, %x : tensor<4xf32>
          return %0, %n : tensor<4xf32>, tensor<i32>
        }",
        &format!("{F16} signature=scaled"),
    );
    assert!(text.contains("(%arg0: tensor<4xf16>, %arg1: tensor<f32>, %arg2: tensor<i32>) -> (tensor<4xf16>, tensor<f32>, tensor<i32>)"), "{text}");
    assert!(
        text.contains("scalify.scaled_arguments = array<i64: 0>")
            && text.contains("scalify.scaled_results = array<i64: 0>"),
        "{text}"
    );
    // sqrt(x) at a dynamic scale s: R(sqrt(s)) is computed at run time, through exponent bits; the
    // sum of sqrt(x) and x takes the larger of the two scales (R(sqrt(a^2 + b^2)) = max(a, b) for
    // powers of two rounded down).
    assert!(text.contains("stablehlo.bitcast_convert"), "{text}");
    insta::assert_snapshot!(text);
}

/// A dynamic scale is a run-time base times a compile-time power of two: x, 0.5 x and x + 0.5 x all
/// scale by the argument's scale times a constant, so the sum's alignment and the difference's need
/// no scalar op at all (only constant multiplies of data).
#[test]
fn dynamic_scales_sharing_a_base_align_at_compile_time() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
          %half = stablehlo.constant dense<0.5> : tensor<4xf32>
          %h = stablehlo.multiply %x, %half : tensor<4xf32>
          %0 = stablehlo.add %x, %h : tensor<4xf32>
          %1 = stablehlo.subtract %0, %x : tensor<4xf32>
          return %1 : tensor<4xf32>
        }",
        &format!("{F16} signature=scaled"),
    );
    assert_eq!(runtime_scale_ops(&text), 0, "{text}");
    assert!(line_of(&text, "return").contains("%arg1"), "the result leaves at the argument's scale: {text}");
}

#[test]
fn ops_without_a_rule_fall_back_and_are_reported() {
    let (text, report) = scalify(
        "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
          %c = stablehlo.constant dense<4.0> : tensor<4xf32>
          %0 = stablehlo.multiply %x, %c : tensor<4xf32>
          %1 = stablehlo.custom_call @my_kernel(%0) : (tensor<4xf32>) -> tensor<4xf32>
          return %1 : tensor<4xf32>
        }",
        F16,
    );
    assert_eq!(report.fallback_count(), 1);
    assert_eq!(report.fallbacks[0].op, "stablehlo.custom_call");
    assert!(report.fallbacks[0].reason.contains("no scale rule for 'stablehlo.custom_call'"));
    // The custom call sees the unscaled f32 value (data * 4).
    assert!(
        text.contains("stablehlo.custom_call @my_kernel") && text.contains("dense<4.000000e+00> : tensor<4xf32>"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn strict_mode_makes_a_fallback_an_error() {
    let context = ScalifyContext::new();
    let module = "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = stablehlo.custom_call @my_kernel(%x) : (tensor<4xf32>) -> tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n";
    let mut parsed = io::parse_bytes(&context, module.as_bytes()).unwrap();
    let pipeline = Pipeline::parse(&context, "builtin.module(scalify{strict=true})").unwrap();
    let error = pipeline.run(&context, &mut parsed, RunOptions::default()).unwrap_err();
    let rendered = error.render("m.mlir");
    assert!(
        rendered.contains("m.mlir:2:8: error: scalify: no scale rule for 'stablehlo.custom_call' with target 'my_kernel' (strict=true)"),
        "{rendered}"
    );
}

#[test]
fn bad_options_are_rejected() {
    let context = ScalifyContext::new();
    for (options, expected) in [
        ("data-type=f8E4M3FN", "data-type must be f32, f16 or bf16"),
        ("rounding=sideways", "rounding must be down or up"),
        ("colour=blue", "unknown scalify option 'colour'"),
        ("strict", "expected key=value"),
        ("optimizer-data-type=f8", "optimizer-data-type must be f32, f16 or bf16"),
        ("rescale-inputs=mean", "rescale-inputs must be none, max or l2"),
        ("rescale-results=yes", "rescale-results must be none, max or l2"),
    ] {
        let error = Pipeline::parse(&context, &format!("builtin.module(scalify{{{options}}})")).unwrap_err();
        assert!(error.summary.contains(expected), "{options}: {}", error.summary);
    }
}

/// A forward op, a backward op and an optimizer op (JAX name stacks), with the optimizer in f32 and
/// the rest in f16: each op computes in its role's type, converting what it reads from another role.
#[test]
fn data_types_follow_roles_from_name_stacks() {
    let (text, _) = scalify(
        r#"func.func @main(%w: tensor<4xf32>, %x: tensor<4xf32>) -> tensor<4xf32> {
          %0 = stablehlo.multiply %w, %x : tensor<4xf32> loc("jit(step)/jvp()/mul")
          %1 = stablehlo.multiply %0, %x : tensor<4xf32> loc("jit(step)/transpose(jvp())/mul")
          %2 = stablehlo.subtract %w, %1 : tensor<4xf32> loc("jit(step)/sub")
          return %2 : tensor<4xf32>
        }"#,
        "data-type=f16 optimizer-data-type=f32 rescale-inputs=none",
    );
    assert_eq!(text.matches("stablehlo.multiply").count(), 2, "{text}");
    assert!(text.lines().filter(|l| l.contains("stablehlo.multiply")).all(|l| l.contains("tensor<4xf16>")), "{text}");
    // The update reads the f32 parameter directly and the f16 gradient converted up.
    assert!(line_of(&text, "stablehlo.subtract").contains("tensor<4xf32>"), "{text}");
    insta::assert_snapshot!(text);
    // Without name stacks every op takes data-type.
    let (plain, _) = scalify(
        "func.func @main(%w: tensor<4xf32>, %x: tensor<4xf32>) -> tensor<4xf32> {
          %0 = stablehlo.multiply %w, %x : tensor<4xf32>
          %1 = stablehlo.subtract %w, %0 : tensor<4xf32>
          return %1 : tensor<4xf32>
        }",
        "data-type=f16 optimizer-data-type=f32 rescale-inputs=none",
    );
    assert!(line_of(&plain, "stablehlo.subtract").contains("xf16>"), "{plain}");
}

/// rescale-inputs: each input enters at the power of two of its RMS (one statistic each, clamped by
/// its max |x|, read in the same pass, for tensors whose squares leave f32; a zero input at scale 0);
/// rescale-results: each scaled result leaves the same way.
#[test]
fn boundary_rescaling_reads_one_statistic_per_tensor() {
    let module = "func.func @main(%p: tensor<8xf32>, %m: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
          %0 = stablehlo.add %p, %m : tensor<8xf32>
          %1 = stablehlo.multiply %m, %p : tensor<8xf32>
          return %0, %1 : tensor<8xf32>, tensor<8xf32>
        }";
    let (text, report) = scalify(module, &format!("{F16} rescale-inputs=l2"));
    assert_eq!(report.statistic_reductions, 2, "{text}");
    insta::assert_snapshot!(text);
    let (_, report) = scalify(module, &format!("{F16} signature=scaled rescale-results=max"));
    assert_eq!(report.statistic_reductions, 2);
    let (_, report) = scalify(module, &format!("{F16} signature=scaled rescale-inputs=l2 rescale-results=max"));
    assert_eq!(report.statistic_reductions, 4);
}

/// A reduce of an argument under signature=scaled with data types by role: the argument's type has
/// become f16 but the reduce keeps computing in its original f32, operand and init alike (XLA rejects
/// a reduce that mixes float types).
#[test]
fn reductions_of_scaled_arguments_keep_one_float_type() {
    let (text, _) = scalify(
        r#"func.func @main(%x: tensor<4x8xf32>) -> tensor<4xf32> {
          %zero = stablehlo.constant dense<0.0> : tensor<f32> loc("jit(step)/jvp()/reduce_sum")
          %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<4x8xf32>, tensor<f32>) -> tensor<4xf32> loc("jit(step)/jvp()/reduce_sum")
          return %0 : tensor<4xf32>
        }"#,
        "preset=f16 signature=scaled",
    );
    let reduce = line_of(&text, "dimensions = [1]");
    assert!(reduce.contains("(tensor<4x8xf32>, tensor<f32>) -> tensor<4xf32>"), "{text}");
}

/// A training step without name stacks: a forward and a backward matmul, then an RMSProp-like update
/// of the weight `w` with optimizer state `v` (which no matmul reads).
const ADAM_LIKE_STEP: &str = "func.func @main(%w: tensor<8x8xf32>, %v: tensor<8x8xf32>, %x: tensor<4x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %h = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %g = stablehlo.dot_general %x, %h, contracting_dims = [0] x [0] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %g2 = stablehlo.multiply %g, %g : tensor<8x8xf32>
  %v1 = stablehlo.add %v, %g2 : tensor<8x8xf32>
  %r = stablehlo.rsqrt %v1 : tensor<8x8xf32>
  %u = stablehlo.multiply %g, %r : tensor<8x8xf32>
  %w1 = stablehlo.subtract %w, %u : tensor<8x8xf32>
  return %w1, %v1 : tensor<8x8xf32>, tensor<8x8xf32>
}";

/// Without name stacks the update is found from the dataflow: `v` (optimizer state) reaches no
/// matmul, so what depends on it is the update, and so is `g * g`, which feeds only the update. The
/// matmul and the gradient stay in f16; the update computes in f32.
#[test]
fn the_update_is_found_from_the_dataflow_without_name_stacks() {
    let (text, _) = scalify(ADAM_LIKE_STEP, "data-type=f16 optimizer-data-type=f32 rescale-inputs=none");
    assert!(text.lines().filter(|l| l.contains("dot_general")).all(|l| l.contains("xf16>")), "{text}");
    for update in ["stablehlo.add", "stablehlo.rsqrt", "stablehlo.subtract"] {
        assert!(line_of(&text, update).contains("tensor<8x8xf32>"), "{update} in f32: {text}");
    }
    let squares: Vec<&str> = text.lines().filter(|l| l.contains("stablehlo.multiply %")).collect();
    assert!(squares.iter().any(|l| l.contains("tensor<8x8xf32>")), "g * g in f32: {text}");
    insta::assert_snapshot!(text);
}

/// A forward-only module: its last bias reaches no matmul either, but mirrors no argument that does,
/// so it is not optimizer state and `logits + b` computes in the model's f16, not the update's f32.
#[test]
fn a_forward_only_bias_is_not_optimizer_state() {
    let (text, _) = scalify(
        "func.func @main(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
          %h = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
          %bb = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<4x3xf32>
          %y = stablehlo.add %h, %bb : tensor<4x3xf32>
          return %y : tensor<4x3xf32>
        }",
        "data-type=f16 optimizer-data-type=f32 rescale-inputs=none",
    );
    assert!(line_of(&text, "stablehlo.add").contains("tensor<4x3xf16>"), "{text}");
}

/// `state-data-type`: at a scaled signature the optimizer state (an argument no matmul reads, and the
/// result that updates it) is stored in its own type; parameters stay in `data-type`.
#[test]
fn optimizer_state_is_stored_in_its_own_type() {
    let (text, _) = scalify(ADAM_LIKE_STEP, "preset=f16 signature=scaled state-data-type=bf16");
    let signature = line_of(&text, "func.func @main");
    assert!(
        signature.contains("(%arg0: tensor<8x8xf16>, %arg1: tensor<f32>, %arg2: tensor<8x8xbf16>, %arg3: tensor<f32>, %arg4: tensor<4x8xf16>, %arg5: tensor<f32>) -> (tensor<8x8xf16>, tensor<f32>, tensor<8x8xbf16>, tensor<f32>)"),
        "{signature}"
    );
}
