// differential seed=6002442
// inputs 4x4:2e4:signed 4x4:2e4:signed 4:1e0:signed 4x4:1e-6:positive
// found: f32 output 1 is not bit-identical: Comparison { count: 16, max_abs_error: 0.00390625, max_rel_error: 1.766423989450916e-6, rel_l2_error: 8.067115446795308e-8, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
// found: f32 output 2 differs beyond ulps: Comparison { count: 16, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 0, inf_actual: 5, nan_expected: 0, inf_expected: 0, mismatches: 0 }
func.func @main(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>, %v: tensor<4x4xf32>) -> (tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
    %v1 = stablehlo.constant dense<0xFF800000> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.reduce(%x init: %v1) applies stablehlo.maximum across dimensions = [0] : (tensor<4x4xf32>, tensor<f32>) -> tensor<4xf32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.broadcast_in_dim %v2, dims = [1] : (tensor<4xf32>) -> tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.add %x, %v3 : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.constant dense<9.53674316E-7> : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v7 = stablehlo.multiply %v5, %v6 : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v8 = stablehlo.multiply %x, %x : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v9 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v10 = stablehlo.reduce(%v8 init: %v9) applies stablehlo.add across dimensions = [0, 1] : (tensor<4x4xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v11 = stablehlo.constant dense<6.25e-2> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v12 = stablehlo.multiply %v10, %v11 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v13 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v14 = stablehlo.constant dense<6.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v15 = stablehlo.clamp %v13, %v7, %v14 : (tensor<f32>, tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v16 = stablehlo.dot_general %v7, %w, contracting_dims = [1] x [0] : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v17 = stablehlo.abs %v7 : tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v18 = stablehlo.dot_general %v16, %v15, contracting_dims = [0] x [0] : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v19 = stablehlo.constant dense<9.000000e-01> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v20 = stablehlo.multiply %v, %v19 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v21 = stablehlo.multiply %v18, %v18 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v22 = stablehlo.constant dense<1.000000e-01> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v23 = stablehlo.multiply %v21, %v22 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v24 = stablehlo.add %v20, %v23 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v25 = stablehlo.sqrt %v24 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v26 = stablehlo.constant dense<1.000000e-08> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v27 = stablehlo.add %v25, %v26 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v28 = stablehlo.divide %v18, %v27 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v29 = stablehlo.constant dense<1.000000e-03> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v30 = stablehlo.multiply %v28, %v29 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v31 = stablehlo.subtract %w, %v30 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    return %v12, %v31, %v24, %v17, %v7 : tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
