// FP8 lowering with operand scales from propagation (rescale=none): each operand clamped to E4M3FN's
// +-448 (XLA's convert does not saturate) and converted, dot_general(f8, f8) -> f32, then the product
// brought back near unit scale by 1/R(sqrt(32)) = 1/4 in one multiply (XLA's cuBLASLt FP8 pattern);
// the result carries scale 4.
// RUN: scalify-opt %s --scalify="data-type=f16 matmul-type=f8 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[SCALE:.*]] = stablehlo.constant dense<4.000000e+00> : tensor<16x8xf32>
// CHECK-DAG:  %[[QUARTER:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<16x8xf32>
// CHECK-DAG:  %[[LOW:.*]] = stablehlo.constant dense<-4.480000e+02> : tensor<16x32xf32>
// CHECK-DAG:  %[[HIGH:.*]] = stablehlo.constant dense<4.480000e+02> : tensor<16x32xf32>
// CHECK:      %[[A:.*]] = stablehlo.clamp %[[LOW]], %{{.*}}, %[[HIGH]] : tensor<16x32xf32>
// CHECK:      %[[A8:.*]] = stablehlo.convert %[[A]] : (tensor<16x32xf32>) -> tensor<16x32xf8E4M3FN>
// CHECK:      %[[B8:.*]] = stablehlo.convert %{{.*}} : (tensor<32x8xf32>) -> tensor<32x8xf8E4M3FN>
// CHECK:      %[[P:.*]] = stablehlo.dot_general %[[A8]], %[[B8]], contracting_dims = [1] x [0] : (tensor<16x32xf8E4M3FN>, tensor<32x8xf8E4M3FN>) -> tensor<16x8xf32>
// CHECK:      stablehlo.multiply %[[P]], %[[QUARTER]] : tensor<16x8xf32>
// CHECK:      stablehlo.multiply %{{.*}}, %[[SCALE]] : tensor<16x8xf32>
// CHECK-NOT:  stablehlo.reduce
func.func @main(%a: tensor<16x32xf32>, %b: tensor<32x8xf32>) -> tensor<16x8xf32> {
  %0 = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}
