// TRANSPOSE_CONV and MediaPipe's custom Convolution2DTransposeBias.
//
// Both scatter every input pixel through the filter [O, KH, KW, I]: input
// pixel (y, x) adds input[y, x, :] . filter[o, ky, kx, :] to output pixel
// (y * stride - pad + ky, x * stride - pad + kx), channel o, when that lands
// inside the output. Computed as GEMM + col2im: a block of input pixels
// [pixels, I] times the filter repacked as [KH*KW*O, I]^T gives, per pixel,
// KH*KW rows of O contributions, which are then added into the output.
//
// The two ops differ in their inputs, their output size and their order of
// additions, and each follows its runtime:
//   TRANSPOSE_CONV (TFLite): inputs (output_shape int32[4], weights, input,
//     optional bias); output size given; padding from TFLite's conv formulas
//     applied to the *output* size; output = clamp(sum + bias), fused
//     activation from the options.
//   Convolution2DTransposeBias (MediaPipe): inputs (input, weights, bias);
//     custom options are the packed C struct TfLiteTransposeConvParams
//     {int32 padding (TfLitePadding: 1 SAME, 2 VALID), int32 stride_width,
//     int32 stride_height}; output size and padding from MediaPipe's own
//     formula (transpose_conv_bias.cc); the output starts at the bias and
//     the products are added to it; no activation.
#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

// Bytes of GEMM output (per-pixel contributions) computed before scattering.
constexpr int64_t kColumnBlockBytes = 512 * 1024;

// What both ops share once their inputs are read.
struct TransposeConvShape {
  int32_t batches = 0, in_h = 0, in_w = 0, in_channels = 0;
  int32_t out_h = 0, out_w = 0, out_channels = 0;
  int32_t filter_h = 0, filter_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
};

class TransposeConvBase : public Kernel {
 protected:
  // Checks input and weights, and records their dimensions; the caller fills
  // in output size, strides and padding, then calls finish_prepare.
  void prepare_tensors(PrepareContext& ctx, size_t input, size_t weights) {
    input_ = input;
    weights_ = weights;
    const TensorView& in = ctx.input(input);
    const TensorView& w = ctx.input(weights);
    expect_float32(ctx, in, "input");
    expect_float32(ctx, w, "weights");
    expect_float32(ctx, ctx.output(0), "output");
    ctx.expect_rank(in, 4, 4, "input");
    ctx.expect_rank(w, 4, 4, "weights");
    if (w.dim(3) != in.dim(3))
      ctx.fail("weights tensor {} '{}' [{}] has {} input channels, input tensor {} '{}' has {}",
               w.index, w.name(), fmt::join(w.shape, ","), w.dim(3), in.index, in.name(),
               in.dim(3));
    s_.batches = in.dim(0);
    s_.in_h = in.dim(1);
    s_.in_w = in.dim(2);
    s_.in_channels = in.dim(3);
    s_.out_channels = w.dim(0);
    s_.filter_h = w.dim(1);
    s_.filter_w = w.dim(2);
    if (s_.filter_h <= 0 || s_.filter_w <= 0 || s_.out_channels <= 0)
      ctx.fail("weights tensor {} '{}' has shape [{}], expected positive [O, KH, KW, I]", w.index,
               w.name(), fmt::join(w.shape, ","));
  }

  void expect_bias(const PrepareContext& ctx, size_t index) {
    bias_ = index;
    const TensorView& bias = ctx.input(index);
    expect_float32(ctx, bias, "bias");
    if (bias.num_elements() != s_.out_channels)
      ctx.fail("bias tensor {} '{}' has {} elements, expected {} (output channels)", bias.index,
               bias.name(), bias.num_elements(), s_.out_channels);
  }

  void finish_prepare(PrepareContext& ctx) {
    ctx.set_output_shape(0, {s_.batches, s_.out_h, s_.out_w, s_.out_channels});
    columns_ = int64_t{s_.filter_h} * s_.filter_w * s_.out_channels;
    pixels_ = int64_t{s_.batches} * s_.in_h * s_.in_w;
    block_pixels_ = std::min(std::max<int64_t>(kColumnBlockBytes / (columns_ * 4), kGemvMaxRows),
                             std::max<int64_t>(pixels_, 1));
    size_t scratch = static_cast<size_t>(block_pixels_ * columns_);
    // Constant weights (the usual case) are repacked once, here.
    const TensorView& w = ctx.input(weights_);
    if (w.data != nullptr) {
      packed_.resize(static_cast<size_t>(columns_) * s_.in_channels);
      pack_weights(w.data_as<const float>(), packed_.data());
    } else {
      scratch += static_cast<size_t>(columns_) * s_.in_channels;
    }
    ctx.request_scratch(scratch * sizeof(float));
  }

  // Runs the scatter; the output must already hold its starting values.
  void accumulate(const EvalContext& ctx, float* output) const {
    float* cols = reinterpret_cast<float*>(ctx.scratch.data());
    const float* weights = packed_.data();
    if (packed_.empty()) {
      float* packed = cols + block_pixels_ * columns_;
      pack_weights(ctx.inputs[weights_].data_as<const float>(), packed);
      weights = packed;
    }
    const float* input = ctx.inputs[input_].data_as<const float>();
    const int64_t in_c = s_.in_channels;
    for (int64_t p0 = 0; p0 < pixels_; p0 += block_pixels_) {
      const int64_t count = std::min(block_pixels_, pixels_ - p0);
      gemm(count, columns_, in_c, {input + p0 * in_c, in_c, false}, {weights, in_c, true},
           {cols, columns_});
      scatter(p0, count, cols, output);
    }
  }

  const float* bias_data(const EvalContext& ctx) const {
    return bias_ ? ctx.inputs[*bias_].data_as<const float>() : nullptr;
  }

  TransposeConvShape s_;

 private:
  // [O, KH, KW, I] -> [KH, KW, O, I]: the GEMM's rows for one tap are then
  // the O contiguous channels of one output pixel.
  void pack_weights(const float* w, float* packed) const {
    const int64_t taps = int64_t{s_.filter_h} * s_.filter_w, in_c = s_.in_channels;
    for (int64_t o = 0; o < s_.out_channels; ++o)
      for (int64_t t = 0; t < taps; ++t)
        std::memcpy(packed + (t * s_.out_channels + o) * in_c, w + (o * taps + t) * in_c,
                    static_cast<size_t>(in_c) * sizeof(float));
  }

  void scatter(int64_t p0, int64_t count, const float* cols, float* output) const {
    const int64_t in_hw = int64_t{s_.in_h} * s_.in_w;
    const int32_t oc = s_.out_channels;
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = p0 + i;
      const int64_t b = p / in_hw;
      const int32_t iy = static_cast<int32_t>((p % in_hw) / s_.in_w);
      const int32_t ix = static_cast<int32_t>(p % s_.in_w);
      const float* src = cols + i * columns_;
      for (int32_t ky = 0; ky < s_.filter_h; ++ky) {
        const int32_t oy = iy * s_.stride_h - s_.pad_h + ky;
        if (oy < 0 || oy >= s_.out_h) continue;
        for (int32_t kx = 0; kx < s_.filter_w; ++kx) {
          const int32_t ox = ix * s_.stride_w - s_.pad_w + kx;
          if (ox < 0 || ox >= s_.out_w) continue;
          float* dst = output + ((b * s_.out_h + oy) * s_.out_w + ox) * oc;
          const float* tap = src + (int64_t{ky} * s_.filter_w + kx) * oc;
#pragma omp simd
          for (int32_t c = 0; c < oc; ++c) dst[c] += tap[c];
        }
      }
    }
  }

  size_t input_ = 0, weights_ = 0;
  std::optional<size_t> bias_;
  int64_t columns_ = 0, pixels_ = 0, block_pixels_ = 1;
  std::vector<float> packed_;
};

// TFLite's padding for TRANSPOSE_CONV: the conv padding of a convolution
// whose *input* is the transpose conv's output (ComputePaddingHeightWidth
// called with the output size); zero when that formula fails, as TFLite
// ignores its status there.
int32_t transpose_conv_padding(Padding padding, int32_t out, int32_t filter, int32_t stride) {
  const int32_t conv_out = conv_output_size(padding, out, filter, stride, 1);
  if (conv_out < 0) return 0;
  return conv_padding(stride, 1, out, filter, conv_out).before;
}

class TransposeConv final : public TransposeConvBase {
 public:
  explicit TransposeConv(const Op& op)
      : options_(op.options.get_or_default<opt::TransposeConv>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 4);
    ctx.expect_outputs(1);
    prepare_tensors(ctx, /*input=*/2, /*weights=*/1);
    if (ctx.num_inputs() > 3 && ctx.input(3).present()) expect_bias(ctx, 3);
    expect_clamp_activation(ctx, options_.activation);
    if (options_.stride_h <= 0 || options_.stride_w <= 0)
      ctx.fail("strides ({}, {}) must be > 0", options_.stride_h, options_.stride_w);
    if (options_.padding != Padding::Same && options_.padding != Padding::Valid)
      ctx.fail("padding {} is not SAME (0) or VALID (1)", static_cast<int>(options_.padding));

    const std::vector<int64_t> shape = ctx.constant_ints(0, "output_shape");
    if (shape.size() != 4)
      ctx.fail("output_shape tensor {} '{}' has {} values, expected 4", ctx.input(0).index,
               ctx.input(0).name(), shape.size());
    if (shape[0] != s_.batches || shape[3] != s_.out_channels || shape[1] < 0 || shape[2] < 0 ||
        shape[1] > std::numeric_limits<int32_t>::max() / 2 ||
        shape[2] > std::numeric_limits<int32_t>::max() / 2)
      ctx.fail("output_shape [{}] does not fit input batch {} and weights' {} output channels",
               fmt::join(shape, ","), s_.batches, s_.out_channels);
    s_.out_h = static_cast<int32_t>(shape[1]);
    s_.out_w = static_cast<int32_t>(shape[2]);
    s_.stride_h = options_.stride_h;
    s_.stride_w = options_.stride_w;
    s_.pad_h = transpose_conv_padding(options_.padding, s_.out_h, s_.filter_h, s_.stride_h);
    s_.pad_w = transpose_conv_padding(options_.padding, s_.out_w, s_.filter_w, s_.stride_w);
    finish_prepare(ctx);
  }

  void eval(const EvalContext& ctx) override {
    float* output = ctx.outputs[0].data_as<float>();
    const int64_t pixels = int64_t{s_.batches} * s_.out_h * s_.out_w;
    std::fill(output, output + pixels * s_.out_channels, 0.f);
    accumulate(ctx, output);
    add_bias_and_clamp(output, pixels, s_.out_channels, s_.out_channels, bias_data(ctx),
                       activation_range(options_.activation));
  }

 private:
  opt::TransposeConv options_;
};

class Convolution2DTransposeBias final : public TransposeConvBase {
 public:
  explicit Convolution2DTransposeBias(const Op& op) : custom_options_(op.custom_options) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 3);
    ctx.expect_outputs(1);
    prepare_tensors(ctx, /*input=*/0, /*weights=*/1);
    expect_bias(ctx, 2);
    // TfLiteTransposeConvParams as MediaPipe's converter writes it: three
    // little-endian int32 (later TFLite fields, if present, are ignored as
    // MediaPipe's kernel ignores them).
    if (custom_options_.size() < 12)
      ctx.fail("custom options are {} bytes, expected at least 12 (TfLiteTransposeConvParams: "
               "padding, stride_width, stride_height)", custom_options_.size());
    int32_t params[3];
    std::memcpy(params, custom_options_.data(), sizeof(params));
    const int32_t padding = params[0];
    s_.stride_w = params[1];
    s_.stride_h = params[2];
    if (padding < 0 || padding > 2)
      ctx.fail("custom options padding is {}, expected 1 (SAME) or 2 (VALID)", padding);
    if (s_.stride_h <= 0 || s_.stride_w <= 0 || s_.stride_h > 4096 || s_.stride_w > 4096)
      ctx.fail("custom options strides (h {}, w {}) must be in 1..4096", s_.stride_h, s_.stride_w);
    // MediaPipe's formula: out = stride * (in - 1) + filter - total padding,
    // total padding (SAME only) = max(0, filter - (in - 1) % stride - 1),
    // the first half of it before. Anything but SAME (1) means no padding.
    const bool same = padding == 1;
    auto axis = [&](int32_t in, int32_t filter, int32_t stride, int32_t& out, int32_t& pad) {
      const int32_t total = same && in > 0 ? std::max(0, filter - (in - 1) % stride - 1) : 0;
      const int64_t size = int64_t{stride} * (in - 1) + filter - total;
      if (in <= 0 || size > std::numeric_limits<int32_t>::max() / 2)
        ctx.fail("input size {} with stride {} and filter {} gives no valid output", in, stride,
                 filter);
      out = static_cast<int32_t>(size);
      pad = total / 2;
    };
    axis(s_.in_h, s_.filter_h, s_.stride_h, s_.out_h, s_.pad_h);
    axis(s_.in_w, s_.filter_w, s_.stride_w, s_.out_w, s_.pad_w);
    finish_prepare(ctx);
  }

  void eval(const EvalContext& ctx) override {
    float* output = ctx.outputs[0].data_as<float>();
    const float* bias = bias_data(ctx);
    const int64_t pixels = int64_t{s_.batches} * s_.out_h * s_.out_w;
    for (int64_t p = 0; p < pixels; ++p)
      std::copy(bias, bias + s_.out_channels, output + p * s_.out_channels);
    accumulate(ctx, output);
  }

 private:
  std::vector<uint8_t> custom_options_;
};

}  // namespace

void register_transpose_conv(Registry& registry) {
  registry.add(BuiltinOp::TransposeConv, make_kernel<TransposeConv>);
  registry.add_custom("Convolution2DTransposeBias", make_kernel<Convolution2DTransposeBias>);
}

}  // namespace octet::kernels
