// DEPTHWISE_CONV_2D: NHWC input [N, H, W, C], filter [1, KH, KW, C*M],
// optional bias [C*M]; output channel o reads input channel o / M. Stride,
// dilation, SAME/VALID padding and fused activation as TFLite.
//
// M (depth multiplier) comes from the shapes, as current TFLite computes it
// (ComputeDepthMultiplier); the options' depth_multiplier field is not
// trusted, since some converters leave it wrong or zero.
//
// A direct loop: for each output pixel, channels are walked in blocks of
// 16/8/4 whose sums stay in registers across all taps, so the inner loop is
// a vector multiply-add over contiguous channels. Sums run tap by tap in
// (ky, kx) order and the bias is added last, as TFLite's reference kernel.
#include <algorithm>

#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

// The taps of one axis that land inside the input: k in [begin, end).
struct TapRange {
  int32_t begin = 0, end = 0;
};
inline TapRange valid_taps(const WindowAxis& a, int32_t out_index) {
  const int32_t origin = out_index * a.stride - a.pad;
  TapRange r{0, a.filter};
  if (origin < 0) r.begin = (-origin + a.dilation - 1) / a.dilation;
  const int32_t room = a.in - 1 - origin;  // largest k * dilation that stays inside
  r.end = room < 0 ? 0 : std::min(a.filter, room / a.dilation + 1);
  if (r.end < r.begin) r.end = r.begin;
  return r;
}

class DepthwiseConv2D final : public Kernel {
 public:
  explicit DepthwiseConv2D(const Op& op)
      : options_(op.options.get_or_default<opt::DepthwiseConv2D>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& filter = ctx.input(1);
    expect_float32(ctx, input, "input");
    expect_float32(ctx, filter, "filter");
    expect_float32(ctx, ctx.output(0), "output");
    ctx.expect_rank(input, 4, 4, "input");
    ctx.expect_rank(filter, 4, 4, "filter");
    expect_clamp_activation(ctx, options_.activation);
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
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) {
      const TensorView& bias = ctx.input(2);
      expect_float32(ctx, bias, "bias");
      if (bias.num_elements() != out_channels_)
        ctx.fail("bias tensor {} '{}' has {} elements, expected {} (output channels)",
                 bias.index, bias.name(), bias.num_elements(), out_channels_);
    }
    h_ = window_axis(ctx, "height", options_.padding, input.dim(1), filter.dim(1),
                     options_.stride_h, options_.dilation_h);
    w_ = window_axis(ctx, "width", options_.padding, input.dim(2), filter.dim(2),
                     options_.stride_w, options_.dilation_w);
    ctx.set_output_shape(0, {batches_, h_.out, w_.out, out_channels_});
  }

  void eval(const EvalContext& ctx) override {
    const float* input = ctx.inputs[0].data_as<const float>();
    const float* filter = ctx.inputs[1].data_as<const float>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    const int64_t rows = int64_t{batches_} * h_.out;
    const int64_t macs = rows * w_.out * out_channels_ * h_.filter * w_.filter;
#pragma omp parallel for schedule(static) if (rows > 1 && macs >= kMinParallelMacs)
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t b = row / h_.out;
      const int32_t oy = static_cast<int32_t>(row % h_.out);
      const TapRange ty = valid_taps(h_, oy);
      const float* image = input + b * h_.in * w_.in * in_channels_;
      for (int32_t ox = 0; ox < w_.out; ++ox) {
        Pixel px{image, filter, ty, valid_taps(w_, ox), oy * h_.stride - h_.pad,
                 ox * w_.stride - w_.pad};
        float* out = output + ((row * w_.out) + ox) * out_channels_;
        if (multiplier_ == 1) {
          pixel_channels(px, bias, out);
        } else {
          pixel_with_multiplier(px, bias, out);
        }
      }
    }
  }

 private:
  // One output pixel's window: where it starts and which taps are inside.
  struct Pixel {
    const float* image;   // this batch's input
    const float* filter;
    TapRange ty, tx;
    int32_t iy0, ix0;     // input position of tap (0, 0)
  };

  // Channels [c0, c0 + W) of one pixel with M == 1; the W sums stay in
  // registers over all taps.
  template <int W>
  void block(const Pixel& px, int64_t c0, const float* bias, float* out) const {
    float acc[W] = {};
    for (int32_t ky = px.ty.begin; ky < px.ty.end; ++ky) {
      const int64_t iy = px.iy0 + ky * h_.dilation;
      for (int32_t kx = px.tx.begin; kx < px.tx.end; ++kx) {
        const int64_t ix = px.ix0 + kx * w_.dilation;
        const float* in = px.image + (iy * w_.in + ix) * in_channels_ + c0;
        const float* f = px.filter + (int64_t{ky} * w_.filter + kx) * out_channels_ + c0;
        for (int j = 0; j < W; ++j) acc[j] += in[j] * f[j];
      }
    }
    const FloatRange range = activation_range(options_.activation);
    for (int j = 0; j < W; ++j)
      out[c0 + j] = clamp_to(bias ? acc[j] + bias[c0 + j] : acc[j], range);
  }

  void pixel_channels(const Pixel& px, const float* bias, float* out) const {
    int64_t c = 0;
    for (; c + 16 <= out_channels_; c += 16) block<16>(px, c, bias, out);
    if (c + 8 <= out_channels_) { block<8>(px, c, bias, out); c += 8; }
    if (c + 4 <= out_channels_) { block<4>(px, c, bias, out); c += 4; }
    for (; c < out_channels_; ++c) block<1>(px, c, bias, out);
  }

  // M > 1 (rare in practice): output channel c*M + m reads input channel c.
  void pixel_with_multiplier(const Pixel& px, const float* bias, float* out) const {
    std::fill(out, out + out_channels_, 0.f);
    for (int32_t ky = px.ty.begin; ky < px.ty.end; ++ky) {
      const int64_t iy = px.iy0 + ky * h_.dilation;
      for (int32_t kx = px.tx.begin; kx < px.tx.end; ++kx) {
        const int64_t ix = px.ix0 + kx * w_.dilation;
        const float* in = px.image + (iy * w_.in + ix) * in_channels_;
        const float* f = px.filter + (int64_t{ky} * w_.filter + kx) * out_channels_;
        for (int32_t c = 0; c < in_channels_; ++c)
          for (int32_t m = 0; m < multiplier_; ++m)
            out[c * multiplier_ + m] += in[c] * f[c * multiplier_ + m];
      }
    }
    add_bias_and_clamp(out, 1, out_channels_, out_channels_, bias,
                       activation_range(options_.activation));
  }

  opt::DepthwiseConv2D options_;
  WindowAxis h_, w_;
  int32_t batches_ = 0, in_channels_ = 0, out_channels_ = 0, multiplier_ = 1;
  bool has_bias_ = false;
};

}  // namespace

void register_depthwise_conv_2d(Registry& registry) {
  registry.add(BuiltinOp::DepthwiseConv2d, make_kernel<DepthwiseConv2D>);
}

}  // namespace octet::kernels
