// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, PRELU, HARD_SWISH,
// GELU on float32, with TFLite's formulas:
//  - LOGISTIC as reference_ops::Logistic: 1 for x > 16.619047, exp(x) for
//    x < -9, else 1 / (1 + exp(-x)) (the cutoffs are where float's result
//    stops changing);
//  - RELU family as the reference clamps (`x < lo ? lo : x`), so NaN passes;
//  - LEAKY_RELU `x > 0 ? x : x * alpha` (alpha may exceed 1, so not a max);
//  - PRELU `x >= 0 ? x : x * alpha`, alpha broadcast against the input;
//  - HARD_SWISH `min(1, max(0, x * (1/6) + 0.5)) * x` in that order: XNNPACK's
//    formula (LiteRT delegates it there), bit-exact with LiteRT on
//    selfie_segmentation, unlike TFLite's reference x * relu6(x + 3) / 6;
//  - GELU exact as 0.5 * x * erfc(-x / sqrt(2)) (TFLite's rewrite of the erf
//    form that avoids cancellation for large negative x), approximate as
//    0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
// Quantized (int8/int16) activations come later.
#include <cmath>

#include "kernels/common.h"
#include "kernels/elementwise.h"

namespace octet::kernels {
namespace {

enum class ActKind { Logistic, Tanh, Relu, Relu6, ReluN1To1, LeakyRelu, HardSwish, Gelu };

ActKind act_kind(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Logistic:
      return ActKind::Logistic;
    case BuiltinOp::Tanh:
      return ActKind::Tanh;
    case BuiltinOp::Relu:
      return ActKind::Relu;
    case BuiltinOp::Relu6:
      return ActKind::Relu6;
    case BuiltinOp::ReluN1To1:
      return ActKind::ReluN1To1;
    case BuiltinOp::LeakyRelu:
      return ActKind::LeakyRelu;
    case BuiltinOp::HardSwish:
      return ActKind::HardSwish;
    default:
      return ActKind::Gelu;
  }
}

float logistic(float x) {
  constexpr float kUpper = 16.619047164916992188f;
  constexpr float kLower = -9.f;
  if (x > kUpper) return 1.f;
  if (x < kLower) return std::exp(x);
  return 1.f / (1.f + std::exp(-x));
}

// sqrt(2 / pi) as TFLite spells it (M_2_SQRTPI * M_SQRT1_2), rounded to float.
constexpr float kSqrt2OverPi = static_cast<float>(1.12837916709551257390 * 0.70710678118654752440);
constexpr float kSqrtHalf = static_cast<float>(0.70710678118654752440);

float gelu_exact(float x) { return 0.5f * x * std::erfc(x * -kSqrtHalf); }
float gelu_tanh(float x) {
  return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
}

class ActivationKernel final : public Kernel {
 public:
  explicit ActivationKernel(const Op& op) : kind_(act_kind(op.code.builtin)) {
    if (kind_ == ActKind::LeakyRelu) alpha_ = op.options.get_or_default<opt::LeakyRelu>().alpha;
    if (kind_ == ActKind::Gelu) approximate_ = op.options.get_or_default<opt::Gelu>().approximate;
  }

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    if (in.dtype != DType::Float32) fail_dtype(ctx, in, "input", "float32");
    ctx.expect_dtype(ctx.output(0), DType::Float32, "output");
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
  }

  void eval(const EvalContext& ctx) override {
    const float* in = ctx.inputs[0].data_as<const float>();
    float* out = ctx.outputs[0].data_as<float>();
    const int64_t n = ctx.inputs[0].num_elements();
    switch (kind_) {
      case ActKind::Logistic:
        map_elements(in, out, n, logistic, true);
        break;
      case ActKind::Tanh:
        map_elements(
            in, out, n, [](float x) { return std::tanh(x); }, true);
        break;
      case ActKind::Relu:
        map_elements(in, out, n, [](float x) { return x < 0.f ? 0.f : x; });
        break;
      case ActKind::Relu6:
        map_elements(in, out, n, [](float x) { return x > 6.f ? 6.f : x < 0.f ? 0.f : x; });
        break;
      case ActKind::ReluN1To1:
        map_elements(in, out, n, [](float x) { return x > 1.f ? 1.f : x < -1.f ? -1.f : x; });
        break;
      case ActKind::LeakyRelu: {
        const float alpha = alpha_;
        map_elements(in, out, n, [alpha](float x) { return x > 0.f ? x : x * alpha; });
        break;
      }
      case ActKind::HardSwish:
        map_elements(in, out, n,
                     [](float x) { return std::min(1.f, std::max(0.f, x * (1.f / 6.f) + 0.5f)) * x; });
        break;
      case ActKind::Gelu:
        if (approximate_)
          map_elements(in, out, n, gelu_tanh, true);
        else
          map_elements(in, out, n, gelu_exact, true);
        break;
    }
  }

 private:
  ActKind kind_;
  float alpha_ = 0.f;
  bool approximate_ = false;
};

// PRELU(input, alpha): alpha broadcasts against the input (usually one
// value per channel); the output takes the broadcast shape, as TFLite's.
class PreluKernel final : public Kernel {
 public:
  explicit PreluKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& alpha = ctx.input(1);
    if (in.dtype != DType::Float32) fail_dtype(ctx, in, "input", "float32");
    ctx.expect_dtype(alpha, DType::Float32, "alpha");
    ctx.expect_dtype(ctx.output(0), DType::Float32, "output");
    std::vector<int32_t> shape = broadcast_shape(ctx, in.shape, alpha.shape);
    plan_ = plan_broadcast<2>({in.shape, alpha.shape}, shape);
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    broadcast_binary(plan_, ctx.inputs[0].data_as<const float>(),
                     ctx.inputs[1].data_as<const float>(), ctx.outputs[0].data_as<float>(),
                     [](float x, float a) { return x >= 0.f ? x : x * a; });
  }

 private:
  BroadcastPlan<2> plan_;
};

}  // namespace

void register_activations(Registry& r) {
  for (BuiltinOp op :
       {BuiltinOp::Logistic, BuiltinOp::Tanh, BuiltinOp::Relu, BuiltinOp::Relu6,
        BuiltinOp::ReluN1To1, BuiltinOp::LeakyRelu, BuiltinOp::HardSwish, BuiltinOp::Gelu})
    r.add(op, make_kernel<ActivationKernel>);
  r.add(BuiltinOp::Prelu, make_kernel<PreluKernel>);
}

}  // namespace octet::kernels
