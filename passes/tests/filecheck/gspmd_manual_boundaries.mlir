// GSPMD's manual-computation boundaries (shard_map lowered without Shardy) at f16, static scales
// (x * 4 is x's data at scale 4; run-time scales around them are refused, XLA's GSPMD partitioner
// aborts on them): SPMDFullToShardShape / SPMDShardToFullShape move the f16 data, the scale stays.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4x4xf32>) -> tensor<4x4xf16>
// CHECK:      %[[SHARD:.*]] = stablehlo.custom_call @SPMDFullToShardShape(%[[X]]) {mhlo.sharding = "{manual}"} : (tensor<4x4xf16>) -> tensor<2x4xf16>
// CHECK:      %[[FULL:.*]] = stablehlo.custom_call @SPMDShardToFullShape(%[[SHARD]]) {{.*}} : (tensor<2x4xf16>) -> tensor<4x4xf16>
// CHECK:      %[[WIDE:.*]] = stablehlo.convert %[[FULL]] : (tensor<4x4xf16>) -> tensor<4x4xf32>
// CHECK:      stablehlo.multiply %[[WIDE]], %{{.*}} : tensor<4x4xf32>
func.func @main(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %c = stablehlo.constant dense<4.0> : tensor<4x4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4x4xf32>
  %1 = stablehlo.custom_call @SPMDFullToShardShape(%0) {mhlo.sharding = "{manual}"} : (tensor<4x4xf32>) -> tensor<2x4xf32>
  %2 = stablehlo.custom_call @SPMDShardToFullShape(%1) {mhlo.sharding = "{devices=[2,1]<=[2]}"} : (tensor<2x4xf32>) -> tensor<4x4xf32>
  return %2 : tensor<4x4xf32>
}
