// differential seed=4006713
// inputs 2x8:2e4:signed 8x8:2e4:signed 8:2e4:signed 8x8:1e-6:positive
// found: f32 output 1 differs beyond ulps: Comparison { count: 64, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 62, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 62 }
// found: f32 output 2 differs beyond ulps: Comparison { count: 64, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 62, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 62 }
// found: fp8-hybrid: output 1 not finite where the original is: Comparison { count: 64, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 64, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 64 }
// found: fp8-hybrid: output 2 not finite where the original is: Comparison { count: 64, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 64, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 64 }
func.func @main(%x: tensor<2x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>, %v: tensor<8x8xf32>) -> (tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<2x8xf32>, tensor<8xf32>) {
    %v1 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.constant dense<1.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.clamp %v1, %b, %v2 : (tensor<f32>, tensor<8xf32>, tensor<f32>) -> tensor<8xf32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.constant dense<9.53674316E-7> : tensor<2x8xf32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.multiply %x, %v4 : tensor<2x8xf32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.negate %v3 : tensor<8xf32> loc("jit(step)/jvp(model)/op")
    %v7 = stablehlo.multiply %x, %x : tensor<2x8xf32> loc("jit(step)/jvp(model)/op")
    %v8 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v9 = stablehlo.reduce(%v7 init: %v8) applies stablehlo.add across dimensions = [0, 1] : (tensor<2x8xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v10 = stablehlo.constant dense<6.25e-2> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v11 = stablehlo.multiply %v9, %v10 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v12 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v13 = stablehlo.constant dense<1.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v14 = stablehlo.clamp %v12, %v3, %v13 : (tensor<f32>, tensor<8xf32>, tensor<f32>) -> tensor<8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v15 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v16 = stablehlo.reduce(%v5 init: %v15) applies stablehlo.add across dimensions = [0] : (tensor<2x8xf32>, tensor<f32>) -> tensor<8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v17 = stablehlo.broadcast_in_dim %v16, dims = [1] : (tensor<8xf32>) -> tensor<2x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v18 = stablehlo.multiply %v5, %v17 : tensor<2x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v19 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v20 = stablehlo.reduce(%v18 init: %v19) applies stablehlo.add across dimensions = [1] : (tensor<2x8xf32>, tensor<f32>) -> tensor<2xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v21 = stablehlo.broadcast_in_dim %v20, dims = [0] : (tensor<2xf32>) -> tensor<2x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v22 = stablehlo.multiply %v18, %v21 : tensor<2x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v23 = stablehlo.dot_general %v22, %v5, contracting_dims = [0] x [0] : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v24 = stablehlo.constant dense<9.000000e-01> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v25 = stablehlo.multiply %v, %v24 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v26 = stablehlo.multiply %v23, %v23 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v27 = stablehlo.constant dense<1.000000e-01> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v28 = stablehlo.multiply %v26, %v27 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v29 = stablehlo.add %v25, %v28 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v30 = stablehlo.sqrt %v29 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v31 = stablehlo.constant dense<1.000000e-08> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v32 = stablehlo.add %v30, %v31 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v33 = stablehlo.divide %v23, %v32 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v34 = stablehlo.constant dense<1.000000e-03> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v35 = stablehlo.multiply %v33, %v34 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v36 = stablehlo.subtract %w, %v35 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    return %v11, %v36, %v29, %v22, %v6 : tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<2x8xf32>, tensor<8xf32>
}
