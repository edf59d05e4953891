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
    prepare_filter_quant(ctx, filter, in_q.scale, s_.out_channels, 0, out_q.scale, stage_);
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    const TensorView bias = has_bias_ ? ctx.input(2) : TensorView{};
    bool int32_sums = true;
    if (int16_) {
      check_bias(ctx, bias, s_.out_channels, {DType::Int64, DType::Int32});
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
      check_bias(ctx, bias, s_.out_channels, {DType::Int32});
    }
    stage_.rounding = !int32_sums      ? Rounding::Int64
                      : s_.groups == 1 ? Rounding::Ruy
                                       : Rounding::Double;
    expect_multiplier_range(ctx, stage_, in_q.scale, out_q.scale);
    prepare_output(ctx, output, options_.activation, stage_);
    if (int16_) return;

    // int8: each group's filter rows packed once here when constant.
    const int32_t group_out = s_.out_channels / s_.groups;
    filter_constant_ = filter.data != nullptr;
    packed_.resize(static_cast<size_t>(s_.groups));
    for (int32_t g = 0; g < s_.groups; ++g) {
      if (filter_constant_)
        pack_int8(filter.data_as<const int8_t>() + int64_t{g} * group_out * s_.patch, s_.patch,
                  group_out, static_cast<int32_t>(s_.patch), packed_[static_cast<size_t>(g)]);
      else
        reserve_packed(group_out, static_cast<int32_t>(s_.patch), packed_[static_cast<size_t>(g)]);
    }
    direct_ = s_.h.filter == 1 && s_.w.filter == 1 && s_.h.stride == 1 && s_.w.stride == 1 &&
              s_.groups == 1;
    block_pixels_ =
        std::min(std::max<int64_t>(kIm2colBlockBytes / std::max<int64_t>(s_.patch, 1), 16),
                 std::max<int64_t>(s_.pixels, 1));
    const int64_t bytes = int64_t{s_.out_channels} * 4 + block_pixels_ * group_out * 4 +
                          (direct_ ? 0 : block_pixels_ * s_.patch);
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
    const int32_t group_out = s_.out_channels / s_.groups;
    int32_t* offset = reinterpret_cast<int32_t*>(ctx.scratch.data());
    int32_t* acc = offset + s_.out_channels;
    int8_t* cols = reinterpret_cast<int8_t*>(acc + block_pixels_ * group_out);
    for (int32_t g = 0; g < s_.groups; ++g) {
      PackedInt8& packed = packed_[static_cast<size_t>(g)];
      if (!filter_constant_)
        pack_int8(ctx.inputs[1].data_as<const int8_t>() + int64_t{g} * group_out * s_.patch,
                  s_.patch, group_out, static_cast<int32_t>(s_.patch), packed);
      fold_bias(bias != nullptr ? bias + g * group_out : nullptr, input_zero_point_, packed,
                offset + g * group_out);
    }
    for (int64_t p0 = 0; p0 < s_.pixels; p0 += block_pixels_) {
      const auto count = static_cast<int32_t>(std::min(block_pixels_, s_.pixels - p0));
      for (int32_t g = 0; g < s_.groups; ++g) {
        const int8_t* a = input + p0 * s_.in_channels;
        int64_t lda = s_.in_channels;
        if (!direct_) {
          im2col(input, p0, count, g, cols);
          a = cols;
          lda = s_.patch;
        }
        int8_gemm(a, lda, count, packed_[static_cast<size_t>(g)], acc, group_out);
        requantize_rows(stage_, acc, group_out, count, group_out, offset + g * group_out,
                        g * group_out, output + p0 * s_.out_channels + g * group_out,
                        s_.out_channels);
      }
    }
  }

 private:
  void prepare_shapes(PrepareContext& ctx, const TensorView& input, const TensorView& filter) {
    s_ = conv_shape(ctx, input, filter, options_);
    if (s_.patch > std::numeric_limits<int32_t>::max())
      ctx.fail("filter tensor {} '{}' has {} taps per output, more than int32 holds", filter.index,
               filter.name(), s_.patch);
  }

  // Rows [count, KH*KW*Cg] for output pixels p0.. (flattened over batch,
  // y, x), channels of group g, taps in the filter's (ky, kx, c) order.
  void im2col(const int8_t* input, int64_t p0, int64_t count, int32_t g, int8_t* cols) const {
    const int64_t out_hw = int64_t{s_.h.out} * s_.w.out;
    const auto tap_bytes = static_cast<size_t>(s_.group_channels);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = p0 + i;
      const int64_t b = p / out_hw;
      const auto oy = static_cast<int32_t>((p % out_hw) / s_.w.out);
      const auto ox = static_cast<int32_t>(p % s_.w.out);
      int8_t* dst = cols + i * s_.patch;
      for (int32_t ky = 0; ky < s_.h.filter; ++ky) {
        const int32_t iy = oy * s_.h.stride - s_.h.pad + ky * s_.h.dilation;
        for (int32_t kx = 0; kx < s_.w.filter; ++kx, dst += s_.group_channels) {
          const int32_t ix = ox * s_.w.stride - s_.w.pad + kx * s_.w.dilation;
          if (iy < 0 || iy >= s_.h.in || ix < 0 || ix >= s_.w.in)
            std::memset(dst, static_cast<int8_t>(input_zero_point_), tap_bytes);
          else
            std::memcpy(dst,
                        input + ((b * s_.h.in + iy) * s_.w.in + ix) * s_.in_channels +
                            int64_t{g} * s_.group_channels,
                        tap_bytes);
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
    const int32_t group_out = s_.out_channels / s_.groups;
    for (int32_t b = 0; b < s_.batches; ++b)
      for (int32_t oy = 0; oy < s_.h.out; ++oy)
        for (int32_t ox = 0; ox < s_.w.out; ++ox)
          for (int32_t oc = 0; oc < s_.out_channels; ++oc) {
            const int64_t group_base = int64_t{oc / group_out} * s_.group_channels;
            int64_t acc = 0;
            for (int32_t ky = 0; ky < s_.h.filter; ++ky) {
              const int32_t iy = oy * s_.h.stride - s_.h.pad + ky * s_.h.dilation;
              if (iy < 0 || iy >= s_.h.in) continue;
              for (int32_t kx = 0; kx < s_.w.filter; ++kx) {
                const int32_t ix = ox * s_.w.stride - s_.w.pad + kx * s_.w.dilation;
                if (ix < 0 || ix >= s_.w.in) continue;
                const int16_t* x = input +
                                   ((int64_t{b} * s_.h.in + iy) * s_.w.in + ix) * s_.in_channels +
                                   group_base;
                const int8_t* w = filter + ((int64_t{oc} * s_.h.filter + ky) * s_.w.filter + kx) *
                                               s_.group_channels;
                for (int32_t c = 0; c < s_.group_channels; ++c)
                  acc += int32_t{x[c]} * int32_t{w[c]};
              }
            }
            if (bias != nullptr)
              acc += bias->dtype == DType::Int64 ? bias->data_as<const int64_t>()[oc]
                                                 : int64_t{bias->data_as<const int32_t>()[oc]};
            *out++ = static_cast<int16_t>(stage_.apply(acc, static_cast<size_t>(oc)));
          }
  }

  opt::Conv2D options_;
  ConvShape s_;
  int32_t input_zero_point_ = 0;
  int64_t block_pixels_ = 1;
  bool int16_ = false, has_bias_ = false, filter_constant_ = false, direct_ = false;
  OutputStage stage_;
  std::vector<PackedInt8> packed_;  // one per group
};

}  // namespace

void register_conv_2d_quantized(Registry& registry) {
  registry.add(BuiltinOp::Conv2d, make_kernel<Conv2DQuantized>, Arithmetic::Integer);
}

}  // namespace octet::kernels
