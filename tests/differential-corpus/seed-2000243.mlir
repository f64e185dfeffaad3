// differential seed=2000243
// inputs 4x8:2e4:signed 8x8:3e-5:signed 8:1e-3:signed 8x8:1e-6:positive
// found: f32 output 3 differs beyond ulps: Comparison { count: 1, max_abs_error: 3.637978807091713e-11, max_rel_error: 1.1785720515309416e-6, rel_l2_error: 1.1785720515309416e-6, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
func.func @main(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>, %v: tensor<8x8xf32>) -> (tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<f32>, tensor<4x8xf32>) {
    %v1 = stablehlo.constant dense<0> : tensor<i32> loc("jit(step)/jvp(model)/op")
    %v2:2 = stablehlo.while(%v3 = %v1, %v4 = %x) : tensor<i32>, tensor<4x8xf32>
    cond {
      %v5 = stablehlo.constant dense<3> : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v6 = stablehlo.compare LT, %v3, %v5, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v6 : tensor<i1> loc("jit(step)/jvp(model)/op")
    } do {
      %v7 = stablehlo.constant dense<1> : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v8 = stablehlo.add %v3, %v7 : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v9 = stablehlo.constant dense<1.500000e+00> : tensor<4x8xf32> loc("jit(step)/jvp(model)/op")
      %v10 = stablehlo.multiply %v4, %v9 : tensor<4x8xf32> loc("jit(step)/jvp(model)/op")
      %v11 = stablehlo.tanh %v4 : tensor<4x8xf32> loc("jit(step)/jvp(model)/op")
      %v12 = stablehlo.add %v10, %v11 : tensor<4x8xf32> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v8, %v12 : tensor<i32>, tensor<4x8xf32> loc("jit(step)/jvp(model)/op")
    } loc("jit(step)/jvp(model)/op")
    %v13 = stablehlo.dot_general %v2#1, %w, contracting_dims = [1] x [0] : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("jit(step)/jvp(model)/op")
    %v14 = stablehlo.multiply %v13, %v13 : tensor<4x8xf32> loc("jit(step)/jvp(model)/op")
    %v15 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v16 = stablehlo.reduce(%v14 init: %v15) applies stablehlo.add across dimensions = [0, 1] : (tensor<4x8xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v17 = stablehlo.constant dense<3.125e-2> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v18 = stablehlo.multiply %v16, %v17 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v19 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v20 = stablehlo.reduce(%w init: %v19) applies stablehlo.add across dimensions = [0] : (tensor<8x8xf32>, tensor<f32>) -> tensor<8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v21 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v22 = stablehlo.reduce(%v20 init: %v21) applies stablehlo.add across dimensions = [0] : (tensor<8xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v23 = stablehlo.dot_general %v2#1, %v13, contracting_dims = [0] x [0] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
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
    return %v18, %v36, %v29, %v22, %v13 : tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<f32>, tensor<4x8xf32>
}
