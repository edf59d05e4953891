// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, PRELU, HARD_SWISH, GELU.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::OutputSpec;
using testing::run_kernel;

using testing::make_op;

std::vector<float> run1(const Op& op, const std::vector<float>& x) {
  auto out = run_kernel(op, {HostTensor::f32({static_cast<int32_t>(x.size())}, x)}, {OutputSpec{}});
  return out[0].values<float>();
}

const std::vector<float> kInputs = {-20.f, -9.5f, -4.f, -1.f, -0.5f, 0.f,
                                    0.3f,  1.f,   2.5f, 7.f,  17.f};

TEST(Activations, LogisticAndTanhMatchDoublePrecision) {
  const auto sig = run1(make_op(BuiltinOp::Logistic), kInputs);
  const auto th = run1(make_op(BuiltinOp::Tanh), kInputs);
  for (size_t i = 0; i < kInputs.size(); ++i) {
    const double x = kInputs[i];
    // Below -9 TFLite returns exp(x) (off from the true sigmoid by < 1.3e-4 relative).
    const double s = x < -9 ? std::exp(x) : 1.0 / (1.0 + std::exp(-x));
    EXPECT_NEAR(sig[i], s, 1e-6 * s) << "logistic(" << x << ")";
    EXPECT_NEAR(th[i], std::tanh(x), 1e-6) << "tanh(" << x << ")";
  }
  // TFLite's cutoffs: above 16.619 exactly 1, below -9 exp(x).
  EXPECT_EQ(sig.back(), 1.f);
  EXPECT_EQ(sig[0], std::exp(-20.f));
}

TEST(Activations, ReluFamilyIsExact) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> x = {-3.f, -1.f, -0.5f, 0.f, 0.5f, 1.f, 5.f, 6.f, 8.f, nan};
  auto relu = run1(make_op(BuiltinOp::Relu), x);
  auto relu6 = run1(make_op(BuiltinOp::Relu6), x);
  auto relu1 = run1(make_op(BuiltinOp::ReluN1To1), x);
  const std::vector<float> want_relu = {0, 0, 0, 0, 0.5f, 1, 5, 6, 8};
  const std::vector<float> want_relu6 = {0, 0, 0, 0, 0.5f, 1, 5, 6, 6};
  const std::vector<float> want_relu1 = {-1, -1, -0.5f, 0, 0.5f, 1, 1, 1, 1};
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    EXPECT_EQ(relu[i], want_relu[i]) << i;
    EXPECT_EQ(relu6[i], want_relu6[i]) << i;
    EXPECT_EQ(relu1[i], want_relu1[i]) << i;
  }
  // The reference clamps pass NaN through.
  EXPECT_TRUE(std::isnan(relu.back()) && std::isnan(relu6.back()) && std::isnan(relu1.back()));
}

TEST(Activations, LeakyReluUsesAlphaFromOptions) {
  EXPECT_EQ(run1(make_op(BuiltinOp::LeakyRelu, opt::LeakyRelu{0.25f}), {-4.f, 0.f, 3.f}),
            (std::vector<float>{-1.f, 0.f, 3.f}));
  // alpha > 1 is legal and is not max(x, alpha x).
  EXPECT_EQ(run1(make_op(BuiltinOp::LeakyRelu, opt::LeakyRelu{2.f}), {-4.f, 3.f}),
            (std::vector<float>{-8.f, 3.f}));
}

TEST(Activations, HardSwish) {
  const auto got = run1(make_op(BuiltinOp::HardSwish), {-4.f, -3.f, -1.5f, 0.f, 1.f, 3.f, 5.f});
  const std::vector<float> want = {0.f, 0.f, -1.5f * 1.5f / 6.f, 0.f, 4.f / 6.f, 3.f, 5.f};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(got[i], want[i]) << i;
}

TEST(Activations, GeluExactAndApproximate) {
  const auto exact = run1(make_op(BuiltinOp::Gelu, opt::Gelu{false}), kInputs);
  const auto approx = run1(make_op(BuiltinOp::Gelu, opt::Gelu{true}), kInputs);
  for (size_t i = 0; i < kInputs.size(); ++i) {
    const double x = kInputs[i];
    const double want_exact = 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    const double c = std::sqrt(2.0 / M_PI);
    const double want_approx = 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
    // Relative where the value is large, absolute near zero.
    EXPECT_NEAR(exact[i], want_exact, 1e-6 * std::max(1.0, std::fabs(want_exact))) << "x = " << x;
    EXPECT_NEAR(approx[i], want_approx, 1e-6 * std::max(1.0, std::fabs(want_approx)))
        << "x = " << x;
  }
  // The erfc form keeps relative accuracy in the far negative tail, where
  // 1 + erf(x / sqrt 2) would cancel to nothing in float.
  const double x = -9.5;
  const double tail = 0.5 * x * std::erfc(-x / std::sqrt(2.0));
  EXPECT_NEAR(exact[1], tail, 1e-4 * std::fabs(tail));
  EXPECT_NE(exact[1], 0.f);
  // The two forms really differ (the option is read).
  EXPECT_NE(exact[7], approx[7]);
}

TEST(Prelu, AlphaBroadcastsPerChannel) {
  // input [1,2,2,3], alpha [3]: channel c uses alpha[c].
  const std::vector<float> x = {-1, 2, -3, 4, -5, 6, -7, -8, 9, 0, -1, -2};
  auto out =
      run_kernel(make_op(BuiltinOp::Prelu),
                 {HostTensor::f32({1, 2, 2, 3}, x), HostTensor::f32({3}, {0.5f, 2.f, -1.f}, true)},
                 {OutputSpec{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{1, 2, 2, 3}));
  EXPECT_EQ(out[0].values<float>(),
            (std::vector<float>{-0.5f, 2, 3, 4, -10, 6, -3.5f, -16, 9, 0, -2, 2}));
  // alpha [1,1,3] (as converters often store it) gives the same result.
  auto out3 = run_kernel(
      make_op(BuiltinOp::Prelu),
      {HostTensor::f32({1, 2, 2, 3}, x), HostTensor::f32({1, 1, 3}, {0.5f, 2.f, -1.f}, true)},
      {OutputSpec{}});
  EXPECT_EQ(out3[0].values<float>(), out[0].values<float>());
}

TEST(Activations, BadInputs) {
  // A quantized op octet runs only in float: CUMSUM (LiteRT has no quantized
  // CUMSUM either).
  try {
    auto q = HostTensor::of<int8_t>(DType::Int8, {2}, {1, 2});
    q.quant.scale = {0.1f};
    q.quant.zero_point = {0};
    run_kernel(make_op(BuiltinOp::Cumsum), {q, HostTensor::i32({}, {0})}, {OutputSpec{DType::Int8, {}}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no integer kernel for CUMSUM"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(run_kernel(make_op(BuiltinOp::Relu), {HostTensor::f32({1}, {1})},
                          {OutputSpec{DType::Int32, {}}}),
               Error);
  EXPECT_THROW(
      run_kernel(make_op(BuiltinOp::Prelu),
                 {HostTensor::f32({2, 3}, std::vector<float>(6)), HostTensor::f32({2}, {1, 1})},
                 {OutputSpec{}}),
      Error);
}

}  // namespace
}  // namespace octet
