// Element-wise choices whose operands' scales lie far apart, at f16 with static scales (x * 2^-20
// is x's data at scale 2^-20, y at scale 1):
// - minimum (choose): the result may be x * 2^-20 everywhere, which at the larger scale (1) is below
//   f16's normal range: both operands aligned in f32, the minimum taken there, and the result
//   rescaled from its max at run time (the reduce) before it returns to f16;
// - clamp(0, x * 2^-20, 6): bounds around 0, so the result is no larger than x, element by element:
//   at min(sx, s_6) = 2^-20 (x's data as it is), the bound 6 saturating to f16's largest finite value;
// - maximum of y * 1/8 and y (scales 2^3 apart, within the spread): aligned in f16, no statistic.
// RUN: scalify-opt %s --pass-pipeline="builtin.module(scalify{data-type=f16 rescale-inputs=none rescale-results=none})" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK-NEXT: %[[X_WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[TINY:.*]] = stablehlo.constant dense<9.53674316E-7> : tensor<4xf32>
// CHECK-NEXT: %[[X_AT_1:.*]] = stablehlo.multiply %[[X_WIDE]], %[[TINY]] : tensor<4xf32>
// CHECK-NEXT: %[[Y:.*]] = stablehlo.convert %arg1 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK-NEXT: %[[Y_WIDE:.*]] = stablehlo.convert %[[Y]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[MIN:.*]] = stablehlo.minimum %[[X_AT_1]], %[[Y_WIDE]] : tensor<4xf32>
// CHECK:      %[[MAX:.*]] = stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.maximum
// CHECK:      %[[MIN_DATA:.*]] = stablehlo.multiply %[[MIN]], %{{.*}} : tensor<4xf32>
// CHECK-NEXT: stablehlo.convert %[[MIN_DATA]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK-DAG:  %[[ZERO:.*]] = stablehlo.constant dense<0.000000e+00> : tensor<f16>
// CHECK-DAG:  %[[SATURATED:.*]] = stablehlo.constant dense<6.550400e+04> : tensor<f16>
// CHECK:      stablehlo.clamp %[[ZERO]], %[[X]], %[[SATURATED]] : (tensor<f16>, tensor<4xf16>, tensor<f16>) -> tensor<4xf16>
// CHECK:      %[[EIGHTH:.*]] = stablehlo.constant dense<1.250000e-01> : tensor<4xf16>
// CHECK-NEXT: %[[Y_AT_1:.*]] = stablehlo.multiply %{{.*}}, %[[EIGHTH]] : tensor<4xf16>
// CHECK-NEXT: stablehlo.maximum %[[Y_AT_1]], %{{.*}} : tensor<4xf16>
// CHECK-NOT:  stablehlo.reduce
// CHECK:      return
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %tiny = stablehlo.constant dense<9.5367431640625e-07> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %tiny : tensor<4xf32>
  %1 = stablehlo.minimum %0, %y : tensor<4xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %six = stablehlo.constant dense<6.0> : tensor<f32>
  %2 = stablehlo.clamp %zero, %0, %six : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %eighth = stablehlo.constant dense<0.125> : tensor<4xf32>
  %3 = stablehlo.multiply %y, %eighth : tensor<4xf32>
  %4 = stablehlo.maximum %3, %y : tensor<4xf32>
  return %1, %2, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
