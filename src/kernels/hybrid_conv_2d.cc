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
    scales_ = hybrid_weight_scales(ctx, filter, out_channels_, 0);
    per_channel_ = false;
    for (float s : scales_) per_channel_ = per_channel_ || s != scales_[0];
    if (groups_ > 1 && scales_.size() != static_cast<size_t>(out_channels_))
      ctx.fail("filter tensor {} '{}' has one scale for {} channels; LiteRT's grouped hybrid "
               "CONV_2D reads one scale per output channel (axis 0)", filter.index, filter.name(),
               out_channels_);
    per_channel_ = per_channel_ || groups_ > 1;  // asymmetric input quantization
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) check_float_bias(ctx, ctx.input(2), out_channels_);

    image_ = int64_t{h_.in} * w_.in * in_channels_;
    batch_quant_.assign(static_cast<size_t>(batches_), RowQuant{});
    if (groups_ > 1) {  // direct loops over the quantized images
      ctx.request_scratch(static_cast<size_t>(int64_t{batches_} * image_));
      return;
    }
    filter_constant_ = filter.data != nullptr;
    if (filter_constant_)
      pack_int8(filter.data_as<const int8_t>(), patch_, out_channels_, static_cast<int32_t>(patch_),
                packed_);
    else
      reserve_packed(out_channels_, static_cast<int32_t>(patch_), packed_);
    direct_ = h_.filter == 1 && w_.filter == 1 && h_.stride == 1 && w_.stride == 1;
    block_pixels_ = std::min(std::max<int64_t>(kIm2colBlockBytes / std::max<int64_t>(patch_, 1), 16),
                             std::max<int64_t>(pixels_, 1));
    const int64_t bytes = block_pixels_ * out_channels_ * 4 + int64_t{batches_} * image_ +
                          (direct_ ? 0 : block_pixels_ * patch_);
    ctx.request_scratch(static_cast<size_t>(bytes));
  }

  void eval(const EvalContext& ctx) override {
    if (groups_ > 1) {
      eval_grouped(ctx);
      return;
    }
    const float* input = ctx.inputs[0].data_as<const float>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    if (!filter_constant_)
      pack_int8(ctx.inputs[1].data_as<const int8_t>(), patch_, out_channels_,
                static_cast<int32_t>(patch_), packed_);
    auto* acc = reinterpret_cast<int32_t*>(ctx.scratch.data());
    auto* q = reinterpret_cast<int8_t*>(acc + block_pixels_ * out_channels_);
    int8_t* cols = q + int64_t{batches_} * image_;
    for (int32_t b = 0; b < batches_; ++b) {
      RowQuant& r = batch_quant_[static_cast<size_t>(b)];
      r = quantize_row(input + b * image_, image_, q + b * image_, per_channel_);
      if (!per_channel_) r.scale *= scales_[0];  // LiteRT folds the filter scale in first
    }
    const int64_t out_hw = int64_t{h_.out} * w_.out;
    for (int64_t p0 = 0; p0 < pixels_; p0 += block_pixels_) {
      const auto count = static_cast<int32_t>(std::min(block_pixels_, pixels_ - p0));
      const int8_t* a = q + p0 * in_channels_;
      int64_t lda = in_channels_;
      if (!direct_) {
        im2col(q, p0, count, cols);
        a = cols;
        lda = patch_;
      }
      int8_gemm(a, lda, count, packed_, acc, out_channels_);
      for (int32_t i = 0; i < count; ++i) {
        const RowQuant& r = batch_quant_[static_cast<size_t>((p0 + i) / out_hw)];
        const int32_t* s = acc + int64_t{i} * out_channels_;
        float* out = output + (p0 + i) * out_channels_;
        for (int32_t c = 0; c < out_channels_; ++c) {
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
    const int32_t group_out = out_channels_ / groups_;
    for (int32_t b = 0; b < batches_; ++b) {
      const RowQuant r = asymmetric_quantize(input + b * image_, image_, q + b * image_);
      const int8_t* image = q + b * image_;
      for (int32_t oy = 0; oy < h_.out; ++oy)
        for (int32_t ox = 0; ox < w_.out; ++ox)
          for (int32_t oc = 0; oc < out_channels_; ++oc) {
            const int64_t group_base = int64_t{oc / group_out} * group_channels_;
            int32_t acc = 0;
            for (int32_t ky = 0; ky < h_.filter; ++ky) {
              const int32_t iy = oy * h_.stride - h_.pad + ky * h_.dilation;
              if (iy < 0 || iy >= h_.in) continue;
              for (int32_t kx = 0; kx < w_.filter; ++kx) {
                const int32_t ix = ox * w_.stride - w_.pad + kx * w_.dilation;
                if (ix < 0 || ix >= w_.in) continue;
                const int8_t* x = image + (int64_t{iy} * w_.in + ix) * in_channels_ + group_base;
                const int8_t* w =
                    filter + ((int64_t{oc} * h_.filter + ky) * w_.filter + kx) * group_channels_;
                for (int32_t c = 0; c < group_channels_; ++c)
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
    batches_ = input.dim(0);
    in_channels_ = input.dim(3);
    out_channels_ = filter.dim(0);
    group_channels_ = filter.dim(3);
    if (group_channels_ <= 0 || in_channels_ % group_channels_ != 0)
      ctx.fail("filter tensor {} '{}' [{}] has {} input channels, which do not divide the "
               "input's {} channels (tensor {} '{}') into groups", filter.index, filter.name(),
               fmt::join(filter.shape, ","), group_channels_, in_channels_, input.index,
               input.name());
    groups_ = in_channels_ / group_channels_;
    if (out_channels_ <= 0 || out_channels_ % groups_ != 0)
      ctx.fail("filter tensor {} '{}' has {} output channels, not a positive multiple of the {} "
               "groups", filter.index, filter.name(), out_channels_, groups_);
    h_ = window_axis(ctx, "height", options_.padding, input.dim(1), filter.dim(1),
                     options_.stride_h, options_.dilation_h);
    w_ = window_axis(ctx, "width", options_.padding, input.dim(2), filter.dim(2),
                     options_.stride_w, options_.dilation_w);
    ctx.set_output_shape(0, {batches_, h_.out, w_.out, out_channels_});
    patch_ = int64_t{h_.filter} * w_.filter * group_channels_;
    pixels_ = int64_t{batches_} * h_.out * w_.out;
    if (patch_ > kMaxInt8GemmDepth)
      ctx.fail("filter tensor {} '{}' has {} taps per output, more than the {} an int32 sum holds",
               filter.index, filter.name(), patch_, kMaxInt8GemmDepth);
  }

  // Rows [count, KH*KW*I] of the quantized input for output pixels p0..,
  // padding taps filled with their image's zero point.
  void im2col(const int8_t* q, int64_t p0, int64_t count, int8_t* cols) const {
    const int64_t out_hw = int64_t{h_.out} * w_.out;
    const auto tap_bytes = static_cast<size_t>(in_channels_);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = p0 + i;
      const int64_t b = p / out_hw;
      const auto fill = static_cast<int8_t>(batch_quant_[static_cast<size_t>(b)].zero_point);
      const auto oy = static_cast<int32_t>((p % out_hw) / w_.out);
      const auto ox = static_cast<int32_t>(p % w_.out);
      int8_t* dst = cols + i * patch_;
      for (int32_t ky = 0; ky < h_.filter; ++ky) {
        const int32_t iy = oy * h_.stride - h_.pad + ky * h_.dilation;
        for (int32_t kx = 0; kx < w_.filter; ++kx, dst += in_channels_) {
          const int32_t ix = ox * w_.stride - w_.pad + kx * w_.dilation;
          if (iy < 0 || iy >= h_.in || ix < 0 || ix >= w_.in)
            std::memset(dst, fill, tap_bytes);
          else
            std::memcpy(dst, q + b * image_ + (int64_t{iy} * w_.in + ix) * in_channels_, tap_bytes);
        }
      }
    }
  }

  opt::Conv2D options_;
  WindowAxis h_, w_;
  FloatRange range_;
  int32_t batches_ = 0, in_channels_ = 0, out_channels_ = 0, group_channels_ = 0, groups_ = 1;
  int64_t patch_ = 0, pixels_ = 0, block_pixels_ = 1, image_ = 0;
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
