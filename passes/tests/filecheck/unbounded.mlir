// Unbounded family (exp, expm1, tan, cbrt, lgamma, cosh, sinh): the inputs' scales do not bound the
// result, so at f16 it is computed on the true values in f32 and its scale is read at run time from
// its largest element: R(max|y|), the exponent bits of max|y| (mask 0x7f800000 = 2139095040),
// floored at f32's smallest normal. expm1(8x) and cosh(x) then never overflow f16 data.
// bitcast_convert reads the bits of the true value (no scale can apply to bits).
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[MASK:.*]] = stablehlo.constant dense<2139095040> : tensor<i32>
// CHECK-DAG:  %[[EIGHT:.*]] = stablehlo.constant dense<8.000000e+00> : tensor<4xf32>
// CHECK:      %[[X16:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[X:.*]] = stablehlo.convert %[[X16]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      %[[TRUE:.*]] = stablehlo.multiply %[[X]], %[[EIGHT]] : tensor<4xf32>
// CHECK:      %[[Y:.*]] = stablehlo.exponential_minus_one %[[TRUE]] : tensor<4xf32>
// CHECK:      %[[ABS:.*]] = stablehlo.abs %[[Y]] : tensor<4xf32>
// CHECK:      %[[FINITE_ABS:.*]] = stablehlo.select %{{.*}}, %[[ABS]], %{{.*}}
// CHECK:      %[[MAX:.*]] = stablehlo.reduce(%[[FINITE_ABS]] {{.*}} applies stablehlo.maximum
// CHECK:      %[[BITS:.*]] = stablehlo.bitcast_convert %[[MAX]] : (tensor<f32>) -> tensor<i32>
// CHECK:      %[[EXPONENT:.*]] = stablehlo.and %[[BITS]], %[[MASK]] : tensor<i32>
// CHECK:      %[[SCALE:.*]] = stablehlo.bitcast_convert %[[EXPONENT]] : (tensor<i32>) -> tensor<f32>
// CHECK:      %[[FLOORED:.*]] = stablehlo.maximum %[[SCALE]]
// CHECK:      %[[RECIPROCAL:.*]] = stablehlo.divide %{{.*}}, %[[FLOORED]] : tensor<f32>
// CHECK:      %[[FACTOR:.*]] = stablehlo.broadcast_in_dim %[[RECIPROCAL]]
// CHECK:      %[[DATA:.*]] = stablehlo.multiply %[[Y]], %[[FACTOR]] : tensor<4xf32>
// CHECK:      stablehlo.convert %[[DATA]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      stablehlo.bitcast_convert %[[TRUE]] : (tensor<4xf32>) -> tensor<4xi32>
// cosh, legalized after the pass: exp(x + log(1/2)) + exp(log(1/2) - x) of the true x, then rescaled.
// CHECK:      stablehlo.exponential
// CHECK:      stablehlo.exponential
// CHECK:      stablehlo.reduce({{.*}} applies stablehlo.maximum
// CHECK:      return
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>) {
  %c = stablehlo.constant dense<8.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.exponential_minus_one %0 : tensor<4xf32>
  %2 = stablehlo.bitcast_convert %0 : (tensor<4xf32>) -> tensor<4xi32>
  %3 = chlo.cosh %x : tensor<4xf32> -> tensor<4xf32>
  return %1, %3, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xi32>
}
