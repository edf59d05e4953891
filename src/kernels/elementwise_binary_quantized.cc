// ADD, SUB, MUL, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM on quantized int8 and
// int16 tensors, numpy broadcasting up to rank 6, with the integers of
// LiteRT's builtin kernels (tflite/kernels/add.cc, sub.cc, mul.cc,
// squared_difference.cc, maximum_minimum.cc and the reference/integer_ops
// headers they call; the wasm and x86 builds run their scalar loops):
//
//  - ADD/SUB ("rescaled sum"): each input, offset by its zero point, is
//    shifted left (20 bits for int8, 15 for int16) and scaled by
//    s_i / (2·max(s1, s2)); the sum or difference is scaled by
//    2·max(s1, s2) / (2^shift · s_out), all with TFLite's double rounding;
//  - int16 ADD/SUB whose three scales are powers of two and whose options
//    keep pot_scale_int16 (the schema default) take LiteRT's LSTM path
//    instead: one input is rounded-shifted right onto the output's scale, the
//    other already is on it, and they are added in int16;
//  - MUL: (x − zx)·(y − zy) scaled by s_x·s_y / s_out; int16 × int16 → int8
//    (LiteRT's LSTM gate product) multiplies in Q0.15 and ignores scales;
//  - SQUARED_DIFFERENCE (int8): inputs shifted left 7 bits and rescaled as
//    ADD does, the difference squared and scaled by (2·max)^2 / (2^14 · s_out);
//  - MAXIMUM/MINIMUM compare the stored integers and ignore quantization, as
//    LiteRT does (converters give inputs and output one scale).
//
// Scales are combined in the precision LiteRT uses (float products, double
// quotients), since that decides the multiplier's last bit.
//
// Followed at LiteRT commit f6745779 (google-ai-edge/LiteRT).
#include <algorithm>
#include <cstdint>
#include <vector>
#include <type_traits>

#include "kernels/common.h"
#include "kernels/elementwise.h"
#include "kernels/quant_elementwise.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

enum class Mode { RescaledSum, PotSum, SquaredDifference, Mul, MulInt16ToInt8, Maximum, Minimum };

// Everything eval needs; which fields matter depends on the mode.
struct Params {
  int left_shift = 0;
  int32_t offset1 = 0, offset2 = 0, output_offset = 0;  // −zero points, +output zero point
  Multiplier m1, m2, out;
  int right_shift1 = 0, right_shift2 = 0;  // PotSum
  bool subtract = false;
  IntRange act;
};

// ADD/SUB on the general path (add.cc / sub.cc Prepare).
void prepare_rescaled_sum(const PrepareContext& ctx, Params& p, DType dtype, TensorQuant q1,
                          TensorQuant q2, TensorQuant qo) {
  p.left_shift = dtype == DType::Int16 ? 15 : 20;
  p.offset1 = -q1.zero_point;
  p.offset2 = -q2.zero_point;
  p.output_offset = qo.zero_point;
  // 2·max in float, then the quotients in double, as the runtime writes them.
  const double twice_max = static_cast<double>(2 * std::max(q1.scale, q2.scale));
  p.m1 = multiplier_below_one(ctx, q1.scale / twice_max, "input 0 multiplier");
  p.m2 = multiplier_below_one(ctx, q2.scale / twice_max, "input 1 multiplier");
  const float shifted_output_scale = static_cast<float>(1 << p.left_shift) * qo.scale;
  p.out = multiplier_below_one(
      ctx, twice_max / static_cast<double>(shifted_output_scale),
      fmt::format("output multiplier 2·max(input scales) / (2^{} · output scale)", p.left_shift));
}

// int16 ADD/SUB with power-of-two scales (PrepareInt16SubOpPOT and add.cc's
// equivalent). Returns false when the scales are not all powers of two.
bool prepare_pot_sum(const PrepareContext& ctx, Params& p, TensorQuant q1, TensorQuant q2,
                     TensorQuant qo) {
  int l1 = 0, l2 = 0, lo = 0;
  if (!checked_log2(q1.scale, &l1) || !checked_log2(q2.scale, &l2) || !checked_log2(qo.scale, &lo))
    return false;
  const int shift1 = l1 - lo, shift2 = l2 - lo;
  // The runtime refuses these: only one input may be rescaled, and only down.
  if (!(shift1 == 0 || shift2 == 0) || shift1 > 0 || shift2 > 0)
    ctx.fail(
        "int16 with power-of-two scales (2^{}, 2^{}, output 2^{}): LiteRT's kernel needs one "
        "input on the output's scale and the other at most as coarse; set pot_scale_int16 "
        "false in the options for the general path",
        l1, l2, lo);
  if (-shift1 > 31 || -shift2 > 31)
    ctx.fail(
        "int16 with power-of-two scales 2^{} and 2^{} for output 2^{}: a right shift beyond "
        "31 bits is undefined in LiteRT's kernel",
        l1, l2, lo);
  p.right_shift1 = -shift1;
  p.right_shift2 = -shift2;
  return true;
}

void prepare_squared_difference(const PrepareContext& ctx, Params& p, TensorQuant q1,
                                TensorQuant q2, TensorQuant qo) {
  p.left_shift = 7;
  p.offset1 = -q1.zero_point;
  p.offset2 = -q2.zero_point;
  p.output_offset = qo.zero_point;
  const double twice_max = static_cast<double>(2 * std::max(q1.scale, q2.scale));
  p.m1 = multiplier_below_one(ctx, q1.scale / twice_max, "input 0 multiplier");
  p.m2 = multiplier_below_one(ctx, q2.scale / twice_max, "input 1 multiplier");
  const float shifted_output_scale = static_cast<float>(1 << 14) * qo.scale;
  p.out =
      multiplier_below_one(ctx, twice_max * twice_max / static_cast<double>(shifted_output_scale),
                           "output multiplier (2·max(input scales))^2 / (2^14 · output scale)");
  p.act = dtype_range(DType::Int8);
}

// The per-element arithmetic. Inputs arrive widened to int32.
inline int32_t rescaled_sum(int32_t x, int32_t y, const Params& p) {
  const int32_t a = multiply_by_quantized_multiplier_smaller_than_one(
      (x + p.offset1) * (1 << p.left_shift), p.m1);
  const int32_t b = multiply_by_quantized_multiplier_smaller_than_one(
      (y + p.offset2) * (1 << p.left_shift), p.m2);
  const int32_t raw = p.subtract ? a - b : a + b;
  return clamp_to(multiply_by_quantized_multiplier_smaller_than_one(raw, p.out) + p.output_offset,
                  p.act);
}

inline int32_t pot_sum(int16_t x, int16_t y, const Params& p) {
  // Computed in int32 and clamped once: the same as LiteRT's int16
  // saturating add followed by the activation clamp, which lies inside int16.
  const int32_t a = rounding_divide_by_pot_int16(x, p.right_shift1);
  const int32_t b = rounding_divide_by_pot_int16(y, p.right_shift2);
  return clamp_to(p.subtract ? a - b : a + b, p.act);
}

inline int32_t squared_difference(int32_t x, int32_t y, const Params& p) {
  const int32_t a = multiply_by_quantized_multiplier_smaller_than_one(
      (x + p.offset1) * (1 << p.left_shift), p.m1);
  const int32_t b = multiply_by_quantized_multiplier_smaller_than_one(
      (y + p.offset2) * (1 << p.left_shift), p.m2);
  const int32_t d = a - b;
  return clamp_to(multiply_by_quantized_multiplier_smaller_than_one(d * d, p.out) + p.output_offset,
                  p.act);
}

inline int32_t mul(int32_t x, int32_t y, const Params& p) {
  return clamp_to(
      p.output_offset + multiply_by_quantized_multiplier((x + p.offset1) * (y + p.offset2), p.out),
      p.act);
}

// The int16 × int16 → int8 product: Q0.15 multiply, rounded down to 8
// fractional bits, clamped around the output zero point.
inline int8_t mul_int16_to_int8(int16_t x, int16_t y, const Params& p) {
  const int16_t product = saturating_rounding_doubling_high_mul_int16(x, y);
  const int16_t rescaled = rounding_divide_by_pot_int16(product, 8);
  int16_t c = std::min(static_cast<int16_t>(p.act.max - p.output_offset), rescaled);
  c = std::max(static_cast<int16_t>(p.act.min - p.output_offset), c);
  return static_cast<int8_t>(p.output_offset + c);
}

class QuantizedBinaryKernel final : public Kernel {
 public:
  explicit QuantizedBinaryKernel(const Op& op) : op_(op.code.builtin) {
    if (op_ == BuiltinOp::Add || op_ == BuiltinOp::Sub || op_ == BuiltinOp::Mul)
      options_ = op.options.get_or_default<opt::FusedActivation>();
  }

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& a = ctx.input(0);
    const TensorView& b = ctx.input(1);
    const TensorView& out = ctx.output(0);
    if (op_ == BuiltinOp::SquaredDifference)
      ctx.expect_dtype(a, DType::Int8, "input 0");  // LiteRT has no int16 path
    else
      expect_integer_activation(ctx, a, "input 0");
    expect_same_dtype(ctx, b, "input 1", a, "input 0");
    dtype_ = a.dtype;
    const bool int16_to_int8 =
        op_ == BuiltinOp::Mul && a.dtype == DType::Int16 && out.dtype == DType::Int8;
    if (!int16_to_int8) expect_same_dtype(ctx, out, "output", a, "input 0");

    std::vector<int32_t> shape = broadcast_shape(ctx, a.shape, b.shape);
    plan_ = plan_broadcast<2>({a.shape, b.shape}, shape);
    // LiteRT's flat loops (MatchingElementsSize) abort unless all sizes agree.
    const bool flat = a.num_elements() == plan_.size && b.num_elements() == plan_.size;
    ctx.set_output_shape(0, std::move(shape));

    if (op_ == BuiltinOp::Maximum || op_ == BuiltinOp::Minimum) {
      mode_ = op_ == BuiltinOp::Maximum ? Mode::Maximum : Mode::Minimum;
      return;  // raw integers; quantization is not read
    }
    const TensorQuant q1 = per_tensor_quant(ctx, a, "input 0");
    const TensorQuant q2 = per_tensor_quant(ctx, b, "input 1");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    if (op_ != BuiltinOp::SquaredDifference) {
      expect_clamp_activation(ctx, options_.activation);
      p_.act = activation_range_quantized(options_.activation, out.dtype, qo.scale, qo.zero_point);
    }

    switch (op_) {
      case BuiltinOp::Add:
      case BuiltinOp::Sub: {
        p_.subtract = op_ == BuiltinOp::Sub;
        if (dtype_ == DType::Int16 && options_.pot_scale_int16 &&
            prepare_pot_sum(ctx, p_, q1, q2, qo)) {
          // add.cc hands the power-of-two path a flat loop; it has no broadcast.
          if (op_ == BuiltinOp::Add && !flat)
            ctx.fail(
                "int16 ADD with power-of-two scales and pot_scale_int16 cannot broadcast "
                "([{}] and [{}]): LiteRT's kernel aborts; set pot_scale_int16 false",
                fmt::join(a.shape, ","), fmt::join(b.shape, ","));
          mode_ = Mode::PotSum;
        } else {
          prepare_rescaled_sum(ctx, p_, dtype_, q1, q2, qo);
          mode_ = Mode::RescaledSum;
        }
        break;
      }
      case BuiltinOp::SquaredDifference:
        prepare_squared_difference(ctx, p_, q1, q2, qo);
        mode_ = Mode::SquaredDifference;
        break;
      default:  // MUL
        if (int16_to_int8) {
          if (!flat)
            ctx.fail(
                "int16 x int16 -> int8 MUL cannot broadcast ([{}] and [{}]) in LiteRT's kernel",
                fmt::join(a.shape, ","), fmt::join(b.shape, ","));
          p_.output_offset = qo.zero_point;
          mode_ = Mode::MulInt16ToInt8;
        } else {
          p_.offset1 = -q1.zero_point;
          p_.offset2 = -q2.zero_point;
          p_.output_offset = qo.zero_point;
          // mul.cc: the float product and quotient, then QuantizeMultiplier.
          p_.out = multiplier_any(ctx, static_cast<double>(q1.scale * q2.scale / qo.scale),
                                  "output multiplier input 0 scale · input 1 scale / output scale");
          mode_ = Mode::Mul;
        }
        break;
    }
    build_int8_table();
  }

  void eval(const EvalContext& ctx) override {
    if (dtype_ == DType::Int8)
      run<int8_t>(ctx);
    else
      run<int16_t>(ctx);
  }

 private:
  // int8 ADD, SUB, MUL and SQUARED_DIFFERENCE: the output depends only on
  // the two input codes, so all 65,536 answers are computed once at prepare
  // with the same arithmetic and eval looks them up (identical by construction,
  // about ten times faster than three fixed-point multiplies an element).
  void build_int8_table() {
    table_.clear();
    if (dtype_ != DType::Int8 || !(mode_ == Mode::RescaledSum || mode_ == Mode::SquaredDifference || mode_ == Mode::Mul))
      return;
    table_.resize(65536);
    const Params& p = p_;
    for (int x = -128; x < 128; ++x)
      for (int y = -128; y < 128; ++y) {
        const auto a = static_cast<int8_t>(x), b = static_cast<int8_t>(y);
        int32_t v = 0;
        switch (mode_) {
          case Mode::RescaledSum: v = rescaled_sum(a, b, p); break;
          case Mode::SquaredDifference: v = squared_difference(a, b, p); break;
          default: v = mul(a, b, p); break;
        }
        table_[table_index(a, b)] = static_cast<int8_t>(v);
      }
  }
  static size_t table_index(int8_t a, int8_t b) {
    return static_cast<size_t>(static_cast<uint8_t>(a)) << 8 | static_cast<uint8_t>(b);
  }

  template <class T>
  void run(const EvalContext& ctx) const {
    const T* a = ctx.inputs[0].data_as<const T>();
    const T* b = ctx.inputs[1].data_as<const T>();
    const Params& p = p_;
    if constexpr (std::is_same_v<T, int8_t>) {
      if (!table_.empty()) {
        const int8_t* table = table_.data();
        broadcast_binary(plan_, a, b, ctx.outputs[0].data_as<int8_t>(),
                         [table](int8_t x, int8_t y) { return table[table_index(x, y)]; });
        return;
      }
    }
    if (mode_ == Mode::MulInt16ToInt8) {
      if constexpr (std::is_same_v<T, int16_t>)
        broadcast_binary(plan_, a, b, ctx.outputs[0].data_as<int8_t>(),
                         [&p](int16_t x, int16_t y) { return mul_int16_to_int8(x, y, p); });
      return;
    }
    T* out = ctx.outputs[0].data_as<T>();
    auto apply = [&](auto f) {
      broadcast_binary(plan_, a, b, out, [&p, f](T x, T y) { return static_cast<T>(f(x, y, p)); });
    };
    switch (mode_) {
      case Mode::RescaledSum:
        apply(rescaled_sum);
        break;
      case Mode::PotSum:
        if constexpr (std::is_same_v<T, int16_t>) apply(pot_sum);
        break;
      case Mode::SquaredDifference:
        apply(squared_difference);
        break;
      case Mode::Mul:
        apply(mul);
        break;
      case Mode::Maximum:
        broadcast_binary(plan_, a, b, out, [](T x, T y) { return x > y ? x : y; });
        break;
      case Mode::Minimum:
        broadcast_binary(plan_, a, b, out, [](T x, T y) { return x < y ? x : y; });
        break;
      case Mode::MulInt16ToInt8:
        break;
    }
  }

  BuiltinOp op_;
  opt::FusedActivation options_;
  Mode mode_ = Mode::RescaledSum;
  DType dtype_ = DType::Int8;
  Params p_;
  BroadcastPlan<2> plan_;
  std::vector<int8_t> table_;  // int8: the answer for every pair of codes
};

}  // namespace

void register_elementwise_binary_quantized(Registry& r) {
  for (BuiltinOp op : {BuiltinOp::Add, BuiltinOp::Sub, BuiltinOp::Mul, BuiltinOp::SquaredDifference,
                       BuiltinOp::Maximum, BuiltinOp::Minimum})
    r.add(op, make_kernel<QuantizedBinaryKernel>, Arithmetic::Integer);
}

}  // namespace octet::kernels
