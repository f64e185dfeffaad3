//! The Scalify pass through XLA: rewritten modules run on the CPU plugin and are compared with the
//! original module on the same inputs. Tolerances are relative L2 errors per output, stated where
//! they are checked.

use std::process::Command;

use scalify_runtime::{DType, HostArray};
use scalify_tests::{arrays, fixture, fixtures_with_data, run, scalify_text, stats, venv_python};

/// Every output of the scalified module against the original's: relative L2 error at most `tolerance`,
/// and non-finite values exactly where the original has them.
fn assert_close(what: &str, actual: &[HostArray], expected: &[HostArray], tolerance: f64) -> f64 {
    assert_eq!(actual.len(), expected.len(), "{what}: number of outputs");
    let mut worst: f64 = 0.0;
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a.shape(), e.shape(), "{what} output {i}");
        let c = stats(a, e);
        assert_eq!(
            (c.nan_actual, c.inf_actual),
            (c.nan_expected, c.inf_expected),
            "{what} output {i}: non-finite values {c:?}"
        );
        assert!(
            c.rel_l2_error <= tolerance,
            "{what} output {i}: relative L2 error {:.3e} > {tolerance:.0e}",
            c.rel_l2_error
        );
        worst = worst.max(c.rel_l2_error);
    }
    worst
}

fn module_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// At data-type=f32 the rewrite only moves powers of two around: outputs equal the original's up to
/// f32 rounding (1e-5 relative).
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn fixtures_at_f32_equal_the_original() {
    for (name, inputs) in fixtures_with_data() {
        let original = module_text(&name);
        let (scalified, report) = scalify_text(&original, "data-type=f32");
        assert_eq!(report.fallback_count(), 0, "{name}: {:?}", report.fallbacks);
        assert_close(&name, &run(&scalified, &inputs), &run(&original, &inputs), 1e-5);
    }
}

/// f16 and bf16 data. Tolerances (relative L2 per output): f16 5e-3 (11-bit mantissa through a few
/// dozen rounded ops; measured up to 2.1e-3), bf16 5e-2 (8-bit mantissa; measured up to 4.4e-2, on
/// the MLP's zero-initialised first-layer bias, whose new value is the update alone). The GPT step
/// is checked separately below.
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn fixtures_at_f16_and_bf16_stay_within_tolerance() {
    for (name, inputs) in fixtures_with_data().into_iter().filter(|(n, _)| n != "gpt_train_step") {
        let original = module_text(&name);
        let expected = run(&original, &inputs);
        for (options, tolerance) in [
            ("data-type=f16", 5e-3),
            // Literally scale-1 inputs and an f16 update: enough for these unit-ish steps.
            ("data-type=f16 rescale-inputs=none optimizer-data-type=f16", 5e-3),
            ("data-type=bf16", 5e-2),
        ] {
            let (scalified, _) = scalify_text(&original, options);
            assert_close(&format!("{name} at {options}"), &run(&scalified, &inputs), &expected, tolerance);
        }
    }
}

/// The GPT step at bf16: the loss within 1e-2 relative and every output finite. Parameters are
/// compared loosely (relative L2 0.25): AdamW's first step moves each parameter by about
/// lr * sign(g), and bf16 rounding flips the sign of near-zero gradients, which dominates the error
/// of zero-initialised biases (measured 0.18 on an MLP bias; weight matrices 1e-3 to 3e-2).
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn gpt_step_at_bf16() {
    let (name, inputs) = fixtures_with_data().into_iter().find(|(n, _)| n == "gpt_train_step").unwrap();
    let original = module_text(&name);
    let expected = run(&original, &inputs);
    let (scalified, _) = scalify_text(&original, "data-type=bf16");
    let actual = run(&scalified, &inputs);
    assert_close("gpt at bf16", &actual, &expected, 0.25);
    let loss = stats(actual.last().unwrap(), expected.last().unwrap());
    assert!(loss.max_rel_error < 1e-2, "loss: {loss:?}");
}

/// The GPT step at `data-type=f16`, with and without JAX's name stacks: f16 forward and backward with
/// f16's defaults (`F16_DEFAULTS` in policy.rs: inputs rescaled from their RMS on entry, the AdamW
/// update in f32). Every output finite, the loss within 1e-2 relative (measured 2e-4), parameters and
/// moments within 0.25 relative L2 as at bf16 (the first AdamW step's sign(g) for near-zero
/// gradients; measured up to 0.12 on a zero-initialised bias, 5e-3 on the moments).
/// Each default is needed: with inputs entering at scale 1 (embeddings at 0.02) the backward's data
/// leaves f16's range (measured: 76 of 86 outputs NaN); with the update in f16, AdamW's
/// `m / (sqrt(v) + eps)` divides by an eps flushed to 0 where a row's gradient is exactly zero.
#[test]
#[ignore = "slow numerics: bash scripts/test --full"]
fn gpt_step_at_f16() {
    let (_, inputs) = fixtures_with_data().into_iter().find(|(n, _)| n == "gpt_train_step").unwrap();
    let expected = run(&module_text("gpt_train_step"), &inputs);
    // With name stacks the roles are read; without, the update is found from the dataflow.
    for name in ["gpt_train_step_debug", "gpt_train_step"] {
        let (scalified, report) = scalify_text(&module_text(name), "data-type=f16");
        assert_eq!(report.fallback_count(), 0);
        let actual = run(&scalified, &inputs);
        assert_close(&format!("{name} at f16"), &actual, &expected, 0.25);
        let loss = stats(actual.last().unwrap(), expected.last().unwrap());
        assert!(loss.max_rel_error < 1e-2, "{name} loss: {loss:?}");
    }
    for without in ["rescale-inputs=none", "optimizer-data-type=f16"] {
        let (plain, _) = scalify_text(&module_text("gpt_train_step_debug"), &format!("data-type=f16 {without}"));
        // Non-finite, or off by more than the value itself (the f16 update: 92x on one output, measured
        // once squares were bounded; before, g*g overflowed and the update was NaN).
        let broken = run(&plain, &inputs)
            .iter()
            .zip(&expected)
            .any(|(a, e)| a.to_f64().iter().any(|v| !v.is_finite()) || stats(a, e).rel_l2_error > 1.0);
        assert!(broken, "data-type=f16 {without} was expected to break the step");
    }
}

/// f16's default input rescaling reads each input's RMS in f32, where the squares of values below
/// 2^-63 flush and above 2^64 overflow; the RMS is clamped to [max|x| / sqrt(n), max|x|], its bounds. x * y + x with x at
/// 2^-75 and at 2^70 (unit y): within 5e-3 relative L2 of the f32 module at both ends (measured
/// before the max fallback: relative error 1, the tiny x read as scale 0; NaN for the huge one).
#[test]
fn input_rescaling_survives_squares_beyond_f32() {
    let module = "func.func @main(%x: tensor<64xf32>, %y: tensor<64xf32>) -> tensor<64xf32> {
      %0 = stablehlo.multiply %x, %y : tensor<64xf32>
      %1 = stablehlo.add %0, %x : tensor<64xf32>
      return %1 : tensor<64xf32>
    }";
    let (scalified, report) = scalify_text(module, "data-type=f16");
    assert_eq!(report.statistic_reductions, 2, "one statistic per input");
    let unit: Vec<f64> = (0..64).map(|i| ((i * 37 % 64) as f64 / 32.0 - 1.0) * 1.5 + 0.01).collect();
    for exponent in [-75, 70] {
        let x: Vec<f64> = unit.iter().map(|v| v * 2f64.powi(exponent)).collect();
        let y: Vec<f64> = unit.iter().rev().copied().collect();
        let inputs = [
            HostArray::from_f64(DType::F32, vec![64], &x).unwrap(),
            HostArray::from_f64(DType::F32, vec![64], &y).unwrap(),
        ];
        assert_close(&format!("x at 2^{exponent}"), &run(&scalified, &inputs), &run(module, &inputs), 5e-3);
    }
}

/// With unscaled inputs and no dynamic rescaling, every scale is a compile-time constant: at bf16 the
/// rewrite adds no scalar f32 arithmetic and no exponent-bit rounding to any fixture. At f16 the only
/// run-time scales are those of results whose magnitude nothing bounds (exp, and quotients by tensor
/// data: `range_rescales`, one per exp; what consumes them does scalar scale arithmetic, square roots
/// of scales included).
#[test]
fn static_scales_cost_no_runtime_scale_ops() {
    let scalar_ops = |text: &str| {
        text.lines()
            .filter(|l| l.contains(" = stablehlo.") && !l.contains("stablehlo.constant"))
            .filter(|l| l.trim_end().ends_with(": tensor<f32>") || l.contains("-> tensor<f32>"))
            .filter(|l| !l.contains("stablehlo.reduce") && !l.contains("stablehlo.convert"))
            .count()
    };
    let bitcasts = |text: &str| text.matches("stablehlo.bitcast_convert").count();
    for (name, _) in fixtures_with_data() {
        let original = module_text(&name);
        let (scalified, report) = scalify_text(&original, "data-type=f16 rescale-inputs=none");
        // One run-time scale per exp, and at most one per squared tensor or power (its max bounds the
        // data in f16) and per quotient (by tensor data); no other statistic.
        let exps = original.matches("stablehlo.exponential ").count();
        let squares = original
            .lines()
            .filter_map(|l| l.split_once(" = stablehlo.multiply ").map(|(_, rest)| rest))
            .filter(|rest| rest.split(" : ").next().and_then(|ops| ops.split_once(", ")).is_some_and(|(a, b)| a == b))
            .count()
            + original.matches("chlo.square ").count()
            + original.matches("stablehlo.power ").count()
            + original.matches("stablehlo.divide ").count();
        assert!(report.range_rescales >= exps && report.range_rescales <= exps + squares, "{name}: {report:?}");
        assert_eq!(report.statistic_reductions, report.range_rescales, "{name}: no other statistic");
        if report.range_rescales == 0 {
            assert_eq!(bitcasts(&scalified), bitcasts(&original), "{name}: run-time pow2 rounding");
        }
        let (scalified, report) = scalify_text(&original, "data-type=bf16");
        assert_eq!(report.range_rescales, 0, "{name}: bf16 spans f32's range");
        assert_eq!(bitcasts(&scalified), bitcasts(&original), "{name} at bf16: run-time pow2 rounding");
        assert!(scalar_ops(&scalified) <= scalar_ops(&original), "{name} at bf16: scalar f32 ops were added");
    }
}

/// Inputs split into (data, scale) for signature=scaled: data = x / s with s a power of two.
fn split_scaled(inputs: &[HostArray], scales: &[f32], data_type: DType) -> Vec<HostArray> {
    let mut split = Vec::new();
    for (input, &s) in inputs.iter().zip(scales.iter().cycle()) {
        if input.dtype().is_float() {
            let data: Vec<f64> = input.to_f64().iter().map(|v| v / s as f64).collect();
            split.push(HostArray::from_f64(data_type, input.shape().to_vec(), &data).unwrap());
            split.push(HostArray::from_f32(vec![], &[s]).unwrap());
        } else {
            split.push(input.clone());
        }
    }
    split
}

/// Outputs of signature=scaled joined back: data * scale, in f32.
fn join_scaled(outputs: &[HostArray], float_results: &[bool]) -> Vec<HostArray> {
    let mut joined = Vec::new();
    let mut next = outputs.iter();
    for &is_float in float_results {
        let data = next.next().expect("an output");
        if is_float {
            let scale = next.next().expect("a scale").to_f64()[0];
            let values: Vec<f64> = data.to_f64().iter().map(|v| v * scale).collect();
            joined.push(HostArray::from_f64(DType::F32, data.shape().to_vec(), &values).unwrap());
        } else {
            joined.push(data.clone());
        }
    }
    joined
}

/// signature=scaled at f32 with every input at a different power-of-two scale: all scales are
/// dynamic, so every rule's run-time path (and the while loops' carried scales) is exercised.
#[test]
fn scaled_signature_with_dynamic_scales_equals_the_original() {
    let scales = [2f32.powi(-7), 2f32.powi(5), 1.0, 2f32.powi(11), 2f32.powi(-3)];
    for (name, inputs) in fixtures_with_data() {
        let original = module_text(&name);
        let expected = run(&original, &inputs);
        let (scalified, report) = scalify_text(&original, "data-type=f32 signature=scaled");
        assert_eq!(report.fallback_count(), 0, "{name}");
        let floats: Vec<bool> = expected.iter().map(|o| o.dtype().is_float()).collect();
        let actual = join_scaled(&run(&scalified, &split_scaled(&inputs, &scales, DType::F32)), &floats);
        assert_close(&format!("{name} (scaled signature)"), &actual, &expected, 1e-5);
    }
}

/// Why Scalify exists: an MLP step whose inputs are 2^20 or 2^-20 times unit scale. Converted plainly
/// to f16 it overflows (2^20 > 65504) or flushes to zero (2^-20 * 2^-20 < 2^-24); scalified at f16,
/// with the scales passed beside the data, it stays within 1e-2 relative L2 of f32.
#[test]
fn scales_beyond_f16_range_survive_only_when_scalified() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
import sys, pathlib, jax, jax.numpy as jnp
jax.config.update("jax_platforms", "cpu")
out = pathlib.Path(sys.argv[1])
def step(w1, w2, x, y):
    def loss(w1, w2):
        h = jnp.maximum(x @ w1, 0.0)
        return jnp.mean(jnp.square(h @ w2 - y))
    l, (g1, g2) = jax.value_and_grad(loss, argnums=(0, 1))(w1, w2)
    return g1, g2, l
for dtype in ("float32", "float16"):
    shapes = [jax.ShapeDtypeStruct(s, dtype) for s in [(16, 32), (32, 4), (8, 16), (8, 4)]]
    (out / f"{dtype}.mlir").write_text(jax.jit(step).lower(*shapes).as_text())
"#;
    let output = Command::new(venv_python()).arg("-c").arg(script).arg(dir.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let f32_module = std::fs::read_to_string(dir.path().join("float32.mlir")).unwrap();
    let f16_module = std::fs::read_to_string(dir.path().join("float16.mlir")).unwrap();
    let unit: Vec<HostArray> = [(16, 32), (32, 4), (8, 16), (8, 4)]
        .iter()
        .enumerate()
        .map(|(k, &(r, c))| {
            let values: Vec<f64> =
                (0..r * c).map(|i| (((i * 7919 + k * 104729) % 1000) as f64 / 500.0 - 1.0) * 1.7).collect();
            HostArray::from_f64(DType::F32, vec![r as i64, c as i64], &values).unwrap()
        })
        .collect();
    let (scalified, _) = scalify_text(&f32_module, "data-type=f16 signature=scaled");
    for exponent in [20, -20] {
        let s = 2f64.powi(exponent);
        let scaled_inputs: Vec<HostArray> = unit
            .iter()
            .map(|a| {
                HostArray::from_f64(
                    DType::F32,
                    a.shape().to_vec(),
                    &a.to_f64().iter().map(|v| v * s).collect::<Vec<_>>(),
                )
                .unwrap()
            })
            .collect();
        let reference = run(&f32_module, &scaled_inputs);
        // Plain f16: the same program, every tensor in f16.
        let f16_inputs: Vec<HostArray> = scaled_inputs
            .iter()
            .map(|a| HostArray::from_f64(DType::F16, a.shape().to_vec(), &a.to_f64()).unwrap())
            .collect();
        let plain = run(&f16_module, &f16_inputs);
        let plain_error = plain.iter().zip(&reference).map(|(a, e)| stats(a, e).rel_l2_error).fold(0.0, f64::max);
        assert!(plain_error > 0.5, "2^{exponent}: plain f16 should fail, relative L2 {plain_error}");
        // Scalified f16: unit data, scale 2^exponent beside it.
        let actual =
            join_scaled(&run(&scalified, &split_scaled(&scaled_inputs, &[s as f32], DType::F16)), &[true, true, true]);
        assert_close(&format!("scalified f16 at 2^{exponent}"), &actual, &reference, 1e-2);
    }
}

/// One program of `rule_programs.py`: its module, seeded inputs, and the original's outputs.
struct RuleProgram {
    name: String,
    original: String,
    inputs: Vec<HostArray>,
    expected: Vec<HostArray>,
}

/// The programs of `rule_programs.py`, exported now by the venv's jax and run once unscalified.
fn rule_programs() -> Vec<RuleProgram> {
    let dir = tempfile::tempdir().unwrap();
    let output =
        Command::new(venv_python()).arg("-c").arg(include_str!("rule_programs.py")).arg(dir.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut programs = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "mlir") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read_to_string(&path).unwrap();
        let inputs = arrays(&dir.path().join(&name), "in_");
        let expected = run(&original, &inputs);
        programs.push(RuleProgram { name, original, inputs, expected });
    }
    programs
}

/// Functions exported now by jax, one per rule family, run at f32, f16 and bf16 on seeded random
/// inputs against the original module: f32 1e-5, f16 5e-3, bf16 4e-2 relative L2 per output
/// (measured: f32 <= 1e-7, f16 <= 1.5e-3, bf16 <= 3.6e-2). Recurrences feed each iteration's
/// rounding into the next (five to six steps here), so loops get f16 1e-2 and bf16 1e-1 (measured
/// 5.6e-3 and 5.6e-2).
#[test]
fn rule_families_on_fresh_jax_programs() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for RuleProgram { name, original, inputs, expected } in rule_programs() {
        let recurrent = name == "while_loop" || name == "scan_grad";
        let tolerances = if recurrent { [1e-5, 1e-2, 1e-2, 1e-1] } else { [1e-5, 5e-3, 5e-3, 4e-2] };
        // f16 twice: with its defaults (dynamic scales from the inputs' RMS, carried through loops)
        // and with scale-1 inputs (static scales).
        let policies = ["f32", "f16", "f16 rescale-inputs=none optimizer-data-type=f16", "bf16"];
        for (data_type, tolerance) in policies.into_iter().zip(tolerances) {
            let (scalified, report) = scalify_text(&original, &format!("data-type={data_type}"));
            assert_eq!(report.fallback_count(), 0, "{name}: {:?}", report.fallbacks);
            let actual = run(&scalified, &inputs);
            let outcome = std::panic::catch_unwind(|| {
                assert_close(&format!("{name} at {data_type}"), &actual, &expected, tolerance)
            });
            match outcome {
                Ok(worst) => eprintln!("{name:>20} {data_type:>5}: worst relative L2 {worst:.2e}"),
                Err(_) => failures.push(format!("{name} at {data_type}")),
            }
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "outside tolerance: {failures:?}");
    assert!(checked >= 15, "only {checked} programs");
}

/// The rule families again, with every input at its own power-of-two scale passed beside the data
/// (signature=scaled): each rule's run-time scale path, at f32 (1e-5).
#[test]
fn rule_families_with_dynamic_scales() {
    let scales = [2f32.powi(9), 2f32.powi(-6), 0.5];
    let mut failures = Vec::new();
    for RuleProgram { name, original, inputs, expected } in rule_programs() {
        let floats: Vec<bool> = expected.iter().map(|o| o.dtype().is_float()).collect();
        let (scalified, _) = scalify_text(&original, "data-type=f32 signature=scaled");
        let actual = join_scaled(&run(&scalified, &split_scaled(&inputs, &scales, DType::F32)), &floats);
        if std::panic::catch_unwind(|| assert_close(&name, &actual, &expected, 1e-5)).is_err() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "outside tolerance with dynamic scales: {failures:?}");
}

/// Results whose magnitude the inputs' scales do not bound (exp, a power without a splat exponent)
/// take a run-time scale from their own max at f16: `exp(8x)` reaches 2.6e10 and `x^y` 1e6 on these
/// inputs, far above f16's 65504 (before: inf at scale 1, no warning). Within 5e-3 relative L2 of the
/// f32 module, every output finite, each rescale counted in the report.
#[test]
fn unbounded_results_never_overflow_f16() {
    let module = "func.func @main(%x: tensor<64xf32>, %y: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
      %c8 = stablehlo.constant dense<8.0> : tensor<64xf32>
      %0 = stablehlo.multiply %x, %c8 : tensor<64xf32>
      %1 = stablehlo.exponential %0 : tensor<64xf32>
      %c100 = stablehlo.constant dense<100.0> : tensor<64xf32>
      %2 = stablehlo.multiply %x, %c100 : tensor<64xf32>
      %3 = stablehlo.abs %2 : tensor<64xf32>
      %4 = stablehlo.power %3, %y : tensor<64xf32>
      return %1, %4 : tensor<64xf32>, tensor<64xf32>
    }";
    let (scalified, report) = scalify_text(module, "data-type=f16 rescale-inputs=none");
    assert_eq!(report.range_rescales, 2, "exp and the fallen-back power");
    let x: Vec<f64> = (0..64).map(|i| (i as f64 / 63.0) * 6.0 - 3.0).collect();
    let y: Vec<f64> = (0..64).map(|i| 1.0 + (i % 3) as f64).collect();
    let inputs = [
        HostArray::from_f64(DType::F32, vec![64], &x).unwrap(),
        HostArray::from_f64(DType::F32, vec![64], &y).unwrap(),
    ];
    let expected = run(module, &inputs);
    assert!(expected[0].to_f64().iter().any(|v| *v > 1e10), "the test must leave f16's range");
    assert_close("exp(8x) and |100x|^y at f16", &run(&scalified, &inputs), &expected, 5e-3);
}

/// A sum over a zero-size dimension is its init (0) in the original: so it is in the rewrite, at
/// every data type (before: r = R(sqrt(0)) = 0 made the data 0 * inf = NaN).
#[test]
fn reductions_over_empty_dimensions_give_what_the_original_gives() {
    let module = "func.func @main(%x: tensor<4x0xf32>) -> tensor<4xf32> {
      %z = stablehlo.constant dense<0.0> : tensor<f32>
      %0 = stablehlo.reduce(%x init: %z) applies stablehlo.add across dimensions = [1] : (tensor<4x0xf32>, tensor<f32>) -> tensor<4xf32>
      %c = stablehlo.constant dense<2.0> : tensor<4xf32>
      %1 = stablehlo.add %0, %c : tensor<4xf32>
      return %1 : tensor<4xf32>
    }";
    let inputs = [HostArray::from_f64(DType::F32, vec![4, 0], &[]).unwrap()];
    let expected = run(module, &inputs);
    for options in ["data-type=f32", "data-type=f16", "preset=f16", "preset=fp8-hybrid signature=keep"] {
        let (scalified, _) = scalify_text(module, options);
        let actual = run(&scalified, &inputs);
        assert_eq!(actual[0].to_f64(), expected[0].to_f64(), "{options}");
    }
}

/// The user's own low-precision types are kept (`keep-types`, on by default at data-type=f32): a bf16
/// dot and tanh stay bf16 and the rewrite is bit-exact against the original; `keep-types=false` turns
/// them into f32 ops.
#[test]
fn user_bf16_ops_stay_bf16_at_f32() {
    let module = "func.func @main(%a: tensor<16x32xbf16>, %b: tensor<32x8xbf16>, %c: tensor<16x8xf32>) -> (tensor<16x8xbf16>, tensor<16x8xf32>) {
      %0 = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<16x32xbf16>, tensor<32x8xbf16>) -> tensor<16x8xbf16>
      %1 = stablehlo.tanh %0 : tensor<16x8xbf16>
      %2 = stablehlo.convert %1 : (tensor<16x8xbf16>) -> tensor<16x8xf32>
      %3 = stablehlo.add %2, %c : tensor<16x8xf32>
      return %1, %3 : tensor<16x8xbf16>, tensor<16x8xf32>
    }";
    let (kept, _) = scalify_text(module, "data-type=f32");
    assert!(
        kept.contains("-> tensor<16x8xbf16>") && kept.contains("(tensor<16x32xbf16>, tensor<32x8xbf16>)"),
        "{kept}"
    );
    let values = |n: usize, k: f64| -> Vec<f64> { (0..n).map(|i| ((i * 37 % 23) as f64 - 11.0) * k).collect() };
    let inputs = [
        HostArray::from_f64(DType::BF16, vec![16, 32], &values(512, 0.05)).unwrap(),
        HostArray::from_f64(DType::BF16, vec![32, 8], &values(256, 0.03)).unwrap(),
        HostArray::from_f64(DType::F32, vec![16, 8], &values(128, 0.1)).unwrap(),
    ];
    let (expected, actual) = (run(module, &inputs), run(&kept, &inputs));
    for (a, e) in actual.iter().zip(&expected) {
        assert_eq!(a.to_f64(), e.to_f64(), "bit-exact");
    }
    let (widened, _) = scalify_text(module, "data-type=f32 keep-types=false");
    assert!(widened.contains("(tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>"), "{widened}");
}

/// `jnp.var` (equinox's LayerNorm) guards its result with `select(n > 0, var, NaN)`: a NaN fill is
/// scale-free like an infinite one and never sets the select's scale. Found by the equinox example:
/// the NaN took scale 1, so a variance of 1e-5 (at f16, its data at its own scale from the input
/// rescaling) was moved to scale 1 and flushed to zero; rsqrt(0 + eps) then overflowed the LayerNorm
/// and every gradient before it was NaN from step 1.
#[test]
fn nan_fills_never_set_a_scale() {
    let module = "func.func @main(%x: tensor<8x16xf32>, %n: tensor<f32>) -> tensor<8x16xf32> {
      %zero = stablehlo.constant dense<0.0> : tensor<f32>
      %nan = stablehlo.constant dense<0x7FC00000> : tensor<f32>
      %eps = stablehlo.constant dense<1.0e-8> : tensor<8x16xf32>
      %sq = stablehlo.multiply %x, %x : tensor<8x16xf32>
      %positive = stablehlo.compare GT, %n, %zero, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      %fill = stablehlo.broadcast_in_dim %nan, dims = [] : (tensor<f32>) -> tensor<8x16xf32>
      %guarded = stablehlo.select %positive, %sq, %fill : tensor<i1>, tensor<8x16xf32>
      %0 = stablehlo.add %guarded, %eps : tensor<8x16xf32>
      %1 = stablehlo.rsqrt %0 : tensor<8x16xf32>
      %2 = stablehlo.multiply %1, %x : tensor<8x16xf32>
      return %2 : tensor<8x16xf32>
    }";
    let x: Vec<f64> = (0..128).map(|i| ((i * 29 % 31) as f64 - 15.0) * 2e-4 + 1e-4).collect();
    let inputs = [
        HostArray::from_f64(DType::F32, vec![8, 16], &x).unwrap(),
        HostArray::from_f64(DType::F32, vec![], &[16.0]).unwrap(),
    ];
    let expected = run(module, &inputs);
    for (options, tolerance) in [("data-type=f32", 0.0), ("preset=f16", 2e-3), ("data-type=bf16", 2e-2)] {
        let (scalified, _) = scalify_text(module, options);
        assert_close(options, &run(&scalified, &inputs), &expected, tolerance);
    }
    // n = 0: the original's NaN, kept.
    let empty = [inputs[0].clone(), HostArray::from_f64(DType::F32, vec![], &[0.0]).unwrap()];
    let (scalified, _) = scalify_text(module, "preset=f16");
    assert!(run(&scalified, &empty)[0].to_f64().iter().all(|v| v.is_nan()));
}

/// f64 ops stay f64 at every data type (`keep-types` concerns narrower types): statistics a PyTorch
/// model computes in f64 from f32 activations (the attention fixture's) are bit-identical to the
/// original's at f32 (they were computed in f32 before, 1e-8 off).
#[test]
fn user_f64_ops_stay_f64() {
    let module = "func.func @main(%x: tensor<4x64xf32>) -> tensor<4xf32> {
      %0 = stablehlo.convert %x : (tensor<4x64xf32>) -> tensor<4x64xf64>
      %1 = stablehlo.multiply %0, %0 : tensor<4x64xf64>
      %zero = stablehlo.constant dense<0.0> : tensor<f64>
      %2 = stablehlo.reduce(%1 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<4x64xf64>, tensor<f64>) -> tensor<4xf64>
      %3 = stablehlo.sqrt %2 : tensor<4xf64>
      %4 = stablehlo.convert %3 : (tensor<4xf64>) -> tensor<4xf32>
      return %4 : tensor<4xf32>
    }";
    let values: Vec<f64> = (0..256).map(|i| ((i * 37 % 23) as f64 - 11.0) * 0.37 + 0.1).collect();
    let inputs = [HostArray::from_f64(DType::F32, vec![4, 64], &values).unwrap()];
    let expected = run(module, &inputs);
    for (options, tolerance) in [("data-type=f32", 0.0), ("data-type=f32 keep-types=false", 0.0), ("preset=f16", 1e-3)]
    {
        let (kept, _) = scalify_text(module, options);
        assert!(kept.contains("stablehlo.multiply") && kept.contains(": tensor<4x64xf64>"), "{options}: {kept}");
        assert!(kept.contains("stablehlo.sqrt") && kept.contains("-> tensor<4xf64>"), "{options}: {kept}");
        assert_close(options, &run(&kept, &inputs), &expected, tolerance);
    }
}

/// f64 values beyond f32's range (1e290 here) keep f64 data at every preset: f64 arguments enter
/// at scale 1, constants take a scale within 2^+-100 with the data holding the rest, f64 results
/// leave in f64. Bit-identical to the original (before: NaN or inf in every output at every preset).
#[test]
fn f64_beyond_f32_range_is_exact_at_every_preset() {
    let module = "func.func @main(%x: tensor<8xf64>, %y: tensor<8xf64>) -> (tensor<8xf64>, tensor<f64>) {
      %c = stablehlo.constant dense<1.0e200> : tensor<8xf64>
      %0 = stablehlo.multiply %x, %y : tensor<8xf64>
      %1 = stablehlo.add %0, %c : tensor<8xf64>
      %z = stablehlo.constant dense<0.0> : tensor<f64>
      %2 = stablehlo.reduce(%1 init: %z) applies stablehlo.add across dimensions = [0] : (tensor<8xf64>, tensor<f64>) -> tensor<f64>
      return %1, %2 : tensor<8xf64>, tensor<f64>
    }";
    let x: Vec<f64> = (1..=8).map(|i| i as f64 * 1e150).collect();
    let y: Vec<f64> = (0..8).map(|i| (i as f64 - 3.0) * 1e140).collect();
    let inputs =
        [HostArray::from_f64(DType::F64, vec![8], &x).unwrap(), HostArray::from_f64(DType::F64, vec![8], &y).unwrap()];
    let expected = run(module, &inputs);
    for options in ["data-type=f32", "preset=f16", "preset=bf16", "preset=fp8-hybrid"] {
        let (rewritten, _) = scalify_text(module, options);
        assert_close(options, &run(&rewritten, &inputs), &expected, 0.0);
    }
}
