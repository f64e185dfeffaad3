// differential seed=4001469
// inputs 2x16:1e3:signed 16x16:1e3:signed 16:1e0:signed 16x16:1e-6:positive
// found: f32 output 2 is not bit-identical: Comparison { count: 256, max_abs_error: 6.044629098073146e23, max_rel_error: 2.8254208482012274e-7, rel_l2_error: 7.148930715464735e-8, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
// found: f32 output 3 is not bit-identical: Comparison { count: 256, max_abs_error: 536870912.0, max_rel_error: 1.1607177367768424e-7, rel_l2_error: 3.8479646717522964e-8, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
func.func @main(%x: tensor<2x16xf32>, %w: tensor<16x16xf32>, %b: tensor<16xf32>, %v: tensor<16x16xf32>) -> (tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) {
    %v1 = stablehlo.constant dense<0> : tensor<i32> loc("jit(step)/jvp(model)/op")
    %v2:2 = stablehlo.while(%v3 = %v1, %v4 = %x) : tensor<i32>, tensor<2x16xf32>
    cond {
      %v5 = stablehlo.constant dense<1> : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v6 = stablehlo.compare LT, %v3, %v5, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v6 : tensor<i1> loc("jit(step)/jvp(model)/op")
    } do {
      %v7 = stablehlo.constant dense<1> : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v8 = stablehlo.add %v3, %v7 : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v9 = stablehlo.constant dense<5.000000e-01> : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      %v10 = stablehlo.multiply %v4, %v9 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      %v11 = stablehlo.tanh %v4 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      %v12 = stablehlo.add %v10, %v11 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v8, %v12 : tensor<i32>, tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    } loc("jit(step)/jvp(model)/op")
    %v13 = stablehlo.minimum %b, %b : tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v14 = stablehlo.multiply %v2#1, %v2#1 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    %v15 = stablehlo.dot_general %x, %x, contracting_dims = [0] x [0] : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<16x16xf32> loc("jit(step)/jvp(model)/op")
    %v16 = stablehlo.multiply %v2#1, %v2#1 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    %v17 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v18 = stablehlo.reduce(%v16 init: %v17) applies stablehlo.add across dimensions = [0, 1] : (tensor<2x16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v19 = stablehlo.constant dense<3.125e-2> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v20 = stablehlo.multiply %v18, %v19 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v21 = stablehlo.constant dense<1.000000e+05> : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v22 = stablehlo.multiply %v15, %v21 : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v23 = stablehlo.constant dense<1.250000e-01> : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v24 = stablehlo.multiply %v22, %v23 : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v25 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v26 = stablehlo.reduce(%v15 init: %v25) applies stablehlo.add across dimensions = [0, 1] : (tensor<16x16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v27 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v28 = stablehlo.compare GT, %v26, %v27 : (tensor<f32>, tensor<f32>) -> tensor<i1> loc("jit(step)/transpose(jvp(model))/op")
    %v29 = "stablehlo.if"(%v28) ({
      %v30 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [1] : (tensor<2x16xf32>, tensor<16x16xf32>) -> tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v31 = stablehlo.constant dense<1.000000e+05> : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v32 = stablehlo.multiply %v24, %v31 : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v32 : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    }, {
      %v33 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<16xf32>) -> tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v34 = stablehlo.abs %v33 : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v35 = stablehlo.constant dense<1.000000e+00> : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v36 = stablehlo.add %v34, %v35 : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v37 = stablehlo.divide %x, %v36 : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v15 : tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    }) : (tensor<i1>) -> tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v38 = stablehlo.constant dense<9.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v39 = stablehlo.multiply %v, %v38 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v40 = stablehlo.multiply %v29, %v29 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v41 = stablehlo.constant dense<1.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v42 = stablehlo.multiply %v40, %v41 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v43 = stablehlo.add %v39, %v42 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v44 = stablehlo.sqrt %v43 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v45 = stablehlo.constant dense<1.000000e-08> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v46 = stablehlo.add %v44, %v45 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v47 = stablehlo.divide %v29, %v46 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v48 = stablehlo.constant dense<1.000000e-03> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v49 = stablehlo.multiply %v47, %v48 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v50 = stablehlo.subtract %w, %v49 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    return %v20, %v50, %v43, %v29, %v15 : tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>
}
