// Layout and control, at f16 (x * 8 is x's data at scale 8):
// - iota: iota / R(n) at scale R(n) (n = 4: data * 1/2, scale 2);
// - optimization_barrier: a barrier over the data, scales pass by;
// - dynamic_reshape: the data moves, the scale stays;
// - sort: the comparator orders the data (a positive scale keeps the order), the scale stays;
// - case: the branches yield data at a common scale (x at scale 1 is brought to 8 by * 1/8).
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[EIGHT:.*]] = stablehlo.constant dense<8.000000e+00> : tensor<4xf32>
// CHECK-DAG:  %[[TWO:.*]] = stablehlo.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK-DAG:  %[[EIGHTH:.*]] = stablehlo.constant dense<1.250000e-01> : tensor<4xf16>
// CHECK-DAG:  %[[HALF:.*]] = stablehlo.constant dense<5.000000e-01> : tensor<4xf32>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[IOTA:.*]] = stablehlo.iota dim = 0 : tensor<4xf32>
// CHECK:      %[[IOTA_AT_2:.*]] = stablehlo.multiply %[[IOTA]], %[[HALF]] : tensor<4xf32>
// CHECK:      %[[IOTA_DATA:.*]] = stablehlo.convert %[[IOTA_AT_2]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[BARRIER:.*]]:2 = stablehlo.optimization_barrier %[[X]], %[[IOTA_DATA]] : tensor<4xf16>, tensor<4xf16>
// CHECK:      %[[RESHAPED:.*]] = stablehlo.dynamic_reshape %[[BARRIER]]#0, %{{.*}} : (tensor<4xf16>, tensor<2xi64>) -> tensor<2x2xf16>
// CHECK:      "stablehlo.sort"
// CHECK:      "stablehlo.case"(%arg1)
// CHECK-NEXT:   stablehlo.return %[[BARRIER]]#0 : tensor<4xf16>
// CHECK:        %[[X_AT_8:.*]] = stablehlo.multiply %[[X]], %[[EIGHTH]] : tensor<4xf16>
// CHECK-NEXT:   stablehlo.return %[[X_AT_8]] : tensor<4xf16>
// CHECK:      %[[BARRIER_IOTA:.*]] = stablehlo.convert %[[BARRIER]]#1 : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      stablehlo.multiply %[[BARRIER_IOTA]], %[[TWO]] : tensor<4xf32>
// CHECK:      return
func.func @main(%x: tensor<4xf32>, %p: tensor<i32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = stablehlo.constant dense<8.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.iota dim = 0 : tensor<4xf32>
  %2:2 = stablehlo.optimization_barrier %0, %1 : tensor<4xf32>, tensor<4xf32>
  %shape = stablehlo.constant dense<[2, 2]> : tensor<2xi64>
  %3 = stablehlo.dynamic_reshape %2#0, %shape : (tensor<4xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  %4 = "stablehlo.sort"(%2#0) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %lt = stablehlo.compare LT, %a, %b : (tensor<f32>, tensor<f32>) -> tensor<i1>
    stablehlo.return %lt : tensor<i1>
  }) {dimension = 0 : i64, is_stable = true} : (tensor<4xf32>) -> tensor<4xf32>
  %5 = "stablehlo.case"(%p) ({
    stablehlo.return %2#0 : tensor<4xf32>
  }, {
    stablehlo.return %x : tensor<4xf32>
  }) : (tensor<i32>) -> tensor<4xf32>
  return %2#1, %4, %3, %5, %1 : tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>, tensor<4xf32>
}
