// Quantized LOGISTIC, TANH, ELU, GELU and HARD_SWISH, computing the integers
// of LiteRT's builtin kernels (tflite/kernels/activations.cc, the generic
// optimized registrations that register.cc installs):
//  - int8 LOGISTIC, TANH, ELU, GELU: a 256-entry table built in float
//    (LUTPopulate<int8_t>): 1/(1+exp(−x)), tanh(x), x<0 ? expm1(x) : x, and
//    TFLite's two GELU formulas;
//  - int16 GELU: the 513-sample interpolated table (LUTPopulate<int16_t>);
//  - int16 LOGISTIC and TANH: for an input scale of 2^−12 (TANH also
//    2^−11), gemmlowp's fixed-point logistic/tanh on Q3.12
//    (optimized_ops::Logistic/Tanh); for any other scale, the input rescaled
//    to 1/(3·4096) per unit and interpolated in sigmoid(i/24)
//    (reference_integer_ops::Logistic/Tanh);
//  - int8 HARD_SWISH: reference_ops::HardSwish's 16-bit fixed point,
//    tabulated over the 256 inputs at prepare (optimized_ops::HardSwish
//    falls back to it off ARM).
// Fixed output quantizations are checked as LiteRT's Prepare checks them,
// and no further: LOGISTIC int8 needs scale exactly 1/256 (any zero point),
// LOGISTIC int16 exactly 1/32768, TANH int16 2^−15 (to 1e-3 in log2),
// TANH int8 nothing.
#include <cmath>
#include <numbers>

#include "kernels/elementwise.h"
#include "kernels/fixed_point.h"
#include "kernels/lut.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

// TFLite's CheckedLog2: log2 rounded to an integer, and whether the scale is
// within 1e-3 (in log2) of that power of two. In float, via log(x)/log(2).
bool checked_log2(float x, int* log2_rounded) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_rounded = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

float logistic_f(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float tanh_f(float x) { return std::tanh(x); }
float elu_f(float x) { return x < 0.0f ? std::expm1(x) : x; }
// reference_ops::GeluTransform and GeluTransformApproximate, in float.
float gelu_f(float x) { return 0.5f * x * std::erfc(x * static_cast<float>(-std::numbers::sqrt2 / 2)); }
float gelu_approximate_f(float x) {
  constexpr auto kSqrt2OverPi = static_cast<float>(std::numbers::inv_sqrtpi * std::numbers::sqrt2);
  return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
}

// The int16 LOGISTIC/TANH plan.
struct Int16Sigmoid {
  bool fixed_point = false;  // gemmlowp on Q3.12
  bool double_input = false; // TANH at scale 2^-11: input ×2 (saturating) first
  int32_t multiplier = 0;    // table path: x·multiplier >> shift is in 1/(3·4096)
  int shift = 0;
};

// SigmoidPrepare/TanhPrepare for int16: a power-of-two scale with the
// allowed left shift takes the fixed-point path; otherwise the scale is
// brought to 1/(3·4096) by an integer multiplier in [2^14, 2^15) and a shift.
Int16Sigmoid plan_int16_sigmoid(float input_scale, bool tanh) {
  Int16Sigmoid p;
  int log2_rounded = 0;
  const bool pot = checked_log2(input_scale, &log2_rounded);
  const int left_shift = 12 + log2_rounded;
  if (pot && (left_shift == 0 || (tanh && left_shift == 1))) {
    p.fixed_point = true;
    p.double_input = left_shift == 1;
    return p;
  }
  double multiplier = static_cast<double>(input_scale) * 4096.0 * 3.0;
  while (multiplier <= 32767.0 / 2.0 && p.shift <= 30) {
    ++p.shift;
    multiplier *= 2.0;
  }
  p.multiplier = saturating_to_int32(multiplier);
  // A multiplier that truncates to 0 (scales below ~4e-14) sends the
  // runtime's eval to the fixed-point path, which then ignores the scale;
  // any shift left counts as the 2^-11 doubling there.
  if (p.multiplier == 0) {
    p.fixed_point = true;
    p.double_input = tanh && p.shift != 0;
  }
  return p;
}

// reference_integer_ops::Logistic/Tanh for int16: x rescaled (in int32,
// wrapping as the runtime's multiply does), |x| split into a table index and
// a fraction, interpolated in sigmoid(i/24), the sign applied by symmetry.
int16_t int16_sigmoid_table(int16_t x, const Int16Sigmoid& p, bool tanh) {
  const int32_t round = p.shift > 0 ? int32_t{1} << (p.shift - 1) : 0;
  const int32_t input =
      fixed_point::wrap<int32_t>(int64_t{x} * p.multiplier + round) >> p.shift;
  const uint32_t abs_input = input >= 0 ? static_cast<uint32_t>(input) : 0u - static_cast<uint32_t>(input);
  // LOGISTIC reads its Q?.9 fraction, TANH (2x) one bit less.
  const int fraction_bits = tanh ? 8 : 9;
  const uint32_t index = abs_input >> fraction_bits;
  uint32_t result;
  if (index >= 255) {
    result = tanh ? 0xFFFFu << 8 : 0x7FFFu << 10;
  } else {
    const uint32_t a = kSigmoidTableQ016[index];
    const uint32_t b = kSigmoidTableQ016[index + 1];
    const uint32_t fraction = abs_input & ((1u << fraction_bits) - 1);
    result = (a << fraction_bits) + fraction * (b - a);
  }
  if (!tanh) {
    result = input >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
    return static_cast<int16_t>(result >> 10);
  }
  // tanh = 2·sigmoid − 1, in signed arithmetic.
  auto r = static_cast<int32_t>(result);
  r = input >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return static_cast<int16_t>(r >> 8);
}

int16_t int16_sigmoid_fixed_point(int16_t x, const Int16Sigmoid& p, bool tanh) {
  using F3 = fixed_point::FixedPoint<int16_t, 3>;
  if (!tanh) return fixed_point::logistic(F3::from_raw(x)).raw;
  const int16_t in = p.double_input ? fixed_point::saturating_rounding_multiply_by_pot<1, int16_t>(x) : x;
  return fixed_point::tanh(F3::from_raw(in)).raw;
}

// HardSwishParams as HardSwishPrepare derives them, in float then
// QuantizeMultiplier, the int32 multipliers rounded to Q0.15.
struct HardSwishPlan {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int16_t output_multiplier = 0, reluish_multiplier = 0;
  int output_exponent = 0, reluish_exponent = 0;
};

int16_t downscale_to_int16(int32_t multiplier) {
  constexpr int32_t kRounding = 1 << 15;
  if (multiplier >= std::numeric_limits<int32_t>::max() - kRounding) return 32767;
  return static_cast<int16_t>((multiplier + kRounding) >> 16);
}

int16_t saturating_left_shift(int16_t value, int amount) {
  const int64_t r = int64_t{value} * (int64_t{1} << amount);
  return static_cast<int16_t>(std::clamp<int64_t>(r, -32768, 32767));
}

// SQDMULH: the doubling high half, truncated toward zero.
int16_t saturating_doubling_high_mul(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((int32_t{a} * int32_t{b}) / (1 << 15));
}

// reference_ops::HardSwish for one int8 value: x on a 2^7 finer scale;
// "reluish" = clamp(x/3, −1, 1) mapped to [0, 1] in Q0.15; their product
// rescaled to the output. Every intermediate is int16, as in the runtime.
int8_t hard_swish(int8_t q, const HardSwishPlan& p) {
  namespace fp = fixed_point;
  const auto input_value = static_cast<int16_t>(q - p.input_zero_point);
  const auto hires = static_cast<int16_t>(input_value * (1 << 7));
  const int16_t preshift_output = fp::saturating_rounding_doubling_high_mul<int16_t>(hires, p.output_multiplier);
  int16_t reluish = hires;
  // Left shifts saturate all but the last bit before the multiply, so any
  // saturation that matters happens after it.
  if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, p.reluish_exponent - 1);
  reluish = fp::saturating_rounding_doubling_high_mul<int16_t>(reluish, p.reluish_multiplier);
  if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, 1);
  if (p.reluish_exponent < 0) reluish = fp::rounding_divide_by_pot<int16_t>(reluish, -p.reluish_exponent);
  reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
  const int16_t preshift = saturating_doubling_high_mul(reluish, preshift_output);
  auto out = fp::rounding_divide_by_pot<int16_t>(preshift, -p.output_exponent);
  out = static_cast<int16_t>(out + p.output_zero_point);  // an int16 sum in the runtime
  return static_cast<int8_t>(std::clamp<int16_t>(out, -128, 127));
}

class QuantizedActivationKernel final : public Kernel {
 public:
  explicit QuantizedActivationKernel(const Op& op) : op_(op.code.builtin) {
    if (op_ == BuiltinOp::Gelu) approximate_ = op.options.get_or_default<opt::Gelu>().approximate;
  }

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    const bool int16_allowed = op_ == BuiltinOp::Logistic || op_ == BuiltinOp::Tanh || op_ == BuiltinOp::Gelu;
    if (in.dtype != DType::Int8 && !(int16_allowed && in.dtype == DType::Int16))
      ctx.fail("input tensor {} '{}' is {}; quantized {} takes {}", in.index, in.name(),
               dtype_name(in.dtype), builtin_op_name(op_), int16_allowed ? "int8 or int16" : "int8");
    expect_same_dtype(ctx, out, "output", in, "input");
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    dtype_ = in.dtype;
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});

    switch (op_) {
      case BuiltinOp::Logistic:
        if (dtype_ == DType::Int8) {
          expect_scale(ctx, out, qo.scale, 1.0 / 256, "1/256");
          int8_lut_ = populate_int8_lut(qi.scale, qi.zero_point, qo.scale, qo.zero_point, logistic_f);
        } else {
          expect_scale(ctx, out, qo.scale, 1.0 / 32768, "1/32768");
          sigmoid_ = plan_int16_sigmoid(qi.scale, false);
        }
        break;
      case BuiltinOp::Tanh:
        if (dtype_ == DType::Int8) {
          int8_lut_ = populate_int8_lut(qi.scale, qi.zero_point, qo.scale, qo.zero_point, tanh_f);
        } else {
          int log2_rounded = 0;
          if (!checked_log2(qo.scale, &log2_rounded) || log2_rounded != -15)
            ctx.fail("output tensor {} '{}' has scale {}; int16 TANH needs 2^-15 (1/32768), as LiteRT "
                     "requires", out.index, out.name(), qo.scale);
          sigmoid_ = plan_int16_sigmoid(qi.scale, true);
        }
        break;
      case BuiltinOp::Elu:
        int8_lut_ = populate_int8_lut(qi.scale, qi.zero_point, qo.scale, qo.zero_point, elu_f);
        break;
      case BuiltinOp::Gelu: {
        float (*f)(float) = approximate_ ? gelu_approximate_f : gelu_f;
        if (dtype_ == DType::Int8)
          int8_lut_ = populate_int8_lut(qi.scale, qi.zero_point, qo.scale, qo.zero_point, f);
        else
          int16_lut_ = populate_int16_lut<float>(qi.scale, qi.zero_point, qo.scale, qo.zero_point, f);
        break;
      }
      default:  // HardSwish
        int8_lut_ = tabulate_int8([p = plan_hard_swish(ctx, qi, qo)](int8_t q) { return hard_swish(q, p); });
        break;
    }
  }

  void eval(const EvalContext& ctx) override {
    const int64_t n = ctx.inputs[0].num_elements();
    if (dtype_ == DType::Int8) {
      apply_lut(int8_lut_, ctx.inputs[0].data_as<const int8_t>(), ctx.outputs[0].data_as<int8_t>(), n);
      return;
    }
    const int16_t* in = ctx.inputs[0].data_as<const int16_t>();
    int16_t* out = ctx.outputs[0].data_as<int16_t>();
    if (op_ == BuiltinOp::Gelu) {
      apply_lut(int16_lut_, in, out, n);
      return;
    }
    const bool tanh = op_ == BuiltinOp::Tanh;
    const Int16Sigmoid p = sigmoid_;
    if (p.fixed_point)
      map_elements(in, out, n, [&](int16_t x) { return int16_sigmoid_fixed_point(x, p, tanh); }, true);
    else
      map_elements(in, out, n, [&](int16_t x) { return int16_sigmoid_table(x, p, tanh); });
  }

 private:
  // LiteRT compares the float scale with the double constant exactly.
  void expect_scale(const PrepareContext& ctx, const TensorView& t, float scale, double expected,
                    std::string_view spelled) const {
    if (static_cast<double>(scale) != expected)
      ctx.fail("output tensor {} '{}' has scale {}; {} {} needs exactly {}, as LiteRT requires", t.index,
               t.name(), scale, dtype_name(dtype_), builtin_op_name(op_), spelled);
  }

  static HardSwishPlan plan_hard_swish(const PrepareContext& ctx, TensorQuant qi, TensorQuant qo) {
    HardSwishPlan p;
    p.input_zero_point = qi.zero_point;
    p.output_zero_point = qo.zero_point;
    const float hires_input_scale = (1.0f / 128.0f) * qi.scale;
    const float reluish_scale = 3.0f / 32768.0f;
    const float output_multiplier = hires_input_scale / qo.scale;
    const Multiplier out_m = quantize_multiplier(output_multiplier);
    p.output_multiplier = downscale_to_int16(out_m.value);
    p.output_exponent = out_m.shift;
    if (p.output_exponent > 0) {
      const TensorView& out = ctx.output(0);
      ctx.fail("output tensor {} '{}' has scale {} for an input scale of {}: HARD_SWISH needs "
               "input_scale / (128 · output_scale) < 1, as LiteRT requires", out.index, out.name(),
               qo.scale, qi.scale);
    }
    const Multiplier reluish_m = quantize_multiplier(hires_input_scale / reluish_scale);
    p.reluish_multiplier = downscale_to_int16(reluish_m.value);
    p.reluish_exponent = reluish_m.shift;
    return p;
  }

  BuiltinOp op_;
  bool approximate_ = false;
  DType dtype_ = DType::Int8;
  Int8Lut int8_lut_;
  Int16Lut int16_lut_{};
  Int16Sigmoid sigmoid_;
};

}  // namespace

void register_activations_quantized(Registry& r) {
  for (BuiltinOp op : {BuiltinOp::Logistic, BuiltinOp::Tanh, BuiltinOp::Elu, BuiltinOp::Gelu,
                       BuiltinOp::HardSwish})
    r.add(op, make_kernel<QuantizedActivationKernel>, Arithmetic::Integer);
}

}  // namespace octet::kernels
