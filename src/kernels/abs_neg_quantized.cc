// ABS and NEG on quantized int8 and int16 tensors, as LiteRT's
// elementwise.cc (AbsEvalQuantized) and neg.cc:
//
//  - ABS: |q − z_in|, requantized by s_in / s_out only when the two scales
//    differ (LiteRT compares the float scales), plus z_out, clamped to the
//    dtype;
//  - NEG negates the stored integer and ignores quantization, as LiteRT's
//    kernel does (−(−128) wraps to −128 in int8). It is only a real negation
//    when the zero point is 0 and the output has the input's parameters.
//
// Followed at LiteRT commit f6745779 (google-ai-edge/LiteRT).
#include <cstdint>
#include <cstdlib>

#include "kernels/elementwise.h"
#include "kernels/quant_elementwise.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

class QuantizedAbsKernel final : public Kernel {
 public:
  explicit QuantizedAbsKernel(const Op&) {}

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
    rescale_ = qi.scale != qo.scale;
    if (rescale_)
      m_ = multiplier_any(ctx, static_cast<double>(qi.scale / qo.scale),
                          "multiplier input scale / output scale");
    range_ = dtype_range(in.dtype);
    dtype_ = in.dtype;
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
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
    const T* in = ctx.inputs[0].data_as<const T>();
    T* out = ctx.outputs[0].data_as<T>();
    const int64_t n = ctx.inputs[0].num_elements();
    const int32_t zi = input_zero_point_, zo = output_zero_point_;
    const IntRange r = range_;
    if (rescale_) {
      const Multiplier m = m_;
      map_elements(in, out, n, [=](T x) {
        return static_cast<T>(
            clamp_to(multiply_by_quantized_multiplier(std::abs(x - zi), m) + zo, r));
      });
    } else {
      map_elements(in, out, n,
                   [=](T x) { return static_cast<T>(clamp_to(std::abs(x - zi) + zo, r)); });
    }
  }

  DType dtype_ = DType::Int8;
  bool rescale_ = false;
  int32_t input_zero_point_ = 0, output_zero_point_ = 0;
  Multiplier m_;
  IntRange range_;
};

class QuantizedNegKernel final : public Kernel {
 public:
  explicit QuantizedNegKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    expect_integer_activation(ctx, in, "input");
    expect_same_dtype(ctx, ctx.output(0), "output", in, "input");
    dtype_ = in.dtype;
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
  }

  void eval(const EvalContext& ctx) override {
    const int64_t n = ctx.inputs[0].num_elements();
    if (dtype_ == DType::Int8)
      map_elements(ctx.inputs[0].data_as<const int8_t>(), ctx.outputs[0].data_as<int8_t>(), n,
                   [](int8_t x) { return static_cast<int8_t>(-x); });
    else
      map_elements(ctx.inputs[0].data_as<const int16_t>(), ctx.outputs[0].data_as<int16_t>(), n,
                   [](int16_t x) { return static_cast<int16_t>(-x); });
  }

 private:
  DType dtype_ = DType::Int8;
};

}  // namespace

void register_abs_neg_quantized(Registry& r) {
  r.add(BuiltinOp::Abs, make_kernel<QuantizedAbsKernel>, Arithmetic::Integer);
  r.add(BuiltinOp::Neg, make_kernel<QuantizedNegKernel>, Arithmetic::Integer);
}

}  // namespace octet::kernels
