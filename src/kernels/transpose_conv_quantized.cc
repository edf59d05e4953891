// TRANSPOSE_CONV on quantized tensors, computing LiteRT's integers
// (tflite/kernels/transpose_conv.cc, kGenericOptimized, at f674577).
// Inputs (output_shape int32[4], weights [O, KH, KW, I], input [N, H, W, I],
// optional bias [O]); input pixel (y, x) adds its products to output pixel
// (y·stride − pad + ky, x·stride − pad + kx), padding as the float kernel.
//
//   int8     input asymmetric, weights symmetric per tensor or per output
//            channel (axis 0), bias int32. LiteRT (TransposeConvV2): an
//            int32 GEMM into columns, col2im, bias, then TFLite's
//            double-rounding multiplier (optimized_ops::Quantize).
//   int16x8  zero points 0. With quantized_bias_type INT32 (int32 bias):
//            the same int32 path. Otherwise LiteRT's reference kernel: int64
//            sums and bias, the int64 multiplier overload; an int32 bias is
//            then refused, since LiteRT would read its buffer as int64.
//
// int8: the weights reordered to [KH][KW][O] rows of I (LiteRT's HWOI) and
// packed for int8_gemm; each block of input pixels becomes columns
// [pixels, KH*KW*O] of exact sums, scattered into int32 output sums. int16:
// direct scatter loops into int64 sums.
#include <algorithm>
#include <cstring>

#include <fmt/ranges.h>

#include "kernels/float_prepare.h"
#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

constexpr int64_t kColumnBlockBytes = 512 * 1024;

class TransposeConvQuantized final : public Kernel {
 public:
  explicit TransposeConvQuantized(const Op& op)
      : options_(op.options.get_or_default<opt::TransposeConv>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 4);
    ctx.expect_outputs(1);
    const TensorView& weights = ctx.input(1);
    const TensorView& input = ctx.input(2);
    const TensorView& output = ctx.output(0);
    expect_integer_activation(ctx, input, "input");
    expect_same_dtype(ctx, input, "input", output, "output");
    int16_ = input.dtype == DType::Int16;
    prepare_shapes(ctx, input, weights);

    const TensorQuant in_q = per_tensor_quant(ctx, input, "input");
    const TensorQuant out_q = per_tensor_quant(ctx, output, "output");
    input_zero_point_ = in_q.zero_point;
    prepare_filter_quant(ctx, weights, in_q.scale, out_channels_, 0, out_q.scale, stage_);
    has_bias_ = ctx.num_inputs() > 3 && ctx.input(3).present();
    const TensorView bias = has_bias_ ? ctx.input(3) : TensorView{};
    bool int32_sums = true;
    if (int16_) {
      check_bias(ctx, bias, out_channels_, {DType::Int64, DType::Int32});
      const DType declared = options_.quantized_bias_type;
      if (declared != DType::Float32 && declared != DType::Int32 && declared != DType::Int64)
        ctx.fail("quantized_bias_type is {}, expected INT32 or INT64", dtype_name(declared));
      if (has_bias_ && bias.dtype == DType::Int32 && declared != DType::Int32)
        ctx.fail("bias tensor {} '{}' is int32 but quantized_bias_type is not INT32: LiteRT's "
                 "int16 TRANSPOSE_CONV reads such a bias as int64", bias.index, bias.name());
      if (has_bias_ && bias.dtype == DType::Int64 && declared == DType::Int32)
        ctx.fail("bias tensor {} '{}' is int64 but quantized_bias_type says INT32", bias.index,
                 bias.name());
      int32_sums = declared == DType::Int32;
    } else {
      check_bias(ctx, bias, out_channels_, {DType::Int32});
    }
    stage_.rounding = int32_sums ? Rounding::Double : Rounding::Int64;
    expect_multiplier_range(ctx, stage_, in_q.scale, out_q.scale);
    prepare_output(ctx, output, options_.activation, stage_);

    const int64_t out_sums = int64_t{out_h_} * out_w_ * out_channels_;
    if (int16_) {
      ctx.request_scratch(static_cast<size_t>(out_sums) * sizeof(int64_t));
      return;
    }
    // int8: HWOI rows packed once here when the weights are constant.
    taps_ = int64_t{filter_h_} * filter_w_ * out_channels_;
    if (taps_ > std::numeric_limits<int32_t>::max())
      ctx.fail("weights tensor {} '{}' has too many taps ({})", weights.index, weights.name(), taps_);
    weights_constant_ = weights.data != nullptr;
    if (weights_constant_) {
      std::vector<int8_t> hwoi(static_cast<size_t>(taps_ * in_channels_));
      reorder(weights.data_as<const int8_t>(), hwoi.data());
      pack_int8(hwoi.data(), in_channels_, static_cast<int32_t>(taps_), in_channels_, packed_);
    } else {
      reserve_packed(static_cast<int32_t>(taps_), in_channels_, packed_);
    }
    const int64_t in_pixels = int64_t{in_h_} * in_w_;
    block_pixels_ = std::clamp<int64_t>(kColumnBlockBytes / 4 / std::max<int64_t>(taps_, 1), 1,
                                        std::max<int64_t>(in_pixels, 1));
    const int64_t bytes = (taps_ + out_sums + block_pixels_ * taps_) * 4 +
                          (weights_constant_ ? 0 : taps_ * in_channels_);
    ctx.request_scratch(static_cast<size_t>(bytes));
  }

  void eval(const EvalContext& ctx) override {
    if (int16_) {
      eval_int16(ctx);
      return;
    }
    const int8_t* input = ctx.inputs[2].data_as<const int8_t>();
    const int32_t* bias = has_bias_ ? ctx.inputs[3].data_as<const int32_t>() : nullptr;
    int8_t* output = ctx.outputs[0].data_as<int8_t>();
    const int64_t out_sums = int64_t{out_h_} * out_w_ * out_channels_;
    int32_t* zp_term = reinterpret_cast<int32_t*>(ctx.scratch.data());
    int32_t* sums = zp_term + taps_;
    int32_t* cols = sums + out_sums;
    if (!weights_constant_) {
      auto* hwoi = reinterpret_cast<int8_t*>(cols + block_pixels_ * taps_);
      reorder(ctx.inputs[1].data_as<const int8_t>(), hwoi);
      pack_int8(hwoi, in_channels_, static_cast<int32_t>(taps_), in_channels_, packed_);
    }
    fold_bias(nullptr, input_zero_point_, packed_, zp_term);
    const int64_t in_pixels = int64_t{in_h_} * in_w_;
    for (int32_t b = 0; b < batches_; ++b) {
      std::fill(sums, sums + out_sums, 0);
      for (int64_t p0 = 0; p0 < in_pixels; p0 += block_pixels_) {
        const auto count = static_cast<int32_t>(std::min(block_pixels_, in_pixels - p0));
        int8_gemm(input + (b * in_pixels + p0) * in_channels_, in_channels_, count, packed_,
                  cols, taps_);
        for (int32_t i = 0; i < count; ++i)
          scatter(p0 + i, cols + int64_t{i} * taps_, zp_term, sums);
      }
      int8_t* out = output + int64_t{b} * out_sums;
      for (int64_t p = 0; p < out_sums; p += out_channels_)
        for (int32_t o = 0; o < out_channels_; ++o)
          out[p + o] = static_cast<int8_t>(stage_.apply<Rounding::Double>(
              wrapping_add(sums[p + o], bias != nullptr ? bias[o] : 0), static_cast<size_t>(o)));
    }
  }

 private:
  void prepare_shapes(PrepareContext& ctx, const TensorView& input, const TensorView& weights) {
    ctx.expect_rank(input, 4, 4, "input");
    ctx.expect_rank(weights, 4, 4, "weights");
    if (weights.dim(3) != input.dim(3))
      ctx.fail("weights tensor {} '{}' [{}] has {} input channels, input tensor {} '{}' has {}",
               weights.index, weights.name(), fmt::join(weights.shape, ","), weights.dim(3),
               input.index, input.name(), input.dim(3));
    batches_ = input.dim(0);
    in_h_ = input.dim(1);
    in_w_ = input.dim(2);
    in_channels_ = input.dim(3);
    out_channels_ = weights.dim(0);
    filter_h_ = weights.dim(1);
    filter_w_ = weights.dim(2);
    if (filter_h_ <= 0 || filter_w_ <= 0 || out_channels_ <= 0)
      ctx.fail("weights tensor {} '{}' has shape [{}], expected positive [O, KH, KW, I]",
               weights.index, weights.name(), fmt::join(weights.shape, ","));
    if (options_.stride_h <= 0 || options_.stride_w <= 0)
      ctx.fail("strides ({}, {}) must be > 0", options_.stride_h, options_.stride_w);
    if (options_.padding != Padding::Same && options_.padding != Padding::Valid)
      ctx.fail("padding {} is not SAME (0) or VALID (1)", static_cast<int>(options_.padding));
    const std::vector<int64_t> shape = ctx.constant_ints(0, "output_shape");
    if (shape.size() != 4)
      ctx.fail("output_shape tensor {} '{}' has {} values, expected 4", ctx.input(0).index,
               ctx.input(0).name(), shape.size());
    if (shape[0] != batches_ || shape[3] != out_channels_ || shape[1] < 0 || shape[2] < 0 ||
        shape[1] > std::numeric_limits<int32_t>::max() / 2 ||
        shape[2] > std::numeric_limits<int32_t>::max() / 2)
      ctx.fail("output_shape [{}] does not fit input batch {} and weights' {} output channels",
               fmt::join(shape, ","), batches_, out_channels_);
    out_h_ = static_cast<int32_t>(shape[1]);
    out_w_ = static_cast<int32_t>(shape[2]);
    pad_h_ = transpose_conv_padding(options_.padding, out_h_, filter_h_, options_.stride_h);
    pad_w_ = transpose_conv_padding(options_.padding, out_w_, filter_w_, options_.stride_w);
    ctx.set_output_shape(0, {batches_, out_h_, out_w_, out_channels_});
  }

  // [O, KH, KW, I] -> [KH, KW, O, I].
  void reorder(const int8_t* w, int8_t* hwoi) const {
    const auto row = static_cast<size_t>(in_channels_);
    for (int32_t o = 0; o < out_channels_; ++o)
      for (int32_t ky = 0; ky < filter_h_; ++ky)
        for (int32_t kx = 0; kx < filter_w_; ++kx)
          std::memcpy(hwoi + ((int64_t{ky} * filter_w_ + kx) * out_channels_ + o) * in_channels_,
                      w + ((int64_t{o} * filter_h_ + ky) * filter_w_ + kx) * in_channels_, row);
  }

  // Adds input pixel p's column (sums per (ky, kx, o), minus the zero-point
  // term) to the output pixels its taps land on.
  void scatter(int64_t p, const int32_t* col, const int32_t* zp_term, int32_t* sums) const {
    const auto iy = static_cast<int32_t>(p / in_w_), ix = static_cast<int32_t>(p % in_w_);
    for (int32_t ky = 0; ky < filter_h_; ++ky) {
      const int32_t oy = iy * options_.stride_h - pad_h_ + ky;
      if (oy < 0 || oy >= out_h_) continue;
      for (int32_t kx = 0; kx < filter_w_; ++kx) {
        const int32_t ox = ix * options_.stride_w - pad_w_ + kx;
        if (ox < 0 || ox >= out_w_) continue;
        const int64_t tap = (int64_t{ky} * filter_w_ + kx) * out_channels_;
        int32_t* dst = sums + (int64_t{oy} * out_w_ + ox) * out_channels_;
        for (int32_t o = 0; o < out_channels_; ++o)
          dst[o] = wrapping_add(dst[o], wrapping_add(col[tap + o], zp_term[tap + o]));
      }
    }
  }

  void eval_int16(const EvalContext& ctx) const {
    const int8_t* w = ctx.inputs[1].data_as<const int8_t>();
    const int16_t* input = ctx.inputs[2].data_as<const int16_t>();
    const TensorView* bias = has_bias_ ? &ctx.inputs[3] : nullptr;
    int16_t* out = ctx.outputs[0].data_as<int16_t>();
    auto* sums = reinterpret_cast<int64_t*>(ctx.scratch.data());
    const int64_t out_sums = int64_t{out_h_} * out_w_ * out_channels_;
    for (int32_t b = 0; b < batches_; ++b) {
      std::fill(sums, sums + out_sums, 0);
      for (int32_t iy = 0; iy < in_h_; ++iy)
        for (int32_t ix = 0; ix < in_w_; ++ix) {
          const int16_t* x = input + ((int64_t{b} * in_h_ + iy) * in_w_ + ix) * in_channels_;
          for (int32_t ky = 0; ky < filter_h_; ++ky) {
            const int32_t oy = iy * options_.stride_h - pad_h_ + ky;
            if (oy < 0 || oy >= out_h_) continue;
            for (int32_t kx = 0; kx < filter_w_; ++kx) {
              const int32_t ox = ix * options_.stride_w - pad_w_ + kx;
              if (ox < 0 || ox >= out_w_) continue;
              int64_t* dst = sums + (int64_t{oy} * out_w_ + ox) * out_channels_;
              for (int32_t o = 0; o < out_channels_; ++o) {
                const int8_t* f = w + ((int64_t{o} * filter_h_ + ky) * filter_w_ + kx) * in_channels_;
                int64_t acc = 0;
                for (int32_t c = 0; c < in_channels_; ++c) acc += int32_t{x[c]} * int32_t{f[c]};
                dst[o] += acc;
              }
            }
          }
        }
      for (int64_t p = 0; p < out_sums; p += out_channels_)
        for (int32_t o = 0; o < out_channels_; ++o) {
          int64_t acc = sums[p + o];
          if (bias != nullptr)
            acc += bias->dtype == DType::Int64 ? bias->data_as<const int64_t>()[o]
                                               : int64_t{bias->data_as<const int32_t>()[o]};
          *out++ = static_cast<int16_t>(stage_.apply(acc, static_cast<size_t>(o)));
        }
    }
  }

  opt::TransposeConv options_;
  int32_t batches_ = 0, in_h_ = 0, in_w_ = 0, in_channels_ = 0;
  int32_t out_h_ = 0, out_w_ = 0, out_channels_ = 0, filter_h_ = 0, filter_w_ = 0;
  int32_t pad_h_ = 0, pad_w_ = 0, input_zero_point_ = 0;
  int64_t taps_ = 0, block_pixels_ = 1;
  bool int16_ = false, has_bias_ = false, weights_constant_ = false;
  OutputStage stage_;
  PackedInt8 packed_;
};

}  // namespace

void register_transpose_conv_quantized(Registry& registry) {
  registry.add(BuiltinOp::TransposeConv, make_kernel<TransposeConvQuantized>,
               Arithmetic::Integer);
}

}  // namespace octet::kernels
