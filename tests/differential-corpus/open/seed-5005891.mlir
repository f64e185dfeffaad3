// differential seed=5005891
// inputs 8x8:1e0:signed 8x8:3e-5:signed 8:1e-3:signed 8x8:1e-6:positive
// found: f32 output 1 differs beyond ulps: Comparison { count: 64, max_abs_error: 0.008669152157381177, max_rel_error: 2.876833469485707, rel_l2_error: 0.557305025025846, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
// found: f32 output 2 is not bit-identical: Comparison { count: 64, max_abs_error: 2.659652864167583e-6, max_rel_error: 0.9321714493493112, rel_l2_error: 1.5848489259323121e-24, nan_actual: 0, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 0 }
func.func @main(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>, %v: tensor<8x8xf32>) -> (tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
    %v1 = stablehlo.constant dense<1.048576e+06> : tensor<8x8xf32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.multiply %w, %v1 : tensor<8x8xf32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.maximum %v2, %w : tensor<8x8xf32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.reduce(%b init: %v4) applies stablehlo.add across dimensions = [0] : (tensor<8xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.constant dense<-1.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v7 = stablehlo.constant dense<6.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v8 = stablehlo.clamp %v6, %v3, %v7 : (tensor<f32>, tensor<8x8xf32>, tensor<f32>) -> tensor<8x8xf32> loc("jit(step)/jvp(model)/op")
    %v9 = stablehlo.constant dense<1.048576e+06> : tensor<8x8xf32> loc("jit(step)/jvp(model)/op")
    %v10 = stablehlo.multiply %v3, %v9 : tensor<8x8xf32> loc("jit(step)/jvp(model)/op")
    %v11 = stablehlo.multiply %x, %x : tensor<8x8xf32> loc("jit(step)/jvp(model)/op")
    %v12 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v13 = stablehlo.reduce(%v11 init: %v12) applies stablehlo.add across dimensions = [0, 1] : (tensor<8x8xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v14 = stablehlo.constant dense<1.5625e-2> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v15 = stablehlo.multiply %v13, %v14 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v16 = stablehlo.dot_general %x, %x, contracting_dims = [0] x [0] : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v17 = stablehlo.constant dense<0> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
    %v18:2 = stablehlo.while(%v19 = %v17, %v20 = %v10) : tensor<i32>, tensor<8x8xf32>
    cond {
      %v21 = stablehlo.constant dense<2> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v22 = stablehlo.compare LT, %v19, %v21, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v22 : tensor<i1> loc("jit(step)/transpose(jvp(model))/op")
    } do {
      %v23 = stablehlo.constant dense<1> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v24 = stablehlo.add %v19, %v23 : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v25 = stablehlo.constant dense<-1.000000e+00> : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v26 = stablehlo.multiply %v20, %v25 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v27 = stablehlo.tanh %v20 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v28 = stablehlo.add %v26, %v27 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v24, %v28 : tensor<i32>, tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    } loc("jit(step)/transpose(jvp(model))/op")
    %v29 = stablehlo.constant dense<0> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
    %v30:2 = stablehlo.while(%v31 = %v29, %v32 = %v8) : tensor<i32>, tensor<8x8xf32>
    cond {
      %v33 = stablehlo.constant dense<2> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v34 = stablehlo.compare LT, %v31, %v33, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v34 : tensor<i1> loc("jit(step)/transpose(jvp(model))/op")
    } do {
      %v35 = stablehlo.constant dense<1> : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v36 = stablehlo.add %v31, %v35 : tensor<i32> loc("jit(step)/transpose(jvp(model))/op")
      %v37 = stablehlo.constant dense<-1.000000e+00> : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v38 = stablehlo.multiply %v32, %v37 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v39 = stablehlo.tanh %v32 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      %v40 = stablehlo.add %v38, %v39 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
      stablehlo.return %v36, %v40 : tensor<i32>, tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    } loc("jit(step)/transpose(jvp(model))/op")
    %v41 = stablehlo.negate %v10 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v42 = stablehlo.multiply %v41, %v3 : tensor<8x8xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v43 = stablehlo.constant dense<9.000000e-01> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v44 = stablehlo.multiply %v, %v43 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v45 = stablehlo.multiply %v42, %v42 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v46 = stablehlo.constant dense<1.000000e-01> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v47 = stablehlo.multiply %v45, %v46 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v48 = stablehlo.add %v44, %v47 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v49 = stablehlo.sqrt %v48 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v50 = stablehlo.constant dense<1.000000e-08> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v51 = stablehlo.add %v49, %v50 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v52 = stablehlo.divide %v42, %v51 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v53 = stablehlo.constant dense<1.000000e-03> : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v54 = stablehlo.multiply %v52, %v53 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    %v55 = stablehlo.subtract %w, %v54 : tensor<8x8xf32> loc("jit(step)/adamw/op")
    return %v15, %v55, %v48, %v42, %v10 : tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
}
