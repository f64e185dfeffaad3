// Bounded functions and clamps at a small input scale (x * 2^-10, so sx = 2^-10), f16 data:
// - tanh is contracting: its result is re-expressed at min(sx, 1) = 2^-10 (times 1024 in f32 before
//   the f16 cast), not at scale 1 where values near 1e-3 would lose their low bits;
// - clamp(0.5, x, 2) has two finite bounds on one side of 0: all three at the bounds' scale 2 (x's
//   data times 2^-11, the bounds 1/4 and 1), so the clamped value's data is bounded by 1;
// - clamp(-4, x, 4) has bounds around 0, so its result is also no larger than x: at min(sx, 4) =
//   2^-10, x's data as it is, the bounds +-4096;
// - clamp(finfo.min, x, 1) has an open side: at x's scale, the sentinel saturated to -65504 and the
//   bound 1 at 1024;
// - a masked select floors the common scale so that the saturated fill keeps a true magnitude of at
//   least 128 (2^-8 * 65504): x's data times 1/4, the output times 2^-8.
// RUN: scalify-opt %s --scalify="data-type=f16 rescale-inputs=none rescale-results=none" | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[POW_M8:.*]] = stablehlo.constant dense<3.906250e-03> : tensor<4xf32>
// CHECK-DAG:  %[[TWO:.*]] = stablehlo.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK-DAG:  %[[POW_M10:.*]] = stablehlo.constant dense<9.765625E-4> : tensor<4xf32>
// CHECK-DAG:  %[[FILL:.*]] = stablehlo.constant dense<-6.550400e+04> : tensor<4xf16>
// CHECK-DAG:  %[[QUARTER:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<4xf16>
// CHECK-DAG:  %[[HI_OPEN:.*]] = stablehlo.constant dense<1.024000e+03> : tensor<f16>
// CHECK-DAG:  %[[LO_OPEN:.*]] = stablehlo.constant dense<-6.550400e+04> : tensor<f16>
// CHECK-DAG:  %[[POW_M11:.*]] = stablehlo.constant dense<4.882810e-04> : tensor<4xf16>
// CHECK-DAG:  %[[ONE:.*]] = stablehlo.constant dense<1.000000e+00> : tensor<f16>
// CHECK-DAG:  %[[QUARTER_LO:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<f16>
// CHECK-DAG:  %[[POW_12:.*]] = stablehlo.constant dense<4.096000e+03> : tensor<f16>
// CHECK-DAG:  %[[MINUS_POW_12:.*]] = stablehlo.constant dense<-4.096000e+03> : tensor<f16>
// CHECK-DAG:  %[[POW_10:.*]] = stablehlo.constant dense<1.024000e+03> : tensor<4xf32>
// CHECK:      %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[T:.*]] = stablehlo.tanh %{{.*}} : tensor<4xf32>
// CHECK:      %[[T_DATA:.*]] = stablehlo.multiply %[[T]], %[[POW_10]] : tensor<4xf32>
// CHECK:      stablehlo.convert %[[T_DATA]] : (tensor<4xf32>) -> tensor<4xf16>
// CHECK:      %[[X_AT_2:.*]] = stablehlo.multiply %[[X]], %[[POW_M11]] : tensor<4xf16>
// CHECK:      %[[SHIFTED:.*]] = stablehlo.clamp %[[QUARTER_LO]], %[[X_AT_2]], %[[ONE]]
// CHECK:      %[[CLOSED:.*]] = stablehlo.clamp %[[MINUS_POW_12]], %[[X]], %[[POW_12]]
// CHECK:      %[[OPEN:.*]] = stablehlo.clamp %[[LO_OPEN]], %[[X]], %[[HI_OPEN]]
// CHECK:      %[[X_AT_FLOOR:.*]] = stablehlo.multiply %[[X]], %[[QUARTER]] : tensor<4xf16>
// CHECK:      %[[MASKED:.*]] = stablehlo.select %arg1, %[[X_AT_FLOOR]], %[[FILL]]
// CHECK:      stablehlo.convert %[[SHIFTED]]
// CHECK-NEXT: stablehlo.multiply %{{.*}}, %[[TWO]] : tensor<4xf32>
// CHECK:      stablehlo.convert %[[CLOSED]]
// CHECK-NEXT: stablehlo.multiply %{{.*}}, %[[POW_M10]] : tensor<4xf32>
// CHECK:      stablehlo.convert %[[MASKED]]
// CHECK-NEXT: stablehlo.multiply %{{.*}}, %[[POW_M8]] : tensor<4xf32>
func.func @main(%x: tensor<4xf32>, %m: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %k = stablehlo.constant dense<9.765625E-4> : tensor<4xf32>
  %small = stablehlo.multiply %x, %k : tensor<4xf32>
  %t = stablehlo.tanh %small : tensor<4xf32>
  %lo = stablehlo.constant dense<-4.0> : tensor<f32>
  %hi = stablehlo.constant dense<4.0> : tensor<f32>
  %half = stablehlo.constant dense<0.5> : tensor<f32>
  %two = stablehlo.constant dense<2.0> : tensor<f32>
  %shifted = stablehlo.clamp %half, %small, %two : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %closed = stablehlo.clamp %lo, %small, %hi : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %min = stablehlo.constant dense<-3.40282347E+38> : tensor<f32>
  %one = stablehlo.constant dense<1.0> : tensor<f32>
  %open = stablehlo.clamp %min, %small, %one : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %fill = stablehlo.constant dense<-3.40282347E+38> : tensor<4xf32>
  %masked = stablehlo.select %m, %small, %fill : tensor<4xi1>, tensor<4xf32>
  return %t, %shifted, %closed, %open, %masked : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
