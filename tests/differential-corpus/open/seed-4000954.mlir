// differential seed=4000954
// inputs 8x4:1e3:signed 4x4:3e-5:signed 4:1e3:signed 4x4:1e-6:positive
// found: f32 output 1 differs beyond ulps: Comparison { count: 16, max_abs_error: 0.003162277944966263, max_rel_error: 1.0074877295027616, rel_l2_error: 0.5007511364155878, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
// found: f32 output 2 differs beyond ulps: Comparison { count: 16, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 0, inf_actual: 4, nan_expected: 0, inf_expected: 0, mismatches: 0 }
func.func @main(%x: tensor<8x4xf32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>, %v: tensor<4x4xf32>) -> (tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<8x4xf32>, tensor<4xf32>) {
    %v1 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.reduce(%w init: %v1) applies stablehlo.add across dimensions = [0] : (tensor<4x4xf32>, tensor<f32>) -> tensor<4xf32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.dot_general %x, %x, contracting_dims = [0] x [0] : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.abs %v2 : tensor<4xf32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.constant dense<2.500000e-01> : tensor<4xf32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.add %v4, %v5 : tensor<4xf32> loc("jit(step)/jvp(model)/op")
    %v7 = stablehlo.sqrt %v6 : tensor<4xf32> loc("jit(step)/jvp(model)/op")
    %v8 = stablehlo.multiply %x, %x : tensor<8x4xf32> loc("jit(step)/jvp(model)/op")
    %v9 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v10 = stablehlo.reduce(%v8 init: %v9) applies stablehlo.add across dimensions = [0, 1] : (tensor<8x4xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v11 = stablehlo.constant dense<3.125e-2> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v12 = stablehlo.multiply %v10, %v11 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v13 = stablehlo.dot_general %x, %v3, contracting_dims = [1] x [1] : (tensor<8x4xf32>, tensor<4x4xf32>) -> tensor<8x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v14 = stablehlo.constant dense<-3.40282347E+38> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v15 = stablehlo.constant dense<6.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v16 = stablehlo.clamp %v14, %v13, %v15 : (tensor<f32>, tensor<8x4xf32>, tensor<f32>) -> tensor<8x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v17 = stablehlo.constant dense<9.53674316E-7> : tensor<8x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v18 = stablehlo.multiply %v16, %v17 : tensor<8x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v19 = stablehlo.dot_general %v18, %v16, contracting_dims = [0] x [0] : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v20 = stablehlo.constant dense<9.000000e-01> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v21 = stablehlo.multiply %v, %v20 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v22 = stablehlo.multiply %v19, %v19 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v23 = stablehlo.constant dense<1.000000e-01> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v24 = stablehlo.multiply %v22, %v23 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v25 = stablehlo.add %v21, %v24 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v26 = stablehlo.sqrt %v25 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v27 = stablehlo.constant dense<1.000000e-08> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v28 = stablehlo.add %v26, %v27 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v29 = stablehlo.divide %v19, %v28 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v30 = stablehlo.constant dense<1.000000e-03> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v31 = stablehlo.multiply %v29, %v30 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v32 = stablehlo.subtract %w, %v31 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    return %v12, %v32, %v25, %v18, %v7 : tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<8x4xf32>, tensor<4xf32>
}
