// The quantized matrix-product and convolution kernels on hand-made tensors:
// the requantization paths where LiteRT's differ, results against plain
// loops written from the TFLite formulas (the golden tests compare with
// LiteRT itself), and the errors bad quantization parameters give.
#include "kernels/linear_quantized.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "harness.h"

namespace octet::testing {
namespace {

using kernels::Multiplier;
using ::testing::HasSubstr;

QuantParams q(float scale, int64_t zp = 0) {
  QuantParams p;
  p.scale = {scale};
  p.zero_point = {zp};
  return p;
}

template <class T>
HostTensor tensor(DType dtype, std::vector<int32_t> shape, std::vector<T> values, QuantParams quant,
                  bool constant) {
  HostTensor t = HostTensor::of<T>(dtype, std::move(shape), values, constant);
  t.quant = std::move(quant);
  return t;
}

std::vector<int8_t> random_int8(size_t n, int lo, int hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

TEST(LinearQuantized, RoundingPathsDifferWhereLiteRtsDo) {
  // 0.25 = 2^30 · 2^-31 · 2^-1. −2 · 0.25 = −0.5: TFLite's double rounding
  // (high mul exact, then a right shift rounding half away from zero) gives
  // −1, ruy's single rounding (ties upward) gives 0.
  const Multiplier quarter{1 << 30, -1};
  EXPECT_EQ(kernels::multiply_by_quantized_multiplier(int32_t{-2}, quarter), -1);
  EXPECT_EQ(kernels::ruy_multiply_by_quantized_multiplier(-2, quarter), 0);
  EXPECT_EQ(kernels::multiply_by_quantized_multiplier(int32_t{2}, quarter), 1);
  EXPECT_EQ(kernels::ruy_multiply_by_quantized_multiplier(2, quarter), 1);
  // Double rounding: 3 · 0x40000001·2^-31·2^-2 = 0.375000...: the high mul
  // rounds 1.5000001 to 2, the shift rounds 2/2 = 1; ruy rounds 0.375 to 0.
  const Multiplier m{0x40000001, -2};
  EXPECT_EQ(kernels::multiply_by_quantized_multiplier(int32_t{3}, m), 1);
  EXPECT_EQ(kernels::ruy_multiply_by_quantized_multiplier(3, m), 0);
  // FloatScale rounds half away from zero; saturates instead of overflowing.
  EXPECT_EQ(kernels::float_scale_round(-5, 0.5), -3);
  EXPECT_EQ(kernels::float_scale_round(int64_t{1} << 45, 1e6), std::numeric_limits<int32_t>::max());
}

// FULLY_CONNECTED int8: LiteRT's formula, written as plainly as possible.
std::vector<int8_t> fc_reference(const std::vector<int8_t>& x, const std::vector<int8_t>& w,
                                 const std::vector<int32_t>& bias, int rows, int units, int depth,
                                 int32_t x_zp, Multiplier m, int32_t out_zp) {
  std::vector<int8_t> out(static_cast<size_t>(rows * units));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < units; ++c) {
      int32_t acc = bias[static_cast<size_t>(c)];
      for (int k = 0; k < depth; ++k) acc += (x[r * depth + k] - x_zp) * w[c * depth + k];
      const int32_t v = kernels::ruy_multiply_by_quantized_multiplier(acc, m) + out_zp;
      out[static_cast<size_t>(r * units + c)] = static_cast<int8_t>(std::clamp(v, -128, 127));
    }
  return out;
}

TEST(FullyConnectedQuantized, Int8MatchesTheFormulaWithConstantAndInputWeights) {
  const int rows = 5, units = 7, depth = 37;
  const auto x = random_int8(rows * depth, -128, 127, 1);
  const auto w = random_int8(units * depth, -127, 127, 2);
  std::vector<int32_t> bias(units);
  for (int c = 0; c < units; ++c) bias[static_cast<size_t>(c)] = 1000 * c - 3000;
  const float sx = 0.02f, sw = 0.01f, so = 0.5f;
  const Multiplier m = kernels::quantize_multiplier(double(sx * sw) / so);
  const auto expected = fc_reference(x, w, bias, rows, units, depth, -7, m, 4);
  for (const bool constant : {true, false}) {
    Op op = make_op(BuiltinOp::FullyConnected, opt::FullyConnected{});
    const auto out = run_kernel(
        op, {tensor<int8_t>(DType::Int8, {rows, depth}, x, q(sx, -7), false),
             tensor<int8_t>(DType::Int8, {units, depth}, w, q(sw), constant),
             tensor<int32_t>(DType::Int32, {units}, bias, q(sx * sw), true)},
        {{DType::Int8, q(so, 4)}});
    EXPECT_EQ(out[0].values<int8_t>(), expected) << "constant weights: " << constant;
  }
}

TEST(Conv2DQuantized, Int8MatchesDirectLoopsForEveryGeometry) {
  // im2col + int8_gemm against the plain convolution sum (one group: ruy).
  struct G { int h, w, c, o, k, stride, dilation; Padding pad; int groups; };
  for (const G g : {G{7, 6, 5, 4, 3, 2, 1, Padding::Same, 1}, G{9, 9, 3, 2, 3, 1, 2, Padding::Valid, 1},
                    G{4, 5, 8, 6, 1, 1, 1, Padding::Same, 1}, G{6, 6, 4, 4, 2, 1, 1, Padding::Same, 2}}) {
    const int cg = g.c / g.groups, go = g.o / g.groups;
    const auto x = random_int8(size_t(g.h * g.w * g.c), -128, 127, 3);
    const auto w = random_int8(size_t(g.o * g.k * g.k * cg), -127, 127, 4);
    const int32_t x_zp = 17;
    opt::Conv2D o{g.pad, g.stride, g.stride, Activation::None, g.dilation, g.dilation};
    const auto out = run_kernel(make_op(BuiltinOp::Conv2d, o),
                                {tensor<int8_t>(DType::Int8, {1, g.h, g.w, g.c}, x, q(0.1f, x_zp), false),
                                 tensor<int8_t>(DType::Int8, {g.o, g.k, g.k, cg}, w, q(0.1f), true)},
                                {{DType::Int8, q(2.f, -3)}});
    const int eff = (g.k - 1) * g.dilation + 1;
    const int oh = g.pad == Padding::Same ? (g.h + g.stride - 1) / g.stride : (g.h - eff) / g.stride + 1;
    const int ow = g.pad == Padding::Same ? (g.w + g.stride - 1) / g.stride : (g.w - eff) / g.stride + 1;
    ASSERT_EQ(out[0].shape, (std::vector<int32_t>{1, oh, ow, g.o}));
    const int pad_h = g.pad == Padding::Same ? std::max(0, ((oh - 1) * g.stride + eff - g.h) / 2) : 0;
    const int pad_w = g.pad == Padding::Same ? std::max(0, ((ow - 1) * g.stride + eff - g.w) / 2) : 0;
    const Multiplier m = kernels::quantize_multiplier(double(0.1f) * double(0.1f) / 2.0);
    const auto got = out[0].values<int8_t>();
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int oc = 0; oc < g.o; ++oc) {
          int32_t acc = 0;
          for (int ky = 0; ky < g.k; ++ky)
            for (int kx = 0; kx < g.k; ++kx) {
              const int iy = oy * g.stride - pad_h + ky * g.dilation;
              const int ix = ox * g.stride - pad_w + kx * g.dilation;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              for (int c = 0; c < cg; ++c)
                acc += (x[size_t((iy * g.w + ix) * g.c + (oc / go) * cg + c)] - x_zp) *
                       w[size_t(((oc * g.k + ky) * g.k + kx) * cg + c)];
            }
          const int32_t v = g.groups == 1 ? kernels::ruy_multiply_by_quantized_multiplier(acc, m)
                                          : kernels::multiply_by_quantized_multiplier(acc, m);
          EXPECT_EQ(got[size_t((oy * ow + ox) * g.o + oc)], std::clamp(v - 3, -128, 127))
              << g.h << "x" << g.w << " at " << oy << "," << ox << "," << oc;
        }
  }
}

TEST(LinearQuantized, RejectsBadQuantizationWithClearMessages) {
  const auto x = tensor<int8_t>(DType::Int8, {2, 4}, std::vector<int8_t>(8), q(0.1f), false);
  auto w = tensor<int8_t>(DType::Int8, {3, 4}, std::vector<int8_t>(12), q(0.1f), true);
  const OutputSpec out{DType::Int8, q(0.1f)};
  const Op fc = make_op(BuiltinOp::FullyConnected, opt::FullyConnected{});
  auto bad = w;
  bad.quant = q(0.f);
  EXPECT_THAT([&] { run_kernel(fc, {x, bad}, {out}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("filter tensor 1 'input1' has scale 0")));
  bad.quant.scale = {0.1f, 0.2f};
  bad.quant.zero_point = {0, 0};
  EXPECT_THAT([&] { run_kernel(fc, {x, bad}, {out}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("has 2 scales for 3 output channels")));
  bad.quant = q(0.1f, 3);
  EXPECT_THAT([&] { run_kernel(fc, {x, bad}, {out}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("zero point 3")));
  opt::FullyConnected shuffled;
  shuffled.weights_format = 1;
  EXPECT_THAT([&] { run_kernel(make_op(BuiltinOp::FullyConnected, shuffled), {x, w}, {out}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("SHUFFLED4x16INT8")));
  const auto bias_bad_scale = tensor<int32_t>(DType::Int32, {3}, std::vector<int32_t>(3), q(0.5f), true);
  EXPECT_THAT([&] { run_kernel(fc, {x, w, bias_bad_scale}, {out}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("bias tensor 2 'input2' has scale 0.5")));
  const auto bias64 = tensor<int64_t>(DType::Int64, {3}, std::vector<int64_t>(3), q(0.01f), true);
  EXPECT_THAT([&] { run_kernel(fc, {x, w, bias64}, {out}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("bias tensor 2 'input2' is int64, expected int32")));
  EXPECT_THAT([&] { run_kernel(fc, {x, w}, {{DType::Int8, q(1e-5f)}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("128 or more")));
  auto x_bad = x;
  x_bad.quant = q(0.1f, 300);
  EXPECT_THAT([&] { run_kernel(fc, {x_bad, w}, {out}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("input tensor 0 'input0' has zero point 300")));

  // int16 CONV_2D: an int32 bias without quantized_bias_type INT32.
  const auto x16 = tensor<int16_t>(DType::Int16, {1, 3, 3, 2}, std::vector<int16_t>(18), q(0.1f), false);
  const auto f = tensor<int8_t>(DType::Int8, {2, 1, 1, 2}, std::vector<int8_t>(4), q(0.1f), true);
  const auto b32 = tensor<int32_t>(DType::Int32, {2}, std::vector<int32_t>(2), q(0.01f), true);
  const Op conv = make_op(BuiltinOp::Conv2d, opt::Conv2D{Padding::Same, 1, 1});
  EXPECT_THAT([&] { run_kernel(conv, {x16, f, b32}, {{DType::Int16, q(0.1f)}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("bias tensor 2 'input2' is int32 but quantized_bias_type")));
  // int16 DEPTHWISE_CONV_2D: LiteRT indexes with the option's multiplier.
  const auto dwf = tensor<int8_t>(DType::Int8, {1, 1, 1, 4}, std::vector<int8_t>(4), q(0.1f), true);
  opt::DepthwiseConv2D dw{Padding::Same, 1, 1, 1};
  EXPECT_THAT([&] { run_kernel(make_op(BuiltinOp::DepthwiseConv2d, dw), {x16, dwf}, {{DType::Int16, q(0.1f)}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("depth_multiplier option is 1 but the shapes give 2")));
  // BATCH_MATMUL: int16 lhs needs a zero-point-0 rhs.
  const auto l16 = tensor<int16_t>(DType::Int16, {2, 2}, std::vector<int16_t>(4), q(0.1f), false);
  const auto r8 = tensor<int8_t>(DType::Int8, {2, 2}, std::vector<int8_t>(4), q(0.1f, 4), false);
  EXPECT_THAT([&] { run_kernel(make_op(BuiltinOp::BatchMatmul, opt::BatchMatMul{}), {l16, r8}, {{DType::Int16, q(0.1f)}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("rhs tensor 1 'input1' has zero point 4")));
}

}  // namespace
}  // namespace octet::testing
