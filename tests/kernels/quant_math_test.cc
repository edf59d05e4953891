// The requantization primitives every integer kernel uses, on values whose
// results the TFLite/gemmlowp definitions fix.
#include "kernels/quant_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace octet::kernels {
namespace {

TEST(QuantMath, QuantizeMultiplierNormalisesToQ31) {
  EXPECT_EQ(quantize_multiplier(0.5).value, 1 << 30);
  EXPECT_EQ(quantize_multiplier(0.5).shift, 0);
  EXPECT_EQ(quantize_multiplier(1.0).value, 1 << 30);
  EXPECT_EQ(quantize_multiplier(1.0).shift, 1);
  EXPECT_EQ(quantize_multiplier(0.75).value, 3 << 29);
  // Rounds to 2^31: renormalised to 2^30 with one more shift.
  const Multiplier almost_one = quantize_multiplier(1.0 - 1e-12);
  EXPECT_EQ(almost_one.value, 1 << 30);
  EXPECT_EQ(almost_one.shift, 1);
  // Below 2^-31 everything is shifted out: flushed to zero.
  EXPECT_EQ(quantize_multiplier(1e-12).value, 0);
  EXPECT_EQ(quantize_multiplier(1e-12).shift, 0);
  EXPECT_EQ(quantize_multiplier(0.0).value, 0);
}

TEST(QuantMath, HighMulAndDivideRoundAsGemmlowp) {
  const int32_t min = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(saturating_rounding_doubling_high_mul(min, min), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(saturating_rounding_doubling_high_mul(1 << 30, 1 << 30), 1 << 29);
  // Ties round away from zero, both signs.
  EXPECT_EQ(rounding_divide_by_pot(5, 1), 3);
  EXPECT_EQ(rounding_divide_by_pot(-5, 1), -3);
  EXPECT_EQ(rounding_divide_by_pot(-6, 2), -2);
  EXPECT_EQ(rounding_divide_by_pot(6, 2), 2);
  EXPECT_EQ(rounding_divide_by_pot(7, 0), 7);
}

TEST(QuantMath, MultiplyByQuantizedMultiplierIsWithinOneOfTheRealProduct) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> x_dist(-(1 << 20), 1 << 20);
  std::uniform_real_distribution<double> m_dist(-12, 4);
  for (int i = 0; i < 20000; ++i) {
    const double real = std::exp2(m_dist(rng));
    const Multiplier m = quantize_multiplier(real);
    const int32_t x = x_dist(rng);
    const double exact = x * real;
    EXPECT_LE(std::abs(multiply_by_quantized_multiplier(x, m) - exact), 1.0) << x << " " << real;
    // The int64 overload (results within int32): multiplier rounded to Q0.15.
    const Multiplier small = quantize_multiplier(real / 16);
    EXPECT_LE(std::abs(multiply_by_quantized_multiplier(int64_t{x} * 1000, small) - exact * 1000 / 16),
              1.0 + std::abs(exact) * 1000 / 16 * 4e-5)
        << x << " " << real;
  }
}

TEST(QuantMath, ActivationRangesClampInTheOutputDomain) {
  const IntRange relu6 = activation_range_quantized(Activation::Relu6, DType::Int8, 0.05f, -10);
  EXPECT_EQ(relu6.min, -10);
  EXPECT_EQ(relu6.max, 110);
  const IntRange relu = activation_range_quantized(Activation::Relu, DType::Int8, 0.05f, -128);
  EXPECT_EQ(relu.min, -128);
  EXPECT_EQ(relu.max, 127);
  const IntRange none = activation_range_quantized(Activation::None, DType::Int16, 1e-4f, 0);
  EXPECT_EQ(none.min, -32768);
  EXPECT_EQ(none.max, 32767);
  const IntRange n1 = activation_range_quantized(Activation::ReluN1To1, DType::Int8, 0.5f, 100);
  EXPECT_EQ(n1.min, 98);
  EXPECT_EQ(n1.max, 102);
}

}  // namespace
}  // namespace octet::kernels
