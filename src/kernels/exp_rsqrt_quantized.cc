// Quantized EXP and RSQRT, computing the integers of LiteRT's builtin
// kernels:
//  - EXP int8 / int16 (tflite/kernels/exp.cc): tables of expf, 256 entries
//    or 513 interpolated samples (LUTPopulate);
//  - RSQRT int8 (elementwise.cc, RsqrtEvalQuantizedInt8): per value
//    v = x − zero point, 1/sqrt(v) by gemmlowp's Newton-Raphson
//    (GetInvSqrtQuantizedMultiplierExp) applied to 2^20, then one
//    requantization by 1/(sqrt(input_scale)·output_scale), all in int32;
//    v = 0 gives 127. Tabulated over the 256 inputs at prepare;
//  - RSQRT int16: an interpolated table of 1/sqrtf(x), with x <= 0
//    mapped to the largest output.
// RSQRT is undefined for inputs below the zero point: LiteRT fails the
// invoke, octet throws at eval naming the element.
#include <cmath>

#include "kernels/fixed_point.h"
#include "kernels/lut.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

// The int8 RSQRT of one value, v = x − input zero point >= 1.
int8_t rsqrt_int8(int32_t v, Multiplier output, int32_t output_zero_point) {
  constexpr int kShift = 20;  // 2^20 / sqrt(v) keeps the intermediate an integer
  if (v == 0) return 127;
  const Multiplier inv_sqrt = fixed_point::inv_sqrt_multiplier(v);
  const int32_t data = multiply_by_quantized_multiplier(int32_t{1}, Multiplier{inv_sqrt.value, inv_sqrt.shift + kShift});
  const int32_t out = multiply_by_quantized_multiplier(data, Multiplier{output.value, output.shift - kShift}) +
                      output_zero_point;
  return static_cast<int8_t>(std::clamp<int32_t>(out, -128, 127));
}

class QuantizedExpRsqrtKernel final : public Kernel {
 public:
  explicit QuantizedExpRsqrtKernel(const Op& op) : rsqrt_(op.code.builtin == BuiltinOp::Rsqrt) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    expect_integer_activation(ctx, in, "input");
    expect_same_dtype(ctx, out, "output", in, "input");
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    dtype_ = in.dtype;
    input_zero_point_ = qi.zero_point;
    location_ = ctx.location();
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});

    if (!rsqrt_) {
      const auto exp = [](float x) { return std::exp(x); };
      if (dtype_ == DType::Int8)
        int8_lut_ = populate_int8_lut(qi.scale, qi.zero_point, qo.scale, qo.zero_point, exp);
      else
        int16_lut_ = populate_int16_lut<float>(qi.scale, qi.zero_point, qo.scale, qo.zero_point, exp);
      return;
    }
    if (dtype_ == DType::Int16) {
      const float largest = 32767.0f * qo.scale;
      int16_lut_ = populate_int16_lut<float>(qi.scale, qi.zero_point, qo.scale, qo.zero_point,
                                             [largest](float x) { return x <= 0.0f ? largest : 1.0f / std::sqrt(x); });
      return;
    }
    // SetRsqrtOutputMultiplier: sqrtf and the product in float, 1/· in double.
    const Multiplier output = quantize_multiplier(1.0 / static_cast<double>(std::sqrt(qi.scale) * qo.scale));
    // The second requantization shifts right by 20 − shift; past 31 the
    // runtime's rounding shift is undefined (output scale above ~2^11 /
    // sqrt(input scale)).
    if (output.value != 0 && output.shift - 20 < -31)
      ctx.fail("output tensor {} '{}' has scale {} for input scale {}: int8 RSQRT's requantization "
               "would shift by more than 31 bits", out.index, out.name(), qo.scale, qi.scale);
    const int32_t zp = qi.zero_point, out_zp = qo.zero_point;
    int8_lut_ = tabulate_int8([&](int8_t x) -> int8_t {
      const int32_t v = x - zp;
      return v < 0 ? 0 : rsqrt_int8(v, output, out_zp);  // v < 0 is refused at eval
    });
  }

  void eval(const EvalContext& ctx) override {
    const TensorView& in = ctx.inputs[0];
    const int64_t n = in.num_elements();
    if (dtype_ == DType::Int8) {
      const int8_t* x = in.data_as<const int8_t>();
      if (rsqrt_) expect_not_below_zero_point(in, x, n);
      apply_lut(int8_lut_, x, ctx.outputs[0].data_as<int8_t>(), n);
    } else {
      const int16_t* x = in.data_as<const int16_t>();
      if (rsqrt_) expect_not_below_zero_point(in, x, n);
      apply_lut(int16_lut_, x, ctx.outputs[0].data_as<int16_t>(), n);
    }
  }

 private:
  template <class T>
  void expect_not_below_zero_point(const TensorView& t, const T* x, int64_t n) const {
    for (int64_t i = 0; i < n; ++i)
      if (x[i] < input_zero_point_)
        throw Error(fmt::format("{}: RSQRT is only defined for positive values: element {} of input "
                                "tensor {} '{}' is {}, below the zero point {}",
                                location_, i, t.index, t.name(), int32_t{x[i]}, input_zero_point_));
  }

  bool rsqrt_;
  DType dtype_ = DType::Int8;
  int32_t input_zero_point_ = 0;
  std::string location_;
  Int8Lut int8_lut_;
  Int16Lut int16_lut_{};
};

}  // namespace

void register_exp_rsqrt_quantized(Registry& r) {
  r.add(BuiltinOp::Exp, make_kernel<QuantizedExpRsqrtKernel>, Arithmetic::Integer);
  r.add(BuiltinOp::Rsqrt, make_kernel<QuantizedExpRsqrtKernel>, Arithmetic::Integer);
}

}  // namespace octet::kernels
