// FULLY_CONNECTED, dynamic-range ("hybrid"): float32 input and output, int8
// weights [units, depth] symmetric per tensor or per unit, optional float32
// bias. As LiteRT's EvalHybridDense (tflite/kernels/fully_connected.cc) with
// MatrixBatchVectorMultiplyAccumulate (portable_tensor_utils.cc):
//
//   per input row: q, s, z = quantize(row)   symmetric (z = 0) or, with
//                                            asymmetric_quantize_inputs, asymmetric
//   s_c = s · s_w        (per tensor: LiteRT folds s_w into s first)
//   s_c = s · s_w[c]     (per channel)
//   out[c] = bias[c] + float(Σ q·w[c] − z · Σ w[c]) · s_c, then the activation.
//
// Every fused activation TFLite allows here but TANH (LiteRT applies Eigen's
// tanh approximation, which octet does not reproduce): NONE, RELU,
// RELU_N1_TO_1, RELU6 as clamps, SIGN_BIT as 1 for a negative sign bit.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/ranges.h>

#include "kernels/hybrid.h"
#include "kernels/int_gemm.h"
#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

// Rows quantized and multiplied together: enough for an efficient product,
// few enough to keep the sums in L2.
constexpr int64_t kAccBlockBytes = 256 * 1024;

class HybridFullyConnected final : public Kernel {
 public:
  explicit HybridFullyConnected(const Op& op)
      : options_(op.options.get_or_default<opt::FullyConnected>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& weights = ctx.input(1);
    expect_float_tensor(ctx, input, "input");
    expect_float_tensor(ctx, ctx.output(0), "output");
    ctx.expect_rank(weights, 2, 2, "weights");
    if (options_.weights_format != 0)
      ctx.fail("weights_format {} (SHUFFLED4x16INT8) is not supported: octet runs DEFAULT "
               "(row-major) weights only", static_cast<int>(options_.weights_format));
    if (options_.activation == Activation::Tanh)
      ctx.fail("fused activation TANH is not supported by octet's hybrid FULLY_CONNECTED "
               "(LiteRT applies Eigen's tanh approximation)");
    if (options_.activation != Activation::SignBit) expect_clamp_activation(ctx, options_.activation);
    prepare_shapes(ctx, input, weights);
    scales_ = hybrid_weight_scales(ctx, weights, units_, 0);
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) check_float_bias(ctx, ctx.input(2), units_);
    range_ = activation_range(options_.activation);

    weights_constant_ = weights.data != nullptr;
    if (weights_constant_)
      pack_int8(weights.data_as<const int8_t>(), depth_, units_, depth_, packed_);
    else
      reserve_packed(units_, depth_, packed_);
    block_rows_ = std::min(std::max<int64_t>(kAccBlockBytes / 4 / std::max(units_, 1), 8),
                           std::max<int64_t>(rows_, 1));
    ctx.request_scratch(static_cast<size_t>(block_rows_ * units_ * 4 + block_rows_ * depth_));
    row_quant_.assign(static_cast<size_t>(block_rows_), RowQuant{});
  }

  void eval(const EvalContext& ctx) override {
    const float* input = ctx.inputs[0].data_as<const float>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    if (!weights_constant_)
      pack_int8(ctx.inputs[1].data_as<const int8_t>(), depth_, units_, depth_, packed_);
    auto* acc = reinterpret_cast<int32_t*>(ctx.scratch.data());
    auto* q = reinterpret_cast<int8_t*>(acc + block_rows_ * units_);
    const bool per_channel = scales_.size() > 1;
    const int32_t* row_sums = packed_.row_sums.data();
    for (int64_t r0 = 0; r0 < rows_; r0 += block_rows_) {
      const auto count = static_cast<int32_t>(std::min(block_rows_, rows_ - r0));
      std::vector<RowQuant>& quant = row_quant_;  // sized at prepare
      for (int32_t i = 0; i < count; ++i)
        quant[static_cast<size_t>(i)] = quantize_row(input + (r0 + i) * depth_, depth_,
                                                     q + int64_t{i} * depth_,
                                                     options_.asymmetric_quantize_inputs);
      int8_gemm(q, depth_, count, packed_, acc, units_);
      for (int32_t i = 0; i < count; ++i) {
        const RowQuant& r = quant[static_cast<size_t>(i)];
        const int32_t* a = acc + int64_t{i} * units_;
        float* out = output + (r0 + i) * units_;
        // Per tensor, LiteRT multiplies the row's scale by the weights'
        // scale once; per channel, once per unit.
        const float row_scale = per_channel ? r.scale : r.scale * scales_[0];
        for (int32_t c = 0; c < units_; ++c) {
          const int32_t dot = a[c] - row_sums[c] * r.zero_point;
          const float scale = per_channel ? row_scale * scales_[static_cast<size_t>(c)] : row_scale;
          const float v = (bias != nullptr ? bias[c] : 0.f) + static_cast<float>(dot) * scale;
          out[c] = activate(v);
        }
      }
    }
  }

 private:
  float activate(float v) const {
    if (options_.activation == Activation::SignBit) return std::signbit(v) ? 1.f : 0.f;
    if (options_.activation == Activation::Relu) return std::max(0.f, v);
    if (options_.activation == Activation::None) return v;
    return std::min(std::max(v, range_.min), range_.max);
  }

  void prepare_shapes(PrepareContext& ctx, const TensorView& input, const TensorView& weights) {
    units_ = weights.dim(0);
    depth_ = weights.dim(1);
    if (depth_ <= 0 || units_ <= 0)
      ctx.fail("weights tensor {} '{}' has shape [{}]: its units and depth must be > 0",
               weights.index, weights.name(), fmt::join(weights.shape, ","));
    const int64_t elements = input.num_elements();
    if (elements % depth_ != 0)
      ctx.fail("input tensor {} '{}' has {} elements, not a multiple of the weights' depth {}",
               input.index, input.name(), elements, depth_);
    rows_ = elements / depth_;
    if (rows_ > std::numeric_limits<int32_t>::max())
      ctx.fail("input tensor {} '{}' flattens to {} rows, more than an int32 dimension holds",
               input.index, input.name(), rows_);
    if (depth_ > kMaxInt8GemmDepth)
      ctx.fail("weights tensor {} '{}' has depth {}, more than the {} an int32 sum holds",
               weights.index, weights.name(), depth_, kMaxInt8GemmDepth);
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

  opt::FullyConnected options_;
  int64_t rows_ = 0, block_rows_ = 1;
  int32_t units_ = 0, depth_ = 0;
  bool has_bias_ = false, weights_constant_ = false;
  std::vector<float> scales_;
  FloatRange range_;
  PackedInt8 packed_;
  std::vector<RowQuant> row_quant_;
};

}  // namespace

void register_hybrid_fully_connected(Registry& registry) {
  registry.add(BuiltinOp::FullyConnected, make_kernel<HybridFullyConnected>, Arithmetic::Hybrid);
}

}  // namespace octet::kernels
