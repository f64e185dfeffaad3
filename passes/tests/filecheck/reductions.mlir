// Reductions at bf16: the sum over 16 elements brings its data back by r = R(sqrt 16) = 4 (sum / 4 at
// scale 4, read back * 4); max and argmax keep the input's scale (x at 1: no multiply at all); all
// three reduce in f32 on the bf16 data, the -inf init kept as bf16's -inf; argmax's index reduction
// rides along in the same variadic reduce.
// RUN: scalify-opt %s --scalify="data-type=bf16" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[FOUR:.*]] = stablehlo.constant dense<4.000000e+00> : tensor<4xf32>
// CHECK-DAG:  %[[QUARTER:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<4xf32>
// CHECK-DAG:  %[[NEG_INF:.*]] = stablehlo.constant dense<0xFF80> : tensor<bf16>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4x16xf32>) -> tensor<4x16xbf16>
// CHECK:      %[[X_WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4x16xbf16>) -> tensor<4x16xf32>
// CHECK:      %[[SUM:.*]] = stablehlo.reduce(%[[X_WIDE]] init: %{{.*}}) applies stablehlo.add across dimensions = [1]
// CHECK:      %[[SUM_AT_4:.*]] = stablehlo.multiply %[[SUM]], %[[QUARTER]] : tensor<4xf32>
// CHECK:      %[[SUM_DATA:.*]] = stablehlo.convert %[[SUM_AT_4]] : (tensor<4xf32>) -> tensor<4xbf16>
// CHECK:      %[[INIT:.*]] = stablehlo.convert %[[NEG_INF]] : (tensor<bf16>) -> tensor<f32>
// CHECK:      %[[MAX:.*]] = stablehlo.reduce(%[[X_WIDE]] init: %[[INIT]]) applies stablehlo.maximum across dimensions = [1]
// CHECK:      %[[ARGMAX:.*]]:2 = stablehlo.reduce(%[[X_WIDE]] init: %[[INIT]]), (%{{.*}} init: %{{.*}}) across dimensions = [1]
// CHECK:      stablehlo.compare  GT
// CHECK:      %[[SUM_WIDE:.*]] = stablehlo.convert %[[SUM_DATA]] : (tensor<4xbf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[SUM_OUT:.*]] = stablehlo.multiply %[[SUM_WIDE]], %[[FOUR]] : tensor<4xf32>
// CHECK:      return %[[SUM_OUT]], %{{.*}}, %{{.*}}, %[[ARGMAX]]#1
func.func @main(%x: tensor<4x16xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>) {
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %izero = stablehlo.constant dense<0> : tensor<i32>
  %0 = stablehlo.reduce(%x init: %zero) applies stablehlo.add across dimensions = [1] : (tensor<4x16xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = stablehlo.reduce(%x init: %ninf) applies stablehlo.maximum across dimensions = [1] : (tensor<4x16xf32>, tensor<f32>) -> tensor<4xf32>
  %iota = stablehlo.iota dim = 1 : tensor<4x16xi32>
  %2:2 = stablehlo.reduce(%x init: %ninf), (%iota init: %izero) across dimensions = [1] : (tensor<4x16xf32>, tensor<4x16xi32>, tensor<f32>, tensor<i32>) -> (tensor<4xf32>, tensor<4xi32>)
    reducer(%a: tensor<f32>, %b: tensor<f32>) (%i: tensor<i32>, %j: tensor<i32>) {
      %gt = stablehlo.compare GT, %a, %b : (tensor<f32>, tensor<f32>) -> tensor<i1>
      %v = stablehlo.select %gt, %a, %b : tensor<i1>, tensor<f32>
      %k = stablehlo.select %gt, %i, %j : tensor<i1>, tensor<i32>
      stablehlo.return %v, %k : tensor<f32>, tensor<i32>
    }
  return %0, %1, %2#0, %2#1 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>
}
