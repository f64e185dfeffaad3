// Squares of tensors: x * x, chlo.square and x * x * x (GELU's tanh form). Unit-RMS data has no bound
// on its max, and a square squares it (3 * x^2 of an activation with outliers overflowed f16 after 70
// training steps of an MLP), so at f16 the squared tensor is first rescaled from its max (data in
// [-1, 1]) and rebound: every square of it, and the cube, whose second product multiplies bounded data,
// share that one statistic (chlo.square gives the very op x * x gives: CSE returns it twice). bf16
// spans f32's range: no statistic, the data multiplied as it is.
// A product of two different tensors takes no statistic (x * y below).
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s
// RUN: scalify-opt %s --scalify="data-type=bf16 rescale-inputs=none rescale-results=none" | FileCheck %s --check-prefix=BF16

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<8xf32>) -> tensor<8xf16>
// CHECK:      %[[Y:.*]] = stablehlo.convert %arg1 : (tensor<8xf32>) -> tensor<8xf16>
// CHECK:      %[[XY:.*]] = stablehlo.multiply %[[X]], %[[Y]] : tensor<8xf16>
// CHECK:      %[[X_WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<8xf16>) -> tensor<8xf32>
// CHECK-NEXT: %[[ABS:.*]] = stablehlo.abs %[[X_WIDE]] : tensor<8xf32>
// CHECK:      %[[FINITE_ABS:.*]] = stablehlo.select %{{.*}}, %[[ABS]], %{{.*}}
// CHECK:      stablehlo.reduce(%[[FINITE_ABS]] init: %{{.*}}) applies stablehlo.maximum
// CHECK:      %[[BOUNDED:.*]] = stablehlo.convert %{{.*}} : (tensor<8xf32>) -> tensor<8xf16>
// CHECK-NEXT: %[[SQUARE:.*]] = stablehlo.multiply %[[BOUNDED]], %[[BOUNDED]] : tensor<8xf16>
// CHECK-NOT:  applies stablehlo.maximum
// CHECK:      stablehlo.multiply %[[SQUARE]], %[[BOUNDED]] : tensor<8xf16>
// CHECK-NOT:  applies stablehlo.maximum
// CHECK:      return %{{.*}}, %[[SQUARE_OUT:.*]], %{{.*}}, %[[SQUARE_OUT]] :

// BF16-LABEL: func.func @main
// BF16-NOT:   stablehlo.reduce
// BF16:       %[[X:.*]] = stablehlo.convert %arg0 : (tensor<8xf32>) -> tensor<8xbf16>
// BF16:       %[[SQUARE:.*]] = stablehlo.multiply %[[X]], %[[X]] : tensor<8xbf16>
// BF16:       stablehlo.multiply %[[SQUARE]], %[[X]] : tensor<8xbf16>
// BF16-NOT:   stablehlo.reduce
// BF16:       return
func.func @main(%x: tensor<8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %xy = stablehlo.multiply %x, %y : tensor<8xf32>
  %square = stablehlo.multiply %x, %x : tensor<8xf32>
  %cube = stablehlo.multiply %square, %x : tensor<8xf32>
  %chlo_square = chlo.square %x : tensor<8xf32> -> tensor<8xf32>
  return %xy, %square, %cube, %chlo_square : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
