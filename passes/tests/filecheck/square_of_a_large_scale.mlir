// A square at a run-time scale (f32 data; Adam's g * g after a statistic or at a scaled signature):
// a scale past 2^63 squares to inf, and data of 0 times it to NaN, where the value does not (below
// 2^64 wherever the original's square is finite). The scale is first kept within [2^-126, 2^63],
// its excess moved into the data (a multiply by exactly 1 below 2^63), so the square's scale stays
// in f32's range; a value truly past f32's range still squares to inf.
// RUN: scalify-opt %s --scalify="data-type=f32 signature=scaled" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[DATA:.*]]: tensor<8xf32>, %[[SCALE:.*]]: tensor<f32>)
// CHECK:      %[[CAPPED:.*]] = stablehlo.minimum %[[SCALE]], %{{.*}} : tensor<f32>
// CHECK-NEXT: %[[KEPT:.*]] = stablehlo.maximum %[[CAPPED]], %{{.*}} : tensor<f32>
// CHECK:      %[[EXCESS:.*]] = stablehlo.divide %[[SCALE]], %{{.*}} : tensor<f32>
// CHECK-NEXT: %[[EXCESS_B:.*]] = stablehlo.broadcast_in_dim %[[EXCESS]]
// CHECK-NEXT: %[[MOVED:.*]] = stablehlo.multiply %[[DATA]], %[[EXCESS_B]] : tensor<8xf32>
// CHECK-NEXT: %[[SQUARE:.*]] = stablehlo.multiply %[[MOVED]], %[[MOVED]] : tensor<8xf32>
// CHECK-NEXT: %[[SQUARE_SCALE:.*]] = stablehlo.multiply %[[KEPT]], %[[KEPT]] : tensor<f32>
// CHECK-NEXT: return %[[SQUARE]], %[[SQUARE_SCALE]]
func.func @main(%g: tensor<8xf32>) -> tensor<8xf32> {
  %0 = stablehlo.multiply %g, %g : tensor<8xf32>
  return %0 : tensor<8xf32>
}
