// Sentinels and reductions: an attention-mask fill of finfo(f32).min never sets the select's scale
// (it is saturated to f16's -65504 at x's scale, so masking keeps its meaning), and a sum over 8
// elements is brought back by 1/R(sqrt(8)) = 1/2, the result at scale 2.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[TWO:.*]] = stablehlo.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK-DAG:  %[[HALF:.*]] = stablehlo.constant dense<5.000000e-01> : tensor<4xf32>
// CHECK-DAG:  %[[FILL:.*]] = stablehlo.constant dense<-6.550400e+04> : tensor<4x8xf16>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf16>
// CHECK:      %[[MASKED:.*]] = stablehlo.select %arg1, %[[X]], %[[FILL]] : tensor<4x8xi1>, tensor<4x8xf16>
// CHECK:      %[[SUM:.*]] = stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.add across dimensions = [1]
// CHECK:      stablehlo.multiply %[[SUM]], %[[HALF]] : tensor<4xf32>
// CHECK:      stablehlo.multiply %{{.*}}, %[[TWO]] : tensor<4xf32>
func.func @main(%x: tensor<4x8xf32>, %m: tensor<4x8xi1>) -> tensor<4xf32> {
  %fill = stablehlo.constant dense<-3.40282347E+38> : tensor<4x8xf32>
  %0 = stablehlo.select %m, %x, %fill : tensor<4x8xi1>, tensor<4x8xf32>
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %1 = stablehlo.reduce(%0 init: %z) applies stablehlo.add across dimensions = [1] : (tensor<4x8xf32>, tensor<f32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
