func.func @main(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>, %v: tensor<4x4xf32>) -> (tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
    %v1 = stablehlo.reduce_precision %x, format = e8m10 : tensor<4x4xf32>
    %v2 = stablehlo.reduce_precision %w, format = e8m10 : tensor<4x4xf32>
    %v3 = stablehlo.reduce_precision %b, format = e8m10 : tensor<4xf32>
    %v4 = stablehlo.reduce_precision %v, format = e8m10 : tensor<4x4xf32>
    %v5 = stablehlo.add %v1, %v1 : tensor<4x4xf32>
    %v6 = stablehlo.reduce_precision %v5, format = e8m10 : tensor<4x4xf32>
    %v7 = stablehlo.constant dense<0> : tensor<i32>
    %v8:2 = stablehlo.while(%v9 = %v7, %v10 = %v1) : tensor<i32>, tensor<4x4xf32>
    cond {
      %v11 = stablehlo.constant dense<2> : tensor<i32>
      %v12 = stablehlo.compare LT, %v9, %v11, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
      stablehlo.return %v12 : tensor<i1>
    } do {
      %v13 = stablehlo.constant dense<1> : tensor<i32>
      %v14 = stablehlo.add %v9, %v13 : tensor<i32>
      %v15 = stablehlo.constant dense<5.000000e-01> : tensor<4x4xf32>
      %v16 = stablehlo.multiply %v10, %v15 : tensor<4x4xf32>
      %v17 = stablehlo.reduce_precision %v16, format = e8m10 : tensor<4x4xf32>
      %v18 = stablehlo.tanh %v10 : tensor<4x4xf32>
      %v19 = stablehlo.reduce_precision %v18, format = e8m10 : tensor<4x4xf32>
      %v20 = stablehlo.add %v17, %v19 : tensor<4x4xf32>
      %v21 = stablehlo.reduce_precision %v20, format = e8m10 : tensor<4x4xf32>
      stablehlo.return %v14, %v21 : tensor<i32>, tensor<4x4xf32>
    }
    %v22 = stablehlo.add %v6, %v8#1 : tensor<4x4xf32>
    %v23 = stablehlo.reduce_precision %v22, format = e8m10 : tensor<4x4xf32>
    %v24 = stablehlo.constant dense<2.000000e+00> : tensor<4xf32>
    %v25 = stablehlo.power %v3, %v24 : tensor<4xf32>
    %v26 = stablehlo.reduce_precision %v25, format = e8m10 : tensor<4xf32>
    %v27 = stablehlo.iota dim = 0 : tensor<4x4xi32>
    %v28 = stablehlo.iota dim = 1 : tensor<4x4xi32>
    %v29 = stablehlo.constant dense<1> : tensor<4x4xi32>
    %v30 = stablehlo.add %v27, %v29 : tensor<4x4xi32>
    %v31 = stablehlo.compare LE, %v28, %v30, SIGNED : (tensor<4x4xi32>, tensor<4x4xi32>) -> tensor<4x4xi1>
    %v32 = stablehlo.constant dense<-3.40282347E+38> : tensor<4x4xf32>
    %v33 = stablehlo.select %v31, %v8#1, %v32 : tensor<4x4xi1>, tensor<4x4xf32>
    %v34 = stablehlo.reduce_precision %v33, format = e8m10 : tensor<4x4xf32>
    %v35 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %v36 = stablehlo.reduce(%v34 init: %v35) applies stablehlo.maximum across dimensions = [1] : (tensor<4x4xf32>, tensor<f32>) -> tensor<4xf32>
    %v37 = stablehlo.reduce_precision %v36, format = e8m10 : tensor<4xf32>
    %v38 = stablehlo.broadcast_in_dim %v37, dims = [0] : (tensor<4xf32>) -> tensor<4x4xf32>
    %v39 = stablehlo.subtract %v34, %v38 : tensor<4x4xf32>
    %v40 = stablehlo.reduce_precision %v39, format = e8m10 : tensor<4x4xf32>
    %v41 = stablehlo.exponential %v40 : tensor<4x4xf32>
    %v42 = stablehlo.reduce_precision %v41, format = e8m10 : tensor<4x4xf32>
    %v43 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %v44 = stablehlo.reduce(%v42 init: %v43) applies stablehlo.add across dimensions = [1] : (tensor<4x4xf32>, tensor<f32>) -> tensor<4xf32>
    %v45 = stablehlo.reduce_precision %v44, format = e8m10 : tensor<4xf32>
    %v46 = stablehlo.broadcast_in_dim %v45, dims = [0] : (tensor<4xf32>) -> tensor<4x4xf32>
    %v47 = stablehlo.divide %v42, %v46 : tensor<4x4xf32>
    %v48 = stablehlo.reduce_precision %v47, format = e8m10 : tensor<4x4xf32>
    %v49 = stablehlo.multiply %v48, %v48 : tensor<4x4xf32>
    %v50 = stablehlo.reduce_precision %v49, format = e8m10 : tensor<4x4xf32>
    %v51 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %v52 = stablehlo.reduce(%v50 init: %v51) applies stablehlo.add across dimensions = [0, 1] : (tensor<4x4xf32>, tensor<f32>) -> tensor<f32>
    %v53 = stablehlo.reduce_precision %v52, format = e8m10 : tensor<f32>
    %v54 = stablehlo.constant dense<6.25e-2> : tensor<f32>
    %v55 = stablehlo.multiply %v53, %v54 : tensor<f32>
    %v56 = stablehlo.reduce_precision %v55, format = e8m10 : tensor<f32>
    return %v56, %v4, %v48, %v6 : tensor<f32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
