// Product, sum and unscaled families with static scales (no run-time scale arithmetic is left):
// a splat 3.0 is data 1.5 at scale 2; x * 3 multiplies x's data by 1.5 (scale 2); the sum aligns
// y (scale 1) to the common scale R(sqrt(2^2 + 1^2)) = 2 by 0.5; tanh reads its operand unscaled in
// f32 (data * 2) and stores its bounded result at scale 1.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[TWO:.*]] = stablehlo.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK-DAG:  %[[HALF:.*]] = stablehlo.constant dense<5.000000e-01> : tensor<4xf16>
// CHECK-DAG:  %[[DATA:.*]] = stablehlo.constant dense<1.500000e+00> : tensor<4xf16>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[PRODUCT:.*]] = stablehlo.multiply %[[X]], %[[DATA]] : tensor<4xf16>
// CHECK:      %[[Y:.*]] = stablehlo.convert %arg1 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[ALIGNED:.*]] = stablehlo.multiply %[[Y]], %[[HALF]] : tensor<4xf16>
// CHECK:      %[[SUM:.*]] = stablehlo.add %[[PRODUCT]], %[[ALIGNED]] : tensor<4xf16>
// CHECK:      %[[WIDE:.*]] = stablehlo.convert %[[SUM]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      %[[VALUE:.*]] = stablehlo.multiply %[[WIDE]], %[[TWO]] : tensor<4xf32>
// CHECK:      stablehlo.tanh %[[VALUE]] : tensor<4xf32>
// CHECK-NOT:  stablehlo.divide
// CHECK:      return
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %c = stablehlo.constant dense<3.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.add %0, %y : tensor<4xf32>
  %2 = stablehlo.tanh %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}
