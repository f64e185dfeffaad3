// A NaN fill (jnp.var's guard) is scale-free like an infinite one: the select keeps the variance's
// scale, so no multiply moves the variance's data before the select.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[NAN:.*]] = stablehlo.constant dense<0x7E00> : tensor<8xf16>
// CHECK:      %[[SQUARE:.*]] = stablehlo.multiply %[[X:.*]], %[[X]] : tensor<8xf16>
// CHECK-NOT:  stablehlo.multiply %[[SQUARE]]
// CHECK:      stablehlo.select %{{.*}}, %[[SQUARE]], %[[NAN]] : tensor<i1>, tensor<8xf16>
func.func @main(%x: tensor<8xf32>, %n: tensor<f32>) -> tensor<8xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %nan = stablehlo.constant dense<0x7FC00000> : tensor<8xf32>
  %sq = stablehlo.multiply %x, %x : tensor<8xf32>
  %positive = stablehlo.compare GT, %n, %zero, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
  %0 = stablehlo.select %positive, %sq, %nan : tensor<i1>, tensor<8xf32>
  return %0 : tensor<8xf32>
}
