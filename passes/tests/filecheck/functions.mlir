// The remaining function rows, at f16, before CHLO is legalized (x * 1/4 is x's data at scale 1/4;
// each function reads the true value, data * 1/4, in f32):
// - unscaled (cosine, erf_inv, digamma): the bounded result stored at scale 1;
// - contracting (erf): |erf(t)| <= min(c|t|, 1), stored at min(sx, 1) = 1/4 (the result * 4);
// - unbounded (tan, cbrt, lgamma, sinh): scale R(max|y|) read at run time;
// - at-input-scale (round_nearest_even, round_nearest_afz, remainder): the result re-expressed at
//   x's scale (* 4).
// RUN: scalify-opt %s --pass-pipeline="builtin.module(scalify{data-type=f16 rescale-inputs=none rescale-results=none})" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[COS:.*]] = stablehlo.cosine %[[T1:.*]] : tensor<4xf32>
// CHECK-NEXT: stablehlo.convert %[[COS]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[ERF_INV:.*]] = chlo.erf_inv
// CHECK-NEXT: stablehlo.convert %[[ERF_INV]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[DIGAMMA:.*]] = chlo.digamma
// CHECK-NEXT: stablehlo.convert %[[DIGAMMA]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[ERF:.*]] = chlo.erf
// CHECK-NEXT: %[[FOUR:.*]] = stablehlo.constant dense<4.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[ERF_AT_QUARTER:.*]] = stablehlo.multiply %[[ERF]], %[[FOUR]] : tensor<4xf32>
// CHECK-NEXT: stablehlo.convert %[[ERF_AT_QUARTER]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[TAN:.*]] = stablehlo.tan
// CHECK-NEXT: stablehlo.abs %[[TAN]]
// CHECK:      stablehlo.reduce({{.*}} applies stablehlo.maximum
// CHECK:      %[[CBRT:.*]] = stablehlo.cbrt
// CHECK-NEXT: stablehlo.abs %[[CBRT]]
// CHECK:      stablehlo.reduce({{.*}} applies stablehlo.maximum
// CHECK:      %[[LGAMMA:.*]] = chlo.lgamma
// CHECK-NEXT: stablehlo.abs %[[LGAMMA]]
// CHECK:      stablehlo.reduce({{.*}} applies stablehlo.maximum
// CHECK:      %[[SINH:.*]] = chlo.sinh
// CHECK-NEXT: stablehlo.abs %[[SINH]]
// CHECK:      stablehlo.reduce({{.*}} applies stablehlo.maximum
// CHECK:      %[[EVEN:.*]] = stablehlo.round_nearest_even
// CHECK-NEXT: stablehlo.constant dense<4.000000e+00>
// CHECK-NEXT: stablehlo.multiply %[[EVEN]]
// CHECK:      %[[AFZ:.*]] = stablehlo.round_nearest_afz
// CHECK-NEXT: stablehlo.constant dense<4.000000e+00>
// CHECK-NEXT: stablehlo.multiply %[[AFZ]]
// CHECK:      %[[REM:.*]] = stablehlo.remainder
// CHECK-NEXT: stablehlo.constant dense<4.000000e+00>
// CHECK-NEXT: stablehlo.multiply %[[REM]]
// CHECK:      return
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = stablehlo.constant dense<0.25> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.cosine %0 : tensor<4xf32>
  %2 = chlo.erf_inv %0 : tensor<4xf32> -> tensor<4xf32>
  %3 = chlo.digamma %0 : tensor<4xf32> -> tensor<4xf32>
  %4 = chlo.erf %0 : tensor<4xf32> -> tensor<4xf32>
  %5 = stablehlo.tan %0 : tensor<4xf32>
  %6 = stablehlo.cbrt %0 : tensor<4xf32>
  %7 = chlo.lgamma %0 : tensor<4xf32> -> tensor<4xf32>
  %8 = chlo.sinh %0 : tensor<4xf32> -> tensor<4xf32>
  %9 = stablehlo.round_nearest_even %0 : tensor<4xf32>
  %10 = stablehlo.round_nearest_afz %0 : tensor<4xf32>
  %11 = stablehlo.remainder %0, %y : tensor<4xf32>
  return %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
