// Look-up tables of quantized elementwise functions, built at prepare time
// and read at eval, as LiteRT's LUTPopulate and LUTLookup
// (tflite/kernels/internal/common.h) build and read them:
//  - int8: 256 entries, one per input value, each
//      clamp(round(f(in_scale · (q − in_zp)) / out_scale) + out_zp)
//    evaluated in float (`round` half away from zero);
//  - int16: 513 samples of f over the input's whole range (the high 9 bits
//    of the input pick a segment, the low 7 interpolate linearly), each
//    sample nudged by half the interpolation error at its segment's
//    midpoint. Evaluated in float, or in double for the int16 SOFTMAX
//    tables, which the runtime keeps in double "for backward compatibility".
//
// The transforms are plain float (double) functions of the standard library;
// LiteRT's wasm build evaluates the same formulas with musl's libm, and a
// table entry can differ only where f lands within an ulp of a rounding tie.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

namespace octet::kernels {

// int8 → int8, indexed by the input's bit pattern.
struct Int8Lut {
  std::array<int8_t, 256> values{};
  int8_t operator()(int8_t x) const { return values[static_cast<uint8_t>(x)]; }
};

// int16 → int16 with interpolation: 512 segments and the end point.
using Int16Lut = std::array<int16_t, 513>;

// A float converted to int32 as LiteRT.js's wasm build converts it
// (i32.trunc_sat): truncate toward zero, saturate out of range, NaN → 0.
// The runtime's C++ leaves those cases undefined; the oracle defines them.
int32_t saturating_to_int32(double value);

// LUTPopulate<int8_t>: the table of `transform` between the two
// quantizations.
Int8Lut populate_int8_lut(float input_scale, int32_t input_zero_point, float output_scale,
                          int32_t output_zero_point, const std::function<float(float)>& transform);

// LUTPopulate<int16_t>, in FloatT (float, or double for SOFTMAX's tables).
template <class FloatT>
Int16Lut populate_int16_lut(FloatT input_scale, int32_t input_zero_point, FloatT output_scale,
                            int32_t output_zero_point,
                            const std::function<FloatT(FloatT)>& transform);

// A table holding an integer function of the int8 input: for ops whose
// per-element integer arithmetic depends on that one value only (HARD_SWISH,
// RSQRT), running it 256 times at prepare gives eval the runtime's integers
// for the price of a lookup.
template <class F>
Int8Lut tabulate_int8(F integer_function) {
  Int8Lut lut;
  for (int32_t q = -128; q <= 127; ++q)
    lut.values[static_cast<uint8_t>(static_cast<int8_t>(q))] = integer_function(static_cast<int8_t>(q));
  return lut;
}

// LUTLookup for int16: segment 256 + (x >> 7), linear between its two
// samples with a rounded Q0.7 fraction. The slope and the sum are int16 in
// the runtime and wrap as int16 does.
inline int16_t lut_lookup(int16_t value, const Int16Lut& lut) {
  const auto index = static_cast<uint16_t>(256 + (value >> 7));
  const auto offset = static_cast<int16_t>(value & 0x7f);
  const int16_t base = lut[index];
  const auto slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  const int delta = (slope * offset + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

// sigmoid(i / 24) for i = 0 .. 255 in Q0.16, saturated at 65535: the table
// behind the runtime's int16 LOGISTIC and TANH of a general input scale
// (tanh(x) = 2·sigmoid(2x) − 1). LiteRT's values (sigmoid_table_uint16 in
// internal/common.h), not a rounding of the formula: about a sixth of them
// sit up to one unit above round(65536·sigmoid(i/24)), tuned for the
// interpolation between neighbours. Data, kept as published.
extern const std::array<uint16_t, 256> kSigmoidTableQ016;

// out[i] = lut(in[i]) over n elements.
void apply_lut(const Int8Lut& lut, const int8_t* in, int8_t* out, int64_t n);
void apply_lut(const Int16Lut& lut, const int16_t* in, int16_t* out, int64_t n);

}  // namespace octet::kernels
