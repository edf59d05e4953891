// The integer arithmetic of quantized kernels, as the TFLite quantization spec
// and LiteRT's builtin kernels define it. Every integer kernel requantizes
// through these functions and no other; a difference of one unit here is a
// difference from the runtime on the device.
//
// LiteRT is built with double rounding (TFLITE_SINGLE_ROUNDING=0, the default
// of its BUILD files): a real multiplier M = m · 2^shift with m in [0.5, 1)
// held as a Q0.31 integer; x·M is computed as a rounding doubling high
// multiply followed by a rounding right shift (gemmlowp's two primitives).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "kernels/kernel.h"

namespace octet::kernels {

// A real multiplier as the runtime stores it: value in [2^30, 2^31) (or 0),
// shift > 0 a left shift, < 0 a right shift.
struct Multiplier {
  int32_t value = 0;
  int shift = 0;
};

// TFLite's QuantizeMultiplier: frexp, round half away from zero to Q0.31,
// renormalise 2^31, flush multipliers below 2^-31 to zero.
Multiplier quantize_multiplier(double real);

// gemmlowp's SaturatingRoundingDoublingHighMul: (a·b·2 + 2^31 rounding) >> 32,
// with the single overflow case (INT32_MIN²) saturated.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = int64_t{a} * int64_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  // Division, not a shift: gemmlowp rounds toward zero here.
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero.
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplier (double rounding), int32 accumulator.
// The left shift wraps like the runtime's two's-complement multiply.
inline int32_t multiply_by_quantized_multiplier(int32_t x, Multiplier m) {
  // Kernels refuse shifts beyond 31 at prepare; the cap keeps C++ defined.
  const int left = m.shift > 0 ? std::min(m.shift, 31) : 0;
  const int right = m.shift > 0 ? 0 : -m.shift;
  const auto shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left);
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, m.value), right);
}

// The int64-accumulator overload (16x8 kernels with int64 bias): the
// multiplier reduced to Q0.15, one rounding shift.
inline int32_t multiply_by_quantized_multiplier(int64_t x, Multiplier m) {
  const int32_t reduced = m.value < 0x7FFF0000 ? ((m.value + (1 << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - m.shift;
  const int64_t rounded = x * int64_t{reduced} + (int64_t{1} << (total_shift - 1));
  return static_cast<int32_t>(rounded >> total_shift);
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp (left_shift <= 0), used by
// the elementwise kernels after their own input left shift.
inline int32_t multiply_by_quantized_multiplier_smaller_than_one(int32_t x, Multiplier m) {
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, m.value), -m.shift);
}

// The other two requantizations LiteRT's builtin kernels use (see
// linear_quantized.h for which kernel takes which):
// ruy's MultiplyByQuantizedMultiplier (shift in [-31, 7], checked at prepare).
inline int32_t ruy_multiply_by_quantized_multiplier(int32_t x, Multiplier m) {
  const int total_shift = 31 - m.shift;
  const int64_t round = int64_t{1} << (total_shift - 1);
  return static_cast<int32_t>((int64_t{x} * m.value + round) >> total_shift);
}

// LiteRT casts round(acc · scale) to int32 unchecked; octet saturates.
inline int32_t float_scale_round(int64_t acc, double scale) {
  const double v = std::round(static_cast<double>(acc) * scale);
  if (v >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (v <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// int32 arithmetic that wraps as the runtime's does (no signed overflow UB).
inline int32_t wrapping_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t wrapping_mul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

// The representable range of a quantized dtype.
struct IntRange {
  int32_t min = 0, max = 0;
};
IntRange dtype_range(DType dtype);

inline int32_t clamp_to(int32_t v, IntRange r) { return std::min(std::max(v, r.min), r.max); }

// TFLite's Quantize(scale, zero_point, f) used for activation bounds:
// zero_point + round(f / scale), in float.
int32_t quantize_bound(float f, float scale, int32_t zero_point);

// CalculateActivationRangeQuantized: the fused activation's clamp in the
// output's integer domain.
IntRange activation_range_quantized(Activation activation, DType dtype, float scale,
                                    int32_t zero_point);

// A tensor's per-tensor quantization, checked at prepare time.
struct TensorQuant {
  float scale = 1.f;
  int32_t zero_point = 0;
};

// The single (scale, zero point) of an int8/uint8/int16 tensor. Fails unless
// the tensor has exactly one, a finite positive scale, a zero point inside the
// dtype's range, and (int16) a zero point of 0 as the spec requires.
TensorQuant per_tensor_quant(const PrepareContext& ctx, const TensorView& t, std::string_view role);

// Fails unless `t` is int8 or int16, naming the tensor.
void expect_integer_activation(const PrepareContext& ctx, const TensorView& t,
                               std::string_view role);

// Fails unless the tensors have the same dtype.
void expect_same_dtype(const PrepareContext& ctx, const TensorView& a, std::string_view a_role,
                       const TensorView& b, std::string_view b_role);

// Per-channel (or per-tensor, when the filter has one scale) output
// multipliers of a convolution-like op: input_scale · filter_scale[c] /
// output_scale, as PopulateConvolutionQuantizationParams computes them.
std::vector<Multiplier> channel_multipliers(const PrepareContext& ctx, float input_scale,
                                            const TensorView& filter, int32_t channels,
                                            int32_t channel_axis, float output_scale);

}  // namespace octet::kernels
