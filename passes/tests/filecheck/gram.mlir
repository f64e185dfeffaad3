// A tensor contracted with itself (x^T x, a Gram matrix) sums K squares of one sign: its data grows
// like K times the squared outliers, not like sqrt(K) as the contraction's scale assumes. At f16 the
// operand is first rescaled from its max (data in [-1, 1]), as a square's is, and rebound: the later
// contraction of x with y shares that one statistic. A contraction of two different tensors takes none.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s
// RUN: scalify-opt %s --scalify="data-type=bf16 rescale-inputs=none rescale-results=none" | FileCheck %s --check-prefix=BF16

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf16>
// CHECK:      %[[X_WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4x8xf16>) -> tensor<4x8xf32>
// CHECK:      stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.maximum
// CHECK:      %[[BOUNDED:.*]] = stablehlo.convert %{{.*}} : (tensor<4x8xf32>) -> tensor<4x8xf16>
// CHECK-NEXT: stablehlo.dot_general %[[BOUNDED]], %[[BOUNDED]], contracting_dims = [0] x [0]
// CHECK-NOT:  applies stablehlo.maximum
// CHECK:      stablehlo.dot_general %[[BOUNDED]], %{{.*}}, contracting_dims = [0] x [0]
// CHECK-NOT:  applies stablehlo.maximum
// CHECK:      return

// bf16 spans f32's range: no statistic.
// BF16-LABEL: func.func @main
// BF16-NOT:   stablehlo.reduce
// BF16:       stablehlo.dot_general
// BF16:       return
func.func @main(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %gram = stablehlo.dot_general %x, %x, contracting_dims = [0] x [0] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %cross = stablehlo.dot_general %x, %y, contracting_dims = [0] x [0] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  return %gram, %cross : tensor<8x8xf32>, tensor<8x8xf32>
}
