// CONV_2D, dynamic-range ("hybrid"): float32 input and output, int8 filter
// [O, KH, KW, I] symmetric, optional float32 bias. LiteRT
// (tflite/kernels/conv.cc, kGenericOptimized) has two paths, chosen by the
// filter's scales, not by an option (Conv2DOptions has no
// asymmetric_quantize_inputs):
//
//   one scale, or per-channel scales that are all equal (EvalHybrid +
//   optimized_ops::HybridConv): each batch image quantized symmetrically,
//   s' = s · s_w[0];  out = clamp(float(Σ q·w) · s' + bias[c])
//
//   per-channel scales that differ (EvalHybridPerChannel +
//   optimized_ops::HybridConvPerChannel): each batch image quantized
//   asymmetrically (s, z);  out = clamp(float(Σ q·w − z·Σ w) · (s_w[c] · s) + bias[c])
//
// Padding taps hold the zero point (0 when symmetric), so they add nothing.
//   grouped (input channels = groups × filter's I): LiteRT always takes
//   EvalHybridPerChannel, with its reference kernel (reference_ops::
//   HybridConvPerChannel): asymmetric per image, direct loops,
//   out = clamp((float(Σ (q − z)·w) · s_w[c]) · s + bias[c]); it reads one
//   scale per output channel, so octet refuses a single scale there.
//
// LiteRT's CONV_2D insists on a bias; octet also runs one without (adding
// nothing).
#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/ranges.h>

#include "kernels/float_prepare.h"
#include "kernels/hybrid.h"
#include "kernels/int_gemm.h"
#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

constexpr int64_t kIm2colBlockBytes = 256 * 1024;

class HybridConv2D final : public Kernel {
 public:
  explicit HybridConv2D(const Op& op) : options_(op.options.get_or_default<opt::Conv2D>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& filter = ctx.input(1);
    expect_float_tensor(ctx, input, "input");
    expect_float_tensor(ctx, ctx.output(0), "output");
    ctx.expect_rank(input, 4, 4, "input");
    ctx.expect_rank(filter, 4, 4, "filter");
    expect_clamp_activation(ctx, options_.activation);
    range_ = activation_range(options_.activation);
    prepare_shapes(ctx, input, filter);
    scales_ = hybrid_weight_scales(ctx, filter, s_.out_channels, 0);
    per_channel_ = false;
    for (float s : scales_) per_channel_ = per_channel_ || s != scales_[0];
    if (s_.groups > 1 && scales_.size() != static_cast<size_t>(s_.out_channels))
      ctx.fail(
          "filter tensor {} '{}' has one scale for {} channels; LiteRT's grouped hybrid "
          "CONV_2D reads one scale per output channel (axis 0)",
          filter.index, filter.name(), s_.out_channels);
    per_channel_ = per_channel_ || s_.groups > 1;  // asymmetric input quantization
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) check_float_bias(ctx, ctx.input(2), s_.out_channels);

    image_ = int64_t{s_.h.in} * s_.w.in * s_.in_channels;
    batch_quant_.assign(static_cast<size_t>(s_.batches), RowQuant{});
    if (s_.groups > 1) {  // direct loops over the quantized images
      ctx.request_scratch(static_cast<size_t>(int64_t{s_.batches} * image_));
      return;
    }
    filter_constant_ = filter.data != nullptr;
    if (filter_constant_)
      pack_int8(filter.data_as<const int8_t>(), s_.patch, s_.out_channels,
                static_cast<int32_t>(s_.patch), packed_);
    else
      reserve_packed(s_.out_channels, static_cast<int32_t>(s_.patch), packed_);
    direct_ = s_.h.filter == 1 && s_.w.filter == 1 && s_.h.stride == 1 && s_.w.stride == 1;
    block_pixels_ =
        std::min(std::max<int64_t>(kIm2colBlockBytes / std::max<int64_t>(s_.patch, 1), 16),
                 std::max<int64_t>(s_.pixels, 1));
    const int64_t bytes = block_pixels_ * s_.out_channels * 4 + int64_t{s_.batches} * image_ +
                          (direct_ ? 0 : block_pixels_ * s_.patch);
    ctx.request_scratch(static_cast<size_t>(bytes));
  }

  void eval(const EvalContext& ctx) override {
    if (s_.groups > 1) {
      eval_grouped(ctx);
      return;
    }
    const float* input = ctx.inputs[0].data_as<const float>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    if (!filter_constant_)
      pack_int8(ctx.inputs[1].data_as<const int8_t>(), s_.patch, s_.out_channels,
                static_cast<int32_t>(s_.patch), packed_);
    auto* acc = reinterpret_cast<int32_t*>(ctx.scratch.data());
    auto* q = reinterpret_cast<int8_t*>(acc + block_pixels_ * s_.out_channels);
    int8_t* cols = q + int64_t{s_.batches} * image_;
    for (int32_t b = 0; b < s_.batches; ++b) {
      RowQuant& r = batch_quant_[static_cast<size_t>(b)];
      r = quantize_row(input + b * image_, image_, q + b * image_, per_channel_);
      if (!per_channel_) r.scale *= scales_[0];  // LiteRT folds the filter scale in first
    }
    const int64_t out_hw = int64_t{s_.h.out} * s_.w.out;
    for (int64_t p0 = 0; p0 < s_.pixels; p0 += block_pixels_) {
      const auto count = static_cast<int32_t>(std::min(block_pixels_, s_.pixels - p0));
      const int8_t* a = q + p0 * s_.in_channels;
      int64_t lda = s_.in_channels;
      if (!direct_) {
        im2col(q, p0, count, cols);
        a = cols;
        lda = s_.patch;
      }
      int8_gemm(a, lda, count, packed_, acc, s_.out_channels);
      for (int32_t i = 0; i < count; ++i) {
        const RowQuant& r = batch_quant_[static_cast<size_t>((p0 + i) / out_hw)];
        const int32_t* s = acc + int64_t{i} * s_.out_channels;
        float* out = output + (p0 + i) * s_.out_channels;
        for (int32_t c = 0; c < s_.out_channels; ++c) {
          float v;
          if (per_channel_) {
            const int32_t dot = s[c] - packed_.row_sums[static_cast<size_t>(c)] * r.zero_point;
            v = static_cast<float>(dot) * (scales_[static_cast<size_t>(c)] * r.scale);
          } else {
            v = static_cast<float>(s[c]) * r.scale;
          }
          if (bias != nullptr) v += bias[c];
          out[c] = std::max(std::min(v, range_.max), range_.min);
        }
      }
    }
  }

 private:
  // The reference kernel's loops: per output, the taps inside the image,
  // the channels of its group; Σ (q − z)·w in int32.
  void eval_grouped(const EvalContext& ctx) {
    const float* input = ctx.inputs[0].data_as<const float>();
    const int8_t* filter = ctx.inputs[1].data_as<const int8_t>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* out = ctx.outputs[0].data_as<float>();
    auto* q = reinterpret_cast<int8_t*>(ctx.scratch.data());
    const int32_t group_out = s_.out_channels / s_.groups;
    for (int32_t b = 0; b < s_.batches; ++b) {
      const RowQuant r = asymmetric_quantize(input + b * image_, image_, q + b * image_);
      const int8_t* image = q + b * image_;
      for (int32_t oy = 0; oy < s_.h.out; ++oy)
        for (int32_t ox = 0; ox < s_.w.out; ++ox)
          for (int32_t oc = 0; oc < s_.out_channels; ++oc) {
            const int64_t group_base = int64_t{oc / group_out} * s_.group_channels;
            int32_t acc = 0;
            for (int32_t ky = 0; ky < s_.h.filter; ++ky) {
              const int32_t iy = oy * s_.h.stride - s_.h.pad + ky * s_.h.dilation;
              if (iy < 0 || iy >= s_.h.in) continue;
              for (int32_t kx = 0; kx < s_.w.filter; ++kx) {
                const int32_t ix = ox * s_.w.stride - s_.w.pad + kx * s_.w.dilation;
                if (ix < 0 || ix >= s_.w.in) continue;
                const int8_t* x =
                    image + (int64_t{iy} * s_.w.in + ix) * s_.in_channels + group_base;
                const int8_t* w = filter + ((int64_t{oc} * s_.h.filter + ky) * s_.w.filter + kx) *
                                               s_.group_channels;
                for (int32_t c = 0; c < s_.group_channels; ++c)
                  acc += int32_t{w[c]} * (int32_t{x[c]} - r.zero_point);
              }
            }
            float v = static_cast<float>(acc) * scales_[static_cast<size_t>(oc)] * r.scale;
            if (bias != nullptr) v += bias[oc];
            *out++ = std::min(std::max(v, range_.min), range_.max);
          }
    }
  }

  void prepare_shapes(PrepareContext& ctx, const TensorView& input, const TensorView& filter) {
    s_ = conv_shape(ctx, input, filter, options_);
    if (s_.patch > kMaxInt8GemmDepth)
      ctx.fail("filter tensor {} '{}' has {} taps per output, more than the {} an int32 sum holds",
               filter.index, filter.name(), s_.patch, kMaxInt8GemmDepth);
  }

  // Rows [count, KH*KW*I] of the quantized input for output pixels p0..,
  // padding taps filled with their image's zero point.
  void im2col(const int8_t* q, int64_t p0, int64_t count, int8_t* cols) const {
    const int64_t out_hw = int64_t{s_.h.out} * s_.w.out;
    const auto tap_bytes = static_cast<size_t>(s_.in_channels);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = p0 + i;
      const int64_t b = p / out_hw;
      const auto fill = static_cast<int8_t>(batch_quant_[static_cast<size_t>(b)].zero_point);
      const auto oy = static_cast<int32_t>((p % out_hw) / s_.w.out);
      const auto ox = static_cast<int32_t>(p % s_.w.out);
      int8_t* dst = cols + i * s_.patch;
      for (int32_t ky = 0; ky < s_.h.filter; ++ky) {
        const int32_t iy = oy * s_.h.stride - s_.h.pad + ky * s_.h.dilation;
        for (int32_t kx = 0; kx < s_.w.filter; ++kx, dst += s_.in_channels) {
          const int32_t ix = ox * s_.w.stride - s_.w.pad + kx * s_.w.dilation;
          if (iy < 0 || iy >= s_.h.in || ix < 0 || ix >= s_.w.in)
            std::memset(dst, fill, tap_bytes);
          else
            std::memcpy(dst, q + b * image_ + (int64_t{iy} * s_.w.in + ix) * s_.in_channels,
                        tap_bytes);
        }
      }
    }
  }

  opt::Conv2D options_;
  ConvShape s_;
  FloatRange range_;
  int64_t block_pixels_ = 1, image_ = 0;
  bool has_bias_ = false, filter_constant_ = false, direct_ = false, per_channel_ = false;
  std::vector<float> scales_;
  std::vector<RowQuant> batch_quant_;
  PackedInt8 packed_;
};

}  // namespace

void register_hybrid_conv_2d(Registry& registry) {
  registry.add(BuiltinOp::Conv2d, make_kernel<HybridConv2D>, Arithmetic::Hybrid);
}

}  // namespace octet::kernels
