// More markers, at f16 with FP8 matmuls:
// - dynamic_rescale_l1 / _l2 / _max_grad / _l1_grad: each a run-time rescale of its own statistic
//   (mean |x|: a sum of |x| times 1/16; RMS: a sqrt); none is left in the output;
// - fp8_forward / fp8_backward: format hints read by the FP8 lowering: the dot's operands become
//   E4M3 (forward) and E5M2 (backward), the product f32.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none matmul-type=f8 fp8-min-flops=0" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK:      stablehlo.reduce({{.*}} applies stablehlo.add
// CHECK:      stablehlo.sqrt
// CHECK:      %[[A:.*]] = stablehlo.convert %{{.*}} : (tensor<4x4xf32>) -> tensor<4x4xf8E4M3FN>
// CHECK:      %[[B:.*]] = stablehlo.convert %{{.*}} : (tensor<4x4xf32>) -> tensor<4x4xf8E5M2>
// CHECK:      stablehlo.dot_general %[[A]], %[[B]], contracting_dims = [1] x [0] : (tensor<4x4xf8E4M3FN>, tensor<4x4xf8E5M2>) -> tensor<4x4xf32>
// CHECK-NOT:  @scalify.
// CHECK:      return
func.func @main(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %0 = stablehlo.custom_call @scalify.dynamic_rescale_l1(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = stablehlo.custom_call @scalify.dynamic_rescale_l2(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %2 = stablehlo.custom_call @scalify.dynamic_rescale_max_grad(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %3 = stablehlo.custom_call @scalify.dynamic_rescale_l1_grad(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %4 = stablehlo.custom_call @scalify.fp8_forward(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %5 = stablehlo.custom_call @scalify.fp8_backward(%w) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %6 = stablehlo.dot_general %4, %5, contracting_dims = [1] x [0] : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %9 = stablehlo.add %0, %1 : tensor<4x4xf32>
  %10 = stablehlo.add %2, %3 : tensor<4x4xf32>
  return %9, %10, %6 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
