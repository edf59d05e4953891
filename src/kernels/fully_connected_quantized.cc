// FULLY_CONNECTED on quantized tensors, computing LiteRT's integers
// (tflite/kernels/fully_connected.cc, kGenericOptimized, at f674577).
// Shapes as the float kernel: input flattened to [rows, depth], weights
// [units, depth], output [rows, units] or, with keep_num_dims, the input's
// shape with its last dimension replaced by units.
//
//   int8     input asymmetric, weights symmetric per tensor or per channel
//            (axis 0), bias int32. LiteRT hands the product to ruy:
//            Σ (x − z_x)·w + bias in int32, ruy's multiplier, + z_out, clamp.
//   int16x8  input and output int16 (zero point 0), weights int8. With an
//            int32 bias or none (quantized_bias_type not INT64) LiteRT takes
//            the same ruy path; with an int64 bias (or quantized_bias_type
//            INT64) its reference kernel: int64 sum, requantized in double
//            (linear_quantized.h, FloatScale).
//
// The per-tensor multiplier is input_scale × weights_scale multiplied in
// float, then divided by output_scale in double (GetQuantizedConvolution-
// Multipler); per channel the three are multiplied in double. Weights in
// the SHUFFLED4x16INT8 format are refused.
#include <algorithm>

#include <fmt/ranges.h>

#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

// int32 sums of one block of rows: enough rows to keep the product
// efficient, few enough to stay in L2.
constexpr int64_t kAccBlockBytes = 512 * 1024;

class FullyConnectedQuantized final : public Kernel {
 public:
  explicit FullyConnectedQuantized(const Op& op)
      : options_(op.options.get_or_default<opt::FullyConnected>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& weights = ctx.input(1);
    const TensorView& output = ctx.output(0);
    expect_integer_activation(ctx, input, "input");
    expect_same_dtype(ctx, input, "input", output, "output");
    ctx.expect_rank(weights, 2, 2, "weights");
    if (options_.weights_format != 0)
      ctx.fail("weights_format {} (SHUFFLED4x16INT8) is not supported: octet runs DEFAULT "
               "(row-major) weights only", static_cast<int>(options_.weights_format));
    prepare_shapes(ctx, input, weights);

    const TensorQuant in_q = per_tensor_quant(ctx, input, "input");
    const TensorQuant out_q = per_tensor_quant(ctx, output, "output");
    input_zero_point_ = in_q.zero_point;
    int16_ = input.dtype == DType::Int16;
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    const TensorView bias = has_bias_ ? ctx.input(2) : TensorView{};
    if (!int16_) {
      check_bias(ctx, bias, units_, {DType::Int32});
    } else {
      check_bias(ctx, bias, units_, {DType::Int64, DType::Int32});
      const DType declared = options_.quantized_bias_type;
      if (declared != DType::Float32 && declared != DType::Int32 && declared != DType::Int64)
        ctx.fail("quantized_bias_type is {}, expected INT32 or INT64", dtype_name(declared));
      if (declared != DType::Float32 && has_bias_ && bias.dtype != declared)
        ctx.fail("bias tensor {} '{}' is {} but quantized_bias_type says {}", bias.index,
                 bias.name(), dtype_name(bias.dtype), dtype_name(declared));
      int64_sums_ = (has_bias_ && bias.dtype == DType::Int64) || declared == DType::Int64;
    }

    prepare_filter_quant(ctx, weights, in_q.scale, units_, 0, out_q.scale, stage_);
    const float weights_scale = weights.quant->scale[0];
    if (weights.quant->scale.size() == 1) {
      const double product = static_cast<double>(in_q.scale * weights_scale);
      stage_.multipliers.assign(static_cast<size_t>(units_),
                                quantize_multiplier(product / static_cast<double>(out_q.scale)));
      if (has_bias_) {
        // LiteRT refuses a bias whose scale is not (nearly) input × weights.
        const double bias_scale =
            bias.quant != nullptr && !bias.quant->scale.empty() ? bias.quant->scale[0] : 0.0;
        if (std::abs(product - bias_scale) / static_cast<double>(out_q.scale) > 0.02)
          ctx.fail("bias tensor {} '{}' has scale {}, expected input scale x weights scale "
                   "({}) within 2% of the output scale {}", bias.index, bias.name(), bias_scale,
                   product, out_q.scale);
      }
    }
    stage_.rounding = int64_sums_ ? Rounding::FloatScale : Rounding::Ruy;
    if (!int64_sums_) expect_multiplier_range(ctx, stage_, in_q.scale, out_q.scale);
    prepare_output(ctx, output, options_.activation, stage_);

    if (int16_) {
      // Constant weights widened to int16 once: int16 × int16 products let the
      // compiler use the multiply-add-pairs instruction (same integers).
      if (weights.data != nullptr) {
        const int8_t* w = weights.data_as<const int8_t>();
        weights16_.assign(w, w + static_cast<int64_t>(units_) * depth_);
      }
      return;
    }
    // int8: the weights go through int_gemm, packed once here when constant.
    weights_constant_ = weights.data != nullptr;
    if (weights_constant_)
      pack_int8(weights.data_as<const int8_t>(), depth_, units_, depth_, packed_);
    else
      reserve_packed(units_, depth_, packed_);
    block_rows_ = std::min(std::max<int64_t>(kAccBlockBytes / 4 / std::max(units_, 1), 8),
                           std::max<int64_t>(rows_, 1));
    ctx.request_scratch(static_cast<size_t>(units_ + block_rows_ * units_) * sizeof(int32_t));
  }

  void eval(const EvalContext& ctx) override {
    if (int16_) {
      eval_int16(ctx);
      return;
    }
    const int8_t* input = ctx.inputs[0].data_as<const int8_t>();
    const int32_t* bias = has_bias_ ? ctx.inputs[2].data_as<const int32_t>() : nullptr;
    int8_t* output = ctx.outputs[0].data_as<int8_t>();
    if (!weights_constant_)
      pack_int8(ctx.inputs[1].data_as<const int8_t>(), depth_, units_, depth_, packed_);
    int32_t* offset = reinterpret_cast<int32_t*>(ctx.scratch.data());
    int32_t* acc = offset + units_;
    fold_bias(bias, input_zero_point_, packed_, offset);
    for (int64_t r0 = 0; r0 < rows_; r0 += block_rows_) {
      const auto count = static_cast<int32_t>(std::min(block_rows_, rows_ - r0));
      int8_gemm(input + r0 * depth_, depth_, count, packed_, acc, units_);
      requantize_rows(stage_, acc, units_, count, units_, offset, 0, output + r0 * units_, units_);
    }
  }

 private:
  void prepare_shapes(PrepareContext& ctx, const TensorView& input, const TensorView& weights) {
    units_ = weights.dim(0);
    depth_ = weights.dim(1);
    if (depth_ <= 0)
      ctx.fail("weights tensor {} '{}' has shape [{}]: its input depth must be > 0",
               weights.index, weights.name(), fmt::join(weights.shape, ","));
    const int64_t elements = input.num_elements();
    if (elements % depth_ != 0)
      ctx.fail("input tensor {} '{}' has {} elements, not a multiple of the weights' depth {}",
               input.index, input.name(), elements, depth_);
    rows_ = elements / depth_;
    if (rows_ > std::numeric_limits<int32_t>::max())
      ctx.fail("input tensor {} '{}' flattens to {} rows, more than an int32 dimension holds",
               input.index, input.name(), rows_);
    if (options_.keep_num_dims) {
      if (input.rank() == 0 || input.dim(input.rank() - 1) != depth_)
        ctx.fail("keep_num_dims needs the input's last dimension to be {}, input tensor {} '{}' "
                 "has shape [{}]", depth_, input.index, input.name(), fmt::join(input.shape, ","));
      std::vector<int32_t> shape(input.shape.begin(), input.shape.end());
      shape.back() = units_;
      ctx.set_output_shape(0, std::move(shape));
    } else {
      ctx.set_output_shape(0, {static_cast<int32_t>(rows_), units_});
    }
  }

  // int16x8: plain loops, int64 sums (wrapped to int32 on the ruy path by
  // the stage, as ruy's int32 accumulator wraps).
  void eval_int16(const EvalContext& ctx) {
    const int16_t* input = ctx.inputs[0].data_as<const int16_t>();
    if (weights16_.empty()) {
      const int8_t* w8 = ctx.inputs[1].data_as<const int8_t>();
      weights16_.assign(w8, w8 + static_cast<int64_t>(units_) * depth_);  // weights fed at run time
      eval_int16_with(ctx, input, weights16_.data());
      weights16_.clear();
      return;
    }
    eval_int16_with(ctx, input, weights16_.data());
  }

  void eval_int16_with(const EvalContext& ctx, const int16_t* input, const int16_t* weights) const {
    const TensorView* bias = has_bias_ ? &ctx.inputs[2] : nullptr;
    int16_t* output = ctx.outputs[0].data_as<int16_t>();
    for (int64_t r = 0; r < rows_; ++r) {
      const int16_t* x = input + r * depth_;
      for (int32_t c = 0; c < units_; ++c) {
        const int16_t* w = weights + int64_t{c} * depth_;
        // Exact int64 sum in int32 blocks: |x·w| < 2^22, so 256 products fit
        // an int32 with room to spare, and the int32 loop vectorizes.
        int64_t acc = 0;
        for (int32_t k0 = 0; k0 < depth_; k0 += 256) {
          const int32_t k1 = std::min(depth_, k0 + 256);
          int32_t block = 0;
          for (int32_t k = k0; k < k1; ++k) block += int32_t{x[k]} * int32_t{w[k]};
          acc += block;
        }
        if (bias != nullptr)
          acc += bias->dtype == DType::Int64 ? bias->data_as<const int64_t>()[c]
                                             : int64_t{bias->data_as<const int32_t>()[c]};
        output[r * units_ + c] = static_cast<int16_t>(stage_.apply(acc, static_cast<size_t>(c)));
      }
    }
  }

  opt::FullyConnected options_;
  int64_t rows_ = 0, block_rows_ = 1;
  int32_t units_ = 0, depth_ = 0, input_zero_point_ = 0;
  bool has_bias_ = false, int16_ = false, int64_sums_ = false, weights_constant_ = false;
  std::vector<int16_t> weights16_;  // int16x8: the int8 weights widened
  OutputStage stage_;
  PackedInt8 packed_;
};

}  // namespace

void register_fully_connected_quantized(Registry& registry) {
  registry.add(BuiltinOp::FullyConnected, make_kernel<FullyConnectedQuantized>,
               Arithmetic::Integer);
}

}  // namespace octet::kernels
