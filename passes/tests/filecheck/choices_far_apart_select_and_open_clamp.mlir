// More element-wise choices far apart, at f16 with static scales (x * 2^-20 is x's data at scale
// 2^-20, x * 2^20 at 2^20, y at scale 1): a select of x * 2^-20 and y, and a clamp with one open side,
// clamp(-1, x * 2^20, inf) = max(x * 2^20, -1), which may take the bound everywhere, where -1 would
// flush at 2^20. Each is made in f32 on operands aligned at the larger scale and rescaled from its
// result's max. (clamp(-1, x * 2^-20, inf) needs no such care: there -1 saturates, and x's data
// cannot reach it.)
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      %[[X_AT_1:.*]] = stablehlo.multiply %{{.*}}, %{{.*}} : tensor<4xf32>
// CHECK:      %[[Y_WIDE:.*]] = stablehlo.convert %{{.*}} : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[SELECTED:.*]] = stablehlo.select %arg2, %[[X_AT_1]], %[[Y_WIDE]] : tensor<4xi1>, tensor<4xf32>
// CHECK:      stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.maximum
// CHECK:      %[[SELECTED_DATA:.*]] = stablehlo.multiply %[[SELECTED]], %{{.*}} : tensor<4xf32>
// CHECK-NEXT: stablehlo.convert %[[SELECTED_DATA]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[CLAMPED:.*]] = stablehlo.clamp %{{.*}}, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// CHECK:      stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.maximum
// CHECK:      %[[CLAMPED_DATA:.*]] = stablehlo.multiply %[[CLAMPED]], %{{.*}} : tensor<4xf32>
// CHECK-NEXT: stablehlo.convert %[[CLAMPED_DATA]] : (tensor<4xf32>) -> tensor<4xf16>
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>, %p: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xf32>) {
  %tiny = stablehlo.constant dense<9.5367431640625e-07> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %tiny : tensor<4xf32>
  %1 = stablehlo.select %p, %0, %y : tensor<4xi1>, tensor<4xf32>
  %m1 = stablehlo.constant dense<-1.0> : tensor<f32>
  %inf = stablehlo.constant dense<0x7F800000> : tensor<f32>
  %huge = stablehlo.constant dense<1048576.0> : tensor<4xf32>
  %big = stablehlo.multiply %x, %huge : tensor<4xf32>
  %2 = stablehlo.clamp %m1, %big, %inf : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}
