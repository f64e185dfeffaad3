// A Shardy manual computation (in the custom form jax's as_text() writes) whose operand has a
// run-time scale, and whose body computes another, at f16:
// - the operand's scale enters as an extra operand after the op's own, replicated (`<@mesh, []>`
//   appended to in_shardings), read inside as the block argument after the data's;
// - the body's result has a per-device run-time scale, which cannot leave as it is: the data leaves
//   in f32 at the static part of its scale (1), and is rescaled outside from its max over the whole
//   array (a reduction the partitioner spans across devices).
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[SCALE:.*]] = stablehlo.maximum %{{.*}}, %{{.*}} : tensor<f32>
// CHECK:      %[[DATA:.*]] = stablehlo.convert %{{.*}} : (tensor<4x8xf32>) -> tensor<4x8xf16>
// CHECK:      %[[MANUAL:.*]] = sdy.manual_computation(%[[DATA]], %[[SCALE]]) in_shardings=[<@mesh, [{"data"}, {}]>, <@mesh, []>] out_shardings=[<@mesh, [{"data"}, {}]>] manual_axes={"data"} (%[[LOCAL:.*]]: tensor<2x8xf16>, %[[LOCAL_SCALE:.*]]: tensor<f32>) {
// CHECK:        stablehlo.convert %[[LOCAL]] : (tensor<2x8xf16>) -> tensor<2x8xf32>
// CHECK:        stablehlo.multiply %[[LOCAL_SCALE]], %{{.*}} : tensor<f32>
// CHECK:        %[[SUM:.*]] = stablehlo.add %{{.*}}, %{{.*}} : tensor<2x8xf16>
// CHECK:        %[[SUM_WIDE:.*]] = stablehlo.convert %[[SUM]] : (tensor<2x8xf16>) -> tensor<2x8xf32>
// CHECK:        %[[OUT:.*]] = stablehlo.multiply %[[SUM_WIDE]], %{{.*}} : tensor<2x8xf32>
// CHECK:        sdy.return %[[OUT]] : tensor<2x8xf32>
// CHECK:      } : (tensor<4x8xf16>, tensor<f32>) -> tensor<4x8xf32>
// CHECK:      %[[ABS:.*]] = stablehlo.abs %[[MANUAL]] : tensor<4x8xf32>
// CHECK:      %[[FINITE_ABS:.*]] = stablehlo.select %{{.*}}, %[[ABS]], %{{.*}}
// CHECK:      stablehlo.reduce(%[[FINITE_ABS]] init: %{{.*}}) applies stablehlo.maximum across dimensions = [0, 1]
// CHECK:      stablehlo.convert %{{.*}} : (tensor<4x8xf32>) -> tensor<4x8xf16>
// CHECK:      return
module attributes {mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32} {
  sdy.mesh @mesh = <["data"=2]>
  func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
    %0 = stablehlo.custom_call @scalify.dynamic_rescale_max(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
    %1 = sdy.manual_computation(%0) in_shardings=[<@mesh, [{"data"}, {}]>] out_shardings=[<@mesh, [{"data"}, {}]>] manual_axes={"data"} (%local: tensor<2x8xf32>) {
      %2 = stablehlo.custom_call @scalify.dynamic_rescale_max(%local) : (tensor<2x8xf32>) -> tensor<2x8xf32>
      %3 = stablehlo.add %2, %local : tensor<2x8xf32>
      sdy.return %3 : tensor<2x8xf32>
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    return %1 : tensor<4x8xf32>
  }
}
