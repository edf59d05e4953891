// CONV_2D on quantized tensors, computing LiteRT's integers
// (tflite/kernels/conv.cc, kGenericOptimized, at f674577). Geometry,
// groups and shapes as the float kernel (conv_2d.cc, float_prepare.h).
//
//   int8     input asymmetric, filter int8 symmetric per tensor or per
//            output channel (axis 0), bias int32. One group: LiteRT's
//            im2col + cpu_backend_gemm, i.e. ruy (Σ (x − z_x)·w + bias in
//            int32, ruy's single-rounding multiplier). Grouped: its
//            reference kernel, TFLite's double-rounding multiplier.
//   int16x8  zero points 0, filter int8. int64 bias (LiteRT's default,
//            quantized_bias_type unset or INT64): reference kernel, int64
//            sums, the int64 multiplier overload. int32 bias needs
//            quantized_bias_type INT32 (without it LiteRT reads the bias
//            buffer as int64): then int32 sums, ruy (one group) or double
//            rounding (grouped), as for int8.
//
// int8: im2col rows [pixels, KH*KW*Cg] (padding taps hold the input zero
// point, so they add nothing once it is subtracted), one int8_gemm per block
// of pixels and group; a 1x1 stride-1 convolution multiplies the input
// itself. int16: direct loops.
#include <algorithm>
#include <cstring>

#include <fmt/ranges.h>

#include "kernels/float_prepare.h"
#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

// im2col bytes a block fills before its products.
constexpr int64_t kIm2colBlockBytes = 256 * 1024;

class Conv2DQuantized final : public Kernel {
 public:
  explicit Conv2DQuantized(const Op& op) : options_(op.options.get_or_default<opt::Conv2D>()) {}

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
    prepare_shapes(ctx, input, filter);
    int16_ = input.dtype == DType::Int16;

    const TensorQuant in_q = per_tensor_quant(ctx, input, "input");
    const TensorQuant out_q = per_tensor_quant(ctx, output, "output");
    input_zero_point_ = in_q.zero_point;
    prepare_filter_quant(ctx, filter, in_q.scale, out_channels_, 0, out_q.scale, stage_);
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    const TensorView bias = has_bias_ ? ctx.input(2) : TensorView{};
    bool int32_sums = true;
    if (int16_) {
      check_bias(ctx, bias, out_channels_, {DType::Int64, DType::Int32});
      const DType declared = options_.quantized_bias_type;
      if (declared != DType::Float32 && declared != DType::Int32 && declared != DType::Int64)
        ctx.fail("quantized_bias_type is {}, expected INT32 or INT64", dtype_name(declared));
      if (has_bias_ && bias.dtype == DType::Int32 && declared != DType::Int32)
        ctx.fail("bias tensor {} '{}' is int32 but quantized_bias_type is not INT32: LiteRT's "
                 "int16 CONV_2D reads such a bias as int64", bias.index, bias.name());
      if (has_bias_ && bias.dtype == DType::Int64 && declared == DType::Int32)
        ctx.fail("bias tensor {} '{}' is int64 but quantized_bias_type says INT32", bias.index,
                 bias.name());
      int32_sums = declared == DType::Int32;
    } else {
      check_bias(ctx, bias, out_channels_, {DType::Int32});
    }
    stage_.rounding = !int32_sums ? Rounding::Int64 : groups_ == 1 ? Rounding::Ruy : Rounding::Double;
    expect_multiplier_range(ctx, stage_, in_q.scale, out_q.scale);
    prepare_output(ctx, output, options_.activation, stage_);
    if (int16_) return;

    // int8: each group's filter rows packed once here when constant.
    const int32_t group_out = out_channels_ / groups_;
    filter_constant_ = filter.data != nullptr;
    packed_.resize(static_cast<size_t>(groups_));
    for (int32_t g = 0; g < groups_; ++g) {
      if (filter_constant_)
        pack_int8(filter.data_as<const int8_t>() + int64_t{g} * group_out * patch_, patch_,
                  group_out, static_cast<int32_t>(patch_), packed_[static_cast<size_t>(g)]);
      else
        reserve_packed(group_out, static_cast<int32_t>(patch_), packed_[static_cast<size_t>(g)]);
    }
    direct_ = h_.filter == 1 && w_.filter == 1 && h_.stride == 1 && w_.stride == 1 && groups_ == 1;
    block_pixels_ = std::min(std::max<int64_t>(kIm2colBlockBytes / std::max<int64_t>(patch_, 1), 16),
                             std::max<int64_t>(pixels_, 1));
    const int64_t bytes = int64_t{out_channels_} * 4 + block_pixels_ * group_out * 4 +
                          (direct_ ? 0 : block_pixels_ * patch_);
    ctx.request_scratch(static_cast<size_t>(bytes));
  }

  void eval(const EvalContext& ctx) override {
    if (int16_) {
      eval_int16(ctx);
      return;
    }
    const int8_t* input = ctx.inputs[0].data_as<const int8_t>();
    const int32_t* bias = has_bias_ ? ctx.inputs[2].data_as<const int32_t>() : nullptr;
    int8_t* output = ctx.outputs[0].data_as<int8_t>();
    const int32_t group_out = out_channels_ / groups_;
    int32_t* offset = reinterpret_cast<int32_t*>(ctx.scratch.data());
    int32_t* acc = offset + out_channels_;
    int8_t* cols = reinterpret_cast<int8_t*>(acc + block_pixels_ * group_out);
    for (int32_t g = 0; g < groups_; ++g) {
      PackedInt8& packed = packed_[static_cast<size_t>(g)];
      if (!filter_constant_)
        pack_int8(ctx.inputs[1].data_as<const int8_t>() + int64_t{g} * group_out * patch_, patch_,
                  group_out, static_cast<int32_t>(patch_), packed);
      fold_bias(bias != nullptr ? bias + g * group_out : nullptr, input_zero_point_, packed,
                offset + g * group_out);
    }
    for (int64_t p0 = 0; p0 < pixels_; p0 += block_pixels_) {
      const auto count = static_cast<int32_t>(std::min(block_pixels_, pixels_ - p0));
      for (int32_t g = 0; g < groups_; ++g) {
        const int8_t* a = input + p0 * in_channels_;
        int64_t lda = in_channels_;
        if (!direct_) {
          im2col(input, p0, count, g, cols);
          a = cols;
          lda = patch_;
        }
        int8_gemm(a, lda, count, packed_[static_cast<size_t>(g)], acc, group_out);
        requantize_rows(stage_, acc, group_out, count, group_out, offset + g * group_out,
                        g * group_out, output + p0 * out_channels_ + g * group_out, out_channels_);
      }
    }
  }

 private:
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
    if (patch_ > std::numeric_limits<int32_t>::max())
      ctx.fail("filter tensor {} '{}' has {} taps per output, more than int32 holds",
               filter.index, filter.name(), patch_);
  }

  // Rows [count, KH*KW*Cg] for output pixels p0.. (flattened over batch,
  // y, x), channels of group g, taps in the filter's (ky, kx, c) order.
  void im2col(const int8_t* input, int64_t p0, int64_t count, int32_t g, int8_t* cols) const {
    const int64_t out_hw = int64_t{h_.out} * w_.out;
    const auto tap_bytes = static_cast<size_t>(group_channels_);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = p0 + i;
      const int64_t b = p / out_hw;
      const auto oy = static_cast<int32_t>((p % out_hw) / w_.out);
      const auto ox = static_cast<int32_t>(p % w_.out);
      int8_t* dst = cols + i * patch_;
      for (int32_t ky = 0; ky < h_.filter; ++ky) {
        const int32_t iy = oy * h_.stride - h_.pad + ky * h_.dilation;
        for (int32_t kx = 0; kx < w_.filter; ++kx, dst += group_channels_) {
          const int32_t ix = ox * w_.stride - w_.pad + kx * w_.dilation;
          if (iy < 0 || iy >= h_.in || ix < 0 || ix >= w_.in)
            std::memset(dst, static_cast<int8_t>(input_zero_point_), tap_bytes);
          else
            std::memcpy(dst, input + ((b * h_.in + iy) * w_.in + ix) * in_channels_ +
                                 int64_t{g} * group_channels_, tap_bytes);
        }
      }
    }
  }

  // int16x8: for every output, the taps inside the input, channels of its
  // group; int64 sums (the stage wraps them to int32 on the int32 paths).
  void eval_int16(const EvalContext& ctx) const {
    const int16_t* input = ctx.inputs[0].data_as<const int16_t>();
    const int8_t* filter = ctx.inputs[1].data_as<const int8_t>();
    const TensorView* bias = has_bias_ ? &ctx.inputs[2] : nullptr;
    int16_t* out = ctx.outputs[0].data_as<int16_t>();
    const int32_t group_out = out_channels_ / groups_;
    for (int32_t b = 0; b < batches_; ++b)
      for (int32_t oy = 0; oy < h_.out; ++oy)
        for (int32_t ox = 0; ox < w_.out; ++ox)
          for (int32_t oc = 0; oc < out_channels_; ++oc) {
            const int64_t group_base = int64_t{oc / group_out} * group_channels_;
            int64_t acc = 0;
            for (int32_t ky = 0; ky < h_.filter; ++ky) {
              const int32_t iy = oy * h_.stride - h_.pad + ky * h_.dilation;
              if (iy < 0 || iy >= h_.in) continue;
              for (int32_t kx = 0; kx < w_.filter; ++kx) {
                const int32_t ix = ox * w_.stride - w_.pad + kx * w_.dilation;
                if (ix < 0 || ix >= w_.in) continue;
                const int16_t* x =
                    input + ((int64_t{b} * h_.in + iy) * w_.in + ix) * in_channels_ + group_base;
                const int8_t* w = filter + ((int64_t{oc} * h_.filter + ky) * w_.filter + kx) *
                                               group_channels_;
                for (int32_t c = 0; c < group_channels_; ++c) acc += int32_t{x[c]} * int32_t{w[c]};
              }
            }
            if (bias != nullptr)
              acc += bias->dtype == DType::Int64 ? bias->data_as<const int64_t>()[oc]
                                                 : int64_t{bias->data_as<const int32_t>()[oc]};
            *out++ = static_cast<int16_t>(stage_.apply(acc, static_cast<size_t>(oc)));
          }
  }

  opt::Conv2D options_;
  WindowAxis h_, w_;
  int32_t batches_ = 0, in_channels_ = 0, out_channels_ = 0, group_channels_ = 0, groups_ = 1;
  int32_t input_zero_point_ = 0;
  int64_t patch_ = 0, pixels_ = 0, block_pixels_ = 1;
  bool int16_ = false, has_bias_ = false, filter_constant_ = false, direct_ = false;
  OutputStage stage_;
  std::vector<PackedInt8> packed_;  // one per group
};

}  // namespace

void register_conv_2d_quantized(Registry& registry) {
  registry.add(BuiltinOp::Conv2d, make_kernel<Conv2DQuantized>, Arithmetic::Integer);
}

}  // namespace octet::kernels
