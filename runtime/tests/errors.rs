//! Failures come back as errors carrying PJRT's message, never as crashes; nothing leaks.

use scalify_runtime::plugins::{PluginChoice, locate};
use scalify_runtime::{DType, HostArray, PjrtError, Plugin, TensorSpec};

mod common;
use common::cpu_client;

const ADD: &str = "func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = stablehlo.add %a, %b : tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n";

#[test]
fn compile_errors_carry_xla_message() {
    let client = cpu_client();
    let Err(error) = client.compile(b"func.func @main( {") else { panic!("malformed module compiled") };
    assert!(matches!(error, PjrtError::Call { call: "PJRT_Client_Compile", .. }), "{error}");
    assert!(error.to_string().contains("error"), "{error}");
    // Well-formed MLIR that XLA does not take.
    let unsupported = "func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  %0 = \"stablehlo.custom_call\"(%a) {call_target_name = \"no_such_target\"} : (tensor<4xf32>) -> tensor<4xf32>\n  return %0 : tensor<4xf32>\n}\n";
    let result = client.compile(unsupported.as_bytes()).and_then(|e| {
        let x = HostArray::from_f32(vec![4], &[1.0; 4]).unwrap();
        e.run(&[x])
    });
    assert!(result.is_err(), "unknown custom call ran");
}

#[test]
fn wrong_inputs_are_errors() {
    let spec = TensorSpec { dtype: DType::F32, shape: vec![4] };
    let executable = cpu_client().compile(ADD.as_bytes()).unwrap().with_input_specs(vec![spec.clone(), spec]);
    let four = HostArray::from_f32(vec![4], &[1.0; 4]).unwrap();
    let five = HostArray::from_f32(vec![5], &[1.0; 5]).unwrap();
    let ints = HostArray::from_f64(DType::S32, vec![4], &[1.0; 4]).unwrap();
    for (what, inputs) in [
        ("wrong shape", vec![four.clone(), five]),
        ("wrong dtype", vec![four.clone(), ints]),
        ("too few", vec![four.clone()]),
    ] {
        let error = executable.run(&inputs).expect_err(what).to_string();
        let expected = match what {
            "wrong shape" => "input 1: the module expects tensor<4xf32>, got tensor<5xf32>",
            "wrong dtype" => "input 1: the module expects tensor<4xf32>, got tensor<4xi32>",
            _ => "the module takes 2 inputs, 1 given",
        };
        assert_eq!(error, expected);
    }
    assert_eq!(executable.run(&[four.clone(), four]).unwrap()[0].to_f64(), vec![2.0; 4]);
}

#[test]
fn missing_plugin_is_an_error() {
    let Err(error) = Plugin::load(std::path::Path::new("/nonexistent/plugin.so")) else { panic!("loaded") };
    assert!(error.to_string().contains("no such file"), "{error}");
    let not_a_plugin = locate(&PluginChoice::Cpu).unwrap().with_file_name("include");
    assert!(Plugin::load(&not_a_plugin).is_err());
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// Compiling, running and dropping in a loop must not grow memory: each iteration moves 4 MiB of
/// buffers and builds an executable, so a leaked buffer or executable would add hundreds of MiB.
#[test]
fn repeated_compile_and_execute_does_not_leak() {
    let client = cpu_client();
    let n = 1 << 20;
    let module = format!(
        "func.func @main(%a: tensor<{n}xf32>) -> tensor<{n}xf32> {{\n  %0 = stablehlo.multiply %a, %a : tensor<{n}xf32>\n  return %0 : tensor<{n}xf32>\n}}\n"
    );
    let input = HostArray::from_f32(vec![n as i64], &vec![1.5; n]).unwrap();
    let iterate = |count: usize| {
        for _ in 0..count {
            let executable = client.compile(module.as_bytes()).unwrap();
            let out = executable.run(std::slice::from_ref(&input)).unwrap();
            assert_eq!(out[0].len(), n);
        }
    };
    iterate(10);
    let before = resident_bytes();
    iterate(60);
    let grown = resident_bytes().saturating_sub(before);
    assert!(grown < 48 << 20, "resident memory grew by {} MiB over 60 iterations", grown >> 20);
}
