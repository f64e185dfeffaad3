// Collectives with static scales, at f16 (x * 4 is x's data at scale 4: a static scale means the
// same on every device). Moves (all_gather, all_to_all, collective_permute, collective_broadcast)
// carry the f16 data and keep the scale. reduce_scatter sums the data of the group in f32 (two
// devices: r = R(sqrt 2) = 1) and stores the result in f16 at the same scale. Channel handles kept.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[GATHERED:.*]] = "stablehlo.all_gather"(%[[X]]) {{.*}}handle = 1{{.*}} : (tensor<4xf16>) -> tensor<8xf16>
// CHECK:      %[[WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      %[[SCATTERED:.*]] = "stablehlo.reduce_scatter"(%[[WIDE]]) {{.*}}handle = 2
// CHECK:        stablehlo.add
// CHECK:      (tensor<4xf32>) -> tensor<2xf32>
// CHECK:      stablehlo.convert %[[SCATTERED]] : (tensor<2xf32>) -> tensor<2xf16>
// CHECK:      "stablehlo.all_to_all"(%[[X]]) {{.*}}handle = 3{{.*}} : (tensor<4xf16>) -> tensor<4xf16>
// CHECK:      "stablehlo.collective_permute"(%[[X]]) {{.*}}handle = 4{{.*}} : (tensor<4xf16>) -> tensor<4xf16>
// CHECK:      "stablehlo.collective_broadcast"(%[[X]]) {{.*}}handle = 5{{.*}} : (tensor<4xf16>) -> tensor<4xf16>
// CHECK:      %[[GATHERED_WIDE:.*]] = stablehlo.convert %[[GATHERED]] : (tensor<8xf16>) -> tensor<8xf32>
// CHECK:      stablehlo.multiply %[[GATHERED_WIDE]], %{{.*}} : tensor<8xf32>
// CHECK:      return
module attributes {mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32} {
func.func @main(%x: tensor<4xf32>) -> (tensor<8xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = stablehlo.constant dense<4.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = "stablehlo.all_gather"(%0) {all_gather_dim = 0 : i64, replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 1, type = 1>, use_global_device_ids} : (tensor<4xf32>) -> tensor<8xf32>
  %2 = "stablehlo.reduce_scatter"(%0) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %s = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %s : tensor<f32>
  }) {scatter_dimension = 0 : i64, replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 2, type = 1>, use_global_device_ids} : (tensor<4xf32>) -> tensor<2xf32>
  %3 = "stablehlo.all_to_all"(%0) {split_dimension = 0 : i64, concat_dimension = 0 : i64, split_count = 2 : i64, replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 3, type = 1>} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = "stablehlo.collective_permute"(%0) {source_target_pairs = dense<[[0, 1], [1, 0]]> : tensor<2x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 4, type = 1>} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = "stablehlo.collective_broadcast"(%0) {replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 5, type = 1>} : (tensor<4xf32>) -> tensor<4xf32>
  return %1, %2, %3, %4, %5 : tensor<8xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
}
