// IEEE 754 binary16 <-> binary32 conversions, exact and portable (no F16C,
// no _Float16), used by DEQUANTIZE (MediaPipe stores weights as float16) and
// CAST. half_to_float is exact for every half, subnormals included;
// float_to_half rounds to nearest, ties to even, as hardware and the FP16
// library TFLite uses do.
#pragma once

#include <bit>
#include <cstdint>

namespace octet::kernels {

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float (a normal float).
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return std::bit_cast<float>(std::bit_cast<uint32_t>(magnitude) | sign);
  }
  if (exponent == 31) {
    if (mantissa == 0) return std::bit_cast<float>(sign | 0x7F800000u);
    // NaN: payload kept, made quiet as a hardware conversion would.
    return std::bit_cast<float>(sign | 0x7FC00000u | (mantissa << 13));
  }
  return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

inline uint16_t float_to_half(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u) {  // infinity or NaN (kept quiet, top payload bits kept)
    if (magnitude == 0x7F800000u) return sign | 0x7C00u;
    return static_cast<uint16_t>(sign | 0x7E00u | ((magnitude >> 13) & 0x3FFu));
  }
  const int exponent = static_cast<int>(magnitude >> 23) - 127 + 15;  // half's biased exponent
  const uint32_t mantissa = magnitude & 0x7FFFFFu;
  if (exponent >= 31) return sign | 0x7C00u;  // overflows to infinity
  if (exponent >= 1) {
    // Normal half. A carry out of the mantissa correctly bumps the exponent,
    // up to infinity for values that round past 65504.
    uint32_t h = (static_cast<uint32_t>(exponent) << 10) | (mantissa >> 13);
    const uint32_t rest = mantissa & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  // Subnormal half (or zero): the value in units of 2^-24 is
  // (mantissa | implicit bit) >> (14 - exponent), rounded to nearest even.
  const int shift = 14 - exponent;
  if (shift > 24) return sign;  // below half the smallest subnormal
  const uint32_t full = mantissa | 0x800000u;
  uint32_t h = full >> shift;
  const uint32_t rest = full & ((1u << shift) - 1u);
  const uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (h & 1u))) ++h;  // may become the smallest normal
  return static_cast<uint16_t>(sign | h);
}

}  // namespace octet::kernels
