// Invariant rows with dynamic shapes and Shardy's annotations (read in generic form, printed in
// Shardy's custom form), at f16; x * 16 is x's data at scale 16. The data moves in f16, the scale stays: each
// result is read back as data * 16.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[K1:.*]] = stablehlo.constant dense<1.600000e+01> : tensor<2xf32>
// CHECK-DAG:  %[[K2:.*]] = stablehlo.constant dense<1.600000e+01> : tensor<2x4xf32>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[SLICE:.*]] = stablehlo.real_dynamic_slice %[[X]], {{.*}} -> tensor<2xf16>
// CHECK:      %[[BROADCAST:.*]] = stablehlo.dynamic_broadcast_in_dim %[[X]], {{.*}} -> tensor<2x4xf16>
// CHECK:      %[[CONSTRAINED:.*]] = sdy.sharding_constraint %[[BROADCAST]] <@mesh, [{}, {}]> : tensor<2x4xf16>
// CHECK:      %[[RESHARDED:.*]] = sdy.reshard %[[CONSTRAINED]] <@mesh, [{}, {}]> : tensor<2x4xf16>
// CHECK:      %[[SLICE_WIDE:.*]] = stablehlo.convert %[[SLICE]] : (tensor<2xf16>) -> tensor<2xf32>
// CHECK:      stablehlo.multiply %[[SLICE_WIDE]], %[[K1]] : tensor<2xf32>
// CHECK:      %[[RESHARDED_WIDE:.*]] = stablehlo.convert %[[RESHARDED]] : (tensor<2x4xf16>) -> tensor<2x4xf32>
// CHECK:      stablehlo.multiply %[[RESHARDED_WIDE]], %[[K2]] : tensor<2x4xf32>
func.func @main(%x: tensor<4xf32>) -> (tensor<2xf32>, tensor<2x4xf32>) {
  %c = stablehlo.constant dense<16.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %start = stablehlo.constant dense<1> : tensor<1xi64>
  %limit = stablehlo.constant dense<3> : tensor<1xi64>
  %stride = stablehlo.constant dense<1> : tensor<1xi64>
  %1 = stablehlo.real_dynamic_slice %0, %start, %limit, %stride : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xf32>
  %shape = stablehlo.constant dense<[2, 4]> : tensor<2xi64>
  %2 = stablehlo.dynamic_broadcast_in_dim %0, %shape, dims = [1] : (tensor<4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  %3 = "sdy.sharding_constraint"(%2) <{sharding = #sdy.sharding<@mesh, [{}, {}]>}> : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %4 = "sdy.reshard"(%3) <{sharding = #sdy.sharding<@mesh, [{}, {}]>}> : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1, %4 : tensor<2xf32>, tensor<2x4xf32>
}
