// Functions whose result the scales do not change or whose range is fixed, at f16 (x * 4 is x's
// data at scale 4, y at scale 1):
// - scale-free: sign and is_finite read the data alone (a power-of-two scale keeps sign and finiteness);
// - aligned-to-unit: atan2 of operands at a common scale (y's data * 1/4 joins x at 4), result scale 1;
// - unscaled: log1p of the true value (data * 4, in f32), stored at scale 1;
// - at-input-scale: floor of the true value, re-expressed at x's scale (* 1/4), read back * 4.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[QUARTER32:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<4xf32>
// CHECK-DAG:  %[[FOUR:.*]] = stablehlo.constant dense<4.000000e+00> : tensor<4xf32>
// CHECK-DAG:  %[[QUARTER:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<4xf16>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[SIGN:.*]] = stablehlo.sign %[[X]] : tensor<4xf16>
// CHECK:      %[[FINITE:.*]] = stablehlo.is_finite %[[X]] : (tensor<4xf16>) -> tensor<4xi1>
// CHECK:      %[[Y:.*]] = stablehlo.convert %arg1 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[Y_AT_4:.*]] = stablehlo.multiply %[[Y]], %[[QUARTER]] : tensor<4xf16>
// CHECK:      %[[ATAN2:.*]] = stablehlo.atan2 %[[X]], %[[Y_AT_4]] : tensor<4xf16>
// CHECK:      %[[WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      %[[TRUE:.*]] = stablehlo.multiply %[[WIDE]], %[[FOUR]] : tensor<4xf32>
// CHECK:      %[[LOG1P:.*]] = stablehlo.log_plus_one %[[TRUE]] : tensor<4xf32>
// CHECK:      stablehlo.convert %[[LOG1P]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[FLOOR:.*]] = stablehlo.floor %[[TRUE]] : tensor<4xf32>
// CHECK:      %[[FLOOR_AT_4:.*]] = stablehlo.multiply %[[FLOOR]], %[[QUARTER32]] : tensor<4xf32>
// CHECK:      %[[FLOOR_DATA:.*]] = stablehlo.convert %[[FLOOR_AT_4]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      stablehlo.convert %[[SIGN]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      stablehlo.convert %[[ATAN2]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      %[[FLOOR_WIDE:.*]] = stablehlo.convert %[[FLOOR_DATA]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK:      %[[FLOOR_OUT:.*]] = stablehlo.multiply %[[FLOOR_WIDE]], %[[FOUR]] : tensor<4xf32>
// CHECK:      return {{.*}}, %[[FINITE]], {{.*}}, %[[FLOOR_OUT]]
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = stablehlo.constant dense<4.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.sign %0 : tensor<4xf32>
  %2 = stablehlo.is_finite %0 : (tensor<4xf32>) -> tensor<4xi1>
  %3 = stablehlo.atan2 %0, %y : tensor<4xf32>
  %4 = stablehlo.log_plus_one %0 : tensor<4xf32>
  %5 = stablehlo.floor %0 : tensor<4xf32>
  return %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xi1>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
