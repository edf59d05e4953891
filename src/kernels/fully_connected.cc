// FULLY_CONNECTED: output = input [N, K] x weights [M, K]^T + bias [M], then
// the fused activation. As TFLite, the input is flattened to N = elements / K
// rows whatever its rank; the output is [N, M], or with keep_num_dims the
// input's shape with the last dimension replaced by M (which then requires
// the input's last dimension to be K).
#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

class FullyConnected final : public Kernel {
 public:
  explicit FullyConnected(const Op& op) : options_(op.options.get_or_default<opt::FullyConnected>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& weights = ctx.input(1);
    expect_float32(ctx, input, "input");
    if (is_quantized_dtype(weights.dtype))
      ctx.fail("weights tensor {} '{}' is {} with float input: hybrid fully-connected is not "
               "supported yet", weights.index, weights.name(), dtype_name(weights.dtype));
    expect_float32(ctx, weights, "weights");
    expect_float32(ctx, ctx.output(0), "output");
    ctx.expect_rank(weights, 2, 2, "weights");
    if (options_.weights_format != 0)
      ctx.fail("weights_format {} (shuffled int8) is not supported for float",
               static_cast<int>(options_.weights_format));
    expect_clamp_activation(ctx, options_.activation);

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

    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) {
      const TensorView& bias = ctx.input(2);
      expect_float32(ctx, bias, "bias");
      if (bias.num_elements() != units_)
        ctx.fail("bias tensor {} '{}' has {} elements, expected {} (weights' units)", bias.index,
                 bias.name(), bias.num_elements(), units_);
    }

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

    // Constant weights and bias (the usual case) are packed once, here,
    // with the bias as each output's starting value.
    packed_.clear();
    const float* bias = has_bias_ ? ctx.input(2).data_as<const float>() : nullptr;
    if (weights.data != nullptr && (!has_bias_ || bias != nullptr)) {
      packed_.resize(static_cast<size_t>(packed_size(depth_, units_)));
      pack_rhs(depth_, units_, {weights.data_as<const float>(), depth_, true}, bias,
               packed_.data());
    } else {
      ctx.request_scratch(static_cast<size_t>(packed_size(depth_, units_)) * sizeof(float));
    }
  }

  void eval(const EvalContext& ctx) override {
    const float* input = ctx.inputs[0].data_as<const float>();
    const float* weights = ctx.inputs[1].data_as<const float>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    const float* packed = packed_.data();
    if (packed_.empty()) {
      float* scratch = reinterpret_cast<float*>(ctx.scratch.data());
      pack_rhs(depth_, units_, {weights, depth_, /*transposed=*/true}, bias, scratch);
      packed = scratch;
    }
    gemm_packed(rows_, units_, depth_, {input, depth_, false}, packed, {output, units_},
                activation_range(options_.activation));
  }

 private:
  opt::FullyConnected options_;
  int64_t rows_ = 0;
  int32_t units_ = 0, depth_ = 0;
  bool has_bias_ = false;
  std::vector<float> packed_;  // weights and bias, when both are constant
};

}  // namespace

void register_fully_connected(Registry& registry) {
  registry.add(BuiltinOp::FullyConnected, make_kernel<FullyConnected>);
}

}  // namespace octet::kernels
