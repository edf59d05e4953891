// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL (bool output),
// LOGICAL_AND, LOGICAL_OR and LOGICAL_NOT, with numpy broadcasting, as
// TFLite's comparisons.cc and logical.cc. Quantized comparisons are in
// comparison_quantized.cc, SELECT/SELECT_V2 in select.cc.
//
// Bool tensors hold one byte per element; kernels read any non-zero byte as
// true and write 0 or 1. Comparisons of float NaN follow IEEE (every
// ordering and EQUAL false, NOT_EQUAL true), as TFLite's C++ operators do.
#include "kernels/common.h"
#include "kernels/compare.h"
#include "kernels/elementwise.h"

namespace octet::kernels {
namespace {

class ComparisonKernel final : public Kernel {
 public:
  explicit ComparisonKernel(const Op& op) : kind_(compare_kind(op.code.builtin)) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& a = ctx.input(0);
    const TensorView& b = ctx.input(1);
    const bool equality = is_equality(kind_);
    const bool numeric =
        a.dtype == DType::Float32 || a.dtype == DType::Int32 || a.dtype == DType::Int64;
    if (!numeric && !(equality && a.dtype == DType::Bool))
      fail_dtype(ctx, a, "input 0",
                 equality ? "float32, int32, int64 or bool" : "float32, int32 or int64");
    ctx.expect_dtype(b, a.dtype, "input 1");
    ctx.expect_dtype(ctx.output(0), DType::Bool, "output");
    std::vector<int32_t> shape = broadcast_shape(ctx, a.shape, b.shape);
    plan_ = plan_broadcast<2>({a.shape, b.shape}, shape);
    ctx.set_output_shape(0, std::move(shape));
    dtype_ = a.dtype;
  }

  void eval(const EvalContext& ctx) override {
    switch (dtype_) {
      case DType::Float32:
        run<float>(ctx);
        break;
      case DType::Int32:
        run<int32_t>(ctx);
        break;
      case DType::Int64:
        run<int64_t>(ctx);
        break;
      case DType::Bool: {
        // Only (NOT_)EQUAL reach here; compare truth values, not bytes.
        const bool want_equal = kind_ == CompareKind::Equal;
        broadcast_binary(plan_, ctx.inputs[0].data_as<const uint8_t>(),
                         ctx.inputs[1].data_as<const uint8_t>(), ctx.outputs[0].data_as<uint8_t>(),
                         [want_equal](uint8_t x, uint8_t y) -> uint8_t {
                           return ((x != 0) == (y != 0)) == want_equal;
                         });
        break;
      }
      default:
        break;  // refused in prepare
    }
  }

 private:
  template <class T>
  void run(const EvalContext& ctx) {
    const T* a = ctx.inputs[0].data_as<const T>();
    const T* b = ctx.inputs[1].data_as<const T>();
    uint8_t* out = ctx.outputs[0].data_as<uint8_t>();
    with_comparison(kind_, [&](auto cmp) {
      broadcast_binary(plan_, a, b, out, [=](T x, T y) -> uint8_t { return cmp(x, y); });
    });
  }

  CompareKind kind_;
  DType dtype_ = DType::Float32;
  BroadcastPlan<2> plan_;
};

// LOGICAL_AND, LOGICAL_OR.
class LogicalBinaryKernel final : public Kernel {
 public:
  explicit LogicalBinaryKernel(const Op& op) : is_and_(op.code.builtin == BuiltinOp::LogicalAnd) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    ctx.expect_dtype(ctx.input(0), DType::Bool, "input 0");
    ctx.expect_dtype(ctx.input(1), DType::Bool, "input 1");
    ctx.expect_dtype(ctx.output(0), DType::Bool, "output");
    std::vector<int32_t> shape = broadcast_shape(ctx, ctx.input(0).shape, ctx.input(1).shape);
    plan_ = plan_broadcast<2>({ctx.input(0).shape, ctx.input(1).shape}, shape);
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    const auto* a = ctx.inputs[0].data_as<const uint8_t>();
    const auto* b = ctx.inputs[1].data_as<const uint8_t>();
    auto* out = ctx.outputs[0].data_as<uint8_t>();
    if (is_and_)
      broadcast_binary(plan_, a, b, out,
                       [](uint8_t x, uint8_t y) -> uint8_t { return (x != 0) & (y != 0); });
    else
      broadcast_binary(plan_, a, b, out,
                       [](uint8_t x, uint8_t y) -> uint8_t { return (x != 0) | (y != 0); });
  }

 private:
  bool is_and_;
  BroadcastPlan<2> plan_;
};

class LogicalNotKernel final : public Kernel {
 public:
  explicit LogicalNotKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    ctx.expect_dtype(ctx.input(0), DType::Bool, "input");
    ctx.expect_dtype(ctx.output(0), DType::Bool, "output");
    ctx.set_output_shape(0, {ctx.input(0).shape.begin(), ctx.input(0).shape.end()});
  }

  void eval(const EvalContext& ctx) override {
    map_elements(ctx.inputs[0].data_as<const uint8_t>(), ctx.outputs[0].data_as<uint8_t>(),
                 ctx.inputs[0].num_elements(), [](uint8_t x) -> uint8_t { return x == 0; });
  }
};

}  // namespace

void register_comparison(Registry& r) {
  for (BuiltinOp op : {BuiltinOp::Equal, BuiltinOp::NotEqual, BuiltinOp::Less, BuiltinOp::LessEqual,
                       BuiltinOp::Greater, BuiltinOp::GreaterEqual})
    r.add(op, make_kernel<ComparisonKernel>);
  r.add(BuiltinOp::LogicalAnd, make_kernel<LogicalBinaryKernel>);
  r.add(BuiltinOp::LogicalOr, make_kernel<LogicalBinaryKernel>);
  r.add(BuiltinOp::LogicalNot, make_kernel<LogicalNotKernel>);
}

}  // namespace octet::kernels
