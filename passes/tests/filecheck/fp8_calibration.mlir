// Calibrated FP8 scales (`preset=fp8-calibrated`: bf16 data at static scales, FP8 dots; its
// statistics, each FP8 operand's max, calibrated).
// Measuring: each FP8 operand of main's body is rescaled from its max at the cast, as dynamic scaling
// does, and the scale that gives it (the max's power of two over E4M3's headroom 2^7, halved under
// calibration: 2^6, the room a tensor has to grow before its frozen scale overflows) is returned, in
// program order, as one more result `tensor<Nxf32>`.
// Frozen (`calibration=-3,2`: log2 of those scales): no statistic; each operand is multiplied by a
// constant (its static scale, 1 here, over 2^-3 and 2^2: 8 and 1/4; the scale arithmetic folded, no
// run-time rounding) and converted without a clamp, so a value beyond the format converts to NaN; the
// step returns one more result, the overflow flag: true when any float result is not finite (results
// of one shape checked in one variadic reduction).
// RUN: scalify-opt %s --scalify="preset=fp8-calibrated" | FileCheck %s --check-prefix=MEASURE
// RUN: scalify-opt %s --scalify="preset=fp8-calibrated calibration=-3,2" | FileCheck %s --check-prefix=FROZEN

// MEASURE-LABEL: func.func @main
// MEASURE-SAME:  -> (tensor<16x8xf32>, tensor<f32>, tensor<16x8xf32>, tensor<2xf32>) attributes {scalify.calibration = "measure"}
// MEASURE-DAG:   %[[HEADROOM:.*]] = stablehlo.constant dense<1.562500e-02> : tensor<f32>
// MEASURE:       stablehlo.reduce(%{{.*}}) applies stablehlo.maximum{{.*}}tensor<16x32xf32>
// MEASURE:       %[[XPOW2:.*]] = stablehlo.maximum %{{.*}}, %{{.*}} : tensor<f32>
// MEASURE-NEXT:  %[[XSCALE:.*]] = stablehlo.multiply %[[XPOW2]], %[[HEADROOM]] : tensor<f32>
// MEASURE:       stablehlo.clamp
// MEASURE:       stablehlo.convert %{{.*}} : (tensor<16x32xf32>) -> tensor<16x32xf8E4M3FN>
// MEASURE:       stablehlo.reduce(%{{.*}}) applies stablehlo.maximum{{.*}}tensor<32x8xf32>
// MEASURE:       %[[WSCALE:.*]] = stablehlo.multiply %{{.*}}, %[[HEADROOM]] : tensor<f32>
// MEASURE:       stablehlo.convert %{{.*}} : (tensor<32x8xf32>) -> tensor<32x8xf8E4M3FN>
// MEASURE:       stablehlo.dot_general %{{.*}}, %{{.*}} : (tensor<16x32xf8E4M3FN>, tensor<32x8xf8E4M3FN>) -> tensor<16x8xf32>
// MEASURE:       %[[X1:.*]] = stablehlo.reshape %[[XSCALE]] : (tensor<f32>) -> tensor<1xf32>
// MEASURE-NEXT:  %[[W1:.*]] = stablehlo.reshape %[[WSCALE]] : (tensor<f32>) -> tensor<1xf32>
// MEASURE-NEXT:  %[[SCALES:.*]] = stablehlo.concatenate %[[X1]], %[[W1]], dim = 0
// MEASURE-NEXT:  return %{{.*}}, %{{.*}}, %{{.*}}, %[[SCALES]] : tensor<16x8xf32>, tensor<f32>, tensor<16x8xf32>, tensor<2xf32>

// FROZEN-LABEL: func.func @main
// FROZEN-SAME:  -> (tensor<16x8xf32>, tensor<f32>, tensor<16x8xf32>, tensor<i1>) attributes {scalify.calibration = "frozen"}
// FROZEN-NOT:   stablehlo.reduce{{.*}}maximum{{.*}}tensor<16x32xf32>
// FROZEN-DAG:   %[[EIGHT:.*]] = stablehlo.constant dense<8.000000e+00> : tensor<16x32xf32>
// FROZEN-DAG:   %[[QUARTER:.*]] = stablehlo.constant dense<2.500000e-01> : tensor<32x8xf32>
// FROZEN-NOT:   stablehlo.bitcast_convert
// FROZEN:       %[[X:.*]] = stablehlo.multiply %{{.*}}, %[[EIGHT]] : tensor<16x32xf32>
// FROZEN-NEXT:  stablehlo.convert %[[X]] : (tensor<16x32xf32>) -> tensor<16x32xf8E4M3FN>
// FROZEN:       %[[W:.*]] = stablehlo.multiply %{{.*}}, %[[QUARTER]] : tensor<32x8xf32>
// FROZEN-NEXT:  stablehlo.convert %[[W]] : (tensor<32x8xf32>) -> tensor<32x8xf8E4M3FN>
// FROZEN-NOT:   stablehlo.clamp
// FROZEN:       stablehlo.dot_general %{{.*}}, %{{.*}} : (tensor<16x32xf8E4M3FN>, tensor<32x8xf8E4M3FN>) -> tensor<16x8xf32>
// FROZEN:       stablehlo.reduce(%{{.*}} init: %{{.*}}) applies stablehlo.add
// FROZEN:       %[[OUT:.*]] = stablehlo.multiply %{{.*}}, %{{.*}} : tensor<16x8xf32>
// FROZEN:       %[[LOSS:.*]] = stablehlo.multiply %{{.*}}, %{{.*}} : tensor<f32>
// FROZEN:       %[[DOUBLE:.*]] = stablehlo.multiply %{{.*}}, %{{.*}} : tensor<16x8xf32>
// FROZEN:       stablehlo.is_finite %[[OUT]]
// FROZEN:       stablehlo.is_finite %[[LOSS]]
// FROZEN:       stablehlo.is_finite %[[DOUBLE]]
// FROZEN:       stablehlo.reduce(%{{.*}} init: %{{.*}}), (%{{.*}} init: %{{.*}}) across dimensions = [0, 1] : (tensor<16x8xf32>, tensor<16x8xf32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
// FROZEN-NOT:   stablehlo.reduce
// FROZEN:       %[[FLAG:.*]] = stablehlo.compare GT
// FROZEN-NEXT:  return %[[OUT]], %[[LOSS]], %[[DOUBLE]], %[[FLAG]] : tensor<16x8xf32>, tensor<f32>, tensor<16x8xf32>, tensor<i1>

func.func @main(%x: tensor<16x32xf32>, %w: tensor<32x8xf32>) -> (tensor<16x8xf32>, tensor<f32>, tensor<16x8xf32>) {
  %0 = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<f32>
  %1 = stablehlo.reduce(%0 init: %zero) applies stablehlo.add across dimensions = [0, 1] : (tensor<16x8xf32>, tensor<f32>) -> tensor<f32>
  %2 = stablehlo.add %0, %0 : tensor<16x8xf32>
  return %0, %1, %2 : tensor<16x8xf32>, tensor<f32>, tensor<16x8xf32>
}
