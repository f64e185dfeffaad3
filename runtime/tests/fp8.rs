//! FP8 through XLA on CPU, bit for bit against the `float8` crate.

use float8::{F8E4M3, F8E5M2};
use scalify_runtime::{DType, HostArray};

mod common;
use common::cpu_client;

/// Runs `code -> f32 -> code` in XLA for all 256 codes of `fp8` ("f8E4M3FN" or "f8E5M2").
fn round_trip(fp8: &str) -> (Vec<u32>, Vec<u8>) {
    let module = format!(
        "func.func @main(%x: tensor<256x{fp8}>) -> (tensor<256xf32>, tensor<256x{fp8}>) {{\n\
         %0 = stablehlo.convert %x : (tensor<256x{fp8}>) -> tensor<256xf32>\n\
         %1 = stablehlo.convert %0 : (tensor<256xf32>) -> tensor<256x{fp8}>\n\
         return %0, %1 : tensor<256xf32>, tensor<256x{fp8}>\n}}\n"
    );
    let dtype = DType::from_mlir_name(fp8).unwrap();
    let codes = HostArray::new(dtype, vec![256], (0..=255u8).collect()).unwrap();
    let out = cpu_client().compile(module.as_bytes()).unwrap().run(&[codes]).unwrap();
    let wide = out[0].bytes().chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect();
    (wide, out[1].bytes().to_vec())
}

fn check_codes(fp8: &str, decode: impl Fn(u8) -> f32) {
    let (wide, back) = round_trip(fp8);
    for code in 0..=255u8 {
        let xla = f32::from_bits(wide[code as usize]);
        let crate_value = decode(code);
        if crate_value.is_nan() {
            assert!(xla.is_nan(), "{fp8} {code:#04x}: XLA {xla}, float8 NaN");
            let back_value = decode(back[code as usize]);
            assert!(back_value.is_nan(), "{fp8} {code:#04x}: NaN did not stay NaN");
        } else {
            assert_eq!(xla.to_bits(), crate_value.to_bits(), "{fp8} {code:#04x}: XLA {xla}, float8 {crate_value}");
            assert_eq!(back[code as usize], code, "{fp8} {code:#04x}: f32 -> {fp8} is not the inverse");
        }
    }
}

#[test]
fn e4m3fn_all_codes_round_trip_bit_exact() {
    check_codes("f8E4M3FN", |code| F8E4M3::from_bits(code).to_f32());
}

#[test]
fn e5m2_all_codes_round_trip_bit_exact() {
    check_codes("f8E5M2", |code| F8E5M2::from_bits(code).to_f32());
}

/// Rounding f32 -> FP8 (ties to even, subnormals) agrees with the crate inside the finite range;
/// beyond it the crate saturates and XLA's `convert` does not (NaN for E4M3FN, inf for E5M2), which
/// is why the scalify pass clamps before every FP8 cast.
#[test]
fn f32_to_fp8_rounding_matches_the_crate_in_range() {
    let values: Vec<f32> = (0..4096)
        .map(|i| {
            let t = i as f32 / 4096.0;
            let magnitude = 2f32.powf(-20.0 + 36.0 * t); // 2^-20 .. 2^16
            if i % 2 == 0 { magnitude } else { -magnitude }
        })
        .collect();
    for (fp8, max, encode) in [
        ("f8E4M3FN", 448.0f32, (|v: f32| F8E4M3::from_f32(v).to_bits()) as fn(f32) -> u8),
        ("f8E5M2", 57344.0, |v: f32| F8E5M2::from_f32(v).to_bits()),
    ] {
        let n = values.len();
        let module = format!(
            "func.func @main(%x: tensor<{n}xf32>) -> tensor<{n}x{fp8}> {{\n\
             %0 = stablehlo.convert %x : (tensor<{n}xf32>) -> tensor<{n}x{fp8}>\n\
             return %0 : tensor<{n}x{fp8}>\n}}\n"
        );
        let input = HostArray::from_f32(vec![n as i64], &values).unwrap();
        let out = cpu_client().compile(module.as_bytes()).unwrap().run(&[input]).unwrap();
        let mut compared = 0;
        for (v, &xla) in values.iter().zip(out[0].bytes()) {
            if v.abs() <= max {
                assert_eq!(xla, encode(*v), "{fp8}: {v:e}");
                compared += 1;
            }
        }
        assert!(compared > 3000, "{fp8}: only {compared} values in range");
    }
}

/// A module whose arguments and results are FP8: E4M3FN x E4M3FN products, returned as E5M2.
#[test]
fn module_with_fp8_inputs_and_outputs() {
    let module = "func.func @main(%a: tensor<4x8xf8E4M3FN>, %b: tensor<4x8xf8E4M3FN>) -> tensor<4x8xf8E5M2> {\n\
        %0 = stablehlo.convert %a : (tensor<4x8xf8E4M3FN>) -> tensor<4x8xf32>\n\
        %1 = stablehlo.convert %b : (tensor<4x8xf8E4M3FN>) -> tensor<4x8xf32>\n\
        %2 = stablehlo.multiply %0, %1 : tensor<4x8xf32>\n\
        %3 = stablehlo.convert %2 : (tensor<4x8xf32>) -> tensor<4x8xf8E5M2>\n\
        return %3 : tensor<4x8xf8E5M2>\n}\n";
    let a: Vec<f64> = (0..32).map(|i| (i as f64 - 16.0) * 0.37).collect();
    let b: Vec<f64> = (0..32).map(|i| 1.5 - i as f64 * 0.11).collect();
    let a = HostArray::from_f64(DType::F8E4M3FN, vec![4, 8], &a).unwrap();
    let b = HostArray::from_f64(DType::F8E4M3FN, vec![4, 8], &b).unwrap();
    let expected: Vec<u8> =
        a.to_f64().iter().zip(b.to_f64()).map(|(x, y)| F8E5M2::from_f32((*x as f32) * (y as f32)).to_bits()).collect();
    let out = cpu_client().compile(module.as_bytes()).unwrap().run(&[a, b]).unwrap();
    assert_eq!(out[0].dtype(), DType::F8E5M2);
    assert_eq!(out[0].shape(), &[4, 8]);
    assert_eq!(out[0].bytes(), expected.as_slice());
}
