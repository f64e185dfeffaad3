// while and a Shardy manual computation (shard_map's body) at f16; x * 4 is x's data at scale 4.
// - while: carried data at the entry scale (4); the sum v + x, both at 4, stays at
//   R(sqrt(4^2 + 4^2)) = 4, so each yield needs no rescale;
// - sdy.manual_computation (isolated region): entered at the static scale 4 (f16 data crosses the
//   boundary), its body rewritten like any region: x * 4 at 16 (the constant moves into the scale,
//   no op), summed over 16 elements with r = R(sqrt 16) = 4, at 64; the result leaves in f16 and is
//   read back * 64.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[SIXTY_FOUR:.*]] = stablehlo.constant dense<6.400000e+01> : tensor<f32>
// CHECK-DAG:  %[[FOUR:.*]] = stablehlo.constant dense<4.000000e+00> : tensor<4x8xf32>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4x8xf32>) -> tensor<4x8xf16>
// CHECK:      %[[LOOP:.*]]:2 = stablehlo.while(%[[I:.*]] = %{{.*}}, %[[V:.*]] = %[[X]]) : tensor<i32>, tensor<4x8xf16>
// CHECK:      } do {
// CHECK:        %[[SUM:.*]] = stablehlo.add %[[V]], %[[X]] : tensor<4x8xf16>
// CHECK:        stablehlo.return %{{.*}}, %[[SUM]] : tensor<i32>, tensor<4x8xf16>
// CHECK:      %[[MANUAL:.*]] = sdy.manual_computation(%[[X]]) in_shardings=[<@mesh, [{"data"}, {}]>] out_shardings=[<@mesh, []>] manual_axes={"data"} (%[[LOCAL:.*]]: tensor<2x8xf16>) {
// CHECK:        %[[WIDE:.*]] = stablehlo.convert %[[LOCAL]] : (tensor<2x8xf16>) -> tensor<2x8xf32>
// CHECK:        stablehlo.reduce(%[[WIDE]] init: %{{.*}}) applies stablehlo.add
// CHECK:        %[[OUT:.*]] = stablehlo.convert %{{.*}} : (tensor<f32>) -> tensor<f16>
// CHECK:        sdy.return %[[OUT]] : tensor<f16>
// CHECK:      } : (tensor<4x8xf16>) -> tensor<f16>
// CHECK:      %[[LOOP_WIDE:.*]] = stablehlo.convert %[[LOOP]]#1 : (tensor<4x8xf16>) -> tensor<4x8xf32>
// CHECK-NEXT: stablehlo.multiply %[[LOOP_WIDE]], %[[FOUR]] : tensor<4x8xf32>
// CHECK-NEXT: %[[MANUAL_WIDE:.*]] = stablehlo.convert %[[MANUAL]] : (tensor<f16>) -> tensor<f32>
// CHECK-NEXT: stablehlo.multiply %[[MANUAL_WIDE]], %[[SIXTY_FOUR]] : tensor<f32>
module attributes {mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32} {
  "sdy.mesh"() <{mesh = #sdy.mesh<["data"=2]>, sym_name = "mesh"}> : () -> ()
  func.func @main(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<f32>) {
    %c = stablehlo.constant dense<4.0> : tensor<4x8xf32>
    %x4 = stablehlo.multiply %x, %c : tensor<4x8xf32>
    %zero = stablehlo.constant dense<0> : tensor<i32>
    %w:2 = stablehlo.while(%i = %zero, %v = %x4) : tensor<i32>, tensor<4x8xf32>
     cond {
      %three = stablehlo.constant dense<3> : tensor<i32>
      %lt = stablehlo.compare LT, %i, %three : (tensor<i32>, tensor<i32>) -> tensor<i1>
      stablehlo.return %lt : tensor<i1>
    } do {
      %one = stablehlo.constant dense<1> : tensor<i32>
      %next = stablehlo.add %i, %one : tensor<i32>
      %sum = stablehlo.add %v, %x4 : tensor<4x8xf32>
      stablehlo.return %next, %sum : tensor<i32>, tensor<4x8xf32>
    }
    %m = "sdy.manual_computation"(%x4) <{in_shardings = #sdy.sharding_per_value<[<@mesh, [{"data"}, {}]>]>, manual_axes = #sdy<manual_axes{"data"}>, out_shardings = #sdy.sharding_per_value<[<@mesh, []>]>}> ({
    ^bb0(%local: tensor<2x8xf32>):
      %four = stablehlo.constant dense<4.0> : tensor<2x8xf32>
      %sq = stablehlo.multiply %local, %four : tensor<2x8xf32>
      %init = stablehlo.constant dense<0.0> : tensor<f32>
      %r = stablehlo.reduce(%sq init: %init) applies stablehlo.add across dimensions = [0, 1] : (tensor<2x8xf32>, tensor<f32>) -> tensor<f32>
      "sdy.return"(%r) : (tensor<f32>) -> ()
    }) : (tensor<4x8xf32>) -> tensor<f32>
    return %w#1, %m : tensor<4x8xf32>, tensor<f32>
  }
}
