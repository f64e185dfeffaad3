// abs, minimum, logistic, sine, reduce_precision and if, at f16 before CHLO legalization (x * 1/8
// is x's data at scale 1/8, y at scale 1):
// - abs: the data's absolute value, the scale stays;
// - minimum (choose; scales 2^3 apart, within its spread): |x| joins y at the larger scale, 1 (its data * 1/8);
// - logistic (unscaled): of the true value (data * 1/8, in f32), stored at scale 1;
// - sine (contracting): stored at min(sx, 1) = 1/8 (the result * 8);
// - reduce_precision (at-input-scale): the rounding is of the true value, re-expressed at 1/8;
// - if: both branches yield data at their common scale (both 1/8 here: no rescale inside).
// RUN: scalify-opt %s --pass-pipeline="builtin.module(scalify{data-type=f16 rescale-inputs=none rescale-results=none})" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[ABS:.*]] = stablehlo.abs %[[X]] : tensor<4xf16>
// CHECK:      %[[Y:.*]] = stablehlo.convert %arg1 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[EIGHTH:.*]] = stablehlo.constant dense<1.250000e-01> : tensor<4xf16>
// CHECK:      %[[ABS_AT_1:.*]] = stablehlo.multiply %[[ABS]], %[[EIGHTH]] : tensor<4xf16>
// CHECK:      stablehlo.minimum %[[ABS_AT_1]], %[[Y]] : tensor<4xf16>
// CHECK:      %[[LOGISTIC:.*]] = stablehlo.logistic %{{.*}} : tensor<4xf32>
// CHECK-NEXT: stablehlo.convert %[[LOGISTIC]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[SINE:.*]] = stablehlo.sine %{{.*}} : tensor<4xf32>
// CHECK-NEXT: %[[EIGHT:.*]] = stablehlo.constant dense<8.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[SINE_AT_EIGHTH:.*]] = stablehlo.multiply %[[SINE]], %[[EIGHT]] : tensor<4xf32>
// CHECK-NEXT: %[[SINE_DATA:.*]] = stablehlo.convert %[[SINE_AT_EIGHTH]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[ROUNDED:.*]] = stablehlo.reduce_precision %{{.*}}, format = e5m10 : tensor<4xf32>
// CHECK-NEXT: %[[EIGHT_AGAIN:.*]] = stablehlo.constant dense<8.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[ROUNDED_AT_EIGHTH:.*]] = stablehlo.multiply %[[ROUNDED]], %[[EIGHT_AGAIN]] : tensor<4xf32>
// CHECK-NEXT: %[[ROUNDED_DATA:.*]] = stablehlo.convert %[[ROUNDED_AT_EIGHTH]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK-NEXT: "stablehlo.if"(%arg2)
// CHECK-NEXT:   stablehlo.return %[[SINE_DATA]] : tensor<4xf16>
// CHECK:        stablehlo.return %[[ROUNDED_DATA]] : tensor<4xf16>
// CHECK:      return
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>, %p: tensor<i1>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = stablehlo.constant dense<0.125> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.abs %0 : tensor<4xf32>
  %2 = stablehlo.minimum %1, %y : tensor<4xf32>
  %3 = stablehlo.logistic %0 : tensor<4xf32>
  %4 = stablehlo.sine %0 : tensor<4xf32>
  %5 = stablehlo.reduce_precision %0, format = e5m10 : tensor<4xf32>
  %6 = "stablehlo.if"(%p) ({
    stablehlo.return %4 : tensor<4xf32>
  }, {
    stablehlo.return %5 : tensor<4xf32>
  }) : (tensor<i1>) -> tensor<4xf32>
  return %2, %3, %6, %1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
