// Collectives whose operand has a run-time scale (the marker rescales x from its own max, which may
// differ between devices), at f16:
// - all_gather, reduce_scatter, all_to_all and all_reduce first agree on one scale: a scalar
//   all_reduce (maximum) of the scale over the same groups, each on a channel no op uses (6, 7, 8;
//   all_to_all's channel spans partitions, so its all_reduce takes global device ids; a collective
//   without a channel adds one without), then the data is brought to the agreed scale;
// - collective_permute and collective_broadcast send the scale alongside the data, with a scalar
//   collective of their own kind (channels 9, 10), floored at the smallest normal f32 (devices no
//   pair sends to receive zeros).
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[FLOOR:.*]] = stablehlo.constant dense<1.17549435E-38> : tensor<f32>
// CHECK:      %[[S:.*]] = stablehlo.maximum %{{.*}}, %{{.*}} : tensor<f32>
// CHECK:      %[[AGREED:.*]] = "stablehlo.all_reduce"(%[[S]]) <{channel_handle = #stablehlo.channel_handle<handle = 6, type = 1>, replica_groups = dense<{{\[\[}}0, 1]]> : tensor<1x2xi64>, use_global_device_ids}>
// CHECK:        stablehlo.maximum
// CHECK:      (tensor<f32>) -> tensor<f32>
// CHECK:      stablehlo.divide %[[S]], %{{.*}} : tensor<f32>
// CHECK:      %[[GATHERED:.*]] = "stablehlo.all_gather"(%{{.*}}) {{.*}}handle = 1,{{.*}} : (tensor<4xf16>) -> tensor<8xf16>
// CHECK:      "stablehlo.all_reduce"(%[[S]]) <{channel_handle = #stablehlo.channel_handle<handle = 7, type = 1>
// CHECK:      "stablehlo.reduce_scatter"(%{{.*}}) {{.*}}handle = 2,
// CHECK:      "stablehlo.all_reduce"(%[[S]]) <{channel_handle = #stablehlo.channel_handle<handle = 8, type = 1>, replica_groups = dense<{{\[\[}}0, 1]]> : tensor<1x2xi64>, use_global_device_ids}>
// CHECK:      "stablehlo.all_to_all"(%{{.*}}) {{.*}}handle = 3,
// CHECK:      %[[SENT:.*]] = "stablehlo.collective_permute"(%[[S]]) <{channel_handle = #stablehlo.channel_handle<handle = 9, type = 1>, source_target_pairs = dense<{{\[\[}}0, 1]]> : tensor<1x2xi64>}> : (tensor<f32>) -> tensor<f32>
// CHECK:      %[[PERMUTED_SCALE:.*]] = stablehlo.maximum %[[SENT]], %[[FLOOR]] : tensor<f32>
// CHECK:      %[[PERMUTED:.*]] = "stablehlo.collective_permute"(%{{.*}}) {{.*}}handle = 4,{{.*}} : (tensor<4xf16>) -> tensor<4xf16>
// CHECK:      "stablehlo.collective_broadcast"(%[[S]]) <{channel_handle = #stablehlo.channel_handle<handle = 10, type = 1>, replica_groups = dense<{{\[\[}}0, 1]]> : tensor<1x2xi64>}> : (tensor<f32>) -> tensor<f32>
// CHECK:      "stablehlo.collective_broadcast"(%{{.*}}) {{.*}}handle = 5,
// CHECK:      "stablehlo.all_reduce"(%[[S]]) <{replica_groups = dense<{{\[\[}}0, 1]]> : tensor<1x2xi64>}>
// CHECK:      %[[GATHERED_WIDE:.*]] = stablehlo.convert %[[GATHERED]] : (tensor<8xf16>) -> tensor<8xf32>
// CHECK:      %[[AGREED_WIDE:.*]] = stablehlo.broadcast_in_dim %[[AGREED]], dims = [] : (tensor<f32>) -> tensor<8xf32>
// CHECK:      stablehlo.multiply %[[GATHERED_WIDE]], %[[AGREED_WIDE]] : tensor<8xf32>
// CHECK:      %[[PERMUTED_WIDE:.*]] = stablehlo.convert %[[PERMUTED]]
// CHECK:      %[[PERMUTED_SCALE_WIDE:.*]] = stablehlo.broadcast_in_dim %[[PERMUTED_SCALE]]
// CHECK:      stablehlo.multiply %[[PERMUTED_WIDE]], %[[PERMUTED_SCALE_WIDE]]
// CHECK:      return
module attributes {mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32} {
func.func @main(%x: tensor<4xf32>) -> (tensor<8xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = stablehlo.custom_call @scalify.dynamic_rescale_max(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "stablehlo.all_gather"(%0) {all_gather_dim = 0 : i64, replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 1, type = 1>, use_global_device_ids} : (tensor<4xf32>) -> tensor<8xf32>
  %2 = "stablehlo.reduce_scatter"(%0) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %s = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %s : tensor<f32>
  }) {scatter_dimension = 0 : i64, replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 2, type = 1>, use_global_device_ids} : (tensor<4xf32>) -> tensor<2xf32>
  %3 = "stablehlo.all_to_all"(%0) {split_dimension = 0 : i64, concat_dimension = 0 : i64, split_count = 2 : i64, replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 3, type = 1>} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = "stablehlo.collective_permute"(%0) {source_target_pairs = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 4, type = 1>} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = "stablehlo.collective_broadcast"(%0) {replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 5, type = 1>} : (tensor<4xf32>) -> tensor<4xf32>
  %6 = "stablehlo.all_reduce"(%0) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %m = stablehlo.maximum %a, %b : tensor<f32>
    stablehlo.return %m : tensor<f32>
  }) {replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>} : (tensor<4xf32>) -> tensor<4xf32>
  return %1, %2, %3, %4, %5, %6 : tensor<8xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
}
