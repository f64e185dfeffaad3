// `x - x` is zero (NaN where x is not finite) at every scale: invariant, like a zero splat. So a
// small constant added to it, or to a square of a contraction with it, keeps the constant's own scale
// (0.01 = 1.28 * 2^-7: the data 1.28, the output times 2^-7) instead of x's run-time scale, which is
// a loose bound there (at x's scale near 1e8, f16 flushes 0.01); and the square takes no statistic.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=max rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[POW_M7:.*]] = stablehlo.constant dense<7.812500e-03> : tensor<4xf32>
// CHECK-DAG:  %[[EPS_DATA:.*]] = stablehlo.constant dense<1.280270e+00> : tensor<4xf16>
// CHECK:      %[[X:.*]] = stablehlo.convert %{{.*}} : (tensor<4xf32>) -> tensor<4xf16>
// CHECK-NEXT: %[[ZERO:.*]] = stablehlo.subtract %[[X]], %[[X]] : tensor<4xf16>
// CHECK-NEXT: %[[SUM:.*]] = stablehlo.add %[[ZERO]], %[[EPS_DATA]] : tensor<4xf16>
// CHECK:      %[[DOT:.*]] = stablehlo.dot_general %[[ZERO]], %{{.*}}
// CHECK-NOT:  stablehlo.reduce
// CHECK:      %[[SQUARE:.*]] = stablehlo.multiply %[[DOT_DATA:.*]], %[[DOT_DATA]] : tensor<4xf16>
// CHECK-NEXT: %[[SQUARE_SUM:.*]] = stablehlo.add %[[SQUARE]], %[[EPS_DATA]] : tensor<4xf16>
// CHECK-NEXT: %[[WIDE:.*]] = stablehlo.convert %[[SUM]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: stablehlo.multiply %[[WIDE]], %[[POW_M7]] : tensor<4xf32>
// CHECK-NEXT: %[[WIDE_SQUARE:.*]] = stablehlo.convert %[[SQUARE_SUM]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: stablehlo.multiply %[[WIDE_SQUARE]], %[[POW_M7]] : tensor<4xf32>
func.func @main(%x: tensor<4xf32>, %w: tensor<4x4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = stablehlo.subtract %x, %x : tensor<4xf32>
  %eps = stablehlo.constant dense<0.01> : tensor<4xf32>
  %1 = stablehlo.add %0, %eps : tensor<4xf32>
  %2 = stablehlo.dot_general %0, %w, contracting_dims = [0] x [0] : (tensor<4xf32>, tensor<4x4xf32>) -> tensor<4xf32>
  %3 = stablehlo.multiply %2, %2 : tensor<4xf32>
  %4 = stablehlo.add %3, %eps : tensor<4xf32>
  return %1, %4 : tensor<4xf32>, tensor<4xf32>
}
