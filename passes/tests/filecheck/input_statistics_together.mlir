// With rescale-inputs (f16's default), every float argument is rescaled from its statistic on entry.
// XLA launches one kernel per reduction of a function argument (no producer to fuse it with: the
// GPT step's 89 input statistics were 89 kernels for an H100), so the statistics of arguments of one
// type are taken together, in one variadic reduce: here w and m (16x8) in one pass, each with its
// sum of squares and its max (the RMS is clamped between max / sqrt(n) and max); b (8) alone.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[ABS_W:.*]] = stablehlo.abs %arg0 : tensor<16x8xf32>
// CHECK-NEXT: %[[SQ_W:.*]] = stablehlo.multiply %[[ABS_W]], %[[ABS_W]]
// CHECK-NEXT: %[[ABS_M:.*]] = stablehlo.abs %arg1 : tensor<16x8xf32>
// CHECK-NEXT: %[[SQ_M:.*]] = stablehlo.multiply %[[ABS_M]], %[[ABS_M]]
// CHECK-NEXT: %[[STATS:.*]]:4 = stablehlo.reduce(%[[SQ_W]] init: %{{.*}}), (%[[ABS_W]] init: %{{.*}}), (%[[SQ_M]] init: %{{.*}}), (%[[ABS_M]] init: %{{.*}}) across dimensions = [0, 1]
// CHECK:        stablehlo.add
// CHECK-NEXT:   stablehlo.maximum
// CHECK-NEXT:   stablehlo.add
// CHECK-NEXT:   stablehlo.maximum
// CHECK:      stablehlo.multiply %[[STATS]]#0
// CHECK:      stablehlo.minimum %{{.*}}, %[[STATS]]#1
// CHECK:      stablehlo.multiply %[[STATS]]#2
// CHECK:      stablehlo.minimum %{{.*}}, %[[STATS]]#3
// CHECK:      %[[ABS_B:.*]] = stablehlo.abs %arg2 : tensor<8xf32>
// CHECK:      stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.add across dimensions = [0] : (tensor<8xf32>, tensor<f32>)
// CHECK-NEXT: stablehlo.reduce(%[[ABS_B]] init: %{{.*}}) applies stablehlo.maximum across dimensions = [0] : (tensor<8xf32>, tensor<f32>)
// CHECK-NOT:  stablehlo.reduce
// CHECK:      return
func.func @main(%w: tensor<16x8xf32>, %m: tensor<16x8xf32>, %b: tensor<8xf32>) -> (tensor<16x8xf32>, tensor<8xf32>) {
  %0 = stablehlo.add %w, %m : tensor<16x8xf32>
  %1 = stablehlo.negate %b : tensor<8xf32>
  return %0, %1 : tensor<16x8xf32>, tensor<8xf32>
}
