// ARG_MAX and ARG_MIN along the axis of a constant one-element input. The
// output drops that axis and is int32 or int64 (the output tensor's dtype,
// which must agree with the options' output_type when the file has them).
// Ties keep the first index; for float, NaN never wins and a number replaces
// a NaN, as LiteRT's reference GetComparefunction.
//
// Quantized inputs compare as integers (the scale is positive, so the order
// is the real values' order): int8 and uint8 as LiteRT; it has no int16
// kernel for these ops, and octet refuses a quantized int16 input too.
#include <cmath>
#include <type_traits>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class ArgMinMax : public Kernel {
 public:
  ArgMinMax(const Op& op, bool is_max) : is_max_(is_max), options_(op.options) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    switch (in.dtype) {
      case DType::Float32:
      case DType::Int32:
      case DType::Int64:
      case DType::Int8:
      case DType::UInt8:
      case DType::Int16:
      case DType::Bool:
        break;  // comparisons need no scale: any order-preserving dtype works
      default:
        ctx.fail("input tensor {} '{}' is {}, not supported", in.index, in.name(),
                 dtype_name(in.dtype));
    }
    expect_not_quantized_as(ctx, in, "input", DType::Int16);
    ctx.expect_rank(in, 1, 16, "input");
    const TensorView& out = ctx.output(0);
    if (out.dtype != DType::Int32 && out.dtype != DType::Int64)
      ctx.fail("output tensor {} '{}' is {}, expected int32 or int64", out.index, out.name(),
               dtype_name(out.dtype));
    if (const auto* o = options_.get<opt::OutputType>();
        o && options_.table_type != 0 && o->type != out.dtype)
      ctx.fail("options say output_type {}, but output tensor {} '{}' is {}", dtype_name(o->type),
               out.index, out.name(), dtype_name(out.dtype));

    const std::vector<int64_t> axis = ctx.constant_ints(1, "axis");
    if (axis.size() != 1) ctx.fail("axis tensor must hold one value, has {}", axis.size());
    const int32_t a = normalize_axis(ctx, axis[0], in.rank(), "axis");
    outer_ = inner_ = 1;
    for (int d = 0; d < a; ++d) outer_ *= in.dim(d);
    for (int d = a + 1; d < in.rank(); ++d) inner_ *= in.dim(d);
    axis_size_ = in.dim(a);
    if (axis_size_ == 0 && outer_ * inner_ > 0)
      ctx.fail("axis {} of input tensor {} '{}' is empty: no index to return", a, in.index,
               in.name());
    std::vector<int32_t> shape(in.shape.begin(), in.shape.end());
    shape.erase(shape.begin() + a);
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    if (ctx.outputs[0].dtype == DType::Int32) return dispatch<int32_t>(ctx);
    return dispatch<int64_t>(ctx);
  }

 private:
  template <class Out>
  void dispatch(const EvalContext& ctx) const {
    const TensorView& in = ctx.inputs[0];
    Out* out = ctx.outputs[0].data_as<Out>();
    switch (in.dtype) {
      case DType::Float32:
        return run(in.data_as<const float>(), out);
      case DType::Int32:
        return run(in.data_as<const int32_t>(), out);
      case DType::Int64:
        return run(in.data_as<const int64_t>(), out);
      case DType::Int8:
        return run(in.data_as<const int8_t>(), out);
      case DType::UInt8:
        return run(in.data_as<const uint8_t>(), out);
      case DType::Int16:
        return run(in.data_as<const int16_t>(), out);
      default:
        return run(in.data_as<const uint8_t>(), out);  // bool: one byte, 0 or 1
    }
  }

  // Does `candidate` replace `best`? Strict comparison, so ties keep the
  // earlier index.
  template <class T>
  bool better(T candidate, T best) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(candidate)) return false;
      if (std::isnan(best)) return true;
    }
    return is_max_ ? candidate > best : candidate < best;
  }

  template <class T, class Out>
  void run(const T* in, Out* out) const {
    if (axis_size_ == 0) return;  // then the output is empty too (checked in prepare)
    for (int64_t o = 0; o < outer_; ++o)
      for (int64_t i = 0; i < inner_; ++i) {
        const T* p = in + o * axis_size_ * inner_ + i;
        T best = p[0];
        Out best_index = 0;
        for (int64_t k = 1; k < axis_size_; ++k)
          if (better(p[k * inner_], best)) {
            best = p[k * inner_];
            best_index = static_cast<Out>(k);
          }
        out[o * inner_ + i] = best_index;
      }
  }

  bool is_max_;
  Options options_;
  int64_t outer_ = 1, inner_ = 1, axis_size_ = 0;
};

std::unique_ptr<Kernel> make_arg_max(const Op& op) { return std::make_unique<ArgMinMax>(op, true); }
std::unique_ptr<Kernel> make_arg_min(const Op& op) {
  return std::make_unique<ArgMinMax>(op, false);
}

}  // namespace

void register_arg_max(Registry& r) {
  r.add_any(BuiltinOp::ArgMax, make_arg_max);
  r.add_any(BuiltinOp::ArgMin, make_arg_min);
}

}  // namespace octet::kernels
