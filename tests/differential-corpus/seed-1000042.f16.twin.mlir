func.func @main(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>, %v: tensor<8x8xf32>) -> (tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
    %v1 = stablehlo.reduce_precision %x, format = e8m10 : tensor<8x8xf32>
    %v2 = stablehlo.reduce_precision %w, format = e8m10 : tensor<8x8xf32>
    %v3 = stablehlo.reduce_precision %b, format = e8m10 : tensor<8xf32>
    %v4 = stablehlo.reduce_precision %v, format = e8m10 : tensor<8x8xf32>
    %v5 = stablehlo.constant dense<1.000000e+05> : tensor<8xf32>
    %v6 = stablehlo.multiply %v3, %v5 : tensor<8xf32>
    %v7 = stablehlo.reduce_precision %v6, format = e8m10 : tensor<8xf32>
    %v8 = stablehlo.reduce_precision %v1, format = e8m10 : tensor<8x8xf32>
    %v9 = stablehlo.reduce_precision %v4, format = e8m10 : tensor<8x8xf32>
    %v10 = stablehlo.dot_general %v8, %v9, contracting_dims = [1] x [1] : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
    %v11 = stablehlo.reduce_precision %v10, format = e8m10 : tensor<8x8xf32>
    %v12 = stablehlo.sine %v2 : tensor<8x8xf32>
    %v13 = stablehlo.reduce_precision %v12, format = e8m10 : tensor<8x8xf32>
    %v14 = stablehlo.iota dim = 0 : tensor<8x8xi32>
    %v15 = stablehlo.iota dim = 1 : tensor<8x8xi32>
    %v16 = stablehlo.constant dense<0> : tensor<8x8xi32>
    %v17 = stablehlo.add %v14, %v16 : tensor<8x8xi32>
    %v18 = stablehlo.compare LE, %v15, %v17, SIGNED : (tensor<8x8xi32>, tensor<8x8xi32>) -> tensor<8x8xi1>
    %v19 = stablehlo.constant dense<0.000000e+00> : tensor<8x8xf32>
    %v20 = stablehlo.constant dense<-6.550400e+04> : tensor<8x8xf32>
    %v21 = stablehlo.select %v18, %v19, %v20 : tensor<8x8xi1>, tensor<8x8xf32>
    %v22 = stablehlo.reduce_precision %v21, format = e8m10 : tensor<8x8xf32>
    %v23 = stablehlo.add %v11, %v22 : tensor<8x8xf32>
    %v24 = stablehlo.reduce_precision %v23, format = e8m10 : tensor<8x8xf32>
    %v25 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %v26 = stablehlo.reduce(%v24 init: %v25) applies stablehlo.maximum across dimensions = [1] : (tensor<8x8xf32>, tensor<f32>) -> tensor<8xf32>
    %v27 = stablehlo.reduce_precision %v26, format = e8m10 : tensor<8xf32>
    %v28 = stablehlo.broadcast_in_dim %v27, dims = [0] : (tensor<8xf32>) -> tensor<8x8xf32>
    %v29 = stablehlo.subtract %v24, %v28 : tensor<8x8xf32>
    %v30 = stablehlo.reduce_precision %v29, format = e8m10 : tensor<8x8xf32>
    %v31 = stablehlo.exponential %v30 : tensor<8x8xf32>
    %v32 = stablehlo.reduce_precision %v31, format = e8m10 : tensor<8x8xf32>
    %v33 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %v34 = stablehlo.reduce(%v32 init: %v33) applies stablehlo.add across dimensions = [1] : (tensor<8x8xf32>, tensor<f32>) -> tensor<8xf32>
    %v35 = stablehlo.reduce_precision %v34, format = e8m10 : tensor<8xf32>
    %v36 = stablehlo.broadcast_in_dim %v35, dims = [0] : (tensor<8xf32>) -> tensor<8x8xf32>
    %v37 = stablehlo.divide %v32, %v36 : tensor<8x8xf32>
    %v38 = stablehlo.reduce_precision %v37, format = e8m10 : tensor<8x8xf32>
    %v39 = stablehlo.constant dense<-4.000000e+00> : tensor<f32>
    %v40 = stablehlo.constant dense<4.000000e+00> : tensor<f32>
    %v41 = stablehlo.clamp %v39, %v2, %v40 : (tensor<f32>, tensor<8x8xf32>, tensor<f32>) -> tensor<8x8xf32>
    %v42 = stablehlo.reduce_precision %v41, format = e8m10 : tensor<8x8xf32>
    %v43 = stablehlo.exponential %v42 : tensor<8x8xf32>
    %v44 = stablehlo.reduce_precision %v43, format = e8m10 : tensor<8x8xf32>
    %v45 = stablehlo.reduce_precision %v38, format = e8m10 : tensor<8x8xf32>
    %v46 = stablehlo.reduce_precision %v4, format = e8m10 : tensor<8x8xf32>
    %v47 = stablehlo.dot_general %v45, %v46, contracting_dims = [1] x [1] : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
    %v48 = stablehlo.reduce_precision %v47, format = e8m10 : tensor<8x8xf32>
    %v49 = stablehlo.multiply %v4, %v4 : tensor<8x8xf32>
    %v50 = stablehlo.reduce_precision %v49, format = e8m10 : tensor<8x8xf32>
    %v51 = stablehlo.sqrt %v50 : tensor<8x8xf32>
    %v52 = stablehlo.reduce_precision %v51, format = e8m10 : tensor<8x8xf32>
    %v53 = stablehlo.constant dense<1.000000e-08> : tensor<8x8xf32>
    %v54 = stablehlo.add %v52, %v53 : tensor<8x8xf32>
    %v55 = stablehlo.reduce_precision %v54, format = e8m10 : tensor<8x8xf32>
    %v56 = stablehlo.divide %v4, %v55 : tensor<8x8xf32>
    %v57 = stablehlo.reduce_precision %v56, format = e8m10 : tensor<8x8xf32>
    %v58 = stablehlo.constant dense<1.000000e-03> : tensor<8x8xf32>
    %v59 = stablehlo.multiply %v57, %v58 : tensor<8x8xf32>
    %v60 = stablehlo.reduce_precision %v59, format = e8m10 : tensor<8x8xf32>
    %v61 = stablehlo.subtract %v4, %v60 : tensor<8x8xf32>
    %v62 = stablehlo.reduce_precision %v61, format = e8m10 : tensor<8x8xf32>
    %v63 = stablehlo.constant dense<1.048576e+06> : tensor<8x8xf32>
    %v64 = stablehlo.multiply %v13, %v63 : tensor<8x8xf32>
    %v65 = stablehlo.reduce_precision %v64, format = e8m10 : tensor<8x8xf32>
    %v66 = stablehlo.broadcast_in_dim %v3, dims = [1] : (tensor<8xf32>) -> tensor<8x8xf32>
    %v67 = stablehlo.abs %v66 : tensor<8x8xf32>
    %v68 = stablehlo.reduce_precision %v67, format = e8m10 : tensor<8x8xf32>
    %v69 = stablehlo.constant dense<1.000000e-02> : tensor<8x8xf32>
    %v70 = stablehlo.add %v68, %v69 : tensor<8x8xf32>
    %v71 = stablehlo.reduce_precision %v70, format = e8m10 : tensor<8x8xf32>
    %v72 = stablehlo.divide %v1, %v71 : tensor<8x8xf32>
    %v73 = stablehlo.reduce_precision %v72, format = e8m10 : tensor<8x8xf32>
    %v74 = stablehlo.constant dense<0> : tensor<i32>
    %v75:2 = stablehlo.while(%v76 = %v74, %v77 = %v62) : tensor<i32>, tensor<8x8xf32>
    cond {
      %v78 = stablehlo.constant dense<3> : tensor<i32>
      %v79 = stablehlo.compare LT, %v76, %v78, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
      stablehlo.return %v79 : tensor<i1>
    } do {
      %v80 = stablehlo.constant dense<1> : tensor<i32>
      %v81 = stablehlo.add %v76, %v80 : tensor<i32>
      %v82 = stablehlo.constant dense<5.000000e-01> : tensor<8x8xf32>
      %v83 = stablehlo.multiply %v77, %v82 : tensor<8x8xf32>
      %v84 = stablehlo.reduce_precision %v83, format = e8m10 : tensor<8x8xf32>
      %v85 = stablehlo.tanh %v77 : tensor<8x8xf32>
      %v86 = stablehlo.reduce_precision %v85, format = e8m10 : tensor<8x8xf32>
      %v87 = stablehlo.add %v84, %v86 : tensor<8x8xf32>
      %v88 = stablehlo.reduce_precision %v87, format = e8m10 : tensor<8x8xf32>
      stablehlo.return %v81, %v88 : tensor<i32>, tensor<8x8xf32>
    }
    %v89 = stablehlo.constant dense<0> : tensor<i32>
    %v90:2 = stablehlo.while(%v91 = %v89, %v92 = %v13) : tensor<i32>, tensor<8x8xf32>
    cond {
      %v93 = stablehlo.constant dense<3> : tensor<i32>
      %v94 = stablehlo.compare LT, %v91, %v93, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
      stablehlo.return %v94 : tensor<i1>
    } do {
      %v95 = stablehlo.constant dense<1> : tensor<i32>
      %v96 = stablehlo.add %v91, %v95 : tensor<i32>
      %v97 = stablehlo.constant dense<-1.000000e+00> : tensor<8x8xf32>
      %v98 = stablehlo.multiply %v92, %v97 : tensor<8x8xf32>
      %v99 = stablehlo.reduce_precision %v98, format = e8m10 : tensor<8x8xf32>
      %v100 = stablehlo.tanh %v92 : tensor<8x8xf32>
      %v101 = stablehlo.reduce_precision %v100, format = e8m10 : tensor<8x8xf32>
      %v102 = stablehlo.add %v99, %v101 : tensor<8x8xf32>
      %v103 = stablehlo.reduce_precision %v102, format = e8m10 : tensor<8x8xf32>
      stablehlo.return %v96, %v103 : tensor<i32>, tensor<8x8xf32>
    }
    %v104 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %v105 = stablehlo.constant dense<1.000000e+00> : tensor<f32>
    %v106 = stablehlo.clamp %v104, %v73, %v105 : (tensor<f32>, tensor<8x8xf32>, tensor<f32>) -> tensor<8x8xf32>
    %v107 = stablehlo.reduce_precision %v106, format = e8m10 : tensor<8x8xf32>
    %v108 = stablehlo.constant dense<1.048576e+06> : tensor<8x8xf32>
    %v109 = stablehlo.multiply %v90#1, %v108 : tensor<8x8xf32>
    %v110 = stablehlo.reduce_precision %v109, format = e8m10 : tensor<8x8xf32>
    %v111 = stablehlo.minimum %v110, %v75#1 : tensor<8x8xf32>
    %v112 = stablehlo.reduce_precision %v111, format = e8m10 : tensor<8x8xf32>
    %v113 = stablehlo.constant dense<-4.000000e+00> : tensor<f32>
    %v114 = stablehlo.constant dense<4.000000e+00> : tensor<f32>
    %v115 = stablehlo.clamp %v113, %v4, %v114 : (tensor<f32>, tensor<8x8xf32>, tensor<f32>) -> tensor<8x8xf32>
    %v116 = stablehlo.reduce_precision %v115, format = e8m10 : tensor<8x8xf32>
    %v117 = stablehlo.exponential %v116 : tensor<8x8xf32>
    %v118 = stablehlo.reduce_precision %v117, format = e8m10 : tensor<8x8xf32>
    %v119 = stablehlo.add %v7, %v7 : tensor<8xf32>
    %v120 = stablehlo.reduce_precision %v119, format = e8m10 : tensor<8xf32>
    %v121 = stablehlo.reduce_precision %v107, format = e8m10 : tensor<8x8xf32>
    %v122 = stablehlo.reduce_precision %v107, format = e8m10 : tensor<8x8xf32>
    %v123 = stablehlo.dot_general %v121, %v122, contracting_dims = [0] x [0] : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
    %v124 = stablehlo.reduce_precision %v123, format = e8m10 : tensor<8x8xf32>
    %v125 = stablehlo.multiply %v11, %v11 : tensor<8x8xf32>
    %v126 = stablehlo.reduce_precision %v125, format = e8m10 : tensor<8x8xf32>
    %v127 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %v128 = stablehlo.reduce(%v126 init: %v127) applies stablehlo.add across dimensions = [0, 1] : (tensor<8x8xf32>, tensor<f32>) -> tensor<f32>
    %v129 = stablehlo.reduce_precision %v128, format = e8m10 : tensor<f32>
    %v130 = stablehlo.constant dense<1.5625e-2> : tensor<f32>
    %v131 = stablehlo.multiply %v129, %v130 : tensor<f32>
    %v132 = stablehlo.reduce_precision %v131, format = e8m10 : tensor<f32>
    return %v132, %v124, %v124, %v65 : tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
}
