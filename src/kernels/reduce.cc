// MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD on float32, int32 and int64
// over the axes of a constant axes input (negative and repeated axes
// allowed, keep_dims as LiteRT); the quantized kernels are in
// reduce_quantized.cc.
//
// The plan (reduce_plan.h) turns any reduction into alternating reduced/kept
// blocks, walked once in memory order. When the innermost block is kept
// (MEAN over H,W of NHWC: blocks [H·W reduced, C kept]) the inner loop adds
// a whole row of C channels at once, which vectorises.
//
// Values follow LiteRT: float MEAN sums in float and divides by the count;
// int32 MEAN sums in int64 and divides with truncation; an empty reduction
// leaves the init value (0, 1, lowest, max) and MEAN of an empty input is
// NaN for float (0 for integers). Integer SUM/PROD wrap around.
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"
#include "kernels/reduce_plan.h"

namespace octet::kernels {
namespace {

enum class ReduceKind { Mean, Sum, Max, Min, Prod };

template <class T>
T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) +
                          static_cast<std::make_unsigned_t<T>>(b));
  else
    return a + b;
}
template <class T>
T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) *
                          static_cast<std::make_unsigned_t<T>>(b));
  else
    return a * b;
}

class Reduce : public Kernel {
 public:
  Reduce(const Op& op, ReduceKind kind)
      : kind_(kind), keep_dims_(op.options.get_or_default<opt::Reducer>().keep_dims) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    expect_not_quantized(ctx, in, "input");
    if (in.dtype != DType::Float32 && in.dtype != DType::Int32 && in.dtype != DType::Int64)
      ctx.fail("input tensor {} '{}' is {}, expected float32, int32 or int64", in.index, in.name(),
               dtype_name(in.dtype));
    ctx.expect_dtype(ctx.output(0), in.dtype, "output");
    plan_ = make_reduce_plan(ctx, in, 1, keep_dims_);
    if (kind_ == ReduceKind::Mean && in.dtype == DType::Int32)
      ctx.request_scratch(static_cast<size_t>(plan_.out_count) * sizeof(int64_t));
    ctx.set_output_shape(0, plan_.out_shape);
  }

  void eval(const EvalContext& ctx) override {
    const TensorView& in = ctx.inputs[0];
    const TensorView& out = ctx.outputs[0];
    switch (in.dtype) {
      case DType::Float32:
        return run<float>(in.data_as<const float>(), out.data_as<float>(), ctx);
      case DType::Int32:
        return run<int32_t>(in.data_as<const int32_t>(), out.data_as<int32_t>(), ctx);
      default:
        return run<int64_t>(in.data_as<const int64_t>(), out.data_as<int64_t>(), ctx);
    }
  }

 private:
  template <class T>
  void run(const T* in, T* out, const EvalContext& ctx) const {
    const int64_t n = plan_.out_count;
    switch (kind_) {
      case ReduceKind::Sum:
        std::fill(out, out + n, T(0));
        return fold(plan_, in, out, wrap_add<T>);
      case ReduceKind::Prod:
        std::fill(out, out + n, T(1));
        return fold(plan_, in, out, wrap_mul<T>);
      case ReduceKind::Max:
        std::fill(out, out + n, std::numeric_limits<T>::lowest());
        return fold(plan_, in, out, [](T cur, T v) { return v > cur ? v : cur; });
      case ReduceKind::Min:
        std::fill(out, out + n, std::numeric_limits<T>::max());
        return fold(plan_, in, out, [](T cur, T v) { return v < cur ? v : cur; });
      case ReduceKind::Mean:
        return mean(in, out, ctx);
    }
  }

  template <class T>
  void mean(const T* in, T* out, const EvalContext& ctx) const {
    const int64_t n = plan_.out_count;
    if (plan_.in_count == 0) {
      std::fill(out, out + n, std::numeric_limits<T>::quiet_NaN());
      return;
    }
    if constexpr (std::is_same_v<T, int32_t>) {
      int64_t* sum = reinterpret_cast<int64_t*>(ctx.scratch.data());
      std::fill(sum, sum + n, int64_t{0});
      fold(plan_, in, sum, wrap_add<int64_t>);
      for (int64_t k = 0; k < n; ++k) out[k] = static_cast<int32_t>(sum[k] / plan_.per_output);
    } else {
      std::fill(out, out + n, T(0));
      fold(plan_, in, out, wrap_add<T>);
      const T count = static_cast<T>(plan_.per_output);
      for (int64_t k = 0; k < n; ++k) out[k] = out[k] / count;
    }
  }

  ReduceKind kind_;
  bool keep_dims_;
  ReducePlan plan_;
};

template <ReduceKind K>
std::unique_ptr<Kernel> make_reduce(const Op& op) {
  return std::make_unique<Reduce>(op, K);
}

}  // namespace

void register_reduce(Registry& r) {
  r.add(BuiltinOp::Mean, make_reduce<ReduceKind::Mean>);
  r.add(BuiltinOp::Sum, make_reduce<ReduceKind::Sum>);
  r.add(BuiltinOp::ReduceMax, make_reduce<ReduceKind::Max>);
  r.add(BuiltinOp::ReduceMin, make_reduce<ReduceKind::Min>);
  r.add(BuiltinOp::ReduceProd, make_reduce<ReduceKind::Prod>);
}

}  // namespace octet::kernels
