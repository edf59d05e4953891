// The dynamic-range ("hybrid") kernels through the interpreter: an op with a
// float32 input and output around int8 weights runs in its hybrid kernel
// (checked on a product worked out by hand), and bad weights quantization
// or an unsupported combination is refused with one line naming the tensor.
// Agreement with LiteRT is tests/golden/hybrid_golden_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "octet/builder.h"
#include "octet/error.h"
#include "octet/interpreter.h"

namespace octet {
namespace {

QuantParams scales(std::vector<float> s, int32_t axis = 0) {
  QuantParams q;
  q.zero_point.assign(s.size(), 0);
  q.scale = std::move(s);
  q.quantized_dimension = axis;
  return q;
}

// x [1,3] · W[2,3]ᵀ with int8 W, float output.
Model fc_model(QuantParams wq, opt::FullyConnected o = {}, std::vector<int8_t> w = {1, 2, 3, -1, 0, 1}) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 3});
  const int32_t wt = b.add_constant("w", {2, 3}, w, std::move(wq));
  const int32_t y = b.add_tensor("y", DType::Float32, {1, 2});
  b.add_op(BuiltinOp::FullyConnected, {x, wt}, {y}, o, 3);
  b.mark_output(y);
  return m;
}

std::vector<float> run(const Model& m, const std::vector<float>& x) {
  Interpreter interp(m);
  interp.set_input(0, std::as_bytes(std::span(x)));
  interp.invoke();
  const auto out = interp.output_data(0);
  std::vector<float> y(out.size() / sizeof(float));
  std::memcpy(y.data(), out.data(), out.size());
  return y;
}

std::string error_of(const Model& m) {
  try {
    Interpreter interp(m);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(HybridKernels, FullyConnectedQuantizesTheInputSymmetricallyAndScalesBack) {
  // x = {1, -2, 0.5}: range 2, row scale 2/127, x·127/2 = {63.5, -127, 31.75}
  // rounds (half away from zero) to q = {64, -127, 32}. Sums with the two
  // weight rows: 64 − 254 + 96 = −94 and −64 + 32 = −32; each times
  // (2/127)·0.5 in float.
  const std::vector<float> y = run(fc_model(scales({0.5f})), {1.f, -2.f, 0.5f});
  const float s = (2.f / 127) * 0.5f;
  ASSERT_EQ(y.size(), 2u);
  EXPECT_EQ(y[0], -94.f * s);
  EXPECT_EQ(y[1], -32.f * s);
}

TEST(HybridKernels, FullyConnectedAsymmetricUsesTheZeroPoint) {
  // x = {0, 0.4, 2}: range [0, 2] → scale 2/255, zero point −128 (from the
  // minimum); q = round(−128 + x·127.5) = {−128, −77, 127}.
  opt::FullyConnected o;
  o.asymmetric_quantize_inputs = true;
  const std::vector<float> y = run(fc_model(scales({1.f}), o), {0.f, 0.4f, 2.f});
  const float s = static_cast<float>(2.0 / 255.0);
  // Σ (q − z)·w: row 0: 0·1 + 51·2 + 255·3 = 867; row 1: 0·−1 + 0 + 255 = 255.
  ASSERT_EQ(y.size(), 2u);
  EXPECT_EQ(y[0], 867.f * s);
  EXPECT_EQ(y[1], 255.f * s);
}

TEST(HybridKernels, RefusesNonZeroWeightZeroPoint) {
  QuantParams q = scales({0.5f});
  q.zero_point = {3};
  const std::string e = error_of(fc_model(q));
  EXPECT_THAT(e, ::testing::HasSubstr("weights tensor 1 'w'"));
  EXPECT_THAT(e, ::testing::HasSubstr("zero point 3"));
}

TEST(HybridKernels, RefusesAPerChannelScaleCountThatIsNotTheUnits) {
  const std::string e = error_of(fc_model(scales({0.5f, 0.25f, 0.1f})));
  EXPECT_THAT(e, ::testing::HasSubstr("weights tensor 1 'w' has 3 scales, expected 1 or 2"));
}

TEST(HybridKernels, RefusesABadScale) {
  const std::string e = error_of(fc_model(scales({0.5f, -1.f})));
  EXPECT_THAT(e, ::testing::HasSubstr("weights tensor 1 'w' has scale -1"));
}

TEST(HybridKernels, RefusesTanh) {
  opt::FullyConnected o;
  o.activation = Activation::Tanh;
  EXPECT_THAT(error_of(fc_model(scales({0.5f}), o)), ::testing::HasSubstr("TANH"));
}

TEST(HybridKernels, AnOpWithoutAHybridKernelIsRefusedByName) {
  // ADD of a float input and an int8 constant into a float output: hybrid
  // by its dtypes, but octet has no hybrid ADD.
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {2});
  const int32_t c = b.add_constant("c", {2}, std::vector<int8_t>{1, 2}, scales({0.5f}));
  const int32_t y = b.add_tensor("y", DType::Float32, {2});
  b.add_op(BuiltinOp::Add, {x, c}, {y});
  b.mark_output(y);
  const std::string e = error_of(m);
  EXPECT_THAT(e, ::testing::HasSubstr("op 0 (ADD)"));
  EXPECT_THAT(e, ::testing::HasSubstr("tensor 1 'c' is int8"));
  EXPECT_THAT(e, ::testing::HasSubstr("no hybrid kernel"));
}

TEST(HybridKernels, DepthwiseNeedsOneScalePerChannel) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 3, 3, 2});
  const int32_t w = b.add_constant("dw", {1, 2, 2, 2}, std::vector<int8_t>(8, 1), scales({0.5f}, 3));
  const int32_t y = b.add_tensor("y", DType::Float32, {1, 3, 3, 2});
  opt::DepthwiseConv2D o;
  o.stride_w = o.stride_h = 1;
  o.depth_multiplier = 1;
  b.add_op(BuiltinOp::DepthwiseConv2d, {x, w}, {y}, o, 6);
  b.mark_output(y);
  EXPECT_THAT(error_of(m), ::testing::HasSubstr("filter tensor 1 'dw' has one scale for 2 channels"));
}

}  // namespace
}  // namespace octet
