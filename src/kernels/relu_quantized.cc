// RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU and PRELU on quantized int8 and int16
// tensors, with the integers of LiteRT's activations.cc (QuantizedReluX,
// LeakyReluPrepare, PreluPrepare) and reference/prelu.h, leaky_relu.h:
//
//  - the RELU family requantizes input to output first,
//    q_out = z_out + M·(q_in − z_in) with M = s_in / s_out, then clamps to the
//    output's image of [0, ∞), [0, 6] or [−1, 1] (zero point + round(bound /
//    s_out), within the dtype); input and output may have different scales;
//  - LEAKY_RELU uses M = s_in / s_out for x ≥ 0 and s_in·α / s_out below;
//  - PRELU multiplies (q_in − z_in)·(q_α − z_α) for x < 0 and scales by
//    s_in·s_α / s_out (s_in / s_out for x ≥ 0); α is int8 for int8 and int16
//    inputs and broadcasts against the input (numpy, up to rank 6), whose
//    shape the output keeps.
//
// Multipliers come from the float quotients the runtime computes (its
// tensor parameters are floats) before they widen to double.
//
// Followed at LiteRT commit f6745779 (google-ai-edge/LiteRT).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/common.h"
#include "kernels/elementwise.h"
#include "kernels/quant_elementwise.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

template <class T, class F>
void map_quantized(const EvalContext& ctx, F f) {
  map_elements(ctx.inputs[0].data_as<const T>(), ctx.outputs[0].data_as<T>(),
               ctx.inputs[0].num_elements(), [f](T x) { return static_cast<T>(f(int32_t{x})); });
}

// RELU, RELU6, RELU_N1_TO_1.
class QuantizedReluKernel final : public Kernel {
 public:
  explicit QuantizedReluKernel(const Op& op)
      : clamp_(op.code.builtin == BuiltinOp::Relu    ? Activation::Relu
               : op.code.builtin == BuiltinOp::Relu6 ? Activation::Relu6
                                                     : Activation::ReluN1To1) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    // LiteRT's RELU_N1_TO_1 has no int16 path.
    if (clamp_ == Activation::ReluN1To1)
      ctx.expect_dtype(in, DType::Int8, "input");
    else
      expect_integer_activation(ctx, in, "input");
    expect_same_dtype(ctx, out, "output", in, "input");
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    input_zero_point_ = qi.zero_point;
    output_zero_point_ = qo.zero_point;
    m_ = multiplier_any(ctx, static_cast<double>(qi.scale / qo.scale),
                        "multiplier input scale / output scale");
    range_ = activation_range_quantized(clamp_, out.dtype, qo.scale, qo.zero_point);
    dtype_ = in.dtype;
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
  }

  void eval(const EvalContext& ctx) override {
    auto f = [m = m_, zi = input_zero_point_, zo = output_zero_point_, r = range_](int32_t x) {
      return clamp_to(zo + multiply_by_quantized_multiplier(x - zi, m), r);
    };
    if (dtype_ == DType::Int8)
      map_quantized<int8_t>(ctx, f);
    else
      map_quantized<int16_t>(ctx, f);
  }

 private:
  Activation clamp_;
  DType dtype_ = DType::Int8;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0;
  Multiplier m_;
  IntRange range_;
};

class QuantizedLeakyReluKernel final : public Kernel {
 public:
  explicit QuantizedLeakyReluKernel(const Op& op)
      : alpha_(op.options.get_or_default<opt::LeakyRelu>().alpha) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    expect_integer_activation(ctx, in, "input");
    expect_same_dtype(ctx, out, "output", in, "input");
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    input_zero_point_ = qi.zero_point;
    output_zero_point_ = qo.zero_point;
    identity_ = multiplier_any(ctx, static_cast<double>(qi.scale / qo.scale),
                               "multiplier input scale / output scale");
    // The sign of a negative alpha is kept apart, as leaky_relu.h does, so
    // the multiplier itself is positive.
    negative_alpha_ = alpha_ < 0.f;
    alpha_m_ = multiplier_any(ctx, static_cast<double>(qi.scale * std::abs(alpha_) / qo.scale),
                              "multiplier input scale · alpha / output scale");
    range_ = dtype_range(out.dtype);
    dtype_ = in.dtype;
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
  }

  void eval(const EvalContext& ctx) override {
    auto f = [this](int32_t x) {
      const int32_t v = x - input_zero_point_;
      int32_t y;
      if (v >= 0) {
        y = multiply_by_quantized_multiplier(v, identity_);
      } else {
        y = multiply_by_quantized_multiplier(v, alpha_m_);
        if (negative_alpha_) y = -y;
      }
      return clamp_to(output_zero_point_ + y, range_);
    };
    if (dtype_ == DType::Int8)
      map_quantized<int8_t>(ctx, f);
    else
      map_quantized<int16_t>(ctx, f);
  }

 private:
  float alpha_;
  bool negative_alpha_ = false;
  DType dtype_ = DType::Int8;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0;
  Multiplier identity_, alpha_m_;
  IntRange range_;
};

class QuantizedPreluKernel final : public Kernel {
 public:
  explicit QuantizedPreluKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& alpha = ctx.input(1);
    const TensorView& out = ctx.output(0);
    expect_integer_activation(ctx, in, "input");
    ctx.expect_dtype(alpha, DType::Int8, "alpha");  // int8 for int8 and int16 inputs alike
    expect_same_dtype(ctx, out, "output", in, "input");
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qa = per_tensor_quant(ctx, alpha, "alpha");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    input_offset_ = -qi.zero_point;
    alpha_offset_ = -qa.zero_point;
    output_zero_point_ = qo.zero_point;
    positive_ = multiplier_any(ctx, static_cast<double>(qi.scale / qo.scale),
                               "multiplier input scale / output scale");
    negative_ = multiplier_any(ctx, static_cast<double>(qi.scale * qa.scale / qo.scale),
                               "multiplier input scale · alpha scale / output scale");
    range_ = dtype_range(out.dtype);
    std::vector<int32_t> shape = broadcast_shape(ctx, in.shape, alpha.shape);
    if (!std::equal(shape.begin(), shape.end(), in.shape.begin(), in.shape.end()))
      ctx.fail(
          "alpha tensor {} '{}' of shape [{}] broadcasts input [{}] to [{}]; PRELU keeps the "
          "input's shape",
          alpha.index, alpha.name(), fmt::join(alpha.shape, ","), fmt::join(in.shape, ","),
          fmt::join(shape, ","));
    plan_ = plan_broadcast<2>({in.shape, alpha.shape}, shape);
    dtype_ = in.dtype;
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    if (dtype_ == DType::Int8)
      run<int8_t>(ctx);
    else
      run<int16_t>(ctx);
  }

 private:
  template <class T>
  void run(const EvalContext& ctx) const {
    broadcast_binary(plan_, ctx.inputs[0].data_as<const T>(), ctx.inputs[1].data_as<const int8_t>(),
                     ctx.outputs[0].data_as<T>(), [this](T x, int8_t a) {
                       const int32_t v = input_offset_ + x;
                       const int32_t y = v >= 0 ? multiply_by_quantized_multiplier(v, positive_)
                                                : multiply_by_quantized_multiplier(
                                                      v * (alpha_offset_ + a), negative_);
                       return static_cast<T>(clamp_to(output_zero_point_ + y, range_));
                     });
  }

  DType dtype_ = DType::Int8;
  int32_t input_offset_ = 0, alpha_offset_ = 0, output_zero_point_ = 0;
  Multiplier positive_, negative_;
  IntRange range_;
  BroadcastPlan<2> plan_;
};

}  // namespace

void register_relu_quantized(Registry& r) {
  for (BuiltinOp op : {BuiltinOp::Relu, BuiltinOp::Relu6, BuiltinOp::ReluN1To1})
    r.add(op, make_kernel<QuantizedReluKernel>, Arithmetic::Integer);
  r.add(BuiltinOp::LeakyRelu, make_kernel<QuantizedLeakyReluKernel>, Arithmetic::Integer);
  r.add(BuiltinOp::Prelu, make_kernel<QuantizedPreluKernel>, Arithmetic::Integer);
}

}  // namespace octet::kernels
