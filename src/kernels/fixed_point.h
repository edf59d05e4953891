// gemmlowp-style fixed-point arithmetic on int16 and int32 raw values, as
// LiteRT's builtin kernels use it (gemmlowp/fixedpoint/fixedpoint.h, scalar
// path; its SSE/NEON paths compute the same integers):
//  - the int16 LOGISTIC and TANH of a power-of-two input scale
//    (optimized_ops::Logistic/Tanh on FixedPoint<int16_t, 3>);
//  - the int32 inverse square root of RSQRT int8
//    (GetInvSqrtQuantizedMultiplierExp in internal/common.h).
//
// A value FixedPoint<Raw, I> holds raw / 2^(bits(Raw) - 1 - I): I integer
// bits, range [-2^I, 2^I). Every operation is the runtime's to the bit,
// including what it does where C++ would call the result undefined: sums
// and negations wrap (two's complement, as wasm and x86 do), int16 sums in
// exp() saturate, and an int16 rounding shift by 16 or more keeps
// gemmlowp's wrapped mask. Constants are written as gemmlowp writes them,
// Q0.31 integers rescaled to the raw width.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/quant_math.h"

namespace octet::kernels::fixed_point {

template <class Raw>
inline constexpr int kRawBits = static_cast<int>(sizeof(Raw) * 8);

template <class Raw>
concept RawInt = std::is_same_v<Raw, int16_t> || std::is_same_v<Raw, int32_t>;

// Two's-complement wrap of a wider result to the raw width.
template <RawInt Raw>
constexpr Raw wrap(int64_t v) {
  return static_cast<Raw>(v);
}

// SaturatingRoundingDoublingHighMul: round(a·b / 2^(bits-1)), the one
// overflow (min·min) saturated. The int16 form rounds like the int32 one,
// with a nudge of 2^14 and division toward zero.
template <RawInt Raw>
Raw saturating_rounding_doubling_high_mul(Raw a, Raw b) {
  if constexpr (std::is_same_v<Raw, int32_t>) {
    return kernels::saturating_rounding_doubling_high_mul(a, b);
  } else {
    if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
    const int32_t ab = int32_t{a} * int32_t{b};
    const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return static_cast<int16_t>((ab + nudge) / (1 << 15));
  }
}

// RoundingDivideByPOT: x / 2^exponent rounded half away from zero. For int16
// the mask is computed in 64 bits and then narrowed, so an exponent of 16 or
// more leaves a mask of -1 (the runtime's HARD_SWISH can get there with tiny
// scales, and this is what it then computes).
template <RawInt Raw>
Raw rounding_divide_by_pot(Raw x, int exponent) {
  if constexpr (std::is_same_v<Raw, int32_t>) {
    return kernels::rounding_divide_by_pot(x, exponent);
  } else {
    const auto mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
    const auto remainder = static_cast<int16_t>(x & mask);
    const auto threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
    return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
  }
}

// SaturatingRoundingMultiplyByPOT<exponent>: a saturating left shift for a
// positive exponent, a rounding right shift for a negative one.
template <int Exponent, RawInt Raw>
Raw saturating_rounding_multiply_by_pot(Raw x) {
  if constexpr (Exponent == 0) {
    return x;
  } else if constexpr (Exponent > 0) {
    constexpr int32_t threshold = (int32_t{1} << (kRawBits<Raw> - 1 - Exponent)) - 1;
    if (x > threshold) return std::numeric_limits<Raw>::max();
    if (x < -threshold) return std::numeric_limits<Raw>::min();
    return wrap<Raw>(int64_t{x} * (int64_t{1} << Exponent));
  } else {
    return rounding_divide_by_pot<Raw>(x, -Exponent);
  }
}

// (a + b) / 2 rounded half away from zero, computed without overflow.
template <RawInt Raw>
Raw rounding_half_sum(Raw a, Raw b) {
  const int64_t sum = int64_t{a} + int64_t{b};
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<Raw>((sum + sign) / 2);
}

// gemmlowp's AddSaturatingIf16Bit: int16 sums saturate, int32 sums wrap.
template <RawInt Raw>
Raw add_saturating_if_16bit(Raw a, Raw b) {
  const int64_t sum = int64_t{a} + int64_t{b};
  if constexpr (std::is_same_v<Raw, int16_t>) {
    return static_cast<int16_t>(sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum);
  } else {
    return wrap<Raw>(sum);
  }
}

template <RawInt Raw, int IntegerBits>
struct FixedPoint {
  static_assert(IntegerBits >= 0 && IntegerBits < kRawBits<Raw>);
  static constexpr int kIntegerBits = IntegerBits;
  static constexpr int kFractionalBits = kRawBits<Raw> - 1 - IntegerBits;

  Raw raw = 0;

  static FixedPoint from_raw(Raw r) { return FixedPoint{r}; }
  static FixedPoint zero() { return FixedPoint{0}; }
  // 1 is not representable with no integer bits: the largest value stands in.
  static FixedPoint one() {
    if constexpr (IntegerBits == 0) return FixedPoint{std::numeric_limits<Raw>::max()};
    else return FixedPoint{static_cast<Raw>(Raw{1} << kFractionalBits)};
  }
  // 2^Exponent, exactly.
  template <int Exponent>
  static FixedPoint constant_pot() {
    static_assert(kFractionalBits + Exponent >= 0 && kFractionalBits + Exponent < kRawBits<Raw> - 1);
    return FixedPoint{static_cast<Raw>(Raw{1} << (kFractionalBits + Exponent))};
  }
  // A constant given as gemmlowp spells it: the raw value of a 32-bit
  // fixed-point number, rounded to the raw width (rounding shift by 16 for
  // int16).
  static FixedPoint constant(int32_t raw32) {
    constexpr int shift = 32 - kRawBits<Raw>;
    if constexpr (shift == 0) return FixedPoint{raw32};
    else return FixedPoint{static_cast<Raw>(kernels::rounding_divide_by_pot(raw32, shift))};
  }

  friend FixedPoint operator+(FixedPoint a, FixedPoint b) {
    return FixedPoint{wrap<Raw>(int64_t{a.raw} + b.raw)};
  }
  friend FixedPoint operator-(FixedPoint a, FixedPoint b) {
    return FixedPoint{wrap<Raw>(int64_t{a.raw} - b.raw)};
  }
  friend FixedPoint operator-(FixedPoint a) { return FixedPoint{wrap<Raw>(-int64_t{a.raw})}; }
  friend FixedPoint operator&(FixedPoint a, FixedPoint b) {
    return FixedPoint{static_cast<Raw>(a.raw & b.raw)};
  }
};

// The product of two fixed-point values; the integer bits add up.
template <RawInt Raw, int A, int B>
FixedPoint<Raw, A + B> operator*(FixedPoint<Raw, A> a, FixedPoint<Raw, B> b) {
  return FixedPoint<Raw, A + B>{saturating_rounding_doubling_high_mul<Raw>(a.raw, b.raw)};
}

// Multiplication by 2^Exponent by relabelling: same raw value.
template <int Exponent, RawInt Raw, int I>
FixedPoint<Raw, I + Exponent> exact_mul_by_pot(FixedPoint<Raw, I> a) {
  return FixedPoint<Raw, I + Exponent>{a.raw};
}

// Multiplication by 2^Exponent keeping the format: saturating, rounding.
template <int Exponent, RawInt Raw, int I>
FixedPoint<Raw, I> saturating_rounding_multiply_by_pot(FixedPoint<Raw, I> a) {
  return FixedPoint<Raw, I>{saturating_rounding_multiply_by_pot<Exponent, Raw>(a.raw)};
}

// The same value in another number of integer bits.
template <int DstBits, RawInt Raw, int SrcBits>
FixedPoint<Raw, DstBits> rescale(FixedPoint<Raw, SrcBits> x) {
  return FixedPoint<Raw, DstBits>{saturating_rounding_multiply_by_pot<SrcBits - DstBits, Raw>(x.raw)};
}

// exp(a) for a in [-1/4, 0): a Taylor expansion around -1/8 to the 4th order.
template <RawInt Raw>
FixedPoint<Raw, 0> exp_on_interval_between_negative_one_quarter_and_0_excl(FixedPoint<Raw, 0> a) {
  using F = FixedPoint<Raw, 0>;
  const F constant_term = F::constant(1895147668);     // exp(-1/8)
  const F constant_1_over_3 = F::constant(715827883);  // 1/3
  const F x = a + F::template constant_pot<-3>();
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = saturating_rounding_multiply_by_pot<-2>(x4);
  const F x4_over_24_plus_x3_over_6_plus_x2_over_2 =
      saturating_rounding_multiply_by_pot<-1>(((x4_over_4 + x3) * constant_1_over_3) + x2);
  return F{add_saturating_if_16bit<Raw>(
      constant_term.raw, (constant_term * (x + x4_over_24_plus_x3_over_6_plus_x2_over_2)).raw)};
}

// exp(a) for a <= 0 (exp(0) is 1, i.e. the largest F0 value): the interval
// formula on a mod 1/4, times exp(-2^k) for each bit k of the rest (a barrel
// shifter over k = -2 .. 4, as far as the format reaches); below -32, 0.
template <RawInt Raw, int IntegerBits>
FixedPoint<Raw, 0> exp_on_negative_values(FixedPoint<Raw, IntegerBits> a) {
  using InputF = FixedPoint<Raw, IntegerBits>;
  using ResultF = FixedPoint<Raw, 0>;
  constexpr int kFractionalBits = InputF::kFractionalBits;
  const InputF one_quarter = InputF::template constant_pot<-2>();
  const InputF mask = one_quarter - InputF::from_raw(1);
  const InputF a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
  ResultF result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      rescale<0>(a_mod_quarter_minus_one_quarter));
  const Raw remainder = (a_mod_quarter_minus_one_quarter - a).raw;

  // exp(-2^k) as Q0.31 integers, k = -2 .. 4; the format's integer bits say
  // how far the remainder reaches.
  constexpr int32_t kMultipliers[] = {1672461947, 1302514674, 790015084, 290630308,
                                      39332535,   720401,     242};
  for (int k = 0; k < 7; ++k) {
    const int exponent = k - 2;
    if (IntegerBits <= exponent) break;
    const int shift = kFractionalBits + exponent;
    if ((remainder & static_cast<Raw>(int32_t{1} << shift)) != 0)
      result = result * ResultF::constant(kMultipliers[k]);
  }

  if constexpr (IntegerBits > 5) {
    const InputF clamp = InputF::constant(-(int32_t{1} << (36 - IntegerBits)));  // -32
    if (a.raw < clamp.raw) result = ResultF::zero();
  }
  if (a.raw == 0) result = ResultF::one();
  return result;
}

// Newton-Raphson division shared by the two reciprocals below: returns x
// close to 1 / half_denominator in F2, starting from 48/17 - 32/17·d.
template <RawInt Raw>
FixedPoint<Raw, 2> newton_raphson_reciprocal(FixedPoint<Raw, 0> half_denominator) {
  using F2 = FixedPoint<Raw, 2>;
  const F2 constant_48_over_17 = F2::constant(1515870810);
  const F2 constant_neg_32_over_17 = F2::constant(-1010580540);
  F2 x = constant_48_over_17 + half_denominator * constant_neg_32_over_17;
  for (int i = 0; i < 3; ++i) {
    const F2 half_denominator_times_x = half_denominator * x;
    const F2 one_minus_half_denominator_times_x = F2::one() - half_denominator_times_x;
    x = x + rescale<2>(x * one_minus_half_denominator_times_x);
  }
  return x;
}

// 1 / (1 + a) for a in (0, 1).
template <RawInt Raw>
FixedPoint<Raw, 0> one_over_one_plus_x_for_x_in_0_1(FixedPoint<Raw, 0> a) {
  using F0 = FixedPoint<Raw, 0>;
  const F0 half_denominator = F0{rounding_half_sum<Raw>(a.raw, F0::one().raw)};
  return rescale<0>(exact_mul_by_pot<-1>(newton_raphson_reciprocal(half_denominator)));
}

// (1 - a) / (1 + a) for a in (0, 1).
template <RawInt Raw>
FixedPoint<Raw, 0> one_minus_x_over_one_plus_x_for_x_in_0_1(FixedPoint<Raw, 0> a) {
  using F0 = FixedPoint<Raw, 0>;
  using F2 = FixedPoint<Raw, 2>;
  const F0 half_denominator = F0{rounding_half_sum<Raw>(a.raw, F0::one().raw)};
  return rescale<0>(newton_raphson_reciprocal(half_denominator) - F2::one());
}

// logistic(a) = 1 / (1 + exp(-a)), through |a| and 1 - logistic(|a|).
template <RawInt Raw, int IntegerBits>
FixedPoint<Raw, 0> logistic(FixedPoint<Raw, IntegerBits> a) {
  using ResultF = FixedPoint<Raw, 0>;
  if (a.raw == 0) return ResultF::constant(1 << 30);  // 1/2
  const bool positive = a.raw > 0;
  const FixedPoint<Raw, IntegerBits> abs_input = positive ? a : -a;
  const ResultF result_if_positive = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(-abs_input));
  return positive ? result_if_positive : ResultF::one() - result_if_positive;
}

// tanh(a) = (1 - exp(-2|a|)) / (1 + exp(-2|a|)) with a's sign.
template <RawInt Raw, int IntegerBits>
FixedPoint<Raw, 0> tanh(FixedPoint<Raw, IntegerBits> a) {
  using ResultF = FixedPoint<Raw, 0>;
  if (a.raw == 0) return ResultF::zero();
  const bool negative = a.raw < 0;
  const FixedPoint<Raw, IntegerBits> n = negative ? a : -a;
  const ResultF t =
      one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(exact_mul_by_pot<1>(n)));
  return negative ? -t : t;
}

// 1/sqrt(input) for input > 1 as a multiplier and shift (TFLite's
// GetInvSqrtQuantizedMultiplierExp with reverse_shift -1): the input is
// normalised to [2^27, 2^29) by pairs of bits, five Newton-Raphson steps in
// F3 from x = 1, times sqrt(2)/2. Inputs 0 and 1 give (INT32_MAX, 0).
inline Multiplier inv_sqrt_multiplier(int32_t input) {
  if (input <= 1) return {std::numeric_limits<int32_t>::max(), 0};
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  const int max_left_shift_bits = std::countl_zero(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;

  using F3 = FixedPoint<int32_t, 3>;
  using F0 = FixedPoint<int32_t, 0>;
  const F3 fixedpoint_input = F3::from_raw(input >> 1);
  const F3 half_input = saturating_rounding_multiply_by_pot<-1>(fixedpoint_input);
  const F3 half_three = F3::constant((1 << 28) + (1 << 27));  // 1.5
  F3 x = F3::one();
  for (int i = 0; i < 5; ++i) {
    const F3 x3 = rescale<3>(x * x * x);
    x = rescale<3>(half_three * x - half_input * x3);
  }
  x = x * F0::constant(1518500250);  // sqrt(2)/2
  int32_t value = x.raw;
  if (shift < 0) {
    value = wrap<int32_t>(int64_t{value} << -shift);
    shift = 0;
  }
  return {value, -shift};
}

}  // namespace octet::kernels::fixed_point
