// EXP, LOG, RSQRT, SQRT, NEG, ABS, SQUARE, CAST, ZEROS_LIKE.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "harness.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::OutputSpec;
using testing::run_kernel;

using testing::make_op;

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ElementwiseUnary, FloatMaps) {
  const std::vector<float> x = {0.25f, 1.f, 2.f, 9.f, 50.f};
  const std::vector<int32_t> shape = {5};
  struct Case {
    BuiltinOp op;
    double (*f)(double);
  };
  const std::vector<Case> cases = {
      {BuiltinOp::Exp, [](double v) { return std::exp(v); }},
      {BuiltinOp::Log, [](double v) { return std::log(v); }},
      {BuiltinOp::Sqrt, [](double v) { return std::sqrt(v); }},
      {BuiltinOp::Rsqrt, [](double v) { return 1.0 / std::sqrt(v); }},
      {BuiltinOp::Square, [](double v) { return v * v; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(builtin_op_name(c.op));
    auto out = run_kernel(make_op(c.op), {HostTensor::f32(shape, x)}, {OutputSpec{}});
    ASSERT_EQ(out[0].shape, shape);
    const auto got = out[0].values<float>();
    for (size_t i = 0; i < x.size(); ++i) {
      const double want = c.f(x[i]);
      EXPECT_NEAR(got[i], want, 2e-7 * std::fabs(want)) << "x = " << x[i];
    }
  }
  auto neg = run_kernel(make_op(BuiltinOp::Neg), {HostTensor::f32({2, 2}, {1.f, -2.f, 0.f, 3.5f})},
                        {OutputSpec{}});
  EXPECT_EQ(neg[0].values<float>(), (std::vector<float>{-1.f, 2.f, -0.f, -3.5f}));
  EXPECT_TRUE(std::signbit(neg[0].values<float>()[2]));
  auto abs = run_kernel(make_op(BuiltinOp::Abs), {HostTensor::f32({3}, {-1.5f, 2.f, -0.f})},
                        {OutputSpec{}});
  EXPECT_EQ(abs[0].values<float>(), (std::vector<float>{1.5f, 2.f, 0.f}));
  // Edge values: log(0) = -inf, sqrt(-1) = NaN, rsqrt(0) = inf.
  auto log0 = run_kernel(make_op(BuiltinOp::Log), {HostTensor::f32({1}, {0.f})}, {OutputSpec{}});
  EXPECT_EQ(log0[0].values<float>()[0], -std::numeric_limits<float>::infinity());
  auto rs0 = run_kernel(make_op(BuiltinOp::Rsqrt), {HostTensor::f32({1}, {0.f})}, {OutputSpec{}});
  EXPECT_EQ(rs0[0].values<float>()[0], std::numeric_limits<float>::infinity());
}

TEST(ElementwiseUnary, LargeExpUsesEveryElement) {
  // Past the parallel threshold: every element must be written.
  const int n = 100003;
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = static_cast<float>(i % 41) * 0.125f - 2.5f;
  auto out = run_kernel(make_op(BuiltinOp::Exp), {HostTensor::f32({n}, x)}, {OutputSpec{}});
  const auto got = out[0].values<float>();
  for (int i = 0; i < n; ++i) ASSERT_EQ(got[i], std::exp(x[i])) << i;
}

TEST(ElementwiseUnary, IntegerNegAndAbs) {
  const int32_t kMin = std::numeric_limits<int32_t>::min();
  auto neg = run_kernel(make_op(BuiltinOp::Neg), {HostTensor::i32({3}, {5, -7, kMin}, false)},
                        {OutputSpec{DType::Int32, {}}});
  EXPECT_EQ(neg[0].values<int32_t>(), (std::vector<int32_t>{-5, 7, kMin}));
  auto abs = run_kernel(make_op(BuiltinOp::Abs), {HostTensor::i32({3}, {5, -7, kMin}, false)},
                        {OutputSpec{DType::Int32, {}}});
  EXPECT_EQ(abs[0].values<int32_t>(), (std::vector<int32_t>{5, 7, kMin}));
  auto neg64 = run_kernel(make_op(BuiltinOp::Neg),
                          {HostTensor::of<int64_t>(DType::Int64, {2}, {int64_t{1} << 40, -3})},
                          {OutputSpec{DType::Int64, {}}});
  EXPECT_EQ(neg64[0].values<int64_t>(), (std::vector<int64_t>{-(int64_t{1} << 40), 3}));
}

TEST(ElementwiseUnary, BadInputs) {
  const std::string exp_int = error_of([] {
    run_kernel(make_op(BuiltinOp::Exp), {HostTensor::i32({1}, {1}, false)},
               {OutputSpec{DType::Int32, {}}});
  });
  EXPECT_NE(exp_int.find("input tensor 0 'input0' is int32, expected float32"), std::string::npos)
      << exp_int;
  const std::string abs64 = error_of([] {
    run_kernel(make_op(BuiltinOp::Abs), {HostTensor::of<int64_t>(DType::Int64, {1}, {1})},
               {OutputSpec{DType::Int64, {}}});
  });
  EXPECT_NE(abs64.find("expected float32 or int32"), std::string::npos) << abs64;
  const std::string quantized = error_of([] {
    auto q = HostTensor::of<int8_t>(DType::Int8, {1}, {1});
    q.quant.scale = {1.f};
    q.quant.zero_point = {0};
    run_kernel(make_op(BuiltinOp::Sqrt), {q}, {OutputSpec{DType::Int8, {}}});
  });
  EXPECT_NE(quantized.find("no integer kernel for SQRT"), std::string::npos) << quantized;
  const std::string out_type = error_of([] {
    run_kernel(make_op(BuiltinOp::Neg), {HostTensor::f32({1}, {1})},
               {OutputSpec{DType::Int32, {}}});
  });
  EXPECT_NE(out_type.find("output tensor 1 'output0' is int32, expected float32"),
            std::string::npos)
      << out_type;
}

// ---- CAST -----------------------------------------------------------------

template <class To, class From>
std::vector<To> cast(DType from, DType to, const std::vector<From>& values) {
  auto out = run_kernel(make_op(BuiltinOp::Cast),
                        {HostTensor::of<From>(from, {static_cast<int32_t>(values.size())}, values)},
                        {OutputSpec{to, {}}});
  return out[0].template values<To>();
}

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

TEST(Cast, FloatToInt32TruncatesAndSaturates) {
  const std::vector<float> x = {2.7f, -2.7f, 0.5f, 3e9f, -3e9f, kNaN, kInf, -kInf};
  const int32_t kMax = std::numeric_limits<int32_t>::max(),
                kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ((cast<int32_t>(DType::Float32, DType::Int32, x)),
            (std::vector<int32_t>{2, -2, 0, kMax, kMin, kMax, kMax, kMin}));
}

TEST(Cast, FloatToNarrowIntegers) {
  // uint8 and int16 clamp (TFLite's saturating specialisations); NaN -> 0.
  EXPECT_EQ(
      (cast<uint8_t>(DType::Float32, DType::UInt8, std::vector<float>{300.f, -5.f, 17.9f, kNaN})),
      (std::vector<uint8_t>{255, 0, 17, 0}));
  EXPECT_EQ((cast<int16_t>(DType::Float32, DType::Int16,
                           std::vector<float>{40000.f, -40000.f, -3.9f, kNaN})),
            (std::vector<int16_t>{32767, -32768, -3, 0}));
  // int8 is a plain cast: truncate through int32, keep the low byte (x86).
  EXPECT_EQ(
      (cast<int8_t>(DType::Float32, DType::Int8, std::vector<float>{200.f, -129.f, 5.5f, kNaN})),
      (std::vector<int8_t>{-56, 127, 5, 0}));
  EXPECT_EQ((cast<int64_t>(DType::Float32, DType::Int64, std::vector<float>{-7.9f, 0x1p40f, kNaN})),
            (std::vector<int64_t>{-7, int64_t{1} << 40, std::numeric_limits<int64_t>::min()}));
}

TEST(Cast, BoolAndIntegerConversions) {
  EXPECT_EQ((cast<uint8_t>(DType::Float32, DType::Bool, std::vector<float>{0.f, -0.f, 0.1f, kNaN})),
            (std::vector<uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ((cast<float>(DType::Bool, DType::Float32, std::vector<uint8_t>{0, 1, 2})),
            (std::vector<float>{0.f, 1.f, 1.f}));
  EXPECT_EQ((cast<int32_t>(DType::Bool, DType::Int32, std::vector<uint8_t>{0, 5})),
            (std::vector<int32_t>{0, 1}));
  EXPECT_EQ((cast<uint8_t>(DType::Int32, DType::Bool, std::vector<int32_t>{0, -1, 256})),
            (std::vector<uint8_t>{0, 1, 1}));
  // Integer narrowing wraps; widening keeps the value; int -> float rounds.
  EXPECT_EQ(
      (cast<int32_t>(DType::Int64, DType::Int32, std::vector<int64_t>{(int64_t{1} << 32) + 5, -1})),
      (std::vector<int32_t>{5, -1}));
  EXPECT_EQ((cast<uint8_t>(DType::Int32, DType::UInt8, std::vector<int32_t>{256 + 7, -1})),
            (std::vector<uint8_t>{7, 255}));
  EXPECT_EQ((cast<int64_t>(DType::Int32, DType::Int64, std::vector<int32_t>{-5, 1 << 30})),
            (std::vector<int64_t>{-5, 1 << 30}));
  EXPECT_EQ((cast<float>(DType::Int32, DType::Float32, std::vector<int32_t>{16777217, -3})),
            (std::vector<float>{16777216.f, -3.f}));
  EXPECT_EQ((cast<float>(DType::UInt8, DType::Float32, std::vector<uint8_t>{255, 0})),
            (std::vector<float>{255.f, 0.f}));
  EXPECT_EQ((cast<float>(DType::Int16, DType::Float32, std::vector<int16_t>{-32768})),
            (std::vector<float>{-32768.f}));
}

TEST(Cast, Float16BothWays) {
  // 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), inf, 1 + 2^-10.
  const std::vector<uint16_t> h = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3C01};
  EXPECT_EQ((cast<float>(DType::Float16, DType::Float32, h)),
            (std::vector<float>{1.f, -2.f, 65504.f, 0x1p-24f, kInf, 1.f + 0x1p-10f}));
  // float -> half rounds to nearest even: 1 + 2^-11 is a tie and goes to 1.0;
  // 1 + 3*2^-11 ties up to 1 + 2^-9; 65520 rounds to inf.
  EXPECT_EQ((cast<uint16_t>(
                DType::Float32, DType::Float16,
                std::vector<float>{1.f + 0x1p-11f, 1.f + 3 * 0x1p-11f, 65520.f, -0.f, 0x1p-25f})),
            (std::vector<uint16_t>{0x3C00, 0x3C02, 0x7C00, 0x8000, 0x0000}));
  // Half sources cast plainly to integers; int32 -> half goes through float.
  EXPECT_EQ((cast<int32_t>(DType::Float16, DType::Int32,
                           std::vector<uint16_t>{0xC0E0 /* -2.4375 */, 0x7BFF})),
            (std::vector<int32_t>{-2, 65504}));
  EXPECT_EQ((cast<uint16_t>(DType::Int32, DType::Float16, std::vector<int32_t>{2049, 70000})),
            (std::vector<uint16_t>{0x6800 /* 2048 */, 0x7C00}));
}

TEST(Cast, KeepsShapeAndRefusesUnknownTypes) {
  auto out = run_kernel(make_op(BuiltinOp::Cast), {HostTensor::f32({2, 1, 3}, {1, 2, 3, 4, 5, 6})},
                        {OutputSpec{DType::Int32, {}}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{2, 1, 3}));
  EXPECT_EQ(out[0].values<int32_t>(), (std::vector<int32_t>{1, 2, 3, 4, 5, 6}));
  const std::string msg = error_of([] {
    run_kernel(make_op(BuiltinOp::Cast), {HostTensor::f32({1}, {1})},
               {OutputSpec{DType::String, {}}});
  });
  EXPECT_NE(msg.find("output tensor 1 'output0' is string"), std::string::npos) << msg;
}

TEST(ZerosLike, ZeroesEveryElement) {
  auto out = run_kernel(make_op(BuiltinOp::ZerosLike),
                        {HostTensor::i32({2, 3}, {1, 2, 3, 4, 5, 6}, false)},
                        {OutputSpec{DType::Int32, {}}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(out[0].values<int32_t>(), std::vector<int32_t>(6, 0));
  EXPECT_THROW(
      run_kernel(make_op(BuiltinOp::ZerosLike), {HostTensor::of<uint8_t>(DType::Bool, {1}, {1})},
                 {OutputSpec{DType::Bool, {}}}),
      Error);
}

}  // namespace
}  // namespace octet
