//! Property test: random compositions of ruled ops (a seeded generator), scalified and compared with
//! the original through XLA. f32: 1e-5 relative L2 per output. f16: finite wherever the original is
//! finite, and 3e-2 relative L2 (random chains include cancellations that f16 rounding amplifies).
//! The ops are well-conditioned ones: f16 rounds the inputs themselves, so a function like sin(1000 x)
//! would differ from the f32 original without any fault of the rewrite.

use scalify_runtime::{DType, HostArray};
use scalify_tests::{Rng, run, scalify_text, stats};

const T: &str = "tensor<8x8xf32>";

/// A random program over two 8x8 inputs: `steps` ops drawn from the ruled families.
fn program(rng: &mut Rng, steps: usize) -> String {
    let mut body = String::new();
    let mut values = vec!["%a".to_string(), "%b".to_string()];
    let mut n = 0;
    let mut fresh = |body: &mut String, rhs: String| {
        n += 1;
        let name = format!("%v{n}");
        body.push_str(&format!("    {name} = {rhs}\n"));
        name
    };
    for _ in 0..steps {
        let x = values[rng.below(values.len())].clone();
        let y = values[rng.below(values.len())].clone();
        let v = match rng.below(12) {
            0..=2 => {
                let op = ["add", "subtract", "multiply", "maximum", "minimum"][rng.below(5)];
                fresh(&mut body, format!("stablehlo.{op} {x}, {y} : {T}"))
            }
            3 => {
                let d = fresh(&mut body, format!("stablehlo.abs {y} : {T}"));
                let one = fresh(&mut body, format!("stablehlo.constant dense<1.0> : {T}"));
                let e = fresh(&mut body, format!("stablehlo.add {d}, {one} : {T}"));
                fresh(&mut body, format!("stablehlo.divide {x}, {e} : {T}"))
            }
            4 => {
                let op = ["negate", "abs", "tanh", "logistic"][rng.below(4)];
                fresh(&mut body, format!("stablehlo.{op} {x} : {T}"))
            }
            5 => {
                let lo = fresh(&mut body, format!("stablehlo.constant dense<-4.0> : {T}"));
                let hi = fresh(&mut body, format!("stablehlo.constant dense<4.0> : {T}"));
                let c = fresh(&mut body, format!("stablehlo.clamp {lo}, {x}, {hi} : {T}"));
                fresh(&mut body, format!("stablehlo.exponential {c} : {T}"))
            }
            6 => {
                let d = fresh(&mut body, format!("stablehlo.abs {x} : {T}"));
                let op = ["sqrt", "rsqrt"][rng.below(2)];
                let one = fresh(&mut body, format!("stablehlo.constant dense<0.25> : {T}"));
                let e = fresh(&mut body, format!("stablehlo.add {d}, {one} : {T}"));
                fresh(&mut body, format!("stablehlo.{op} {e} : {T}"))
            }
            7 => {
                let k = ["0.125", "3.0", "1.0e-3", "1000.0", "-0.7"][rng.below(5)];
                let c = fresh(&mut body, format!("stablehlo.constant dense<{k}> : {T}"));
                fresh(&mut body, format!("stablehlo.multiply {x}, {c} : {T}"))
            }
            8 => fresh(
                &mut body,
                format!("stablehlo.dot_general {x}, {y}, contracting_dims = [1] x [0] : ({T}, {T}) -> {T}"),
            ),
            9 => fresh(&mut body, format!("stablehlo.transpose {x}, dims = [1, 0] : ({T}) -> {T}")),
            10 => {
                let zero = fresh(&mut body, "stablehlo.constant dense<0.0> : tensor<f32>".to_string());
                let s = fresh(
                    &mut body,
                    format!(
                        "stablehlo.reduce({x} init: {zero}) applies stablehlo.add across dimensions = [1] : ({T}, tensor<f32>) -> tensor<8xf32>"
                    ),
                );
                fresh(&mut body, format!("stablehlo.broadcast_in_dim {s}, dims = [0] : (tensor<8xf32>) -> {T}"))
            }
            _ => {
                let p = fresh(&mut body, format!("stablehlo.compare GT, {x}, {y} : ({T}, {T}) -> tensor<8x8xi1>"));
                fresh(&mut body, format!("stablehlo.select {p}, {x}, {y} : tensor<8x8xi1>, {T}"))
            }
        };
        values.push(v);
    }
    let last = &values[values.len() - 1];
    let other = &values[values.len() / 2];
    format!("func.func @main(%a: {T}, %b: {T}) -> ({T}, {T}) {{\n{body}    return {last}, {other} : {T}, {T}\n}}\n")
}

#[test]
fn random_compositions_of_ruled_ops() {
    let mut rng = Rng(2024);
    let mut checked = 0;
    for index in 0..40 {
        let module = program(&mut rng, 14);
        let inputs: Vec<HostArray> = (0..2)
            .map(|_| {
                let values: Vec<f64> = (0..64).map(|_| rng.normal()).collect();
                HostArray::from_f64(DType::F32, vec![8, 8], &values).unwrap()
            })
            .collect();
        let expected = run(&module, &inputs);
        for (data_type, tolerance) in [("f32", 1e-5), ("f16", 3e-2)] {
            let (scalified, report) = scalify_text(&module, &format!("data-type={data_type}"));
            assert_eq!(report.fallback_count(), 0, "program {index}");
            let actual = run(&scalified, &inputs);
            for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
                let c = stats(a, e);
                let finite_reference = c.nan_expected + c.inf_expected == 0;
                if finite_reference {
                    assert_eq!(
                        c.nan_actual + c.inf_actual,
                        0,
                        "program {index} output {i} at {data_type}: {c:?}\n{module}"
                    );
                    assert!(
                        c.rel_l2_error <= tolerance,
                        "program {index} output {i} at {data_type}: relative L2 {:.3e}\n{module}",
                        c.rel_l2_error
                    );
                }
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 40);
}
