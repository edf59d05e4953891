// DEPTHWISE_CONV_2D on quantized tensors, computing LiteRT's integers
// (tflite/kernels/depthwise_conv.cc at f674577). Input [N, H, W, C], filter
// [1, KH, KW, C*M] quantized per tensor or per output channel (axis 3),
// output channel c*M + m reads input channel c; geometry as the float kernel.
//
//   int8     bias int32. LiteRT's generic optimized kernel (the one it
//            registers off NEON) sums Σ (x − z_x)·w in int32 starting from
//            the bias and requantizes with TFLite's double-rounding
//            multiplier; M from the shapes (ComputeDepthMultiplier).
//   int16x8  zero points 0, bias int64 (LiteRT requires it), int64 sums, the
//            int64 multiplier overload. LiteRT's int16 kernel takes M from
//            the options, so octet refuses options that disagree with the
//            shapes rather than compute what LiteRT would misindex.
//
// Direct loops: one output pixel's sums over all channels stay in a
// per-thread buffer while the taps inside the input are added.
#include <omp.h>

#include <algorithm>

#include <fmt/ranges.h>

#include "kernels/float_prepare.h"
#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

class DepthwiseConv2DQuantized final : public Kernel {
 public:
  explicit DepthwiseConv2DQuantized(const Op& op)
      : options_(op.options.get_or_default<opt::DepthwiseConv2D>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& filter = ctx.input(1);
    const TensorView& output = ctx.output(0);
    expect_integer_activation(ctx, input, "input");
    expect_same_dtype(ctx, input, "input", output, "output");
    ctx.expect_rank(input, 4, 4, "input");
    ctx.expect_rank(filter, 4, 4, "filter");
    if (filter.dim(0) != 1)
      ctx.fail("filter tensor {} '{}' has shape [{}], expected [1, KH, KW, channels]",
               filter.index, filter.name(), fmt::join(filter.shape, ","));
    int16_ = input.dtype == DType::Int16;
    batches_ = input.dim(0);
    in_channels_ = input.dim(3);
    out_channels_ = filter.dim(3);
    if (in_channels_ <= 0 || out_channels_ % in_channels_ != 0)
      ctx.fail("filter tensor {} '{}' has {} channels, not a multiple of the input's {} "
               "(tensor {} '{}')", filter.index, filter.name(), out_channels_, in_channels_,
               input.index, input.name());
    multiplier_ = out_channels_ / in_channels_;
    if (int16_ && options_.depth_multiplier != multiplier_)
      ctx.fail("depth_multiplier option is {} but the shapes give {} (filter {} / input {} "
               "channels); LiteRT's int16 kernel indexes with the option", 
               options_.depth_multiplier, multiplier_, out_channels_, in_channels_);
    h_ = window_axis(ctx, "height", options_.padding, input.dim(1), filter.dim(1),
                     options_.stride_h, options_.dilation_h);
    w_ = window_axis(ctx, "width", options_.padding, input.dim(2), filter.dim(2),
                     options_.stride_w, options_.dilation_w);
    ctx.set_output_shape(0, {batches_, h_.out, w_.out, out_channels_});

    const TensorQuant in_q = per_tensor_quant(ctx, input, "input");
    const TensorQuant out_q = per_tensor_quant(ctx, output, "output");
    input_zero_point_ = in_q.zero_point;
    prepare_filter_quant(ctx, filter, in_q.scale, out_channels_, 3, out_q.scale, stage_);
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    check_bias(ctx, has_bias_ ? ctx.input(2) : TensorView{}, out_channels_,
               {int16_ ? DType::Int64 : DType::Int32});
    stage_.rounding = int16_ ? Rounding::Int64 : Rounding::Double;
    expect_multiplier_range(ctx, stage_, in_q.scale, out_q.scale);
    prepare_output(ctx, output, options_.activation, stage_);
    threads_ = std::max(1, omp_get_max_threads());
    ctx.request_scratch(static_cast<size_t>(threads_) * static_cast<size_t>(out_channels_) *
                        (int16_ ? sizeof(int64_t) : sizeof(int32_t)));
  }

  void eval(const EvalContext& ctx) override {
    if (int16_) run<int16_t, int64_t, Rounding::Int64>(ctx);
    else run<int8_t, int32_t, Rounding::Double>(ctx);
  }

 private:
  template <class In, class Acc, Rounding R>
  void run(const EvalContext& ctx) const {
    const In* input = ctx.inputs[0].data_as<const In>();
    const int8_t* filter = ctx.inputs[1].data_as<const int8_t>();
    const Acc* bias = has_bias_ ? ctx.inputs[2].data_as<const Acc>() : nullptr;
    In* output = ctx.outputs[0].data_as<In>();
    Acc* scratch = reinterpret_cast<Acc*>(ctx.scratch.data());
    const int64_t rows = int64_t{batches_} * h_.out;
    const bool parallel = rows > 1 && rows * w_.out * out_channels_ * h_.filter * w_.filter >= 1 << 16;
#pragma omp parallel num_threads(std::min(threads_, omp_get_max_threads())) if (parallel)
    {
      Acc* acc = scratch + int64_t{omp_get_thread_num()} * out_channels_;
#pragma omp for schedule(static)
      for (int64_t row = 0; row < rows; ++row) {
        const int64_t b = row / h_.out;
        const auto oy = static_cast<int32_t>(row % h_.out);
        for (int32_t ox = 0; ox < w_.out; ++ox) {
          pixel(input + b * h_.in * w_.in * in_channels_, filter, bias, oy, ox, acc);
          In* out = output + (row * w_.out + ox) * out_channels_;
          for (int32_t oc = 0; oc < out_channels_; ++oc)
            out[oc] = static_cast<In>(stage_.apply<R>(acc[oc], static_cast<size_t>(oc)));
        }
      }
    }
  }

  // acc[c*M + m] = bias + Σ over the taps inside the image of (x − z_x)·w.
  template <class In, class Acc>
  void pixel(const In* image, const int8_t* filter, const Acc* bias, int32_t oy, int32_t ox,
             Acc* acc) const {
    for (int32_t oc = 0; oc < out_channels_; ++oc) acc[oc] = bias != nullptr ? bias[oc] : 0;
    for (int32_t ky = 0; ky < h_.filter; ++ky) {
      const int32_t iy = oy * h_.stride - h_.pad + ky * h_.dilation;
      if (iy < 0 || iy >= h_.in) continue;
      for (int32_t kx = 0; kx < w_.filter; ++kx) {
        const int32_t ix = ox * w_.stride - w_.pad + kx * w_.dilation;
        if (ix < 0 || ix >= w_.in) continue;
        const In* x = image + (int64_t{iy} * w_.in + ix) * in_channels_;
        const int8_t* w = filter + (int64_t{ky} * w_.filter + kx) * out_channels_;
        if (multiplier_ == 1) {
          for (int32_t c = 0; c < in_channels_; ++c)
            acc[c] += static_cast<Acc>(int32_t{x[c]} - input_zero_point_) * w[c];
        } else {
          for (int32_t c = 0; c < in_channels_; ++c) {
            const auto v = static_cast<Acc>(int32_t{x[c]} - input_zero_point_);
            for (int32_t m = 0; m < multiplier_; ++m)
              acc[c * multiplier_ + m] += v * w[c * multiplier_ + m];
          }
        }
      }
    }
  }

  opt::DepthwiseConv2D options_;
  WindowAxis h_, w_;
  int32_t batches_ = 0, in_channels_ = 0, out_channels_ = 0, multiplier_ = 1;
  int32_t input_zero_point_ = 0;
  int threads_ = 1;
  bool int16_ = false, has_bias_ = false;
  OutputStage stage_;
};

}  // namespace

void register_depthwise_conv_2d_quantized(Registry& registry) {
  registry.add(BuiltinOp::DepthwiseConv2d, make_kernel<DepthwiseConv2DQuantized>,
               Arithmetic::Integer);
}

}  // namespace octet::kernels
