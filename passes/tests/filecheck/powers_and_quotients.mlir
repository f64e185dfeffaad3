// Quotient, sqrt, rsqrt, power and convert, at bf16 and f16 before CHLO legalization (x * 8 is x's
// data at scale 8: a power-of-two factor costs no op; y at scale 1):
// - quotient: data / data, scale 8 / 1 at bf16; at f16, where a quotient by small data leaves the
//   range, computed in f32 and rescaled from its max (over its finite elements);
// - sqrt: R(sqrt 8) = 2 leaves k = 8 / 2^2 = 2 in the data: sqrt(2 * data) at scale 2;
// - rsqrt: rsqrt(2 * data) at scale 1/2;
// - power by the splat 3: computed on unscaled values (data^3 would move the data's exponent three
//   times as far from 0 as the value's: beyond f16's range for outliers of unit-RMS data, and below
//   f32's normal range for data of 2^-40 whose value at scale 2^10 cubes to 2^-90); at bf16 (f32's
//   range) the result is taken at scale 1, at f16 rescaled from its max;
// - convert float -> float keeps data and scale (the bf16 result is unscaled at the boundary).
// RUN: scalify-opt %s --pass-pipeline="builtin.module(scalify{data-type=bf16 rescale-inputs=none rescale-results=none})" | FileCheck %s
// RUN: scalify-opt %s --pass-pipeline="builtin.module(scalify{data-type=f16 rescale-inputs=none rescale-results=none})" | FileCheck %s --check-prefix=F16

// F16-LABEL: func.func @main
// F16:        %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// F16:        %[[Y:.*]] = stablehlo.convert %arg1 : (tensor<4xf32>) -> tensor<4xf16>
// F16:        %[[X_F32:.*]] = stablehlo.convert %[[X]] : (tensor<4xf16>) -> tensor<4xf32>
// F16-NEXT:   %[[Y_F32:.*]] = stablehlo.convert %[[Y]] : (tensor<4xf16>) -> tensor<4xf32>
// F16-NEXT:   %[[Q:.*]] = stablehlo.divide %[[X_F32]], %[[Y_F32]] : tensor<4xf32>
// F16-NEXT:   %[[Q_ABS:.*]] = stablehlo.abs %[[Q]] : tensor<4xf32>
// F16-NEXT:   %[[Q_FINITE:.*]] = stablehlo.is_finite %[[Q]] : (tensor<4xf32>) -> tensor<4xi1>
// F16:        %[[Q_FINITE_ABS:.*]] = stablehlo.select %[[Q_FINITE]], %[[Q_ABS]], %{{.*}}
// F16:        stablehlo.reduce(%[[Q_FINITE_ABS]] init: %{{.*}}) applies stablehlo.maximum
// F16:        %[[X_WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4xf16>) -> tensor<4xf32>
// F16:        %[[X_TRUE:.*]] = stablehlo.multiply %[[X_WIDE]], %{{.*}} : tensor<4xf32>
// F16:        %[[CUBE:.*]] = stablehlo.power %[[X_TRUE]], %{{.*}} : tensor<4xf32>
// F16-NEXT:   %[[ABS:.*]] = stablehlo.abs %[[CUBE]] : tensor<4xf32>
// F16:      %[[FINITE_ABS:.*]] = stablehlo.select %{{.*}}, %[[ABS]], %{{.*}}
// F16:        stablehlo.reduce(%[[FINITE_ABS]] init: %{{.*}}) applies stablehlo.maximum

// CHECK-LABEL: func.func @main
// CHECK-DAG:  %[[X:.*]] = stablehlo.convert %arg0 : (tensor<4xf32>) -> tensor<4xbf16>
// CHECK-DAG:  %[[Y:.*]] = stablehlo.convert %arg1 : (tensor<4xf32>) -> tensor<4xbf16>
// CHECK:      %[[QUOTIENT:.*]] = stablehlo.divide %[[X]], %[[Y]] : tensor<4xbf16>
// CHECK:      %[[K:.*]] = stablehlo.constant dense<2.000000e+00> : tensor<4xbf16>
// CHECK:      %[[SQRT_IN:.*]] = stablehlo.multiply %[[X]], %[[K]] : tensor<4xbf16>
// CHECK:      %[[SQRT:.*]] = stablehlo.sqrt %[[SQRT_IN]] : tensor<4xbf16>
// CHECK:      %[[RSQRT_IN:.*]] = stablehlo.multiply %[[X]], %{{.*}} : tensor<4xbf16>
// CHECK:      %[[RSQRT:.*]] = stablehlo.rsqrt %[[RSQRT_IN]] : tensor<4xbf16>
// CHECK:      %[[X_WIDE_CUBE:.*]] = stablehlo.convert %[[X]] : (tensor<4xbf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[EIGHT_CUBE:.*]] = stablehlo.constant dense<8.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[X_TRUE_CUBE:.*]] = stablehlo.multiply %[[X_WIDE_CUBE]], %[[EIGHT_CUBE]] : tensor<4xf32>
// CHECK:      %[[CUBE_F32:.*]] = stablehlo.power %[[X_TRUE_CUBE]], %{{.*}} : tensor<4xf32>
// CHECK-NEXT: %[[CUBE:.*]] = stablehlo.convert %[[CUBE_F32]] : (tensor<4xf32>) -> tensor<4xbf16>
// CHECK:      stablehlo.convert %[[QUOTIENT]]
// CHECK-NEXT: stablehlo.constant dense<8.000000e+00>
// CHECK:      stablehlo.convert %[[SQRT]]
// CHECK-NEXT: stablehlo.constant dense<2.000000e+00>
// CHECK:      stablehlo.convert %[[RSQRT]]
// CHECK-NEXT: stablehlo.constant dense<5.000000e-01>
// CHECK:      stablehlo.convert %[[CUBE]] : (tensor<4xbf16>) -> tensor<4xf32>
// CHECK:      %[[X_WIDE:.*]] = stablehlo.convert %[[X]] : (tensor<4xbf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[EIGHT:.*]] = stablehlo.constant dense<8.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[X_TRUE:.*]] = stablehlo.multiply %[[X_WIDE]], %[[EIGHT]] : tensor<4xf32>
// CHECK-NEXT: stablehlo.convert %[[X_TRUE]] : (tensor<4xf32>) -> tensor<4xbf16>
// CHECK:      return
func.func @main(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xbf16>) {
  %c = stablehlo.constant dense<8.0> : tensor<4xf32>
  %0 = stablehlo.multiply %x, %c : tensor<4xf32>
  %1 = stablehlo.divide %0, %y : tensor<4xf32>
  %3 = stablehlo.sqrt %0 : tensor<4xf32>
  %4 = stablehlo.rsqrt %0 : tensor<4xf32>
  %three = stablehlo.constant dense<3.0> : tensor<4xf32>
  %5 = stablehlo.power %0, %three : tensor<4xf32>
  %6 = stablehlo.convert %0 : (tensor<4xf32>) -> tensor<4xbf16>
  return %1, %3, %4, %5, %6 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xbf16>
}
