// differential seed=2000543
// inputs 2x16:3e-5:signed 16x16:1e0:signed 16:1e-3:signed 16x16:1e-6:positive
// found: f32 output 1 differs beyond ulps: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: f32 output 2 differs beyond ulps: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: f16: output 1 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: f16: output 2 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: bf16: output 1 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: bf16: output 2 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: fp8-hybrid: output 1 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
// found: fp8-hybrid: output 2 not finite where the original is: Comparison { count: 256, max_abs_error: inf, max_rel_error: 0.0, rel_l2_error: inf, nan_actual: 256, inf_actual: 0, nan_expected: 0, inf_expected: 0, mismatches: 256 }
func.func @main(%x: tensor<2x16xf32>, %w: tensor<16x16xf32>, %b: tensor<16xf32>, %v: tensor<16x16xf32>) -> (tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<2x16xf32>, tensor<16xf32>) {
    %v1 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [1] : (tensor<2x16xf32>, tensor<16x16xf32>) -> tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    %v2 = stablehlo.maximum %x, %v1 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    %v3 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v4 = stablehlo.reduce(%v2 init: %v3) applies stablehlo.add across dimensions = [0, 1] : (tensor<2x16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v5 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v6 = stablehlo.compare GT, %v4, %v5 : (tensor<f32>, tensor<f32>) -> tensor<i1> loc("jit(step)/jvp(model)/op")
    %v7 = "stablehlo.if"(%v6) ({
      %v8 = stablehlo.dot_general %v2, %w, contracting_dims = [1] x [1] : (tensor<2x16xf32>, tensor<16x16xf32>) -> tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      %v9 = stablehlo.constant dense<1.000000e-03> : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      %v10 = stablehlo.multiply %v2, %v9 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v10 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    }, {
      %v11 = stablehlo.dot_general %v1, %v1, contracting_dims = [0] x [0] : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<16x16xf32> loc("jit(step)/jvp(model)/op")
      %v12 = stablehlo.constant dense<0xFF800000> : tensor<f32> loc("jit(step)/jvp(model)/op")
      %v13 = stablehlo.reduce(%v2 init: %v12) applies stablehlo.maximum across dimensions = [1] : (tensor<2x16xf32>, tensor<f32>) -> tensor<2xf32> loc("jit(step)/jvp(model)/op")
      %v14 = stablehlo.broadcast_in_dim %v13, dims = [0] : (tensor<2xf32>) -> tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      %v15 = stablehlo.multiply %v2, %v14 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
      stablehlo.return %v15 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    }) : (tensor<i1>) -> tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    %v16 = stablehlo.constant dense<-1.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v17 = stablehlo.constant dense<0x7F800000> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v18 = stablehlo.clamp %v16, %b, %v17 : (tensor<f32>, tensor<16xf32>, tensor<f32>) -> tensor<16xf32> loc("jit(step)/jvp(model)/op")
    %v19 = stablehlo.multiply %v2, %v2 : tensor<2x16xf32> loc("jit(step)/jvp(model)/op")
    %v20 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v21 = stablehlo.reduce(%v19 init: %v20) applies stablehlo.add across dimensions = [0, 1] : (tensor<2x16xf32>, tensor<f32>) -> tensor<f32> loc("jit(step)/jvp(model)/op")
    %v22 = stablehlo.constant dense<3.125e-2> : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v23 = stablehlo.multiply %v21, %v22 : tensor<f32> loc("jit(step)/jvp(model)/op")
    %v24 = stablehlo.constant dense<1.048576e+06> : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v25 = stablehlo.multiply %v7, %v24 : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v26 = stablehlo.constant dense<0.000000e+00> : tensor<f32> loc("jit(step)/transpose(jvp(model))/op")
    %v27 = stablehlo.reduce(%v25 init: %v26) applies stablehlo.add across dimensions = [1] : (tensor<2x16xf32>, tensor<f32>) -> tensor<2xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v28 = stablehlo.broadcast_in_dim %v27, dims = [0] : (tensor<2xf32>) -> tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v29 = stablehlo.multiply %v25, %v28 : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v30 = stablehlo.tanh %v25 : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v31 = stablehlo.multiply %v29, %v30 : tensor<2x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v32 = stablehlo.dot_general %v31, %v29, contracting_dims = [0] x [0] : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<16x16xf32> loc("jit(step)/transpose(jvp(model))/op")
    %v33 = stablehlo.constant dense<9.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v34 = stablehlo.multiply %v, %v33 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v35 = stablehlo.multiply %v32, %v32 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v36 = stablehlo.constant dense<1.000000e-01> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v37 = stablehlo.multiply %v35, %v36 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v38 = stablehlo.add %v34, %v37 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v39 = stablehlo.sqrt %v38 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v40 = stablehlo.constant dense<1.000000e-08> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v41 = stablehlo.add %v39, %v40 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v42 = stablehlo.divide %v32, %v41 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v43 = stablehlo.constant dense<1.000000e-03> : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v44 = stablehlo.multiply %v42, %v43 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    %v45 = stablehlo.subtract %w, %v44 : tensor<16x16xf32> loc("jit(step)/adamw/op")
    return %v23, %v45, %v38, %v31, %v18 : tensor<f32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<2x16xf32>, tensor<16xf32>
}
