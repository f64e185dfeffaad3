// Markers (custom calls the Python package places; identities without scalify) and GSPMD's
// annotations, at f16; x * 1024 is x's data at scale 1024.
// - scalify.dynamic_rescale_max: the data divided by R(max|data|) (floored at 2^-14, as the reference
//   does), that factor moved into the scale: read back as data * (R * 1024).
// - scalify.dynamic_rescale_l2_grad: likewise from the RMS (sum of squares / 4, its sqrt).
// - @Sharding: the data moves, the scale stays (the f16 data is annotated, read back * 1024).
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[K:.*]] = stablehlo.constant dense<1.024000e+03> : tensor<4xf32>
// CHECK-DAG:  %[[K_SCALAR:.*]] = stablehlo.constant dense<1.024000e+03> : tensor<f32>
// CHECK-DAG:  %[[QUARTER:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<f32>
// CHECK-DAG:  %[[FLOOR:.*]] = stablehlo.constant dense<6.10351563E-5> : tensor<f32>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      %[[ABS:.*]] = stablehlo.abs %[[WIDE]] : tensor<4xf32>
// CHECK:      %[[FINITE_ABS:.*]] = stablehlo.select %{{.*}}, %[[ABS]], %{{.*}}
// CHECK:      %[[MAX:.*]] = stablehlo.reduce(%[[FINITE_ABS]] {{.*}} applies stablehlo.maximum
// CHECK:      %[[R_MAX:.*]] = stablehlo.bitcast_convert %{{.*}} : (tensor<i32>) -> tensor<f32>
// CHECK:      %[[R_MAX_FLOORED:.*]] = stablehlo.maximum %[[R_MAX]], %[[FLOOR]] : tensor<f32>
// CHECK:      %[[SQUARES:.*]] = stablehlo.multiply %[[ABS]], %[[ABS]] : tensor<4xf32>
// CHECK:      %[[SUM:.*]] = stablehlo.reduce(%[[SQUARES]] {{.*}} applies stablehlo.add
// CHECK:      %[[MEAN:.*]] = stablehlo.multiply %[[SUM]], %[[QUARTER]] : tensor<f32>
// CHECK:      stablehlo.sqrt %[[MEAN]] : tensor<f32>
// CHECK:      %[[R_RMS_FLOORED:.*]] = stablehlo.maximum %{{.*}}, %[[FLOOR]] : tensor<f32>
// CHECK:      %[[SHARDED:.*]] = stablehlo.custom_call @Sharding(%[[X]]) {mhlo.sharding = "{replicated}"} : (tensor<4xf16>) -> tensor<4xf16>
// CHECK:      stablehlo.multiply %[[R_MAX_FLOORED]], %[[K_SCALAR]] : tensor<f32>
// CHECK:      stablehlo.multiply %[[R_RMS_FLOORED]], %[[K_SCALAR]] : tensor<f32>
// CHECK:      %[[SHARDED_WIDE:.*]] = stablehlo.convert %[[SHARDED]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      stablehlo.multiply %[[SHARDED_WIDE]], %[[K]] : tensor<4xf32>
// CHECK-NOT:  scalify.
// CHECK:      return
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = stablehlo.constant dense<1024.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.custom_call @scalify.dynamic_rescale_max(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = stablehlo.custom_call @scalify.dynamic_rescale_l2_grad(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = stablehlo.custom_call @Sharding(%0) {mhlo.sharding = "{replicated}"} : (tensor<4xf32>) -> tensor<4xf32>
  return %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
