//! FP8 matmuls through XLA on the CPU (which upcasts FP8 internally, bit-exact with ml_dtypes), and
//! the dynamic-rescale markers.

use scalify_passes::scalify::Report;
use scalify_runtime::{Comparison, DType, HostArray};
use scalify_tests::{fixtures_with_data, measured_exponents, run, scalify_text, stats};

/// Deterministic standard-normal values (Box-Muller over a SplitMix64 stream).
fn normal(count: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..count).map(|_| (-2.0 * next().max(1e-300).ln()).sqrt() * (2.0 * std::f64::consts::PI * next()).cos()).collect()
}

fn matrix(rows: i64, cols: i64, seed: u64, factor: f64) -> HostArray {
    let values: Vec<f64> = normal((rows * cols) as usize, seed).iter().map(|v| v * factor).collect();
    HostArray::from_f64(DType::F32, vec![rows, cols], &values).unwrap()
}

const DOT: &str = r#"func.func @main(%x: tensor<64x256xf32>, %w: tensor<256x64xf32>) -> tensor<64x64xf32> {
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<64x64xf32> loc("jit(f)/jvp(f)/dot_general")
  return %0 : tensor<64x64xf32>
}
"#;

/// Non-finite values exactly where the original has them, in every output; the last output's
/// (the loss's) comparison.
fn finite_like_the_original(what: &str, actual: &[HostArray], expected: &[HostArray]) -> Comparison {
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let c = stats(a, e);
        assert_eq!((c.nan_actual, c.inf_actual), (c.nan_expected, c.inf_expected), "{what} output {i}");
    }
    stats(actual.last().unwrap(), expected.last().unwrap())
}

/// Relative L2 error of one FP8 dot on unit-normal inputs against f32.
fn fp8_dot_error(options: &str, x_factor: f64, w_factor: f64) -> f64 {
    let inputs = [matrix(64, 256, 1, x_factor), matrix(256, 64, 2, w_factor)];
    let expected = run(DOT, &inputs);
    let (scalified, report) = scalify_text(DOT, options);
    assert!(report.dots[0].lowered, "{:?}", report.dots);
    stats(&run(&scalified, &inputs)[0], &expected[0]).rel_l2_error
}

/// What the formats predict. Rounding to nearest with m mantissa bits leaves an absolute error uniform
/// over one ulp, 2^-m of the binade, so its RMS is 2^-m / sqrt(12); relative to values whose mantissa
/// follows the 1/x (log-uniform) law, E[1/mantissa^2] = 3 / (8 ln 2), the relative RMS is
/// 2^-m / sqrt(12) * sqrt(3 / (8 ln 2)): 0.0265 for E4M3 (m = 3), 0.0531 for E5M2 (m = 2). A product
/// carries both operands' errors in quadrature, and a sum of many products of random sign keeps that
/// relative RMS.
fn predicted(mantissa_lhs: i32, mantissa_rhs: i32) -> f64 {
    let per_operand = |m: i32| 2f64.powi(-m) / 12f64.sqrt() * (3.0 / (8.0 * std::f64::consts::LN_2)).sqrt();
    per_operand(mantissa_lhs).hypot(per_operand(mantissa_rhs))
}

#[test]
fn fp8_dot_error_is_what_the_formats_predict() {
    let e4m3 = fp8_dot_error("matmul-type=f8 rescale=max", 1.0, 1.0);
    let expected = predicted(3, 3); // 0.0375
    eprintln!("E4M3 x E4M3: measured {e4m3:.4}, predicted {expected:.4}");
    assert!(e4m3 > 0.85 * expected && e4m3 < 1.15 * expected, "E4M3 x E4M3: {e4m3:.4} vs predicted {expected:.4}");
    let e5m2 = fp8_dot_error("matmul-type=f8 rescale=max fp8-forward=e5m2", 1.0, 1.0);
    // Never two E5M2 operands: the lhs stays E4M3.
    let expected = predicted(3, 2); // 0.0594
    eprintln!("E4M3 x E5M2: measured {e5m2:.4}, predicted {expected:.4}");
    assert!(e5m2 > 0.85 * expected && e5m2 < 1.15 * expected, "E4M3 x E5M2: {e5m2:.4} vs predicted {expected:.4}");
}

/// Inputs 2^30 and 2^-30 times unit scale: scalified FP8 keeps the unit-scale error; a plain cast
/// to FP8 saturates (2^30 > 448) and flushes to zero (2^-30 < 2^-9, E4M3's smallest subnormal).
#[test]
fn fp8_survives_extreme_scales_that_break_a_plain_cast() {
    let unit = fp8_dot_error("matmul-type=f8 rescale=max", 1.0, 1.0);
    for exponent in [30, -30] {
        let s = 2f64.powi(exponent);
        let scaled = fp8_dot_error("matmul-type=f8 rescale=max", s, s);
        assert!((scaled - unit).abs() < 1e-3, "2^{exponent}: {scaled:.4} vs {unit:.4} at unit scale");
        let plain = DOT.replace(
            "%0 = stablehlo.dot_general %x, %w",
            "%x8 = stablehlo.convert %x : (tensor<64x256xf32>) -> tensor<64x256xf8E4M3FN>\n  %w8 = stablehlo.convert %w : (tensor<256x64xf32>) -> tensor<256x64xf8E4M3FN>\n  %0 = stablehlo.dot_general %x8, %w8",
        )
        .replace("(tensor<64x256xf32>, tensor<256x64xf32>)", "(tensor<64x256xf8E4M3FN>, tensor<256x64xf8E4M3FN>)");
        let inputs = [matrix(64, 256, 1, s), matrix(256, 64, 2, s)];
        let c = stats(&run(&plain, &inputs)[0], &run(DOT, &inputs)[0]);
        assert!(c.nan_actual > 0 || c.rel_l2_error > 0.5, "2^{exponent}: plain FP8 cast should fail: {c:?}");
    }
}

/// Every fixture with FP8 matmuls (f32 data, operands rescaled at the cast): no NaN or infinity
/// anywhere, and the GPT step's loss within 1% of the f32 loss (measured 0.28%).
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn fixtures_with_fp8_matmuls_stay_finite() {
    for (name, inputs) in fixtures_with_data() {
        let original = std::fs::read_to_string(scalify_tests::fixture(&name)).unwrap();
        let (scalified, report) = scalify_text(&original, "matmul-type=f8 rescale=max");
        // Every fixture has contractions (`all` alone would pass on an empty report).
        assert!(!report.dots.is_empty(), "{name}: no dots reported");
        assert!(report.dots.iter().all(|d| d.lowered), "{name}: {:?}", report.dots);
        let loss = finite_like_the_original(&name, &run(&scalified, &inputs), &run(&original, &inputs));
        if name == "gpt_train_step" {
            assert!(loss.max_rel_error < 1e-2, "GPT loss with FP8 matmuls: {loss:?}");
        }
    }
}

/// The paper's recipe on the GPT step with JAX's name stacks (`fp8-hybrid`, kept signature): every
/// dot in FP8 with E5M2 gradients in the backward pass, nothing non-finite, and the loss within 1%
/// of the f32 loss (measured 0.40%).
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn gpt_step_with_the_fp8_hybrid_preset() {
    let (_, inputs) = fixtures_with_data().into_iter().find(|(n, _)| n == "gpt_train_step").unwrap();
    let original = std::fs::read_to_string(scalify_tests::fixture("gpt_train_step_debug")).unwrap();
    let (scalified, report) = scalify_text(&original, "preset=fp8-hybrid signature=keep");
    assert!(report.dots.iter().all(|d| d.lowered), "{:?}", report.dots);
    let backward: Vec<_> = report.dots.iter().filter(|d| d.role == "backward").collect();
    assert!(!backward.is_empty());
    assert!(backward.iter().all(|d| d.formats.as_ref().is_some_and(|(a, b)| (a == "f8E5M2") != (b == "f8E5M2"))));
    let loss = finite_like_the_original("gpt", &run(&scalified, &inputs), &run(&original, &inputs));
    assert!(loss.max_rel_error < 1e-2, "GPT loss with fp8-hybrid: {loss:?}");
}

/// Run-time power-of-two roundings of scales (each is a `bitcast_convert` pair): none where every
/// scale is a compile-time constant.
fn bitcasts(text: &str) -> usize {
    text.matches("stablehlo.bitcast_convert").count()
}

/// FP8 at static scales (`preset=fp8-static`): on every fixture, no statistic of any kind and no
/// run-time power-of-two rounding (every scale a compile-time constant), every dot lowered to FP8 as
/// with dynamic scales, nothing non-finite, and the last output (the steps' loss; the PyTorch blocks'
/// activations) within 1% relative L2 of the original's or twice fp8-hybrid's error, whichever is
/// larger (measured: MLP 0.50% / 0.01%, CNN 0.27% / 0.52%, RNN 0.43% / 0.40%, GPT 0.40% / 0.40%, the
/// PyTorch attention block 1.5% / 1.4%).
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn static_fp8_scales_run_no_statistic() {
    for (name, inputs) in fixtures_with_data() {
        let original = std::fs::read_to_string(scalify_tests::fixture(&name)).unwrap();
        let (fixed, report) = scalify_text(&original, "preset=fp8-static");
        let (dynamic_text, dynamic) = scalify_text(&original, "preset=fp8-hybrid signature=keep");
        assert_eq!((report.statistic_reductions, report.range_rescales), (0, 0), "{name}");
        assert_eq!(bitcasts(&fixed), bitcasts(&original), "{name}: run-time pow2 rounding");
        let lowered = |r: &scalify_passes::scalify::Report| r.dots.iter().filter(|d| d.lowered).count();
        assert!(lowered(&report) > 0 && lowered(&report) == lowered(&dynamic), "{name}: {:?}", report.dots);
        let expected = run(&original, &inputs);
        let last = finite_like_the_original(&name, &run(&fixed, &inputs), &expected);
        let dynamic_last = stats(run(&dynamic_text, &inputs).last().unwrap(), expected.last().unwrap());
        let bound = (2.0 * dynamic_last.rel_l2_error).max(1e-2);
        assert!(last.rel_l2_error <= bound, "{name} at static FP8 scales: {last:?} (dynamic: {dynamic_last:?})");
    }
}

/// Calibrated statistics, on every fixture, for FP8 casts alone (`preset=fp8-calibrated`: bf16 data
/// at static scales), for f16 data (`preset=f16 statistics=calibrated`: the inputs', the range
/// safeguards' and the results' statistics) and for both (fp8-hybrid). The measuring rewrite returns
/// one power-of-two scale per statistic of the entry function's body; frozen at those, the rewrite
/// takes no statistic (no reduction for one, no run-time rounding) and returns what the measuring step
/// returned on the same inputs (the same data at the same scales; within 1e-6 relative L2 at bf16
/// data, as XLA fuses the f32 arithmetic around the measuring statistics differently: measured, ulps
/// on one GPT output; within 1e-3 at f16 data, where such a fusion also moves where f16 rounds), with
/// the overflow flag down; slot for slot, the frozen rewrite takes the statistics the measuring one
/// took. With every float input `factor` times larger (beyond the headroom the frozen scales leave:
/// E4M3's 7 over an operand cast at 2^6, f16's 2^15 over unit data) the flag fires; for
/// fp8-calibrated the original and the measuring step also stay finite there (at f16's factor the
/// original may not).
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn calibrated_statistics_freeze_what_they_measured() {
    let policies = [
        ("preset=fp8-calibrated", 16.0, 1e-6),
        ("preset=f16 statistics=calibrated", 65536.0, 1e-3),
        ("preset=fp8-hybrid signature=keep statistics=calibrated", 65536.0, 1e-3),
    ];
    for (policy, factor, tolerance) in policies {
        for (name, inputs) in fixtures_with_data() {
            // The GPT step with debug names is the GPT step to these statistics: once, at fp8-calibrated.
            if name == "gpt_train_step_debug" && policy != "preset=fp8-calibrated" {
                continue;
            }
            let original = std::fs::read_to_string(scalify_tests::fixture(&name)).unwrap();
            let (measuring, measure_report) = scalify_text(&original, policy);
            let measured = run(&measuring, &inputs);
            let calibration = measured_exponents(&measured);
            let slots = calibration.split(',').filter(|e| !e.is_empty()).count();
            assert_eq!(measure_report.calibration_summary(), Some(("measure", slots)), "{name} {policy}");
            let (frozen, report) = scalify_text(&original, &format!("{policy} calibration={calibration}"));
            assert_eq!(report.calibration_summary(), Some(("frozen", slots)), "{name} {policy}");
            // Slot for slot the same statistics: each frozen scale stands where its measurement was.
            let kinds = |r: &Report| r.calibration.as_ref().map(|(_, kinds)| kinds.clone());
            assert_eq!(kinds(&report), kinds(&measure_report), "{name} {policy}");
            // Statistics inside a loop body (the RNN's scan) are not calibrated: taken every step.
            if name != "rnn_train_step" {
                assert_eq!(report.statistic_reductions, 0, "{name} {policy}");
                assert!(slots > 0, "{name} {policy}");
            }
            // Frozen statistics are constants, and the scale arithmetic over them folds: no run-time
            // power-of-two rounding is left.
            if name != "rnn_train_step" {
                assert_eq!(bitcasts(&frozen), bitcasts(&original), "{name} {policy}: run-time pow2 rounding");
            }
            let outputs = run(&frozen, &inputs);
            let (flag, outputs) = outputs.split_last().unwrap();
            assert_eq!(flag.to_f64(), vec![0.0], "{name} {policy}: overflow flag on the calibration's own inputs");
            for (i, (a, m)) in outputs.iter().zip(&measured).enumerate() {
                let c = stats(a, m);
                assert!(c.rel_l2_error <= tolerance && c.nan_actual == c.nan_expected, "{name} {policy} {i}: {c:?}");
            }
            finite_like_the_original(&name, outputs, &run(&original, &inputs));

            let larger: Vec<HostArray> = inputs
                .iter()
                .map(|x| match x.dtype() {
                    DType::F32 => {
                        let values: Vec<f64> = x.to_f64().iter().map(|v| v * factor).collect();
                        HostArray::from_f64(DType::F32, x.shape().to_vec(), &values).unwrap()
                    }
                    _ => x.clone(),
                })
                .collect();
            if policy == "preset=fp8-calibrated" {
                let expected = run(&original, &larger);
                let remeasured = run(&measuring, &larger);
                finite_like_the_original(&name, &remeasured[..expected.len()], &expected);
            }
            if slots > 0 {
                let flag = run(&frozen, &larger).last().unwrap().to_f64();
                assert_eq!(flag, vec![1.0], "{name} {policy}: no overflow flag at {factor}x");
            }
        }
    }
}

/// Without name stacks (the GPT step exported without debug info, as PyTorch programs come), roles come
/// from the dataflow: a matmul the loss does not depend on is backward, and its operand computed
/// outside the loss's cone is the gradient. Every dot gets the formats it gets from JAX's name stacks
/// (13 forward E4M3 x E4M3, 26 backward with one E5M2 gradient operand); before, all were E4M3.
#[test]
fn roles_without_name_stacks_come_from_the_dataflow() {
    let formats = |name: &str| {
        let text = std::fs::read_to_string(scalify_tests::fixture(name)).unwrap();
        let (_, report) = scalify_text(&text, "preset=fp8-hybrid");
        report.dots.iter().map(|d| (d.role.clone(), d.formats.clone())).collect::<Vec<_>>()
    };
    let (plain, debug) = (formats("gpt_train_step"), formats("gpt_train_step_debug"));
    assert!(!std::fs::read_to_string(scalify_tests::fixture("gpt_train_step")).unwrap().contains("jvp("));
    assert_eq!(plain, debug);
    assert_eq!(plain.iter().filter(|(role, _)| role == "backward").count(), 26);
}

/// Training steps exported now by jax, none a fixture (a GELU MLP with Adam, a two-convolution net,
/// causal attention), rewritten with `fp8-hybrid`: every dot and convolution in FP8, the backward
/// ones with exactly one E5M2 operand (the gradient), nothing non-finite, and the loss within 2% of
/// the original's (FP8's 2^-3 to 2^-4 relative rounding averages out over a loss; measured <= 0.13%).
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn fresh_training_steps_with_the_fp8_hybrid_preset() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(scalify_tests::venv_python())
        .arg("-c")
        .arg(include_str!("fp8_programs.py"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for name in ["gelu_mlp_step", "conv_step", "attention_step"] {
        let original = std::fs::read_to_string(dir.path().join(format!("{name}.mlir"))).unwrap();
        let inputs = scalify_tests::arrays(&dir.path().join(name), "in_");
        let (scalified, report) = scalify_text(&original, "preset=fp8-hybrid signature=keep");
        assert_eq!(report.fallback_count(), 0, "{name}: {:?}", report.fallbacks);
        // Every contraction of a training step is lowered, the backward ones included (`all` alone
        // would pass on an empty report).
        assert!(report.dots.iter().any(|d| d.role == "backward"), "{name}: {:?}", report.dots);
        assert!(report.dots.iter().all(|d| d.lowered), "{name}: {:?}", report.dots);
        for dot in report.dots.iter().filter(|d| d.role == "backward") {
            let (a, b) = dot.formats.as_ref().unwrap();
            assert!((a == "f8E5M2") != (b == "f8E5M2"), "{name}: backward {dot:?}");
        }
        if name == "conv_step" {
            assert!(report.dots.iter().any(|d| d.op == "stablehlo.convolution"), "{name}: {:?}", report.dots);
        }
        let loss = finite_like_the_original(name, &run(&scalified, &inputs), &run(&original, &inputs));
        eprintln!("{name}: loss relative error {:.2e}", loss.max_rel_error);
        assert!(loss.max_rel_error < 2e-2, "{name}: loss {loss:?}");
    }
}

const CONVOLUTION: &str = r#"func.func @main(%x: tensor<8x16x16x32xf32>, %k: tensor<3x3x32x32xf32>) -> tensor<8x16x16x32xf32> {
  %0 = stablehlo.convolution(%x, %k) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1], pad = [[1, 1], [1, 1]]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<8x16x16x32xf32>, tensor<3x3x32x32xf32>) -> tensor<8x16x16x32xf32>
  return %0 : tensor<8x16x16x32xf32>
}
"#;

/// An FP8 convolution (the cuDNN graph pattern: FP8 operands converted back to f32, convolved) on
/// unit-normal inputs has the E4M3 x E4M3 error of a dot, at any input scale.
#[test]
fn fp8_convolution_error_is_what_the_formats_predict() {
    let tensor = |shape: Vec<i64>, seed: u64, factor: f64| {
        let values: Vec<f64> =
            normal(shape.iter().product::<i64>() as usize, seed).iter().map(|v| v * factor).collect();
        HostArray::from_f64(DType::F32, shape, &values).unwrap()
    };
    let expected_error = predicted(3, 3);
    for factor in [1.0, 2f64.powi(20)] {
        let inputs = [tensor(vec![8, 16, 16, 32], 4, factor), tensor(vec![3, 3, 32, 32], 5, 1.0)];
        let (scalified, report) =
            scalify_text(CONVOLUTION, "matmul-type=f8 rescale=max data-type=f16 rescale-inputs=l2");
        assert!(report.dots[0].lowered && report.dots[0].op == "stablehlo.convolution", "{:?}", report.dots);
        assert!(scalified.contains("(tensor<8x16x16x32xf8E4M3FN>) -> tensor<8x16x16x32xf32>"), "{scalified}");
        let error = stats(&run(&scalified, &inputs)[0], &run(CONVOLUTION, &inputs)[0]).rel_l2_error;
        eprintln!("FP8 convolution at input scale {factor:e}: measured {error:.4}, predicted {expected_error:.4}");
        assert!(error > 0.85 * expected_error && error < 1.15 * expected_error, "{error:.4} vs {expected_error:.4}");
    }
}

const MARKED: &str = r#"func.func @main(%x: tensor<8x8xf32>, %y: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = stablehlo.multiply %x, %y : tensor<8x8xf32>
  %1 = stablehlo.custom_call @scalify.dynamic_rescale_max(%0) : (tensor<8x8xf32>) -> tensor<8x8xf32>
  %s = stablehlo.add %x, %y : tensor<8x8xf32>
  %2 = stablehlo.multiply %1, %s : tensor<8x8xf32>
  return %2 : tensor<8x8xf32>
}
"#;

/// x * y * (x + y) of values near 2^6 is near 2^19, beyond f16. Static propagation cannot know the
/// inputs' size when they enter at scale 1 (`rescale-inputs=none`; f16's default would rescale
/// them), and a product of two different tensors takes no statistic (squares do), so the f16 data of
/// x * y (2^12) times x + y (2^7) overflows; the dynamic-rescale marker after x * y moves its
/// magnitude into the scale and the result stays within f16 precision.
#[test]
fn dynamic_rescale_marker_rescues_unknown_magnitudes() {
    let inputs = [matrix(8, 8, 3, 64.0), matrix(8, 8, 5, 64.0)];
    let unmarked = MARKED.replace(
        "%1 = stablehlo.custom_call @scalify.dynamic_rescale_max(%0) : (tensor<8x8xf32>) -> tensor<8x8xf32>",
        "%1 = stablehlo.reshape %0 : (tensor<8x8xf32>) -> tensor<8x8xf32>",
    );
    let expected = run(&unmarked, &inputs);
    let (plain, _) = scalify_text(&unmarked, "data-type=f16 rescale-inputs=none");
    let c = stats(&run(&plain, &inputs)[0], &expected[0]);
    assert!(c.inf_actual > 0, "without the marker f16 should overflow: {c:?}");
    let (marked, report) = scalify_text(MARKED, "data-type=f16 rescale-inputs=none");
    assert_eq!(report.ops["scalify.dynamic_rescale_max"].rules["dynamic-rescale-max"], 1);
    let c = stats(&run(&marked, &inputs)[0], &expected[0]);
    assert!(c.inf_actual == 0 && c.rel_l2_error < 2e-3, "with the marker: {c:?}");
}

/// Without scalify a marker is an unknown custom call to XLA; `scalify-strip-markers` removes it and
/// the program computes what it would have computed unmarked.
#[test]
fn markers_strip_to_identities() {
    let context = scalify_dialect::ScalifyContext::new();
    let mut module = scalify_dialect::io::parse_bytes(&context, MARKED.as_bytes()).unwrap();
    let pipeline = scalify_passes::Pipeline::parse(&context, "builtin.module(scalify-strip-markers)").unwrap();
    pipeline.run(&context, &mut module, Default::default()).unwrap();
    let stripped = String::from_utf8(scalify_dialect::io::print(&module, Default::default()).unwrap()).unwrap();
    assert!(!stripped.contains("custom_call"), "{stripped}");
    let (x, y) = (matrix(8, 8, 4, 1.0), matrix(8, 8, 6, 1.0));
    let expected: Vec<f64> = x.to_f64().iter().zip(y.to_f64()).map(|(a, b)| (a * b) * (a + b)).collect();
    let out = run(&stripped, &[x, y])[0].to_f64();
    for (a, e) in out.iter().zip(&expected) {
        assert!((a - e).abs() <= 1e-6 * e.abs().max(1.0), "{a} vs {e}");
    }
}

/// An operand whose scale a dynamic rescale just refreshed (max |data| <= 1) needs no second
/// statistic at its FP8 cast: one reduction for the marker, one for the other operand.
#[test]
fn rescaled_operands_skip_the_cast_statistic() {
    let marked = DOT.replace(
        "%0 = stablehlo.dot_general %x, %w",
        "%xr = stablehlo.custom_call @scalify.dynamic_rescale_max(%x) : (tensor<64x256xf32>) -> tensor<64x256xf32>\n  %xt = stablehlo.transpose %xr, dims = [0, 1] : (tensor<64x256xf32>) -> tensor<64x256xf32>\n  %0 = stablehlo.dot_general %xt, %w",
    );
    let (plain, plain_report) = scalify_text(DOT, "matmul-type=f8 rescale=max");
    let (scalified, report) = scalify_text(&marked, "matmul-type=f8 rescale=max");
    assert_eq!(plain_report.statistic_reductions, 2);
    assert_eq!(report.statistic_reductions, 2, "marker + w; x's cast reuses the marker's bound");
    let inputs = [matrix(64, 256, 1, 2f64.powi(12)), matrix(256, 64, 2, 1.0)];
    let expected = run(DOT, &inputs);
    let (a, b) = (stats(&run(&scalified, &inputs)[0], &expected[0]), stats(&run(&plain, &inputs)[0], &expected[0]));
    assert!((a.rel_l2_error - b.rel_l2_error).abs() < 5e-3, "{a:?} vs {b:?}");
}
