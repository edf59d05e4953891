// CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV on int8 and int16x8 tensors
// against LiteRT. Constant int8 filters run in XNNPACK (kXnnpackReason);
// every case also runs with its filter given as a model input, which
// XNNPACK declines, so LiteRT's builtin kernel runs and octet must match it
// bit for bit. int16 never runs in XNNPACK.
#include <cmath>

#include "golden.h"
#include "linear_golden_util.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

int32_t window_out(Padding p, int32_t in, int32_t k, int32_t stride, int32_t dilation) {
  const int32_t effective = (k - 1) * dilation + 1;
  return p == Padding::Same ? (in + stride - 1) / stride : (in - effective + stride) / stride;
}

struct ConvSpec {
  DType dtype = DType::Int8;
  std::vector<int32_t> input;            // [N, H, W, C]
  int32_t out_channels = 1, kh = 3, kw = 3, groups = 1, multiplier = 1;
  int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  Padding padding = Padding::Same;
  Activation activation = Activation::None;
  bool per_channel = true, filter_is_input = false;
  DType bias = DType::Int32;             // Float32: none
  DType declared_bias = DType::Float32;  // quantized_bias_type
  int64_t bias_range = 20000;
  float input_scale = 0.02f, filter_scale = 0.01f, output_scale = 0.f;
  int64_t input_zp = 0, output_zp = 0;
  int64_t spread = -1;  // >= 0: input within zero point ± spread, |filter| <= 2 (ties)
  uint32_t seed = 11;
};

GTensor activation_tensor(const ConvSpec& s, std::vector<int32_t> shape, float scale, int64_t zp) {
  return s.dtype == DType::Int16 ? int16_tensor(std::move(shape), scale)
                                 : int8_tensor(std::move(shape), scale, zp);
}

GTensor input_tensor(const ConvSpec& s, std::vector<int32_t> shape) {
  GTensor t = activation_tensor(s, std::move(shape), s.input_scale, s.input_zp);
  if (s.spread >= 0) {
    t.lo = s.input_zp - s.spread;
    t.hi = s.input_zp + s.spread;
  }
  return t;
}

GTensor filter_tensor(const ConvSpec& s, std::vector<int32_t> shape, int32_t channels, int32_t axis) {
  return filter_of(std::move(shape), s.per_channel, s.spread >= 0, channels, axis, s.filter_scale,
                   s.filter_is_input, s.spread >= 0 ? 2 : 127, s.seed);
}

void add_bias(const ConvSpec& s, int32_t channels, std::vector<GTensor>& inputs) {
  const QuantParams q = bias_quant(
      s.input_scale, filter_scales(s.per_channel, s.spread >= 0, channels, s.filter_scale));
  if (s.bias == DType::Int32) inputs.push_back(int32_bias({channels}, q, -s.bias_range, s.bias_range, s.seed + 1));
  if (s.bias == DType::Int64) inputs.push_back(int64_bias({channels}, q, -s.bias_range, s.bias_range, s.seed + 1));
}

float output_scale(const ConvSpec& s, int32_t taps) {
  return s.output_scale > 0 ? s.output_scale
                            : s.input_scale * s.filter_scale * 40.f * std::sqrt(float(taps));
}

void finish(GoldenCase& c, const ConvSpec& s) {
  if (s.dtype == DType::Int8 && !s.filter_is_input) {
    c.tolerance = 1;
    c.reason = kXnnpackReason;
  }
}

GoldenCase conv_case(const std::string& name, const ConvSpec& s) {
  opt::Conv2D o{s.padding, s.stride_w, s.stride_h, s.activation, s.dilation_w, s.dilation_h,
                s.declared_bias};
  const int32_t cg = s.input[3] / s.groups;
  std::vector<GTensor> inputs = {
      input_tensor(s, s.input), filter_tensor(s, {s.out_channels, s.kh, s.kw, cg}, s.out_channels, 0)};
  add_bias(s, s.out_channels, inputs);
  const std::vector<int32_t> out_shape = {
      s.input[0], window_out(s.padding, s.input[1], s.kh, s.stride_h, s.dilation_h),
      window_out(s.padding, s.input[2], s.kw, s.stride_w, s.dilation_w), s.out_channels};
  const int32_t version = s.dtype == DType::Int16 ? (s.declared_bias != DType::Float32 ? 8 : 4)
                                                  : (s.groups > 1 ? 6 : 3);
  GoldenCase c = golden_case(
      "CONV_2D", name + (s.filter_is_input ? " filter=input" : ""), BuiltinOp::Conv2d, o, inputs,
      {activation_tensor(s, out_shape, output_scale(s, s.kh * s.kw * cg), s.output_zp)}, version);
  finish(c, s);
  return c;
}

GoldenCase depthwise_case(const std::string& name, const ConvSpec& s) {
  const int32_t channels = s.input[3] * s.multiplier;
  opt::DepthwiseConv2D o{s.padding, s.stride_w, s.stride_h, s.multiplier, s.activation,
                         s.dilation_w, s.dilation_h};
  std::vector<GTensor> inputs = {input_tensor(s, s.input),
                                 filter_tensor(s, {1, s.kh, s.kw, channels}, channels, 3)};
  add_bias(s, channels, inputs);
  const std::vector<int32_t> out_shape = {
      s.input[0], window_out(s.padding, s.input[1], s.kh, s.stride_h, s.dilation_h),
      window_out(s.padding, s.input[2], s.kw, s.stride_w, s.dilation_w), channels};
  GoldenCase c = golden_case(
      "DEPTHWISE_CONV_2D", name + (s.filter_is_input ? " filter=input" : ""),
      BuiltinOp::DepthwiseConv2d, o, inputs,
      {activation_tensor(s, out_shape, output_scale(s, s.kh * s.kw), s.output_zp)},
      s.dtype == DType::Int16 ? 5 : 3);
  finish(c, s);
  return c;
}

// TRANSPOSE_CONV: `s.input` is its input, the output size given explicitly.
GoldenCase transpose_conv_case(const std::string& name, const ConvSpec& s, int32_t out_h,
                               int32_t out_w) {
  opt::TransposeConv o{s.padding, s.stride_w, s.stride_h, s.activation, s.declared_bias};
  const std::vector<int32_t> out_shape = {s.input[0], out_h, out_w, s.out_channels};
  std::vector<GTensor> inputs = {
      constant_of<int32_t>(DType::Int32, {4}, out_shape),
      filter_tensor(s, {s.out_channels, s.kh, s.kw, s.input[3]}, s.out_channels, 0),
      input_tensor(s, s.input)};
  add_bias(s, s.out_channels, inputs);
  int32_t version = s.dtype == DType::Int16 && s.declared_bias != DType::Float32 ? 5
                    : s.activation != Activation::None                           ? 4
                    : s.bias != DType::Float32                                   ? 3
                                                                                 : 2;
  const int32_t taps = (s.kh / s.stride_h + 1) * (s.kw / s.stride_w + 1) * s.input[3];
  GoldenCase c = golden_case("TRANSPOSE_CONV", name + (s.filter_is_input ? " filter=input" : ""),
                             BuiltinOp::TransposeConv, o, inputs,
                             {activation_tensor(s, out_shape, output_scale(s, taps), s.output_zp)},
                             version);
  finish(c, s);
  return c;
}

// Ties: scales 0.5 x 0.5 / 1 (per channel 0.5, 0.25, 0.125), input within
// ±3 of its zero point, |filter| <= 2, small bias.
ConvSpec tie_heavy(ConvSpec s) {
  s.input_scale = s.filter_scale = 0.5f;
  s.output_scale = 1.f;
  s.spread = 3;
  s.bias_range = 5;
  return s;
}

TEST(GoldenConv, Conv2DInt8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const bool filter_is_input : {false, true}) {
    ConvSpec s;
    s.filter_is_input = filter_is_input;
    s.input = {1, 9, 9, 8};
    s.out_channels = 6;
    s.stride_h = s.stride_w = 2;
    s.input_zp = -128;
    s.activation = Activation::Relu;
    cases.push_back(conv_case("int8 3x3 stride 2 SAME [1,9,9,8] zp=-128 RELU", s));
    s = ConvSpec{};
    s.filter_is_input = filter_is_input;
    s.input = {2, 10, 7, 5};
    s.out_channels = 4;
    s.stride_h = s.stride_w = 2;
    s.padding = Padding::Valid;
    s.per_channel = false;
    s.activation = Activation::Relu6;
    s.input_scale = 0.05f;
    s.output_scale = 0.04f;
    s.output_zp = -128;
    cases.push_back(conv_case("int8 3x3 stride 2 VALID [2,10,7,5] per-tensor RELU6", s));
    s = ConvSpec{};
    s.filter_is_input = filter_is_input;
    s.input = {1, 11, 11, 4};
    s.out_channels = 7;
    s.dilation_h = s.dilation_w = 2;
    s.input_zp = 127;
    s.output_zp = 127;
    cases.push_back(conv_case("int8 3x3 dilation 2 SAME zp=127", s));
    s = ConvSpec{};
    s.filter_is_input = filter_is_input;
    s.input = {1, 5, 6, 16};
    s.out_channels = 12;
    s.kh = s.kw = 1;
    s.input_zp = 9;
    s.input_scale = 2e-5f;
    s.filter_scale = 3e-4f;
    s.bias_range = 100000;
    cases.push_back(conv_case("int8 1x1 [1,5,6,16] tiny scales", s));
    s.stride_h = 2;
    s.input_scale = 200.f;
    s.filter_scale = 0.05f;
    s.bias_range = 200;
    cases.push_back(conv_case("int8 1x1 stride (2,1) huge scales", s));
    s = ConvSpec{};
    s.filter_is_input = filter_is_input;
    s.input = {1, 6, 5, 8};
    s.out_channels = 6;
    s.groups = 2;
    s.kh = 2;
    s.input_zp = -3;
    s.activation = Activation::ReluN1To1;
    s.output_scale = 0.01f;
    cases.push_back(conv_case("int8 grouped (2) 2x3 RELU_N1_TO_1", s));
    s = tie_heavy(ConvSpec{});
    s.filter_is_input = filter_is_input;
    s.input = {1, 8, 7, 6};
    s.out_channels = 6;
    s.input_zp = 40;
    cases.push_back(conv_case("int8 tie-heavy 3x3 per-channel pow2", s));
    s.groups = 2;
    cases.push_back(conv_case("int8 tie-heavy grouped (2)", s));
  }
  expect_golden(cases);
}

TEST(GoldenConv, Conv2DInt16x8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  ConvSpec s;
  s.dtype = DType::Int16;
  s.input = {1, 9, 8, 5};
  s.out_channels = 6;
  s.stride_h = s.stride_w = 2;
  s.input_scale = 0.0005f;
  s.bias = DType::Int64;
  s.bias_range = 5'000'000;
  cases.push_back(conv_case("int16x8 3x3 stride 2 SAME int64 bias", s));
  s.padding = Padding::Valid;
  s.dilation_h = 2;
  s.per_channel = false;
  s.activation = Activation::Relu;
  cases.push_back(conv_case("int16x8 VALID dilation (2,1) per-tensor RELU", s));
  s.bias = DType::Int32;
  s.declared_bias = DType::Int32;
  s.bias_range = 500'000;
  cases.push_back(conv_case("int16x8 int32 bias declared (ruy)", s));
  s.filter_is_input = true;
  cases.push_back(conv_case("int16x8 int32 bias declared (ruy)", s));
  s = ConvSpec{};
  s.dtype = DType::Int16;
  s.input = {1, 6, 5, 8};
  s.out_channels = 4;
  s.groups = 4;
  s.input_scale = 0.0005f;
  s.bias_range = 500'000;
  s.declared_bias = DType::Int32;
  cases.push_back(conv_case("int16x8 grouped (4) int32 bias declared (double rounding)", s));
  s.bias = DType::Int64;
  s.declared_bias = DType::Int64;
  s.kh = s.kw = 1;
  s.activation = Activation::Relu6;
  s.output_scale = 0.001f;
  cases.push_back(conv_case("int16x8 grouped 1x1 int64 bias declared RELU6", s));
  for (const int32_t groups : {1, 2}) {
    s = tie_heavy(ConvSpec{});
    s.dtype = DType::Int16;
    s.input = {1, 6, 6, 4};
    s.out_channels = 6;
    s.groups = groups;
    s.bias = DType::Int64;
    const std::string g = groups > 1 ? " grouped" : "";
    cases.push_back(conv_case("int16x8 tie-heavy int64 bias" + g, s));
    s.bias = DType::Int32;
    s.declared_bias = DType::Int32;
    cases.push_back(conv_case("int16x8 tie-heavy int32 bias" + g, s));
  }
  expect_golden(cases);
}

TEST(GoldenConv, DepthwiseConv2D) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const bool filter_is_input : {false, true}) {
    ConvSpec s;
    s.filter_is_input = filter_is_input;
    s.input = {1, 8, 8, 6};
    s.input_zp = -128;
    s.activation = Activation::Relu6;
    s.input_scale = 0.03f;
    s.output_scale = 0.03f;
    cases.push_back(depthwise_case("int8 3x3 SAME [1,8,8,6] zp=-128 RELU6", s));
    s.input = {2, 7, 9, 3};
    s.multiplier = 2;
    s.stride_h = s.stride_w = 2;
    s.padding = Padding::Valid;
    s.input_zp = 127;
    s.output_zp = 127;
    s.activation = Activation::None;
    s.output_scale = 0.f;
    cases.push_back(depthwise_case("int8 depth_multiplier 2 stride 2 VALID zp=127", s));
    s = ConvSpec{};
    s.filter_is_input = filter_is_input;
    s.input = {1, 10, 10, 5};
    s.dilation_h = s.dilation_w = 2;
    s.per_channel = false;
    s.kh = 2;
    s.input_scale = 1e-4f;
    s.filter_scale = 1e-3f;
    s.output_zp = -128;
    s.activation = Activation::Relu;
    cases.push_back(depthwise_case("int8 2x3 dilation 2 per-tensor tiny scales RELU", s));
    s.bias = DType::Float32;
    s.input_scale = 50.f;
    s.filter_scale = 0.3f;
    s.multiplier = 3;
    cases.push_back(depthwise_case("int8 multiplier 3 no bias huge scales", s));
    s = tie_heavy(ConvSpec{});
    s.filter_is_input = filter_is_input;
    s.input = {1, 7, 7, 4};
    s.multiplier = 2;
    s.input_zp = -77;
    cases.push_back(depthwise_case("int8 tie-heavy multiplier 2", s));
  }
  ConvSpec s;
  s.dtype = DType::Int16;
  s.input = {1, 7, 6, 4};
  s.multiplier = 2;
  s.bias = DType::Int64;
  s.bias_range = 3'000'000;
  s.input_scale = 0.0005f;
  cases.push_back(depthwise_case("int16x8 3x3 SAME multiplier 2", s));
  s.dilation_w = 2;
  s.stride_h = 2;
  s.per_channel = false;
  s.activation = Activation::Relu;
  cases.push_back(depthwise_case("int16x8 dilation (1,2) stride (2,1) per-tensor RELU", s));
  s.bias = DType::Float32;
  s.multiplier = 1;
  s.filter_is_input = true;
  cases.push_back(depthwise_case("int16x8 no bias", s));
  s = tie_heavy(ConvSpec{});
  s.dtype = DType::Int16;
  s.input = {1, 6, 6, 4};
  s.multiplier = 2;
  s.bias = DType::Int64;
  cases.push_back(depthwise_case("int16x8 tie-heavy", s));
  expect_golden(cases);
}

TEST(GoldenConv, TransposeConv) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const bool filter_is_input : {false, true}) {
    ConvSpec s;
    s.filter_is_input = filter_is_input;
    s.input = {1, 4, 4, 6};
    s.out_channels = 5;
    s.stride_h = s.stride_w = 2;
    s.input_zp = -128;
    cases.push_back(transpose_conv_case("int8 3x3 stride 2 SAME [1,4,4,6]->8x8 zp=-128", s, 8, 8));
    s.input = {2, 3, 5, 4};
    s.kh = s.kw = 2;
    s.padding = Padding::Valid;
    s.bias = DType::Float32;
    s.per_channel = false;
    s.input_zp = 127;
    s.output_zp = -5;
    cases.push_back(transpose_conv_case("int8 2x2 stride 2 VALID no bias per-tensor", s, 6, 10));
    s.input = {1, 5, 4, 3};
    s.kh = 3;
    s.kw = 2;
    s.stride_h = 1;
    s.padding = Padding::Same;
    s.bias = DType::Int32;
    s.per_channel = true;
    s.activation = Activation::Relu;
    s.output_zp = -128;
    cases.push_back(transpose_conv_case("int8 3x2 stride (1,2) SAME RELU", s, 5, 8));
    s = tie_heavy(ConvSpec{});
    s.filter_is_input = filter_is_input;
    s.input = {1, 4, 4, 5};
    s.out_channels = 6;
    s.stride_h = s.stride_w = 2;
    s.input_zp = 100;
    cases.push_back(transpose_conv_case("int8 tie-heavy stride 2", s, 8, 8));
  }
  ConvSpec s;
  s.dtype = DType::Int16;
  s.input = {1, 4, 3, 5};
  s.out_channels = 4;
  s.stride_h = s.stride_w = 2;
  s.input_scale = 0.0005f;
  s.bias = DType::Int64;
  s.bias_range = 3'000'000;
  cases.push_back(transpose_conv_case("int16x8 3x3 stride 2 int64 bias", s, 8, 6));
  s.bias = DType::Int32;
  s.declared_bias = DType::Int32;
  s.bias_range = 300'000;
  cases.push_back(transpose_conv_case("int16x8 int32 bias declared", s, 8, 6));
  s.bias = DType::Float32;
  s.declared_bias = DType::Float32;
  s.padding = Padding::Valid;
  s.per_channel = false;
  cases.push_back(transpose_conv_case("int16x8 VALID no bias per-tensor", s, 9, 7));
  s = tie_heavy(ConvSpec{});
  s.dtype = DType::Int16;
  s.input = {1, 4, 4, 5};
  s.out_channels = 6;
  s.stride_h = s.stride_w = 2;
  s.bias = DType::Int64;
  cases.push_back(transpose_conv_case("int16x8 tie-heavy int64 bias", s, 8, 8));
  s.bias = DType::Int32;
  s.declared_bias = DType::Int32;
  cases.push_back(transpose_conv_case("int16x8 tie-heavy int32 bias", s, 8, 8));
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
