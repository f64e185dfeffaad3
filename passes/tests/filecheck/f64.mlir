// f64 stays f64 at every data type: its values may lie beyond f32's range (no f32 scale holds 1e300;
// the data holds what the scale cannot) and the user asked for its precision (PyTorch's variance
// upcast). At f16:
// - an f32 value widened to f64 is read at the scale of its max (its data bounded by 1), so the f64
//   ops see data near 1 (and a LayerNorm's output stays near 1 after the variance returns);
// - the f64 square, sum and root run on f64 data;
// - narrowed back to f32, the f64 result enters f16 at the scale of its max.
// (The input enters at its RMS's scale, f16's default, read in f32: its first use is the widening.)
// RUN: scalify-opt %s --scalify="data-type=f16" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[WIDE:.*]] = stablehlo.convert %{{.*}} : (tensor<4x64xf32>) -> tensor<4x64xf64>
// CHECK:      %[[READ:.*]] = stablehlo.convert %[[WIDE]] : (tensor<4x64xf64>) -> tensor<4x64xf32>
// CHECK:      stablehlo.is_finite %[[READ]]
// CHECK:      stablehlo.reduce(%{{.*}}) applies stablehlo.maximum
// CHECK:      %[[BOUNDED:.*]] = stablehlo.convert %{{.*}} : (tensor<4x64xf32>) -> tensor<4x64xf64>
// CHECK-NEXT: %[[SQUARE:.*]] = stablehlo.multiply %[[BOUNDED]], %[[BOUNDED]] : tensor<4x64xf64>
// CHECK:      stablehlo.reduce(%[[SQUARE]] init: %{{.*}}) applies stablehlo.add across dimensions = [1] : (tensor<4x64xf64>, tensor<f64>) -> tensor<4xf64>
// CHECK:      %[[ROOT:.*]] = stablehlo.sqrt %{{.*}} : tensor<4xf64>
// CHECK-NEXT: %[[NARROW:.*]] = stablehlo.convert %[[ROOT]] : (tensor<4xf64>) -> tensor<4xf32>
// CHECK:      stablehlo.is_finite %[[NARROW]]
// CHECK:      stablehlo.reduce(%{{.*}}) applies stablehlo.maximum
// CHECK:      stablehlo.convert %{{.*}} : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      return
func.func @main(%x: tensor<4x64xf32>) -> tensor<4xf32> {
  %0 = stablehlo.convert %x : (tensor<4x64xf32>) -> tensor<4x64xf64>
  %1 = stablehlo.multiply %0, %0 : tensor<4x64xf64>
  %zero = stablehlo.constant dense<0.0> : tensor<f64>
  %2 = stablehlo.reduce(%1 init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<4x64xf64>, tensor<f64>) -> tensor<4xf64>
  %3 = stablehlo.sqrt %2 : tensor<4xf64>
  %4 = stablehlo.convert %3 : (tensor<4xf64>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}
