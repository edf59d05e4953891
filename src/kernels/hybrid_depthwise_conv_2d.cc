// DEPTHWISE_CONV_2D, dynamic-range ("hybrid"): float32 input and output,
// int8 filter [1, KH, KW, C·M] with one scale per output channel (axis 3),
// float32 bias. As LiteRT's EvalHybridPerChannel (tflite/kernels/
// depthwise_conv.cc) with optimized_integer_ops::DepthwiseConvHybridPerChannel
// (the kernel it registers off NEON; XNNPACK declines float-input, int8-
// filter depthwise convolutions, so this is what LiteRT runs):
//
//   each batch image quantized asymmetrically (s, z), always (the op has no
//   asymmetric_quantize_inputs option)
//   acc = Σ over the taps inside the image of (q − z)·w
//   out = clamp((float(acc) · s) · s_w[c] + bias[c])   two float products, in
//         that order (LiteRT's reference kernel multiplies s_w[c]·s first)
//
// LiteRT's hybrid path takes M from the options (not the shapes) and reads
// one scale per output channel, so octet refuses options that disagree with
// the shapes and a single scale for several channels, rather than compute
// what LiteRT would misindex.
#include <algorithm>

#include <fmt/ranges.h>

#include "kernels/float_prepare.h"
#include "kernels/hybrid.h"

namespace octet::kernels {
namespace {

class HybridDepthwiseConv2D final : public Kernel {
 public:
  explicit HybridDepthwiseConv2D(const Op& op)
      : options_(op.options.get_or_default<opt::DepthwiseConv2D>()) {}

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
    if (filter.dim(0) != 1)
      ctx.fail("filter tensor {} '{}' has shape [{}], expected [1, KH, KW, channels]",
               filter.index, filter.name(), fmt::join(filter.shape, ","));
    batches_ = input.dim(0);
    in_channels_ = input.dim(3);
    out_channels_ = filter.dim(3);
    if (in_channels_ <= 0 || out_channels_ % in_channels_ != 0)
      ctx.fail("filter tensor {} '{}' has {} channels, not a multiple of the input's {} "
               "(tensor {} '{}')", filter.index, filter.name(), out_channels_, in_channels_,
               input.index, input.name());
    multiplier_ = out_channels_ / in_channels_;
    if (options_.depth_multiplier != multiplier_)
      ctx.fail("depth_multiplier option is {} but the shapes give {} (filter {} / input {} "
               "channels); LiteRT's hybrid kernel indexes with the option",
               options_.depth_multiplier, multiplier_, out_channels_, in_channels_);
    h_ = window_axis(ctx, "height", options_.padding, input.dim(1), filter.dim(1),
                     options_.stride_h, options_.dilation_h);
    w_ = window_axis(ctx, "width", options_.padding, input.dim(2), filter.dim(2),
                     options_.stride_w, options_.dilation_w);
    ctx.set_output_shape(0, {batches_, h_.out, w_.out, out_channels_});
    scales_ = hybrid_weight_scales(ctx, filter, out_channels_, 3);
    if (scales_.size() != static_cast<size_t>(out_channels_))
      ctx.fail("filter tensor {} '{}' has one scale for {} channels; LiteRT's hybrid "
               "DEPTHWISE_CONV_2D reads one scale per output channel (axis 3)", filter.index,
               filter.name(), out_channels_);
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) check_float_bias(ctx, ctx.input(2), out_channels_);
    image_ = int64_t{h_.in} * w_.in * in_channels_;
    ctx.request_scratch(static_cast<size_t>(int64_t{batches_} * image_ + int64_t{out_channels_} * 4));
  }

  void eval(const EvalContext& ctx) override {
    const float* input = ctx.inputs[0].data_as<const float>();
    const int8_t* filter = ctx.inputs[1].data_as<const int8_t>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    auto* acc = reinterpret_cast<int32_t*>(ctx.scratch.data());
    auto* q = reinterpret_cast<int8_t*>(acc + out_channels_);
    for (int32_t b = 0; b < batches_; ++b) {
      const RowQuant r = asymmetric_quantize(input + b * image_, image_, q + b * image_);
      const int8_t* image = q + b * image_;
      for (int32_t oy = 0; oy < h_.out; ++oy)
        for (int32_t ox = 0; ox < w_.out; ++ox) {
          pixel(image, filter, r.zero_point, oy, ox, acc);
          float* out = output + ((int64_t{b} * h_.out + oy) * w_.out + ox) * out_channels_;
          for (int32_t c = 0; c < out_channels_; ++c) {
            float v = static_cast<float>(acc[c]) * r.scale * scales_[static_cast<size_t>(c)];
            if (bias != nullptr) v += bias[c];
            out[c] = std::min(std::max(v, range_.min), range_.max);
          }
        }
    }
  }

 private:
  // acc[c*M + m] = Σ over the taps inside the image of (q − z)·w.
  void pixel(const int8_t* image, const int8_t* filter, int32_t zero_point, int32_t oy,
             int32_t ox, int32_t* acc) const {
    std::fill(acc, acc + out_channels_, 0);
    for (int32_t ky = 0; ky < h_.filter; ++ky) {
      const int32_t iy = oy * h_.stride - h_.pad + ky * h_.dilation;
      if (iy < 0 || iy >= h_.in) continue;
      for (int32_t kx = 0; kx < w_.filter; ++kx) {
        const int32_t ix = ox * w_.stride - w_.pad + kx * w_.dilation;
        if (ix < 0 || ix >= w_.in) continue;
        const int8_t* x = image + (int64_t{iy} * w_.in + ix) * in_channels_;
        const int8_t* w = filter + (int64_t{ky} * w_.filter + kx) * out_channels_;
        for (int32_t c = 0; c < in_channels_; ++c) {
          const int32_t v = int32_t{x[c]} - zero_point;
          for (int32_t m = 0; m < multiplier_; ++m)
            acc[c * multiplier_ + m] += v * w[c * multiplier_ + m];
        }
      }
    }
  }

  opt::DepthwiseConv2D options_;
  WindowAxis h_, w_;
  FloatRange range_;
  int32_t batches_ = 0, in_channels_ = 0, out_channels_ = 0, multiplier_ = 1;
  int64_t image_ = 0;
  bool has_bias_ = false;
  std::vector<float> scales_;
};

}  // namespace

void register_hybrid_depthwise_conv_2d(Registry& registry) {
  registry.add(BuiltinOp::DepthwiseConv2d, make_kernel<HybridDepthwiseConv2D>,
               Arithmetic::Hybrid);
}

}  // namespace octet::kernels
