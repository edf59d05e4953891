// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, POW: numpy
// broadcasting up to rank 6, float32 and the integer types TFLite's kernels
// take, with the fused activation of ADD/SUB/MUL/DIV applied as TFLite's
// ActivationFunctionWithMinMax (min(max(x, lo), hi)).
//
// Semantics follow TFLite's reference kernels (kernels/internal/reference/
// add.h, sub.h, mul.h, div.h, maximum_minimum.h, pow via std::pow):
//  - integer DIV truncates toward zero (C++ '/'); TFLite refuses a zero
//    divisor, so octet throws at eval naming the element;
//  - integer POW raises by repeated squaring and refuses negative exponents;
//  - MAXIMUM is `a > b ? a : b`, MINIMUM `a < b ? a : b` (so a NaN in `a`
//    yields `b`), exactly TFLite's MaximumOp/MinimumOp;
//  - integer overflow wraps (two's complement), where TFLite's plain int
//    arithmetic is undefined but wraps on the hardware it runs on.
#include <cmath>
#include <string>
#include <type_traits>

#include "kernels/common.h"
#include "kernels/elementwise.h"

namespace octet::kernels {
namespace {

enum class BinaryKind { Add, Sub, Mul, Div, SquaredDifference, Maximum, Minimum, Pow };

BinaryKind kind_of(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Add:
      return BinaryKind::Add;
    case BuiltinOp::Sub:
      return BinaryKind::Sub;
    case BuiltinOp::Mul:
      return BinaryKind::Mul;
    case BuiltinOp::Div:
      return BinaryKind::Div;
    case BuiltinOp::SquaredDifference:
      return BinaryKind::SquaredDifference;
    case BuiltinOp::Maximum:
      return BinaryKind::Maximum;
    case BuiltinOp::Minimum:
      return BinaryKind::Minimum;
    default:
      return BinaryKind::Pow;
  }
}

bool has_fused_activation(BinaryKind k) {
  return k == BinaryKind::Add || k == BinaryKind::Sub || k == BinaryKind::Mul ||
         k == BinaryKind::Div;
}

// The dtypes TFLite's float/integer kernels accept for each op.
bool supports(BinaryKind k, DType t) {
  switch (k) {
    case BinaryKind::Add:
    case BinaryKind::Sub:
    case BinaryKind::Mul:
    case BinaryKind::Maximum:
    case BinaryKind::Minimum:
      return t == DType::Float32 || t == DType::Int32 || t == DType::Int64;
    case BinaryKind::Div:
    case BinaryKind::SquaredDifference:
    case BinaryKind::Pow:
      return t == DType::Float32 || t == DType::Int32;
  }
  return false;
}

const char* supported_list(BinaryKind k) {
  switch (k) {
    case BinaryKind::Div:
    case BinaryKind::SquaredDifference:
    case BinaryKind::Pow:
      return "float32 or int32";
    default:
      return "float32, int32 or int64";
  }
}

// TFLite's CalculateActivationRange<T>: the float one is activation_range();
// integers clamp to [0, max], [0, 6], [-1, 1] or the type's whole range.
template <class T>
struct Bounds {
  T min, max;
};
template <class T>
Bounds<T> activation_bounds(Activation a) {
  if constexpr (std::is_floating_point_v<T>) {
    const FloatRange r = activation_range(a);
    return {r.min, r.max};
  } else {
    switch (a) {
      case Activation::Relu:
        return {0, std::numeric_limits<T>::max()};
      case Activation::Relu6:
        return {0, 6};
      case Activation::ReluN1To1:
        return {-1, 1};
      default:
        return {std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max()};
    }
  }
}

// Arithmetic that wraps for integers instead of being undefined.
template <class T>
T add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <class T>
T sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}
template <class T>
T mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return a * b;
  }
}
// Truncating division; the one overflowing case (min / -1) wraps to min
// instead of trapping. Zero divisors are rejected before this runs.
template <class T>
T divide(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return b == -1 ? sub<T>(0, a) : static_cast<T>(a / b);
  } else {
    return a / b;
  }
}
// Exponentiation by squaring, TFLite's IntegerPow for int32 POW.
template <class T>
T integer_pow(T base, T exponent) {
  T result = 1;
  while (exponent > 0) {
    if (exponent & 1) result = mul(result, base);
    exponent >>= 1;
    base = mul(base, base);
  }
  return result;
}

class BinaryKernel final : public Kernel {
 public:
  explicit BinaryKernel(const Op& op) : kind_(kind_of(op.code.builtin)) {
    if (has_fused_activation(kind_))
      activation_ = op.options.get_or_default<opt::FusedActivation>().activation;
  }

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& a = ctx.input(0);
    const TensorView& b = ctx.input(1);
    if (!supports(kind_, a.dtype)) fail_dtype(ctx, a, "input 0", supported_list(kind_));
    ctx.expect_dtype(b, a.dtype, "input 1");
    ctx.expect_dtype(ctx.output(0), a.dtype, "output");
    expect_clamp_activation(ctx, activation_);
    std::vector<int32_t> shape = broadcast_shape(ctx, a.shape, b.shape);
    plan_ = plan_broadcast<2>({a.shape, b.shape}, shape);
    ctx.set_output_shape(0, std::move(shape));
    dtype_ = a.dtype;
    location_ = ctx.location();
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
      default:
        break;  // refused in prepare
    }
  }

 private:
  template <class T>
  void run(const EvalContext& ctx) {
    const T* a = ctx.inputs[0].data_as<const T>();
    const T* b = ctx.inputs[1].data_as<const T>();
    T* out = ctx.outputs[0].data_as<T>();
    const Bounds<T> r = activation_bounds<T>(activation_);
    auto clamp = [r](T v) { return std::min(std::max(v, r.min), r.max); };
    switch (kind_) {
      case BinaryKind::Add:
        broadcast_binary(plan_, a, b, out, [=](T x, T y) { return clamp(add(x, y)); });
        break;
      case BinaryKind::Sub:
        broadcast_binary(plan_, a, b, out, [=](T x, T y) { return clamp(sub(x, y)); });
        break;
      case BinaryKind::Mul:
        broadcast_binary(plan_, a, b, out, [=](T x, T y) { return clamp(mul(x, y)); });
        break;
      case BinaryKind::Div:
        if constexpr (std::is_integral_v<T>) expect_nonzero(ctx.inputs[1], b);
        broadcast_binary(plan_, a, b, out, [=](T x, T y) { return clamp(divide(x, y)); });
        break;
      case BinaryKind::SquaredDifference:
        broadcast_binary(plan_, a, b, out, [](T x, T y) {
          const T d = sub(x, y);
          return mul(d, d);
        });
        break;
      case BinaryKind::Maximum:
        broadcast_binary(plan_, a, b, out, [](T x, T y) { return x > y ? x : y; });
        break;
      case BinaryKind::Minimum:
        broadcast_binary(plan_, a, b, out, [](T x, T y) { return x < y ? x : y; });
        break;
      case BinaryKind::Pow:
        if constexpr (std::is_floating_point_v<T>) {
          broadcast_binary(plan_, a, b, out, [](T x, T y) { return std::pow(x, y); });
        } else {
          expect_nonnegative(ctx.inputs[1], b);
          broadcast_binary(plan_, a, b, out, [](T x, T y) { return integer_pow(x, y); });
        }
        break;
    }
  }

  // Input-dependent failures can only be found at eval; they throw like
  // prepare's, with the op's location.
  template <class T>
  void expect_nonzero(const TensorView& divisor, const T* data) const {
    const int64_t n = divisor.num_elements();
    for (int64_t i = 0; i < n; ++i)
      if (data[i] == 0)
        throw Error(
            fmt::format("{}: integer division by zero: divisor tensor {} '{}' element {} is 0",
                        location_, divisor.index, divisor.name(), i));
  }
  template <class T>
  void expect_nonnegative(const TensorView& exponent, const T* data) const {
    const int64_t n = exponent.num_elements();
    for (int64_t i = 0; i < n; ++i)
      if (data[i] < 0)
        throw Error(fmt::format(
            "{}: integer POW needs non-negative exponents: tensor {} '{}' element {} is {}",
            location_, exponent.index, exponent.name(), i, data[i]));
  }

  BinaryKind kind_;
  Activation activation_ = Activation::None;
  DType dtype_ = DType::Float32;
  BroadcastPlan<2> plan_;
  std::string location_;
};

}  // namespace

void register_elementwise_binary(Registry& r) {
  for (BuiltinOp op :
       {BuiltinOp::Add, BuiltinOp::Sub, BuiltinOp::Mul, BuiltinOp::Div,
        BuiltinOp::SquaredDifference, BuiltinOp::Maximum, BuiltinOp::Minimum, BuiltinOp::Pow})
    r.add(op, make_kernel<BinaryKernel>);
}

}  // namespace octet::kernels
