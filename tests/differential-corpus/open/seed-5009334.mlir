// differential seed=5009334
// inputs 2x4:3e-5:signed 4x4:1e0:signed 4:3e-5:signed 4x4:1e-6:positive
// found: f32 output 1 differs beyond ulps: Comparison { count: 16, max_abs_error: 87418.25070405006, max_rel_error: 139711.8185428021, rel_l2_error: 31715.806891245542, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
// found: f32 output 2 differs beyond ulps: Comparison { count: 16, max_abs_error: 295990079.99999964, max_rel_error: 0.9999999999999988, rel_l2_error: 0.004938041123493745, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
// found: bf16: output 1 relative L2 error 3.174e4 > 6.350e-2 (twin 4.031e-3)
func.func @main(%x: tensor<2x4xf32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>, %v: tensor<4x4xf32>) -> (tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>) {
    %v1 = stablehlo.dot_general %x, %x, contracting_dims = [0] x [0] : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.reduce(%w init: %v2) applies stablehlo.add across dimensions = [0] : (tensor<4x4xf32>, tensor<f32>) -> tensor<4xf32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.abs %w : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.constant dense<1.000000e+00> : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.add %v4, %v5 : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v7 = stablehlo.divide %v1, %v6 : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    %v8 = stablehlo.constant dense<0> : tensor<i32> loc("jit(step)/jvp(model)/op")
    %v9:2 = stablehlo.while(%v10 = %v8, %v11 = %v7) : tensor<i32>, tensor<4x4xf32>
    cond {
      %v12 = stablehlo.constant dense<2> : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v13 = stablehlo.compare LT, %v10, %v12, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v13 : tensor<i1> loc("jit(step)/jvp(model)/op")
    } do {
      %v14 = stablehlo.constant dense<1> : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v15 = stablehlo.add %v10, %v14 : tensor<i32> loc("jit(step)/jvp(model)/op")
      %v16 = stablehlo.constant dense<1.500000e+00> : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
      %v17 = stablehlo.multiply %v11, %v16 : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
      %v18 = stablehlo.tanh %v11 : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
      %v19 = stablehlo.add %v17, %v18 : tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v15, %v19 : tensor<i32>, tensor<4x4xf32> loc("jit(step)/jvp(model)/op")
    } loc("jit(step)/jvp(model)/op")
    %v20 = stablehlo.constant dense<1.048576e+06> : tensor<2x4xf32> loc("jit(step)/jvp(model)/op")
    %v21 = stablehlo.multiply %x, %v20 : tensor<2x4xf32> loc("jit(step)/jvp(model)/op")
    %v22 = stablehlo.multiply %v21, %v21 : tensor<2x4xf32> loc("jit(step)/jvp(model)/op")
    %v23 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v24 = stablehlo.reduce(%v22 init: %v23) applies stablehlo.add across dimensions = [0, 1] : (tensor<2x4xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v25 = stablehlo.constant dense<1.25e-1> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v26 = stablehlo.multiply %v24, %v25 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v27 = stablehlo.constant dense<1.000000e+05> : tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v28 = stablehlo.multiply %v9#1, %v27 : tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v29 = stablehlo.constant dense<0> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
    %v30:2 = stablehlo.while(%v31 = %v29, %v32 = %v28) : tensor<i32>, tensor<4x4xf32>
    cond {
      %v33 = stablehlo.constant dense<2> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v34 = stablehlo.compare LT, %v31, %v33, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v34 : tensor<i1> loc("jit(step)/transpose(jvp(model))/op")
    } do {
      %v35 = stablehlo.constant dense<1> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v36 = stablehlo.add %v31, %v35 : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v37 = stablehlo.constant dense<-1.000000e+00> : tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v38 = stablehlo.multiply %v32, %v37 : tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v39 = stablehlo.tanh %v32 : tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v40 = stablehlo.add %v38, %v39 : tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v36, %v40 : tensor<i32>, tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    } loc("jit(step)/transpose(jvp(model))/op")
    %v41 = stablehlo.multiply %v21, %v21 : tensor<2x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v42 = stablehlo.dot_general %v41, %v41, contracting_dims = [0] x [0] : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v43 = stablehlo.constant dense<9.000000e-01> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v44 = stablehlo.multiply %v, %v43 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v45 = stablehlo.multiply %v42, %v42 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v46 = stablehlo.constant dense<1.000000e-01> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v47 = stablehlo.multiply %v45, %v46 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v48 = stablehlo.add %v44, %v47 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v49 = stablehlo.sqrt %v48 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v50 = stablehlo.constant dense<1.000000e-08> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v51 = stablehlo.add %v49, %v50 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v52 = stablehlo.divide %v42, %v51 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v53 = stablehlo.constant dense<1.000000e-03> : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v54 = stablehlo.multiply %v52, %v53 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    %v55 = stablehlo.subtract %w, %v54 : tensor<4x4xf32> loc("jit(step)/adamw/op")
    return %v26, %v55, %v48, %v42, %v21 : tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>
}
