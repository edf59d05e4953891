// The quantized nonlinear kernels on hand-made tensors: the fixed-point and
// table primitives on values worked out by hand, a few exact outputs, and
// every refusal (each message names the tensor and what LiteRT requires).
// Their agreement with LiteRT is in tests/golden/{activations,softmax}_golden_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "harness.h"
#include "kernels/fixed_point.h"
#include "kernels/lut.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::make_op;
using testing::OutputSpec;
using testing::run_kernel;

namespace fp = kernels::fixed_point;

QuantParams quant(float scale, int64_t zero_point) {
  QuantParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

HostTensor int8_in(std::vector<int8_t> v, float scale, int64_t zero_point) {
  auto t = HostTensor::of<int8_t>(DType::Int8, {static_cast<int32_t>(v.size())}, v);
  t.quant = quant(scale, zero_point);
  return t;
}

HostTensor int16_in(std::vector<int16_t> v, float scale) {
  auto t = HostTensor::of<int16_t>(DType::Int16, {static_cast<int32_t>(v.size())}, v);
  t.quant = quant(scale, 0);
  return t;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(FixedPoint, Int16LogisticAndTanhSymmetries) {
  using F3 = fp::FixedPoint<int16_t, 3>;
  EXPECT_EQ(fp::logistic(F3::from_raw(0)).raw, 16384);  // 1/2
  EXPECT_EQ(fp::tanh(F3::from_raw(0)).raw, 0);
  for (int x = 1; x <= 32767; x += 97) {
    const auto r = static_cast<int16_t>(x);
    const auto n = static_cast<int16_t>(-x);
    // The negative half is computed as 1 − logistic(|x|) and −tanh(|x|).
    EXPECT_EQ(fp::logistic(F3::from_raw(n)).raw, 32767 - fp::logistic(F3::from_raw(r)).raw) << x;
    EXPECT_EQ(fp::tanh(F3::from_raw(n)).raw, -fp::tanh(F3::from_raw(r)).raw) << x;
    const double real = x / 4096.0;
    EXPECT_NEAR(fp::logistic(F3::from_raw(r)).raw / 32768.0, 1 / (1 + std::exp(-real)), 3e-4) << x;
    // int16 tanh goes through exp(−2|x|) and a Newton division: ~11 units off.
    EXPECT_NEAR(fp::tanh(F3::from_raw(r)).raw / 32768.0, std::tanh(real), 4e-4) << x;
  }
}

TEST(FixedPoint, Int32ExpAndInverseSqrt) {
  using F5 = fp::FixedPoint<int32_t, 5>;
  EXPECT_EQ(fp::exp_on_negative_values(F5::from_raw(0)).raw, std::numeric_limits<int32_t>::max());
  for (double x : {-0.01, -0.25, -1.0, -3.3, -12.0, -31.9})
    EXPECT_NEAR(fp::exp_on_negative_values(F5::from_raw(static_cast<int32_t>(x * (1 << 26)))).raw / 2147483648.0,
                std::exp(x), 3e-7)
        << x;
  // (value / 2^31) · 2^shift ≈ 1/sqrt(n); 0 and 1 give the largest multiplier.
  EXPECT_EQ(fp::inv_sqrt_multiplier(1).value, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(fp::inv_sqrt_multiplier(4).value, 1073741828);  // 1/2 after five Newton steps
  EXPECT_EQ(fp::inv_sqrt_multiplier(4).shift, 0);
  for (int32_t n : {2, 3, 17, 255, 1000, 1 << 20, 1 << 30}) {
    const auto m = fp::inv_sqrt_multiplier(n);
    EXPECT_NEAR(std::ldexp(m.value / 2147483648.0, m.shift) * std::sqrt(n), 1.0, 3e-6) << n;
  }
}

TEST(FixedPoint, Int16RoundingShiftKeepsGemmlowpsWrappedMask) {
  EXPECT_EQ(fp::rounding_divide_by_pot<int16_t>(5, 1), 3);    // 2.5 → 3
  EXPECT_EQ(fp::rounding_divide_by_pot<int16_t>(-5, 1), -3);  // away from zero
  // At 16 bits and more the mask wraps to −1 and every positive value gives 1.
  EXPECT_EQ(fp::rounding_divide_by_pot<int16_t>(100, 16), 1);
  EXPECT_EQ(fp::rounding_divide_by_pot<int16_t>(-100, 17), -1);
  EXPECT_EQ((fp::saturating_rounding_multiply_by_pot<1, int16_t>(20000)), 32767);
  EXPECT_EQ((fp::saturating_rounding_multiply_by_pot<1, int16_t>(-16384)), -32768);
}

TEST(Lut, TablesAndLookups) {
  EXPECT_EQ(kernels::kSigmoidTableQ016[0], 32768);
  EXPECT_EQ(kernels::kSigmoidTableQ016[1], 33451);
  EXPECT_EQ(kernels::kSigmoidTableQ016[255], 65535);
  // Identity between equal quantizations, and the index is the bit pattern.
  const auto id8 = kernels::populate_int8_lut(0.1f, 3, 0.1f, 3, [](float x) { return x; });
  for (int q = -128; q <= 127; ++q) EXPECT_EQ(id8(static_cast<int8_t>(q)), q);
  const auto id16 = kernels::populate_int16_lut<float>(0.001f, 0, 0.001f, 0, [](float x) { return x; });
  for (int q = -32768; q <= 32767; q += 131)
    EXPECT_NEAR(kernels::lut_lookup(static_cast<int16_t>(q), id16), q, 1) << q;
  EXPECT_EQ(kernels::saturating_to_int32(3e9), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(kernels::saturating_to_int32(-3e9), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(kernels::saturating_to_int32(std::nan("")), 0);
}

TEST(QuantizedActivations, ExactValues) {
  // sigmoid(0) = 1/2 → 128 − 128.
  auto y = run_kernel(make_op(BuiltinOp::Logistic), {int8_in({7, 127, -128}, 0.1f, 7)},
                      {OutputSpec{DType::Int8, quant(1.f / 256, -128)}});
  EXPECT_EQ(y[0].values<int8_t>(), (std::vector<int8_t>{0, 127, -128}));
  // HARD_SWISH(0) is the output zero point; x ≥ 3 is x.
  y = run_kernel(make_op(BuiltinOp::HardSwish), {int8_in({-5, 55}, 0.1f, -5)},
                 {OutputSpec{DType::Int8, quant(0.1f, -5)}});
  EXPECT_EQ(y[0].values<int8_t>(), (std::vector<int8_t>{-5, 55}));
  // RSQRT: 1/sqrt(4) = 0.5 → 32 at 1/64, minus 128; 0 gives the largest value.
  y = run_kernel(make_op(BuiltinOp::Rsqrt), {int8_in({4, 0}, 1.f, 0)},
                 {OutputSpec{DType::Int8, quant(1.f / 64, -128)}});
  EXPECT_EQ(y[0].values<int8_t>(), (std::vector<int8_t>{-96, 127}));
  // int16 LOGISTIC at 2^-12 (fixed point) and at 1/1000 (table): 1/2 at 0.
  for (float scale : {1.f / 4096, 0.001f}) {
    auto z = run_kernel(make_op(BuiltinOp::Logistic), {int16_in({0}, scale)},
                        {OutputSpec{DType::Int16, quant(1.f / 32768, 0)}});
    EXPECT_EQ(z[0].values<int16_t>(), (std::vector<int16_t>{16384})) << scale;
  }
}

TEST(QuantizedSoftmax, ExactValues) {
  const Op softmax = make_op(BuiltinOp::Softmax, opt::Softmax{1.0f});
  // A row of one is 1 → 256 − 128, clamped; two equal values are 1/2 each.
  auto one = HostTensor::of<int8_t>(DType::Int8, {2, 1}, {5, -100});
  one.quant = quant(0.1f, 0);
  auto y = run_kernel(softmax, {one}, {OutputSpec{DType::Int8, quant(1.f / 256, -128)}});
  EXPECT_EQ(y[0].values<int8_t>(), (std::vector<int8_t>{127, 127}));
  auto pair = HostTensor::of<int8_t>(DType::Int8, {1, 2}, {9, 9});
  pair.quant = quant(0.1f, 0);
  y = run_kernel(softmax, {pair}, {OutputSpec{DType::Int8, quant(1.f / 256, -128)}});
  EXPECT_EQ(y[0].values<int8_t>(), (std::vector<int8_t>{0, 0}));
  auto pair16 = HostTensor::of<int16_t>(DType::Int16, {1, 2}, {300, 300});
  pair16.quant = quant(0.001f, 0);
  y = run_kernel(softmax, {pair16}, {OutputSpec{DType::Int16, quant(1.f / 32768, 0)}});
  const auto v = y[0].values<int16_t>();
  EXPECT_NEAR(v[0], 16384, 2);
  EXPECT_EQ(v[0], v[1]);
}

TEST(QuantizedActivations, RefusesWhatLiteRtRefuses) {
  const auto expect_error = [](const std::function<void()>& fn, std::vector<std::string> parts) {
    const std::string e = error_of(fn);
    for (const auto& p : parts) EXPECT_NE(e.find(p), std::string::npos) << "'" << p << "' not in: " << e;
  };
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Logistic), {int8_in({1}, 0.1f, 0)}, {OutputSpec{DType::Int8, quant(0.01f, -128)}});
  }, {"output tensor 1 'output0' has scale 0.01", "int8 LOGISTIC needs exactly 1/256"});
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Logistic), {int16_in({1}, 0.001f)},
               {OutputSpec{DType::Int16, quant(1.f / 16384, 0)}});
  }, {"output tensor 1 'output0'", "int16 LOGISTIC needs exactly 1/32768"});
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Tanh), {int16_in({1}, 0.001f)}, {OutputSpec{DType::Int16, quant(0.001f, 0)}});
  }, {"output tensor 1 'output0' has scale 0.001", "2^-15"});
  expect_error([] {
    run_kernel(make_op(BuiltinOp::HardSwish), {int8_in({1}, 1.f, 0)}, {OutputSpec{DType::Int8, quant(0.001f, 0)}});
  }, {"output tensor 1 'output0' has scale 0.001", "input_scale / (128 · output_scale) < 1"});
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Elu), {int16_in({1}, 0.1f)}, {OutputSpec{DType::Int16, quant(0.1f, 0)}});
  }, {"input tensor 0 'input0' is int16; quantized ELU takes int8"});
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Gelu), {int8_in({1}, 0.1f, 0)}, {OutputSpec{DType::Int16, quant(0.1f, 0)}});
  }, {"output tensor 1 'output0' is int16 but input tensor 0 'input0' is int8"});
  // Bad quantization parameters in the file are named too.
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Tanh), {int8_in({1}, std::nanf(""), 0)}, {OutputSpec{DType::Int8, quant(0.01f, 0)}});
  }, {"input tensor 0 'input0' has scale nan"});
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Exp), {int8_in({1}, 0.1f, 0)}, {OutputSpec{DType::Int8, quant(0.1f, 200)}});
  }, {"output tensor 1 'output0' has zero point 200, outside int8's range"});
  expect_error([] {
    run_kernel(make_op(BuiltinOp::Gelu), {int16_in({1}, 0.1f)}, {OutputSpec{DType::Int16, quant(0.1f, 4)}});
  }, {"output tensor 1 'output0' is int16 with zero point 4"});
}

TEST(QuantizedActivations, RsqrtRefusesInputsBelowTheZeroPoint) {
  EXPECT_NE(error_of([] {
              run_kernel(make_op(BuiltinOp::Rsqrt), {int8_in({3, -5}, 0.1f, 0)},
                         {OutputSpec{DType::Int8, quant(0.1f, 0)}});
            }).find("element 1 of input tensor 0 'input0' is -5, below the zero point 0"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              run_kernel(make_op(BuiltinOp::Rsqrt), {int8_in({3}, 1.f, 0)},
                         {OutputSpec{DType::Int8, quant(1e6f, 0)}});
            }).find("would shift by more than 31 bits"),
            std::string::npos);
}

TEST(QuantizedSoftmax, RefusesWhatLiteRtRefuses) {
  const Op softmax = make_op(BuiltinOp::Softmax, opt::Softmax{1.0f});
  std::string e = error_of([&] {
    run_kernel(softmax, {int8_in({1, 2}, 0.1f, 0)}, {OutputSpec{DType::Int8, quant(1.f / 256, 0)}});
  });
  EXPECT_NE(e.find("output tensor 1 'output0' has scale 0.00390625 and zero point 0; int8 SOFTMAX needs "
                   "scale 1/256 (within 0.1%) and zero point -128"),
            std::string::npos)
      << e;
  e = error_of([&] {
    run_kernel(softmax, {int16_in({1, 2}, 0.1f)}, {OutputSpec{DType::Int16, quant(1.f / 30000, 0)}});
  });
  EXPECT_NE(e.find("int16 SOFTMAX needs scale 1/32768"), std::string::npos) << e;
  e = error_of([&] {
    run_kernel(softmax, {int16_in({1, 2}, 0.1f)}, {OutputSpec{DType::Int8, quant(1.f / 256, -128)}});
  });
  EXPECT_NE(e.find("output tensor 1 'output0' is int8 but input tensor 0 'input0' is int16"), std::string::npos) << e;
  e = error_of([&] {
    run_kernel(make_op(BuiltinOp::LogSoftmax), {int8_in({1, 2}, 0.1f, 0)},
               {OutputSpec{DType::Int8, quant(1.f / 256, 127)}});
  });
  EXPECT_NE(e.find("int8 LOG_SOFTMAX needs exactly scale 16/256 and zero point 127"), std::string::npos) << e;
  e = error_of([&] {
    run_kernel(make_op(BuiltinOp::LogSoftmax), {int16_in({1, 2}, 0.1f)},
               {OutputSpec{DType::Int16, quant(1.f / 2048, 0)}});
  });
  EXPECT_NE(e.find("input tensor 0 'input0' is int16; quantized LOG_SOFTMAX takes int8"), std::string::npos) << e;
  // int8 → int16 takes any int16 zero point (LiteRT checks none), but not a bad one.
  e = error_of([&] {
    run_kernel(softmax, {int8_in({1, 2}, 0.1f, 0)}, {OutputSpec{DType::Int16, quant(1.f / 65536, -40000)}});
  });
  EXPECT_NE(e.find("zero point -40000"), std::string::npos) << e;
  // 70000 equal int16 values: exp(0) each, past int32 in LiteRT's sum.
  e = error_of([&] {
    run_kernel(softmax, {int16_in(std::vector<int16_t>(70000, 5), 0.1f)},
               {OutputSpec{DType::Int16, quant(1.f / 32768, 0)}});
  });
  EXPECT_NE(e.find("in 1 row(s) of 70000 values the exponentials sum past int32"), std::string::npos) << e;
  auto y = run_kernel(softmax, {int8_in({3, 3}, 0.1f, 0)}, {OutputSpec{DType::Int16, quant(1.f / 65536, -32768)}});
  EXPECT_EQ(y[0].values<int16_t>(), (std::vector<int16_t>{0, 0}));  // 1/2 each
}

}  // namespace
}  // namespace octet
