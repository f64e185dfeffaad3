// differential seed=2000537
// inputs 8x16:1e0:signed 16x16:1e-3:signed 16:2e4:signed 16x16:1e-6:positive
// found: f32 output 1 differs beyond ulps: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: f32 output 2 differs beyond ulps: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: f16: output 1 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: f16: output 2 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: bf16: output 1 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: bf16: output 2 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: fp8-hybrid: output 1 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: fp8-hybrid: output 2 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
func.func @main(%x: tensor<8x16xf32>, %w: tensor<16x16xf32>, %b: tensor<16xf32>, %v: tensor<16x16xf32>) -> (tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<8x16xf32>, tensor<16xf32>) {
    %v1 = stablehlo.constant dense<1.048576e+06> : tensor<16x16xf32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.multiply %w, %v1 : tensor<16x16xf32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.add %b, %b : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.dot_general %x, %v2, contracting_dims = [1] x [0] : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.abs %b : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.constant dense<2.500000e-01> : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v7 = stablehlo.add %v5, %v6 : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v8 = stablehlo.sqrt %v7 : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v9 = stablehlo.multiply %x, %x : tensor<8x16xf32> loc("jit(step)/jvp(model)/op")
    %v10 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v11 = stablehlo.reduce(%v9 init: %v10) applies stablehlo.add across dimensions = [0, 1] : (tensor<8x16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v12 = stablehlo.constant dense<7.8125e-3> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v13 = stablehlo.multiply %v11, %v12 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v14 = stablehlo.maximum %v8, %v3 : tensor<16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v15 = stablehlo.multiply %v4, %x : tensor<8x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v16 = stablehlo.multiply %v15, %v15 : tensor<8x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v17 = stablehlo.dot_general %v15, %v16, contracting_dims = [0] x [0] : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v18 = stablehlo.constant dense<9.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v19 = stablehlo.multiply %v, %v18 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v20 = stablehlo.multiply %v17, %v17 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v21 = stablehlo.constant dense<1.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v22 = stablehlo.multiply %v20, %v21 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v23 = stablehlo.add %v19, %v22 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v24 = stablehlo.sqrt %v23 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v25 = stablehlo.constant dense<1.000000e-08> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v26 = stablehlo.add %v24, %v25 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v27 = stablehlo.divide %v17, %v26 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v28 = stablehlo.constant dense<1.000000e-03> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v29 = stablehlo.multiply %v27, %v28 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v30 = stablehlo.subtract %w, %v29 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    return %v13, %v30, %v23, %v16, %v8 : tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<8x16xf32>, tensor<16xf32>
}
