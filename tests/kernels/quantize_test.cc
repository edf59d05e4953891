// DEQUANTIZE, QUANTIZE, and the half <-> float conversion they rely on.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "harness.h"
#include "kernels/float16.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::OutputSpec;
using testing::run_kernel;

using testing::make_op;

QuantParams per_tensor(float scale, int64_t zero_point) {
  QuantParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// ---- float16 ----------------------------------------------------------------
// The compiler's _Float16 is the independent reference.

uint16_t bits_of(_Float16 h) {
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}

TEST(Float16, EveryHalfConvertsExactly) {
  for (uint32_t b = 0; b <= 0xFFFF; ++b) {
    _Float16 h;
    const auto bits = static_cast<uint16_t>(b);
    std::memcpy(&h, &bits, 2);
    const float want = static_cast<float>(h);
    const float got = kernels::half_to_float(bits);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << std::hex << b;
      // The payload and sign survive.
      ASSERT_EQ(std::bit_cast<uint32_t>(got) & 0x807FE000u,
                std::bit_cast<uint32_t>(want) & 0x807FE000u)
          << std::hex << b;
    } else {
      ASSERT_EQ(std::bit_cast<uint32_t>(got), std::bit_cast<uint32_t>(want)) << std::hex << b;
    }
  }
}

TEST(Float16, FloatToHalfRoundsToNearestEven) {
  // Every float whose top bits span the half range, at a stride that hits
  // ties, values just above/below ties, subnormals and overflow.
  for (uint64_t b = 0; b <= 0xFFFFFFFFull; b += 0x1000 - 1) {
    const float f = std::bit_cast<float>(static_cast<uint32_t>(b));
    if (std::isnan(f)) continue;
    ASSERT_EQ(kernels::float_to_half(f), bits_of(static_cast<_Float16>(f))) << std::hexfloat << f;
  }
  // Exact ties around 1.0 and in the subnormal range.
  for (float f : {1.f + 0x1p-11f, 1.f + 3 * 0x1p-11f, 0x1p-25f, 3 * 0x1p-25f, 0x1.8p-24f, 65504.f,
                  65519.f, 65520.f})
    EXPECT_EQ(kernels::float_to_half(f), bits_of(static_cast<_Float16>(f))) << std::hexfloat << f;
  EXPECT_EQ(kernels::float_to_half(std::numeric_limits<float>::quiet_NaN()) & 0x7E00, 0x7E00);
}

// ---- DEQUANTIZE ---------------------------------------------------------------

TEST(Dequantize, Float16Weights) {
  const std::vector<uint16_t> h = {0x3C00, 0xBC00, 0x0001, 0x03FF, 0x7BFF,
                                   0x7C00, 0xFC00, 0x8000, 0x3555};
  auto out =
      run_kernel(make_op(BuiltinOp::Dequantize),
                 {HostTensor::of<uint16_t>(DType::Float16, {3, 3}, h, true)}, {OutputSpec{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{3, 3}));
  const auto got = out[0].values<float>();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> want = {1.f, -1.f, 0x1p-24f, 1023 * 0x1p-24f, 65504.f,
                                   inf, -inf, -0.f,     0x1.554p-2f};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << i;
  EXPECT_TRUE(std::signbit(got[7]));
}

TEST(Dequantize, PerTensorInt8Uint8Int16) {
  auto i8 = HostTensor::of<int8_t>(DType::Int8, {4}, {-128, -3, 0, 127});
  i8.quant = per_tensor(0.5f, -3);
  auto out = run_kernel(make_op(BuiltinOp::Dequantize), {i8}, {OutputSpec{}});
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{-62.5f, 0.f, 1.5f, 65.f}));
  auto u8 = HostTensor::of<uint8_t>(DType::UInt8, {3}, {0, 128, 255});
  u8.quant = per_tensor(0.25f, 128);
  out = run_kernel(make_op(BuiltinOp::Dequantize), {u8}, {OutputSpec{}});
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{-32.f, 0.f, 31.75f}));
  auto i16 = HostTensor::of<int16_t>(DType::Int16, {2}, {-32768, 32767});
  i16.quant = per_tensor(0.001f, 0);
  out = run_kernel(make_op(BuiltinOp::Dequantize), {i16}, {OutputSpec{}});
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{-32768.f * 0.001f, 32767.f * 0.001f}));
}

TEST(Dequantize, PerChannelOnFirstAndLastAxis) {
  // [2,3] tensor; channels on axis 0 (rows) then axis 1 (columns).
  const std::vector<int8_t> q = {1, 2, 3, -1, -2, -3};
  auto rows = HostTensor::of<int8_t>(DType::Int8, {2, 3}, q);
  rows.quant.scale = {1.f, 10.f};
  rows.quant.zero_point = {0, 1};
  rows.quant.quantized_dimension = 0;
  auto out = run_kernel(make_op(BuiltinOp::Dequantize), {rows}, {OutputSpec{}});
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{1, 2, 3, -20, -30, -40}));
  auto cols = HostTensor::of<int8_t>(DType::Int8, {2, 3}, q);
  cols.quant.scale = {1.f, 0.5f, 2.f};
  cols.quant.zero_point = {0, 0, -1};
  cols.quant.quantized_dimension = 1;
  out = run_kernel(make_op(BuiltinOp::Dequantize), {cols}, {OutputSpec{}});
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{1, 1, 8, -1, -1, -4}));
}

TEST(Dequantize, BadInputs) {
  const std::string no_params = error_of([] {
    run_kernel(make_op(BuiltinOp::Dequantize), {HostTensor::of<int8_t>(DType::Int8, {1}, {1})},
               {OutputSpec{}});
  });
  EXPECT_NE(no_params.find("input tensor 0 'input0' (int8) has no quantization parameters"),
            std::string::npos)
      << no_params;
  const std::string channels = error_of([] {
    auto t = HostTensor::of<int8_t>(DType::Int8, {2, 3}, std::vector<int8_t>(6));
    t.quant.scale = {1.f, 2.f};
    t.quant.zero_point = {0, 0};
    t.quant.quantized_dimension = 1;
    run_kernel(make_op(BuiltinOp::Dequantize), {t}, {OutputSpec{}});
  });
  EXPECT_NE(channels.find("has 2 per-channel scales for dimension 1 of size 3"), std::string::npos)
      << channels;
  const std::string float_in = error_of([] {
    run_kernel(make_op(BuiltinOp::Dequantize), {HostTensor::f32({1}, {1})}, {OutputSpec{}});
  });
  EXPECT_NE(float_in.find("is float32, expected float16, int8, uint8 or int16"), std::string::npos)
      << float_in;
}

// ---- QUANTIZE -----------------------------------------------------------------

template <class Q>
std::vector<Q> quantize(DType dtype, const QuantParams& q, std::vector<int32_t> shape,
                        const std::vector<float>& x) {
  auto out = run_kernel(make_op(BuiltinOp::Quantize), {HostTensor::f32(std::move(shape), x)},
                        {OutputSpec{dtype, q}});
  return out[0].template values<Q>();
}

TEST(Quantize, RoundsHalfAwayFromZeroAndClamps) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // scale 0.5: 1.25 -> 2.5 -> 3 and -1.25 -> -3 (banker's rounding would give 2, -2).
  EXPECT_EQ((quantize<int8_t>(DType::Int8, per_tensor(0.5f, 0), {8},
                              {1.25f, -1.25f, 0.74f, 100.f, -100.f, 1e30f, -1e30f, nan})),
            (std::vector<int8_t>{3, -3, 1, 127, -128, 127, -128, -128}));
  EXPECT_EQ(
      (quantize<uint8_t>(DType::UInt8, per_tensor(0.25f, 128), {4}, {0.f, -0.125f, 31.75f, 40.f})),
      (std::vector<uint8_t>{128, 127, 255, 255}));
  EXPECT_EQ((quantize<int16_t>(DType::Int16, per_tensor(1.f / 1024, 0), {4},
                               {1.f, -10.0005f, -31.9999f, 40.f})),
            (std::vector<int16_t>{1024, -10241, -32768, 32767}));
}

TEST(Quantize, DividesByTheScale) {
  // Find an input where round(x / s) and round(x * (1 / s)) differ, and
  // check QUANTIZE gives the division's answer, as TFLite does.
  const float s = 0.1f;
  const float inv = 1.f / s;
  float found = 0.f;
  for (int k = 1; k < 2000 && found == 0.f; ++k) {
    // Candidates next to the half-way points between integers.
    float x = (static_cast<float>(k) + 0.5f) * s;
    for (int step = -4; step <= 4; ++step) {
      const float y = std::nextafter(x, step < 0 ? -1e9f : 1e9f);
      x = step == 0 ? (static_cast<float>(k) + 0.5f) * s : y;
      if (std::round(x / s) != std::round(x * inv) && std::round(x / s) < 127) {
        found = x;
        break;
      }
    }
  }
  ASSERT_NE(found, 0.f) << "no distinguishing input found";
  const auto q = quantize<int8_t>(DType::Int8, per_tensor(s, 0), {1}, {found});
  EXPECT_EQ(q[0], static_cast<int8_t>(std::round(found / s))) << std::hexfloat << found;
  EXPECT_NE(q[0], static_cast<int8_t>(std::round(found * inv)));
}

TEST(Quantize, PerChannel) {
  QuantParams q;
  q.scale = {1.f, 0.5f};
  q.zero_point = {0, 10};
  q.quantized_dimension = 1;
  EXPECT_EQ((quantize<int8_t>(DType::Int8, q, {2, 2}, {1.f, 1.f, -2.f, -2.f})),
            (std::vector<int8_t>{1, 12, -2, 6}));
}

TEST(Quantize, RoundTripsThroughDequantize) {
  std::vector<float> x;
  for (int i = -128; i <= 127; ++i)
    x.push_back(static_cast<float>(i) * 0.02f + 0.5f * 0.02f * 0.9f);
  const QuantParams q = per_tensor(0.02f, 0);
  const auto quantized = quantize<int8_t>(DType::Int8, q, {static_cast<int32_t>(x.size())}, x);
  auto t = HostTensor::of<int8_t>(DType::Int8, {static_cast<int32_t>(x.size())}, quantized);
  t.quant = q;
  const auto back =
      run_kernel(make_op(BuiltinOp::Dequantize), {t}, {OutputSpec{}})[0].values<float>();
  for (size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(back[i], x[i], 0.5f * 0.02f + 1e-6f) << i;
}

TEST(Quantize, BadInputs) {
  // Requantizing takes the pairs LiteRT's QUANTIZE takes; int8 -> int32 is not one.
  const std::string requant = error_of([] {
    auto t = HostTensor::of<int8_t>(DType::Int8, {1}, {1});
    t.quant = per_tensor(1.f, 0);
    run_kernel(make_op(BuiltinOp::Quantize), {t}, {OutputSpec{DType::Int32, per_tensor(1.f, 0)}});
  });
  EXPECT_NE(requant.find("requantizing int8 tensor 0 'input0' to int32"), std::string::npos)
      << requant;
  const std::string zero_scale = error_of([] {
    run_kernel(make_op(BuiltinOp::Quantize), {HostTensor::f32({1}, {1})},
               {OutputSpec{DType::Int8, per_tensor(0.f, 0)}});
  });
  EXPECT_NE(zero_scale.find("has scale 0, expected a positive finite number"), std::string::npos)
      << zero_scale;
  const std::string zp = error_of([] {
    run_kernel(make_op(BuiltinOp::Quantize), {HostTensor::f32({1}, {1})},
               {OutputSpec{DType::Int8, per_tensor(1.f, 200)}});
  });
  EXPECT_NE(zp.find("zero point 200 is outside int8's range [-128, 127]"), std::string::npos) << zp;
  EXPECT_THROW(run_kernel(make_op(BuiltinOp::Quantize), {HostTensor::f32({1}, {1})},
                          {OutputSpec{DType::Int32, per_tensor(1.f, 0)}}),
               Error);
}

}  // namespace
}  // namespace octet
