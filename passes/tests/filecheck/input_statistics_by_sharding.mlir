// Arguments share a statistic's variadic reduce only where they are sharded alike: operands of one
// reduction sharded apart would first be resharded to one layout (a collective), where each
// reduction alone needs a scalar all-reduce. Here w and m (sharded by rows) share one; v (by
// columns) has its own.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      stablehlo.reduce(%{{.*}} init: %{{.*}}), (%{{.*}} init: %{{.*}}), (%{{.*}} init: %{{.*}}), (%{{.*}} init: %{{.*}}) across dimensions = [0, 1]
// CHECK:      %[[ABS_V:.*]] = stablehlo.abs %arg2 : tensor<16x8xf32>
// CHECK:      stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.add across dimensions = [0, 1]
// CHECK-NEXT: stablehlo.reduce(%[[ABS_V]] init: %{{.*}}) applies stablehlo.maximum across dimensions = [0, 1]
// CHECK-NOT:  stablehlo.reduce
// CHECK:      return
func.func @main(%w: tensor<16x8xf32> {mhlo.sharding = "{devices=[2,1]<=[2]}"},
                %m: tensor<16x8xf32> {mhlo.sharding = "{devices=[2,1]<=[2]}"},
                %v: tensor<16x8xf32> {mhlo.sharding = "{devices=[1,2]<=[2]}"}) -> (tensor<16x8xf32>, tensor<16x8xf32>) {
  %0 = stablehlo.add %w, %m : tensor<16x8xf32>
  %1 = stablehlo.negate %v : tensor<16x8xf32>
  return %0, %1 : tensor<16x8xf32>, tensor<16x8xf32>
}
