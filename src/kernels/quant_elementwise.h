// Integer primitives the quantized elementwise kernels share beyond
// quant_math.h: the multiplier forms their Prepare functions use, and the
// int16 instantiations of gemmlowp's fixed-point primitives that LiteRT's
// power-of-two int16 paths (ADD, SUB) and its int16 x int16 -> int8 MUL run.
//
// The int16 primitives are not the int32 ones on a narrower type: gemmlowp
// computes in int16 (masks cast to int16, results truncated to int16), which
// differs from the int32 formulas once a shift reaches 16.
#pragma once

#include <cstdint>
#include <string_view>

#include "kernels/quant_math.h"

namespace octet::kernels {

// TFLite's QuantizeMultiplierSmallerThanOneExp: `real` must lie in (0, 1) and
// give a right shift. LiteRT aborts the process (TFLITE_CHECK) otherwise, so
// octet refuses the op at prepare; `what` names the multiplier and how it is
// formed ("output multiplier 2·max(input scales) / (2^20 · output scale)").
Multiplier multiplier_below_one(const PrepareContext& ctx, double real, std::string_view what);

// TFLite's QuantizeMultiplier for a multiplier of any size, refusing the
// values whose left shift the runtime cannot perform (> 31 bits, or not
// finite).
Multiplier multiplier_any(const PrepareContext& ctx, double real, std::string_view what);

// TFLite's CheckedLog2: whether x is a power of two within 1e-3 in the log2
// domain (float arithmetic, as the runtime), and the rounded log2.
bool checked_log2(float x, int* log2);

// gemmlowp's RoundingDivideByPOT instantiated for int16 (exponent 0..31):
// x / 2^exponent rounded half away from zero for exponent <= 15; beyond, the
// mask wraps to -1 in int16 and the result is the sign of x (0 counts as +).
inline int16_t rounding_divide_by_pot_int16(int16_t x, int exponent) {
  const auto mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
  const auto remainder = static_cast<int16_t>(x & mask);
  const auto threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// gemmlowp's SaturatingRoundingDoublingHighMul for int16 (Q0.15 product).
inline int16_t saturating_rounding_doubling_high_mul_int16(int16_t a, int16_t b) {
  if (a == b && a == INT16_MIN) return INT16_MAX;
  const int32_t ab = int32_t{a} * int32_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  // Division, not a shift: gemmlowp rounds toward zero here.
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

}  // namespace octet::kernels
