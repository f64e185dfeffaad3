// Window and scatter families at f16 (x * 4 is x's data at scale 4; k, u and src at scale 1):
// - convolution: K = 3 * 3 * 2 products per output, r = R(sqrt 18) = 4: conv(x, k) / 4 at scale
//   4 * 1 * 4 = 16;
// - scatter (add): operand and updates at their common scale (the zeros take any), summed in f32;
// - select_and_scatter: the selection reads x (its scale cancels in the comparison), the scattered
//   sum is of the source's data, at the source's scale 1.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[SIXTEEN:.*]] = stablehlo.constant dense<1.600000e+01> : tensor<1x6x6x4xf32>
// CHECK-DAG:  %[[QUARTER:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<1x6x6x4xf16>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf16>
// CHECK:      %[[K:.*]] = stablehlo.convert %arg1 : (tensor<3x3x2x4xf32>) -> tensor<3x3x2x4xf16>
// CHECK:      %[[CONV:.*]] = stablehlo.convolution(%[[X]], %[[K]])
// CHECK:      %[[CONV_DATA:.*]] = stablehlo.multiply %[[CONV]], %[[QUARTER]] : tensor<1x6x6x4xf16>
// CHECK:      %[[SUMMED:.*]] = "stablehlo.scatter"
// CHECK:        stablehlo.add
// CHECK:      (tensor<8xf32>, tensor<2x1xi32>, tensor<2xf32>) -> tensor<8xf32>
// CHECK:      stablehlo.convert %[[SUMMED]] : (tensor<8xf32>) -> tensor<8xf16>
// CHECK:      %[[X_DATA:.*]] = stablehlo.convert %[[X]] : (tensor<1x8x8x2xf16>) -> tensor<1x8x8x2xf32>
// CHECK:      "stablehlo.select_and_scatter"(%[[X_DATA]],
// CHECK:        stablehlo.compare  GE
// CHECK:        stablehlo.add
// CHECK:      %[[CONV_WIDE:.*]] = stablehlo.convert %[[CONV_DATA]] : (tensor<1x6x6x4xf16>) -> tensor<1x6x6x4xf32>
// CHECK-NEXT: stablehlo.multiply %[[CONV_WIDE]], %[[SIXTEEN]] : tensor<1x6x6x4xf32>
// CHECK:      return
func.func @main(%x: tensor<1x8x8x2xf32>, %k: tensor<3x3x2x4xf32>, %u: tensor<2xf32>, %src: tensor<1x4x4x2xf32>) -> (tensor<1x6x6x4xf32>, tensor<8xf32>, tensor<1x8x8x2xf32>) {
  %c = stablehlo.constant dense<4.0> : tensor<1x8x8x2xf32>
  %x4 = stablehlo.multiply %x, %c : tensor<1x8x8x2xf32>
  %0 = stablehlo.convolution(%x4, %k) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x8x8x2xf32>, tensor<3x3x2x4xf32>) -> tensor<1x6x6x4xf32>
  %zeros = stablehlo.constant dense<0.0> : tensor<8xf32>
  %idx = stablehlo.constant dense<[[1], [5]]> : tensor<2x1xi32>
  %1 = "stablehlo.scatter"(%zeros, %idx, %u) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %s = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %s : tensor<f32>
  }) {scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, indices_are_sorted = false, unique_indices = false} : (tensor<8xf32>, tensor<2x1xi32>, tensor<2xf32>) -> tensor<8xf32>
  %init = stablehlo.constant dense<0.0> : tensor<f32>
  %2 = "stablehlo.select_and_scatter"(%x4, %src, %init) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %ge = stablehlo.compare GE, %a, %b : (tensor<f32>, tensor<f32>) -> tensor<i1>
    stablehlo.return %ge : tensor<i1>
  }, {
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %s = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %s : tensor<f32>
  }) {window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>} : (tensor<1x8x8x2xf32>, tensor<1x4x4x2xf32>, tensor<f32>) -> tensor<1x8x8x2xf32>
  return %0, %1, %2 : tensor<1x6x6x4xf32>, tensor<8xf32>, tensor<1x8x8x2xf32>
}
