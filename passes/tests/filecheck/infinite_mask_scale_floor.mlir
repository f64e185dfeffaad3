// A `-inf` mask added to data whose scale is a run-time statistic: an all-zero tensor's statistic is
// 0 (logits of a zero-initialized layer), and the masked entries' -inf data at scale 0 would be NaN
// once unscaled. The sum's scale is floored at f32's smallest normal (2^-126, the same `maximum` the
// statistic's reciprocal takes, so here no new op), while x's data enter the add as they are.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=max rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[NEG_INF:.*]] = stablehlo.constant dense<0xFC00> : tensor<4xf16>
// CHECK-DAG:  %[[SMALLEST_NORMAL:.*]] = stablehlo.constant dense<1.17549435E-38> : tensor<f32>
// CHECK:      %[[MAX:.*]] = stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.maximum
// CHECK:      %[[STATISTIC:.*]] = stablehlo.bitcast_convert %{{.*}} : (tensor<i32>) -> tensor<f32>
// CHECK-NEXT: %[[FLOORED:.*]] = stablehlo.maximum %[[STATISTIC]], %[[SMALLEST_NORMAL]] : tensor<f32>
// CHECK:      %[[MASK:.*]] = stablehlo.select %arg1, %{{.*}}, %[[NEG_INF]] : tensor<4xi1>, tensor<4xf16>
// CHECK-NEXT: %[[X:.*]] = stablehlo.convert %{{.*}} : (tensor<4xf32>) -> tensor<4xf16>
// CHECK-NEXT: %[[SUM:.*]] = stablehlo.add %[[X]], %[[MASK]] : tensor<4xf16>
// CHECK-NEXT: %[[WIDE:.*]] = stablehlo.convert %[[SUM]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[SCALE:.*]] = stablehlo.broadcast_in_dim %[[FLOORED]], dims = [] : (tensor<f32>) -> tensor<4xf32>
// CHECK-NEXT: stablehlo.multiply %[[WIDE]], %[[SCALE]] : tensor<4xf32>
func.func @main(%x: tensor<4xf32>, %p: tensor<4xi1>) -> tensor<4xf32> {
  %zero = stablehlo.constant dense<0.0> : tensor<4xf32>
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<4xf32>
  %mask = stablehlo.select %p, %zero, %ninf : tensor<4xi1>, tensor<4xf32>
  %0 = stablehlo.add %x, %mask : tensor<4xf32>
  return %0 : tensor<4xf32>
}
