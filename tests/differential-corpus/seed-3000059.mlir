// differential seed=3000059
// inputs 8x16:2e4:signed 16x16:1e3:signed 16:3e-5:signed 16x16:1e-6:positive
// found: f32 output 3 differs beyond ulps: Comparison { count: 1, max_abs_error: 0.001220703125, max_rel_error: 1.2685941008851996e-6, rel_l2_error: 1.2685941008851996e-6, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
func.func @main(%x: tensor<8x16xf32>, %w: tensor<16x16xf32>, %b: tensor<16xf32>, %v: tensor<16x16xf32>) -> (tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<f32>, tensor<f32>) {
    %v1 = stablehlo.tanh %b : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.abs %b : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.reduce(%v2 init: %v3) applies stablehlo.add across dimensions = [0] : (tensor<16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.multiply %x, %x : tensor<8x16xf32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v7 = stablehlo.reduce(%v5 init: %v6) applies stablehlo.add across dimensions = [0, 1] : (tensor<8x16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v8 = stablehlo.constant dense<7.8125e-3> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v9 = stablehlo.multiply %v7, %v8 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v10 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v11 = stablehlo.reduce(%w init: %v10) applies stablehlo.add across dimensions = [0] : (tensor<16x16xf32>, tensor<f32>) -> tensor<16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v12 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v13 = stablehlo.reduce(%v11 init: %v12) applies stablehlo.add across dimensions = [0] : (tensor<16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v14 = stablehlo.dot_general %x, %x, contracting_dims = [0] x [0] : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v15 = stablehlo.constant dense<9.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v16 = stablehlo.multiply %v, %v15 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v17 = stablehlo.multiply %v14, %v14 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v18 = stablehlo.constant dense<1.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v19 = stablehlo.multiply %v17, %v18 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v20 = stablehlo.add %v16, %v19 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v21 = stablehlo.sqrt %v20 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v22 = stablehlo.constant dense<1.000000e-08> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v23 = stablehlo.add %v21, %v22 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v24 = stablehlo.divide %v14, %v23 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v25 = stablehlo.constant dense<1.000000e-03> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v26 = stablehlo.multiply %v24, %v25 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v27 = stablehlo.subtract %w, %v26 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    return %v9, %v27, %v20, %v13, %v4 : tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<f32>, tensor<f32>
}
