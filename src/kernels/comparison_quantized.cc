// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL on quantized
// int8, uint8 and int16 tensors (bool output, numpy broadcasting), as
// LiteRT's comparisons.cc (ComparisonQuantized) and reference/comparisons.h
// (ComparisonWithScaling) compute them.
//
// Both inputs are brought to one scale before comparing, even when their
// parameters agree: (q − zero_point) is shifted left 8 bits and multiplied by
// the input's own scale (as a Q0.31 multiplier and a right shift, TFLite's
// double rounding). The compared integers are therefore the real values in
// units of 2^-8, rounded: with small scales distinct inputs can round to the
// same value, and EQUAL answers true for them, as on the device.
//
// One exception, also LiteRT's: LESS, LESS_EQUAL, GREATER and GREATER_EQUAL
// on int16 compare the stored integers and ignore quantization (only the
// equality ops rescale int16).
//
// LiteRT's kernel takes only scales below 1 here: a scale of exactly 1 aborts
// the runtime (QuantizeMultiplierGreaterThanOne checks > 1) and a larger one
// makes it shift by a negative amount (undefined; on x86 and wasm every value
// collapses to its sign). octet refuses both at prepare.
//
// Followed at LiteRT commit f6745779 (google-ai-edge/LiteRT).
#include "kernels/common.h"
#include "kernels/compare.h"
#include "kernels/elementwise.h"
#include "kernels/quant_elementwise.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

constexpr int kLeftShift = 8;

struct Rescale {
  int32_t offset = 0;  // −zero point
  Multiplier m;
};

inline int32_t rescale(int32_t q, Rescale r) {
  return multiply_by_quantized_multiplier_smaller_than_one((q + r.offset) * (1 << kLeftShift), r.m);
}

class QuantizedComparisonKernel final : public Kernel {
 public:
  explicit QuantizedComparisonKernel(const Op& op) : kind_(compare_kind(op.code.builtin)) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& a = ctx.input(0);
    const TensorView& b = ctx.input(1);
    if (a.dtype != DType::Int8 && a.dtype != DType::UInt8 && a.dtype != DType::Int16)
      ctx.fail("input 0 tensor {} '{}' is {}, expected int8, uint8 or int16", a.index, a.name(),
               dtype_name(a.dtype));
    expect_same_dtype(ctx, b, "input 1", a, "input 0");
    ctx.expect_dtype(ctx.output(0), DType::Bool, "output");
    const bool equality = is_equality(kind_);
    raw_ = a.dtype == DType::Int16 && !equality;
    if (!raw_) {
      r1_ = input_rescale(ctx, a, "input 0");
      r2_ = input_rescale(ctx, b, "input 1");
    }
    std::vector<int32_t> shape = broadcast_shape(ctx, a.shape, b.shape);
    plan_ = plan_broadcast<2>({a.shape, b.shape}, shape);
    ctx.set_output_shape(0, std::move(shape));
    dtype_ = a.dtype;
  }

  void eval(const EvalContext& ctx) override {
    switch (dtype_) {
      case DType::Int8:
        run<int8_t>(ctx);
        break;
      case DType::UInt8:
        run<uint8_t>(ctx);
        break;
      default:
        run<int16_t>(ctx);
        break;
    }
  }

 private:
  static Rescale input_rescale(const PrepareContext& ctx, const TensorView& t,
                               std::string_view role) {
    const TensorQuant q = per_tensor_quant(ctx, t, role);
    if (q.scale >= 1.f)
      ctx.fail(
          "{} tensor {} '{}' has scale {}; LiteRT's quantized comparison takes scales below 1 "
          "only (at 1 it aborts, above it shifts by a negative amount)",
          role, t.index, t.name(), q.scale);
    return {-q.zero_point,
            multiplier_below_one(ctx, static_cast<double>(q.scale),
                                 fmt::format("{} tensor {} '{}' scale", role, t.index, t.name()))};
  }

  template <class T>
  void run(const EvalContext& ctx) const {
    const T* a = ctx.inputs[0].data_as<const T>();
    const T* b = ctx.inputs[1].data_as<const T>();
    auto* out = ctx.outputs[0].data_as<uint8_t>();
    const Rescale r1 = r1_, r2 = r2_;
    with_comparison(kind_, [&](auto cmp) {
      if (raw_)
        broadcast_binary(plan_, a, b, out,
                         [=](T x, T y) -> uint8_t { return cmp(int32_t{x}, int32_t{y}); });
      else
        broadcast_binary(plan_, a, b, out,
                         [=](T x, T y) -> uint8_t { return cmp(rescale(x, r1), rescale(y, r2)); });
    });
  }

  CompareKind kind_;
  DType dtype_ = DType::Int8;
  bool raw_ = false;  // int16 ordering: stored integers compared as they are
  Rescale r1_, r2_;
  BroadcastPlan<2> plan_;
};

}  // namespace

void register_comparison_quantized(Registry& r) {
  for (BuiltinOp op : {BuiltinOp::Equal, BuiltinOp::NotEqual, BuiltinOp::Less, BuiltinOp::LessEqual,
                       BuiltinOp::Greater, BuiltinOp::GreaterEqual})
    r.add(op, make_kernel<QuantizedComparisonKernel>, Arithmetic::Integer);
}

}  // namespace octet::kernels
