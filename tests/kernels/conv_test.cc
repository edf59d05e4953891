// CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and MediaPipe's
// Convolution2DTransposeBias against naive loops written from TFLite's
// reference kernels' definitions (gather for convs, scatter for transposes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "float_compare.h"

namespace octet::testing {
namespace {

using ::testing::HasSubstr;

size_t count(const std::vector<int32_t>& s) {
  size_t n = 1;
  for (int32_t d : s) n *= size_t(d);
  return n;
}

// TFLite's output size and leading padding, written out again here.
int out_size(Padding p, int in, int filter, int stride, int dilation) {
  const int eff = (filter - 1) * dilation + 1;
  return p == Padding::Same ? (in + stride - 1) / stride : (in + stride - eff) / stride;
}
int pad_before(int in, int filter, int stride, int dilation, int out) {
  const int eff = (filter - 1) * dilation + 1;
  return std::max(0, (out - 1) * stride + eff - in) / 2;
}

struct ConvCase {
  int n, h, w, c, o, kh, kw, stride_h, stride_w, dil_h, dil_w;
  Padding padding;
  bool bias;
  Activation act;
  int groups = 1;
};

// ---------------------------------------------------------------- CONV_2D

std::vector<double> conv_reference(const ConvCase& c, const std::vector<float>& in,
                                   const std::vector<float>& f, const std::vector<float>& bias,
                                   std::vector<int32_t>* shape) {
  const int oh = out_size(c.padding, c.h, c.kh, c.stride_h, c.dil_h);
  const int ow = out_size(c.padding, c.w, c.kw, c.stride_w, c.dil_w);
  const int ph = pad_before(c.h, c.kh, c.stride_h, c.dil_h, oh);
  const int pw = pad_before(c.w, c.kw, c.stride_w, c.dil_w, ow);
  const int cg = c.c / c.groups, og = c.o / c.groups;
  *shape = {c.n, oh, ow, c.o};
  std::vector<double> out(size_t(c.n) * oh * ow * c.o);
  for (int b = 0; b < c.n; ++b)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int o = 0; o < c.o; ++o) {
          const int g = o / og;
          double acc = 0;
          for (int ky = 0; ky < c.kh; ++ky)
            for (int kx = 0; kx < c.kw; ++kx) {
              const int iy = y * c.stride_h - ph + ky * c.dil_h;
              const int ix = x * c.stride_w - pw + kx * c.dil_w;
              if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
              for (int i = 0; i < cg; ++i)
                acc += double(in[((size_t(b) * c.h + iy) * c.w + ix) * c.c + g * cg + i]) *
                       f[((size_t(o) * c.kh + ky) * c.kw + kx) * cg + i];
            }
          out[((size_t(b) * oh + y) * ow + x) * c.o + o] = acc + (c.bias ? bias[o] : 0.0);
        }
  return clamp_all(out, c.act);
}

Op conv_op(const ConvCase& c) {
  opt::Conv2D o;
  o.padding = c.padding;
  o.stride_h = c.stride_h;
  o.stride_w = c.stride_w;
  o.dilation_h = c.dil_h;
  o.dilation_w = c.dil_w;
  o.activation = c.act;
  return make_op(BuiltinOp::Conv2d, o);
}

TEST(Conv2D, HandComputedSameAndValid) {
  // 3x3 image 1..9, 2x2 filter of ones: each output sums a 2x2 window.
  std::vector<float> image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto filter = HostTensor::f32({1, 2, 2, 1}, {1, 1, 1, 1}, true);
  ConvCase c{1, 3, 3, 1, 1, 2, 2, 1, 1, 1, 1, Padding::Valid, false, Activation::None};
  auto out = run_kernel(conv_op(c), {HostTensor::f32({1, 3, 3, 1}, image), filter}, {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{1, 2, 2, 1}));
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{12, 16, 24, 28}));
  // SAME: the single padding row/column goes after (bottom/right).
  c.padding = Padding::Same;
  out = run_kernel(conv_op(c), {HostTensor::f32({1, 3, 3, 1}, image), filter}, {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{1, 3, 3, 1}));
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{12, 16, 9, 24, 28, 15, 15, 17, 9}));
}

class Conv2DSweep : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2DSweep, MatchesNaiveLoop) {
  const ConvCase c = GetParam();
  const std::vector<int32_t> in_shape = {c.n, c.h, c.w, c.c};
  const std::vector<int32_t> f_shape = {c.o, c.kh, c.kw, c.c / c.groups};
  const auto in = random_floats(count(in_shape), 21);
  const auto f = random_floats(count(f_shape), 22);
  const auto bias = random_floats(size_t(c.o), 23);
  std::vector<HostTensor> inputs = {HostTensor::f32(in_shape, in), HostTensor::f32(f_shape, f, true)};
  if (c.bias) inputs.push_back(HostTensor::f32({c.o}, bias, true));
  std::vector<int32_t> shape;
  const auto expected = conv_reference(c, in, f, bias, &shape);
  const auto out = run_kernel(conv_op(c), inputs, {{}});
  EXPECT_EQ(out[0].shape, shape);
  EXPECT_TRUE(all_near(out[0].values<float>(), expected));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, Conv2DSweep,
    ::testing::Values(
        ConvCase{1, 5, 7, 3, 4, 3, 3, 1, 1, 1, 1, Padding::Same, true, Activation::None},
        ConvCase{2, 9, 8, 5, 6, 3, 3, 2, 2, 1, 1, Padding::Same, true, Activation::Relu},
        ConvCase{1, 9, 8, 5, 6, 3, 3, 2, 2, 1, 1, Padding::Valid, false, Activation::Relu6},
        ConvCase{1, 10, 11, 4, 3, 3, 2, 1, 2, 2, 1, Padding::Same, true, Activation::None},  // dilation
        ConvCase{1, 12, 12, 3, 5, 3, 3, 1, 1, 2, 3, Padding::Valid, true, Activation::ReluN1To1},
        ConvCase{1, 6, 6, 2, 3, 5, 5, 3, 1, 1, 1, Padding::Same, false, Activation::None},  // stride > half filter
        ConvCase{1, 4, 4, 3, 2, 5, 5, 1, 1, 1, 1, Padding::Same, true, Activation::None},  // filter > image
        ConvCase{2, 7, 5, 6, 9, 1, 1, 1, 1, 1, 1, Padding::Same, true, Activation::Relu},  // 1x1: GEMM only
        ConvCase{1, 40, 40, 16, 24, 1, 1, 1, 1, 1, 1, Padding::Valid, true, Activation::None},  // 1x1 threaded
        ConvCase{1, 9, 9, 8, 4, 1, 1, 2, 2, 1, 1, Padding::Same, false, Activation::None},   // 1x1 stride 2
        ConvCase{1, 37, 29, 16, 32, 3, 3, 1, 1, 1, 1, Padding::Same, true, Activation::Relu},  // many blocks
        ConvCase{1, 8, 8, 4, 6, 3, 3, 1, 1, 1, 1, Padding::Same, true, Activation::None, 2},  // grouped
        ConvCase{2, 7, 9, 6, 6, 3, 1, 2, 1, 1, 1, Padding::Valid, true, Activation::Relu, 3},
        ConvCase{1, 5, 5, 4, 4, 1, 1, 1, 1, 1, 1, Padding::Same, false, Activation::None, 4}));

TEST(Conv2D, OmittedBiasIsZero) {
  ConvCase c{1, 5, 5, 2, 3, 3, 3, 1, 1, 1, 1, Padding::Same, false, Activation::None};
  const auto in = random_floats(50, 24);
  const auto f = random_floats(54, 25);
  std::vector<int32_t> shape;
  const auto out = run_kernel(conv_op(c),
                              {HostTensor::f32({1, 5, 5, 2}, in), HostTensor::f32({3, 3, 3, 2}, f, true),
                               omitted_tensor()},
                              {{}}, {false, false, true});
  EXPECT_TRUE(all_near(out[0].values<float>(), conv_reference(c, in, f, {}, &shape)));
}

TEST(Conv2D, RejectsBadInputsWithClearMessages) {
  ConvCase c{1, 5, 5, 6, 4, 3, 3, 1, 1, 1, 1, Padding::Same, false, Activation::None};
  const auto in = HostTensor::f32({1, 5, 5, 6}, std::vector<float>(150));
  EXPECT_THAT([&] { run_kernel(conv_op(c), {in, HostTensor::f32({4, 3, 3, 4}, std::vector<float>(144), true)}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("do not divide the input's 6 channels")));
  EXPECT_THAT([&] { run_kernel(conv_op(c), {in, HostTensor::f32({3, 3, 3, 3}, std::vector<float>(81), true)}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("not a positive multiple of the 2 groups")));
  EXPECT_THAT([&] {
    run_kernel(conv_op(c), {in, HostTensor::f32({4, 3, 3, 6}, std::vector<float>(216), true),
                            HostTensor::f32({3}, std::vector<float>(3), true)}, {{}});
  }, ::testing::ThrowsMessage<Error>(HasSubstr("bias tensor 2 'input2' has 3 elements, expected 4")));
  c.stride_h = 0;
  EXPECT_THAT([&] { run_kernel(conv_op(c), {in, HostTensor::f32({4, 3, 3, 6}, std::vector<float>(216), true)}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("stride_height is 0")));
  c.stride_h = 1;
  c.padding = Padding::Valid;
  EXPECT_THAT([&] { run_kernel(conv_op(c), {in, HostTensor::f32({4, 7, 3, 6}, std::vector<float>(504), true)}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("VALID")));
  auto q = HostTensor::of<int8_t>(DType::Int8, {1, 5, 5, 6}, std::vector<int8_t>(150));
  EXPECT_THAT([&] { run_kernel(conv_op(c), {q, HostTensor::f32({4, 3, 3, 6}, std::vector<float>(216), true)}, {{DType::Int8, {}}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("int8: quantized kernels are not supported yet")));
}

// ---------------------------------------------------------------- DEPTHWISE_CONV_2D

// c.o is the depth multiplier here.
std::vector<double> depthwise_reference(const ConvCase& c, const std::vector<float>& in,
                                        const std::vector<float>& f, const std::vector<float>& bias,
                                        std::vector<int32_t>* shape) {
  const int oh = out_size(c.padding, c.h, c.kh, c.stride_h, c.dil_h);
  const int ow = out_size(c.padding, c.w, c.kw, c.stride_w, c.dil_w);
  const int ph = pad_before(c.h, c.kh, c.stride_h, c.dil_h, oh);
  const int pw = pad_before(c.w, c.kw, c.stride_w, c.dil_w, ow);
  const int oc = c.c * c.o;
  *shape = {c.n, oh, ow, oc};
  std::vector<double> out(size_t(c.n) * oh * ow * oc);
  for (int b = 0; b < c.n; ++b)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int ic = 0; ic < c.c; ++ic)
          for (int m = 0; m < c.o; ++m) {
            const int o = ic * c.o + m;
            double acc = 0;
            for (int ky = 0; ky < c.kh; ++ky)
              for (int kx = 0; kx < c.kw; ++kx) {
                const int iy = y * c.stride_h - ph + ky * c.dil_h;
                const int ix = x * c.stride_w - pw + kx * c.dil_w;
                if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
                acc += double(in[((size_t(b) * c.h + iy) * c.w + ix) * c.c + ic]) *
                       f[(size_t(ky) * c.kw + kx) * oc + o];
              }
            out[((size_t(b) * oh + y) * ow + x) * oc + o] = acc + (c.bias ? bias[o] : 0.0);
          }
  return clamp_all(out, c.act);
}

Op depthwise_op(const ConvCase& c, int options_multiplier) {
  opt::DepthwiseConv2D o;
  o.padding = c.padding;
  o.stride_h = c.stride_h;
  o.stride_w = c.stride_w;
  o.dilation_h = c.dil_h;
  o.dilation_w = c.dil_w;
  o.depth_multiplier = options_multiplier;
  o.activation = c.act;
  return make_op(BuiltinOp::DepthwiseConv2d, o);
}

class DepthwiseSweep : public ::testing::TestWithParam<ConvCase> {};

TEST_P(DepthwiseSweep, MatchesNaiveLoop) {
  const ConvCase c = GetParam();
  const std::vector<int32_t> in_shape = {c.n, c.h, c.w, c.c};
  const std::vector<int32_t> f_shape = {1, c.kh, c.kw, c.c * c.o};
  const auto in = random_floats(count(in_shape), 31);
  const auto f = random_floats(count(f_shape), 32);
  const auto bias = random_floats(size_t(c.c * c.o), 33);
  std::vector<HostTensor> inputs = {HostTensor::f32(in_shape, in), HostTensor::f32(f_shape, f, true)};
  if (c.bias) inputs.push_back(HostTensor::f32({c.c * c.o}, bias, true));
  std::vector<int32_t> shape;
  const auto expected = depthwise_reference(c, in, f, bias, &shape);
  const auto out = run_kernel(depthwise_op(c, c.o), inputs, {{}});
  EXPECT_EQ(out[0].shape, shape);
  EXPECT_TRUE(all_near(out[0].values<float>(), expected));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, DepthwiseSweep,
    ::testing::Values(
        ConvCase{1, 7, 6, 24, 1, 3, 3, 1, 1, 1, 1, Padding::Same, true, Activation::None},  // 16+8
        ConvCase{2, 9, 9, 37, 1, 5, 5, 2, 2, 1, 1, Padding::Same, true, Activation::Relu6},  // 16+16+4+1
        ConvCase{1, 9, 10, 5, 1, 3, 3, 2, 1, 1, 1, Padding::Valid, false, Activation::Relu},
        ConvCase{1, 11, 11, 8, 1, 3, 3, 1, 1, 2, 2, Padding::Same, true, Activation::None},  // dilation
        ConvCase{1, 13, 12, 3, 1, 3, 2, 1, 2, 3, 1, Padding::Valid, true, Activation::ReluN1To1},
        ConvCase{1, 6, 7, 3, 2, 3, 3, 1, 1, 1, 1, Padding::Same, true, Activation::None},  // multiplier 2
        ConvCase{1, 5, 5, 2, 3, 2, 2, 2, 2, 1, 1, Padding::Valid, false, Activation::None},  // multiplier 3
        ConvCase{1, 3, 3, 4, 1, 5, 5, 1, 1, 1, 1, Padding::Same, true, Activation::None},  // filter > image
        ConvCase{1, 64, 64, 24, 1, 3, 3, 1, 1, 1, 1, Padding::Same, true, Activation::Relu}));  // threaded

TEST(DepthwiseConv2D, MultiplierComesFromShapesNotOptions) {
  // Current TFLite computes the multiplier from the filter's channels; a 0
  // in the options (as some converters write) must not matter.
  ConvCase c{1, 4, 4, 2, 2, 3, 3, 1, 1, 1, 1, Padding::Same, false, Activation::None};
  const auto in = random_floats(32, 34);
  const auto f = random_floats(36, 35);
  std::vector<int32_t> shape;
  const auto out = run_kernel(depthwise_op(c, 0),
                              {HostTensor::f32({1, 4, 4, 2}, in), HostTensor::f32({1, 3, 3, 4}, f, true)}, {{}});
  EXPECT_TRUE(all_near(out[0].values<float>(), depthwise_reference(c, in, f, {}, &shape)));
}

TEST(DepthwiseConv2D, RejectsBadInputsWithClearMessages) {
  ConvCase c{1, 4, 4, 3, 1, 3, 3, 1, 1, 1, 1, Padding::Same, false, Activation::None};
  const auto in = HostTensor::f32({1, 4, 4, 3}, std::vector<float>(48));
  EXPECT_THAT([&] { run_kernel(depthwise_op(c, 1), {in, HostTensor::f32({1, 3, 3, 4}, std::vector<float>(36), true)}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("has 4 channels, not a multiple of the input's 3")));
  EXPECT_THAT([&] { run_kernel(depthwise_op(c, 1), {in, HostTensor::f32({2, 3, 3, 3}, std::vector<float>(54), true)}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("expected [1, KH, KW, channels]")));
}

// ---------------------------------------------------------------- TRANSPOSE_CONV

// TFLite's reference: scatter, then bias, then clamp. `pad` from the output.
std::vector<double> transpose_reference(int n, int h, int w, int ic, int oh, int ow, int oc, int kh,
                                        int kw, int sh, int sw, int ph, int pw,
                                        const std::vector<float>& in, const std::vector<float>& f,
                                        const std::vector<float>* bias, Activation act) {
  std::vector<double> out(size_t(n) * oh * ow * oc, 0.0);
  for (int b = 0; b < n; ++b)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int i = 0; i < ic; ++i)
          for (int ky = 0; ky < kh; ++ky)
            for (int kx = 0; kx < kw; ++kx)
              for (int o = 0; o < oc; ++o) {
                const int oy = y * sh - ph + ky, ox = x * sw - pw + kx;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                out[((size_t(b) * oh + oy) * ow + ox) * oc + o] +=
                    double(in[((size_t(b) * h + y) * w + x) * ic + i]) *
                    f[((size_t(o) * kh + ky) * kw + kx) * ic + i];
              }
  if (bias)
    for (size_t p = 0; p < out.size(); ++p) out[p] += (*bias)[p % oc];
  return clamp_all(out, act);
}

Op transpose_op(Padding padding, int sh, int sw, Activation act = Activation::None) {
  opt::TransposeConv o;
  o.padding = padding;
  o.stride_h = sh;
  o.stride_w = sw;
  o.activation = act;
  return make_op(BuiltinOp::TransposeConv, o);
}

TEST(TransposeConv, HandComputedTfliteExample) {
  // TFLite's transpose_conv_test SimpleTest: 4x4 image 1..16, 3x3 filter
  // 1..9, SAME, stride 1.
  std::vector<float> image(16), filter(9);
  for (int i = 0; i < 16; ++i) image[i] = float(i + 1);
  for (int i = 0; i < 9; ++i) filter[i] = float(i + 1);
  const auto out = run_kernel(transpose_op(Padding::Same, 1, 1),
                              {HostTensor::i32({4}, {1, 4, 4, 1}), HostTensor::f32({1, 3, 3, 1}, filter, true),
                               HostTensor::f32({1, 4, 4, 1}, image)},
                              {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{1, 4, 4, 1}));
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{29, 62, 83, 75, 99, 192, 237, 198, 207, 372,
                                                        417, 330, 263, 446, 485, 365}));
}

struct TransposeCase {
  int n, h, w, ic, oc, kh, kw, sh, sw;
  Padding padding;
  int oh, ow;  // requested output size
  bool bias;
  Activation act;
};

class TransposeConvSweep : public ::testing::TestWithParam<TransposeCase> {};

TEST_P(TransposeConvSweep, MatchesNaiveScatter) {
  const TransposeCase c = GetParam();
  const auto in = random_floats(size_t(c.n) * c.h * c.w * c.ic, 41);
  const auto f = random_floats(size_t(c.oc) * c.kh * c.kw * c.ic, 42);
  const auto bias = random_floats(size_t(c.oc), 43);
  // TFLite pads as a conv whose input is this output.
  const int ph = pad_before(c.oh, c.kh, c.sh, 1, out_size(c.padding, c.oh, c.kh, c.sh, 1));
  const int pw = pad_before(c.ow, c.kw, c.sw, 1, out_size(c.padding, c.ow, c.kw, c.sw, 1));
  std::vector<HostTensor> inputs = {HostTensor::i32({4}, {c.n, c.oh, c.ow, c.oc}),
                                    HostTensor::f32({c.oc, c.kh, c.kw, c.ic}, f, true),
                                    HostTensor::f32({c.n, c.h, c.w, c.ic}, in)};
  if (c.bias) inputs.push_back(HostTensor::f32({c.oc}, bias, true));
  const auto out = run_kernel(transpose_op(c.padding, c.sh, c.sw, c.act), inputs, {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{c.n, c.oh, c.ow, c.oc}));
  EXPECT_TRUE(all_near(out[0].values<float>(),
                       transpose_reference(c.n, c.h, c.w, c.ic, c.oh, c.ow, c.oc, c.kh, c.kw, c.sh,
                                           c.sw, ph, pw, in, f, c.bias ? &bias : nullptr, c.act)));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, TransposeConvSweep,
    ::testing::Values(
        TransposeCase{1, 4, 4, 3, 2, 3, 3, 1, 1, Padding::Same, 4, 4, true, Activation::None},
        TransposeCase{2, 5, 4, 3, 5, 3, 3, 2, 2, Padding::Same, 10, 8, true, Activation::Relu},
        TransposeCase{1, 5, 4, 3, 5, 3, 3, 2, 2, Padding::Same, 9, 7, false, Activation::None},  // odd
        TransposeCase{1, 3, 5, 2, 4, 3, 2, 2, 3, Padding::Valid, 7, 14, true, Activation::Relu6},
        TransposeCase{1, 6, 6, 8, 4, 4, 4, 2, 2, Padding::Same, 12, 12, true, Activation::None},
        TransposeCase{1, 3, 3, 2, 3, 2, 2, 2, 2, Padding::Valid, 6, 6, false, Activation::ReluN1To1},
        TransposeCase{1, 16, 16, 32, 16, 2, 2, 2, 2, Padding::Same, 32, 32, true, Activation::None}));

TEST(TransposeConv, RejectsBadInputsWithClearMessages) {
  const auto w = HostTensor::f32({2, 3, 3, 4}, std::vector<float>(72), true);
  const auto in = HostTensor::f32({1, 4, 4, 4}, std::vector<float>(64));
  EXPECT_THAT([&] { run_kernel(transpose_op(Padding::Same, 1, 1), {HostTensor::i32({3}, {1, 4, 4}), w, in}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("has 3 values, expected 4")));
  EXPECT_THAT([&] { run_kernel(transpose_op(Padding::Same, 1, 1), {HostTensor::i32({4}, {1, 4, 4, 3}), w, in}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("does not fit")));
  auto dynamic_shape = HostTensor::i32({4}, {1, 4, 4, 2}, /*constant=*/false);
  EXPECT_THAT([&] { run_kernel(transpose_op(Padding::Same, 1, 1), {dynamic_shape, w, in}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("not known at plan time")));
  EXPECT_THAT([&] {
    run_kernel(transpose_op(Padding::Same, 1, 1),
               {HostTensor::i32({4}, {1, 4, 4, 2}), w, HostTensor::f32({1, 4, 4, 3}, std::vector<float>(48))}, {{}});
  }, ::testing::ThrowsMessage<Error>(HasSubstr("has 4 input channels")));
}

// ---------------------------------------------------------------- Convolution2DTransposeBias

Op mediapipe_op(int32_t padding, int32_t stride_w, int32_t stride_h) {
  Op op;
  op.code.builtin = BuiltinOp::Custom;
  op.code.custom_name = "Convolution2DTransposeBias";
  const int32_t params[3] = {padding, stride_w, stride_h};
  op.custom_options.resize(sizeof(params));
  std::memcpy(op.custom_options.data(), params, sizeof(params));
  return op;
}

// MediaPipe's kernel: output starts at the bias; padding total (SAME only)
// max(0, filter - (in - 1) % stride - 1), out = stride * (in - 1) + filter - total.
std::vector<double> mediapipe_reference(int h, int w, int ic, int oc, int kh, int kw, int sh, int sw,
                                        bool same, const std::vector<float>& in,
                                        const std::vector<float>& f, const std::vector<float>& bias,
                                        std::vector<int32_t>* shape) {
  const int th = same ? std::max(0, kh - (h - 1) % sh - 1) : 0;
  const int tw = same ? std::max(0, kw - (w - 1) % sw - 1) : 0;
  const int oh = sh * (h - 1) + kh - th, ow = sw * (w - 1) + kw - tw;
  *shape = {1, oh, ow, oc};
  auto out = transpose_reference(1, h, w, ic, oh, ow, oc, kh, kw, sh, sw, th / 2, tw / 2, in, f,
                                 &bias, Activation::None);
  return out;
}

TEST(Convolution2DTransposeBias, HandComputedUpsample) {
  // 2x2 filter of ones, stride 2: each input pixel fills a 2x2 block.
  const auto out = run_kernel(mediapipe_op(1, 2, 2),
                              {HostTensor::f32({1, 2, 2, 1}, {1, 2, 3, 4}),
                               HostTensor::f32({1, 2, 2, 1}, {1, 1, 1, 1}, true),
                               HostTensor::f32({1}, {0.5f}, true)},
                              {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{1, 4, 4, 1}));
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{1.5f, 1.5f, 2.5f, 2.5f, 1.5f, 1.5f, 2.5f, 2.5f,
                                                        3.5f, 3.5f, 4.5f, 4.5f, 3.5f, 3.5f, 4.5f, 4.5f}));
}

struct MediaPipeCase {
  int h, w, ic, oc, kh, kw, sh, sw;
  int32_t padding;  // TfLitePadding: 1 SAME, 2 VALID
  std::vector<int32_t> expected_shape;
};

class MediaPipeTransposeSweep : public ::testing::TestWithParam<MediaPipeCase> {};

TEST_P(MediaPipeTransposeSweep, MatchesMediaPipeFormula) {
  const MediaPipeCase c = GetParam();
  const auto in = random_floats(size_t(c.h) * c.w * c.ic, 51);
  const auto f = random_floats(size_t(c.oc) * c.kh * c.kw * c.ic, 52);
  const auto bias = random_floats(size_t(c.oc), 53);
  std::vector<int32_t> shape;
  const auto expected = mediapipe_reference(c.h, c.w, c.ic, c.oc, c.kh, c.kw, c.sh, c.sw,
                                            c.padding == 1, in, f, bias, &shape);
  ASSERT_EQ(shape, c.expected_shape);  // the formula as the test reads it
  const auto out = run_kernel(mediapipe_op(c.padding, c.sw, c.sh),
                              {HostTensor::f32({1, c.h, c.w, c.ic}, in),
                               HostTensor::f32({c.oc, c.kh, c.kw, c.ic}, f, true),
                               HostTensor::f32({c.oc}, bias, true)},
                              {{}});
  EXPECT_EQ(out[0].shape, c.expected_shape);
  EXPECT_TRUE(all_near(out[0].values<float>(), expected));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MediaPipeTransposeSweep,
    ::testing::Values(MediaPipeCase{8, 8, 16, 8, 4, 4, 2, 2, 1, {1, 16, 16, 8}},  // SAME: in * stride
                      MediaPipeCase{8, 6, 4, 3, 3, 3, 2, 2, 1, {1, 16, 12, 3}},
                      MediaPipeCase{5, 7, 3, 2, 2, 2, 2, 2, 2, {1, 10, 14, 2}},  // VALID
                      MediaPipeCase{5, 5, 2, 2, 3, 3, 2, 2, 2, {1, 11, 11, 2}},
                      MediaPipeCase{4, 4, 2, 2, 1, 1, 2, 2, 1, {1, 7, 7, 2}},     // SAME, filter < stride
                      MediaPipeCase{6, 5, 3, 4, 3, 3, 1, 2, 1, {1, 6, 9, 4}}));  // unequal strides

TEST(Convolution2DTransposeBias, RejectsBadOptions) {
  const std::vector<HostTensor> inputs = {HostTensor::f32({1, 2, 2, 1}, {1, 2, 3, 4}),
                                          HostTensor::f32({1, 2, 2, 1}, {1, 1, 1, 1}, true),
                                          HostTensor::f32({1}, {0.5f}, true)};
  Op short_options = mediapipe_op(1, 2, 2);
  short_options.custom_options.resize(8);
  EXPECT_THAT([&] { run_kernel(short_options, inputs, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("custom options are 8 bytes, expected at least 12")));
  EXPECT_THAT([&] { run_kernel(mediapipe_op(7, 2, 2), inputs, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("padding is 7")));
  EXPECT_THAT([&] { run_kernel(mediapipe_op(1, 0, 2), inputs, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("strides (h 2, w 0)")));
  EXPECT_THAT([&] { run_kernel(mediapipe_op(1, 2, 2), {inputs[0], inputs[1], HostTensor::f32({2}, {0, 0}, true)}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("bias tensor 2 'input2' has 2 elements, expected 1")));
}

}  // namespace
}  // namespace octet::testing
