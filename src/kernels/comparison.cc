// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL (bool output),
// LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT, and SELECT_V2, all with numpy
// broadcasting (SELECT_V2 across its three inputs), as TFLite's
// comparisons.cc, logical.cc and select.cc.
//
// Bool tensors hold one byte per element; kernels read any non-zero byte as
// true and write 0 or 1. Comparisons of float NaN follow IEEE (every
// ordering and EQUAL false, NOT_EQUAL true), as TFLite's C++ operators do.
#include "kernels/common.h"
#include "kernels/elementwise.h"

namespace octet::kernels {
namespace {

enum class CompareKind { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

CompareKind compare_kind(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Equal:
      return CompareKind::Equal;
    case BuiltinOp::NotEqual:
      return CompareKind::NotEqual;
    case BuiltinOp::Less:
      return CompareKind::Less;
    case BuiltinOp::LessEqual:
      return CompareKind::LessEqual;
    case BuiltinOp::Greater:
      return CompareKind::Greater;
    default:
      return CompareKind::GreaterEqual;
  }
}

class ComparisonKernel final : public Kernel {
 public:
  explicit ComparisonKernel(const Op& op) : kind_(compare_kind(op.code.builtin)) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& a = ctx.input(0);
    const TensorView& b = ctx.input(1);
    const bool equality = kind_ == CompareKind::Equal || kind_ == CompareKind::NotEqual;
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
    switch (kind_) {
      case CompareKind::Equal:
        broadcast_binary(plan_, a, b, out, [](T x, T y) -> uint8_t { return x == y; });
        break;
      case CompareKind::NotEqual:
        broadcast_binary(plan_, a, b, out, [](T x, T y) -> uint8_t { return x != y; });
        break;
      case CompareKind::Less:
        broadcast_binary(plan_, a, b, out, [](T x, T y) -> uint8_t { return x < y; });
        break;
      case CompareKind::LessEqual:
        broadcast_binary(plan_, a, b, out, [](T x, T y) -> uint8_t { return x <= y; });
        break;
      case CompareKind::Greater:
        broadcast_binary(plan_, a, b, out, [](T x, T y) -> uint8_t { return x > y; });
        break;
      case CompareKind::GreaterEqual:
        broadcast_binary(plan_, a, b, out, [](T x, T y) -> uint8_t { return x >= y; });
        break;
    }
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

// SELECT_V2(condition, x, y): out = condition ? x : y, all three broadcast
// to a common shape. Selection copies elements, so the kernel works on
// element bytes and is the same for every dtype it accepts.
class SelectV2Kernel final : public Kernel {
 public:
  explicit SelectV2Kernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 3);
    ctx.expect_outputs(1);
    const TensorView& cond = ctx.input(0);
    const TensorView& x = ctx.input(1);
    const TensorView& y = ctx.input(2);
    ctx.expect_dtype(cond, DType::Bool, "condition");
    if (x.dtype != DType::Float32 && x.dtype != DType::Int32 && x.dtype != DType::Int64 &&
        x.dtype != DType::Bool)
      fail_dtype(ctx, x, "input 1 (x)", "float32, int32, int64 or bool");
    ctx.expect_dtype(y, x.dtype, "input 2 (y)");
    ctx.expect_dtype(ctx.output(0), x.dtype, "output");
    const std::vector<int32_t> xy = broadcast_shape(ctx, x.shape, y.shape);
    std::vector<int32_t> shape = broadcast_shape(ctx, cond.shape, xy);
    plan_ = plan_broadcast<3>({cond.shape, x.shape, y.shape}, shape);
    ctx.set_output_shape(0, std::move(shape));
    element_size_ = dtype_size(x.dtype);
  }

  void eval(const EvalContext& ctx) override {
    switch (element_size_) {
      case 1:
        run<uint8_t>(ctx);
        break;
      case 4:
        run<uint32_t>(ctx);
        break;
      case 8:
        run<uint64_t>(ctx);
        break;
      default:
        break;
    }
  }

 private:
  template <class E>
  void run(const EvalContext& ctx) {
    const auto* c = ctx.inputs[0].data_as<const uint8_t>();
    const E* x = ctx.inputs[1].data_as<const E>();
    const E* y = ctx.inputs[2].data_as<const E>();
    E* out = ctx.outputs[0].data_as<E>();
    const int64_t n = plan_.row_length();
    const int64_t sc = plan_.row_varies(0), sx = plan_.row_varies(1), sy = plan_.row_varies(2);
    for_each_row(plan_, [&](const std::array<int64_t, 3>& off, int64_t o) {
      const uint8_t* cr = c + off[0];
      const E* xr = x + off[1];
      const E* yr = y + off[2];
      E* z = out + o;
      if (sc && sx && sy) {
        for (int64_t i = 0; i < n; ++i) z[i] = cr[i] ? xr[i] : yr[i];
      } else {
        for (int64_t i = 0; i < n; ++i) z[i] = cr[i * sc] ? xr[i * sx] : yr[i * sy];
      }
    });
  }

  BroadcastPlan<3> plan_;
  size_t element_size_ = 4;
};

}  // namespace

void register_comparison(Registry& r) {
  for (BuiltinOp op : {BuiltinOp::Equal, BuiltinOp::NotEqual, BuiltinOp::Less, BuiltinOp::LessEqual,
                       BuiltinOp::Greater, BuiltinOp::GreaterEqual})
    r.add(op, make_kernel<ComparisonKernel>);
  r.add(BuiltinOp::LogicalAnd, make_kernel<LogicalBinaryKernel>);
  r.add(BuiltinOp::LogicalOr, make_kernel<LogicalBinaryKernel>);
  r.add(BuiltinOp::LogicalNot, make_kernel<LogicalNotKernel>);
  r.add(BuiltinOp::SelectV2, make_kernel<SelectV2Kernel>);
}

}  // namespace octet::kernels
