// EXP, LOG, RSQRT, SQRT, NEG, ABS, SQUARE, CAST, ZEROS_LIKE.
//
// The float maps use the std functions, as TFLite's elementwise.cc and
// exp.cc do (RSQRT is 1 / sqrt(x), not a reciprocal-sqrt estimate).
//
// CAST follows TFLite's cast.cc (the version with saturating float casts):
//  - float32 -> int32 saturates, and NaN becomes INT32_MAX (its `a <= max`
//    test is false for NaN);
//  - float32 -> int16 / uint8 clamp to the type's range first;
//  - every other float -> integer cast is a plain C++ static_cast, undefined
//    out of range; octet gives what x86 (where the LiteRT oracle runs)
//    gives: truncate through a 32-bit (64-bit for int64/uint32) conversion
//    whose out-of-range and NaN result is the most negative integer, then
//    keep the low bits. So float32 -> int8 of 200.0 is -56, NaN -> int8 is 0;
//  - float16 sources convert to float32 first, then cast as plainly
//    (no saturation, even to int32);
//  - anything -> bool is `value != 0` (NaN is true); bool -> number is 0/1;
//  - integer -> integer wraps (C++20 modular conversion);
//  - -> float16 rounds to nearest even via float32.
#include <cstring>

#include "kernels/common.h"
#include "kernels/elementwise.h"
#include "kernels/float16.h"

namespace octet::kernels {
namespace {

enum class UnaryKind { Exp, Log, Rsqrt, Sqrt, Neg, Abs, Square };

UnaryKind unary_kind(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Exp:
      return UnaryKind::Exp;
    case BuiltinOp::Log:
      return UnaryKind::Log;
    case BuiltinOp::Rsqrt:
      return UnaryKind::Rsqrt;
    case BuiltinOp::Sqrt:
      return UnaryKind::Sqrt;
    case BuiltinOp::Neg:
      return UnaryKind::Neg;
    case BuiltinOp::Abs:
      return UnaryKind::Abs;
    default:
      return UnaryKind::Square;
  }
}

// Integer NEG/ABS of the most negative value wrap to itself.
template <class T>
T wrapping_neg(T v) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(U{0} - static_cast<U>(v));
}

class UnaryKernel final : public Kernel {
 public:
  explicit UnaryKernel(const Op& op) : kind_(unary_kind(op.code.builtin)) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    // TFLite's types: NEG float32/int32/int64, ABS float32/int32, the rest float32.
    const bool ok =
        in.dtype == DType::Float32 ||
        (kind_ == UnaryKind::Neg && (in.dtype == DType::Int32 || in.dtype == DType::Int64)) ||
        (kind_ == UnaryKind::Abs && in.dtype == DType::Int32);
    if (!ok)
      fail_dtype(ctx, in, "input",
                 kind_ == UnaryKind::Neg   ? "float32, int32 or int64"
                 : kind_ == UnaryKind::Abs ? "float32 or int32"
                                           : "float32");
    ctx.expect_dtype(ctx.output(0), in.dtype, "output");
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
    dtype_ = in.dtype;
  }

  void eval(const EvalContext& ctx) override {
    const int64_t n = ctx.inputs[0].num_elements();
    switch (dtype_) {
      case DType::Float32:
        run_float(ctx.inputs[0].data_as<const float>(), ctx.outputs[0].data_as<float>(), n);
        break;
      case DType::Int32:
        run_int(ctx.inputs[0].data_as<const int32_t>(), ctx.outputs[0].data_as<int32_t>(), n);
        break;
      case DType::Int64:
        run_int(ctx.inputs[0].data_as<const int64_t>(), ctx.outputs[0].data_as<int64_t>(), n);
        break;
      default:
        break;  // refused in prepare
    }
  }

 private:
  void run_float(const float* in, float* out, int64_t n) const {
    switch (kind_) {
      case UnaryKind::Exp:
        map_elements(
            in, out, n, [](float x) { return std::exp(x); }, true);
        break;
      case UnaryKind::Log:
        map_elements(
            in, out, n, [](float x) { return std::log(x); }, true);
        break;
      case UnaryKind::Rsqrt:
        map_elements(in, out, n, [](float x) { return 1.f / std::sqrt(x); });
        break;
      case UnaryKind::Sqrt:
        map_elements(in, out, n, [](float x) { return std::sqrt(x); });
        break;
      case UnaryKind::Neg:
        map_elements(in, out, n, [](float x) { return -x; });
        break;
      case UnaryKind::Abs:
        map_elements(in, out, n, [](float x) { return std::fabs(x); });
        break;
      case UnaryKind::Square:
        map_elements(in, out, n, [](float x) { return x * x; });
        break;
    }
  }
  template <class T>
  void run_int(const T* in, T* out, int64_t n) const {
    if (kind_ == UnaryKind::Neg)
      map_elements(in, out, n, [](T x) { return wrapping_neg(x); });
    else  // ABS
      map_elements(in, out, n, [](T x) { return x < 0 ? wrapping_neg(x) : x; });
  }

  UnaryKind kind_;
  DType dtype_ = DType::Float32;
};

// ---- CAST -----------------------------------------------------------------

// Storage types that are not C++ arithmetic types of their own.
struct Half {
  uint16_t bits;
};
struct Bool {
  uint8_t byte;
};

// x86's truncating conversion (cvttss2si): out of range or NaN gives the
// most negative value of the conversion width; the result then wraps to T.
template <class T>
T x86_truncate(float f) {
  if constexpr (sizeof(T) == 8 || std::is_same_v<T, uint32_t>) {
    const int64_t wide = (f >= -0x1p63f && f < 0x1p63f) ? static_cast<int64_t>(f)
                                                        : std::numeric_limits<int64_t>::min();
    return static_cast<T>(wide);
  } else {
    const int32_t wide = (f >= -0x1p31f && f < 0x1p31f) ? static_cast<int32_t>(f)
                                                        : std::numeric_limits<int32_t>::min();
    return static_cast<T>(wide);
  }
}

template <class To>
To from_half_value(float f) {  // TFLite: static_cast<To>(fp16 -> fp32 value)
  if constexpr (std::is_same_v<To, float>)
    return f;
  else if constexpr (std::is_same_v<To, Bool>)
    return Bool{static_cast<uint8_t>(f != 0.f)};  // NaN is true
  else
    return x86_truncate<To>(f);
}

template <class To>
To from_float(float f) {
  if constexpr (std::is_same_v<To, float>) {
    return f;
  } else if constexpr (std::is_same_v<To, Half>) {
    return Half{float_to_half(f)};
  } else if constexpr (std::is_same_v<To, Bool>) {
    return Bool{static_cast<uint8_t>(f != 0.f)};  // NaN != 0 is true
  } else if constexpr (std::is_same_v<To, int32_t>) {
    // Saturating; NaN fails `f <= max` and becomes INT32_MAX, as in TFLite.
    const float min = -0x1p31f, max = std::nextafter(0x1p31f, 0.f);
    return f <= max ? static_cast<int32_t>(std::max(f, min)) : std::numeric_limits<int32_t>::max();
  } else if constexpr (std::is_same_v<To, int16_t> || std::is_same_v<To, uint8_t>) {
    // Clamp first; NaN survives the clamp and truncates to 0 on x86.
    const float lo = std::numeric_limits<To>::min(), hi = std::numeric_limits<To>::max();
    return x86_truncate<To>(std::max(std::min(f, hi), lo));
  } else {
    return x86_truncate<To>(f);
  }
}

template <class From, class To>
To convert(From v) {
  if constexpr (std::is_same_v<From, Half>) {
    if constexpr (std::is_same_v<To, Half>)
      return v;
    else
      return from_half_value<To>(half_to_float(v.bits));
  } else if constexpr (std::is_same_v<From, float>) {
    return from_float<To>(v);
  } else if constexpr (std::is_same_v<From, Bool>) {
    const uint8_t b = v.byte != 0;
    if constexpr (std::is_same_v<To, Half>)
      return Half{float_to_half(b)};
    else if constexpr (std::is_same_v<To, Bool>)
      return Bool{b};
    else
      return static_cast<To>(b);
  } else {  // integer source
    if constexpr (std::is_same_v<To, Half>)
      return Half{float_to_half(static_cast<float>(v))};
    else if constexpr (std::is_same_v<To, Bool>)
      return Bool{static_cast<uint8_t>(v != 0)};
    else
      return static_cast<To>(v);
  }
}

bool castable(DType t) {
  switch (t) {
    case DType::Float32:
    case DType::Float16:
    case DType::Int32:
    case DType::Int64:
    case DType::Bool:
    case DType::UInt8:
    case DType::Int8:
    case DType::Int16:
    case DType::UInt16:
    case DType::UInt32:
      return true;
    default:
      return false;
  }
}

// Calls f(T{}) with T the storage type of `t` (one of castable()).
template <class F>
void with_storage_type(DType t, F&& f) {
  switch (t) {
    case DType::Float32:
      f(float{});
      break;
    case DType::Float16:
      f(Half{});
      break;
    case DType::Int32:
      f(int32_t{});
      break;
    case DType::Int64:
      f(int64_t{});
      break;
    case DType::Bool:
      f(Bool{});
      break;
    case DType::UInt8:
      f(uint8_t{});
      break;
    case DType::Int8:
      f(int8_t{});
      break;
    case DType::Int16:
      f(int16_t{});
      break;
    case DType::UInt16:
      f(uint16_t{});
      break;
    case DType::UInt32:
      f(uint32_t{});
      break;
    default:
      break;
  }
}

// CAST converts values and ignores quantization parameters, as TFLite does.
class CastKernel final : public Kernel {
 public:
  explicit CastKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    constexpr const char* kTypes =
        "float32, float16, int32, int64, bool, uint8, int8, int16, uint16 or uint32";
    if (!castable(in.dtype))
      ctx.fail("input tensor {} '{}' is {}, expected one of {}", in.index, in.name(),
               dtype_name(in.dtype), kTypes);
    if (!castable(out.dtype))
      ctx.fail("output tensor {} '{}' is {}, expected one of {}", out.index, out.name(),
               dtype_name(out.dtype), kTypes);
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
    from_ = in.dtype;
    to_ = out.dtype;
  }

  void eval(const EvalContext& ctx) override {
    const int64_t n = ctx.inputs[0].num_elements();
    const std::byte* in = ctx.inputs[0].data;
    std::byte* out = ctx.outputs[0].data;
    with_storage_type(from_, [&](auto from_tag) {
      using From = decltype(from_tag);
      with_storage_type(to_, [&](auto to_tag) {
        using To = decltype(to_tag);
        map_elements(reinterpret_cast<const From*>(in), reinterpret_cast<To*>(out), n,
                     [](From v) { return convert<From, To>(v); });
      });
    });
  }

 private:
  DType from_ = DType::Float32, to_ = DType::Float32;
};

// ZEROS_LIKE: TFLite's types are float32, int32 and int64; zero is all-zero bytes.
class ZerosLikeKernel final : public Kernel {
 public:
  explicit ZerosLikeKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    if (in.dtype != DType::Float32 && in.dtype != DType::Int32 && in.dtype != DType::Int64)
      fail_dtype(ctx, in, "input", "float32, int32 or int64");
    ctx.expect_dtype(ctx.output(0), in.dtype, "output");
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
  }

  void eval(const EvalContext& ctx) override {
    const size_t bytes = ctx.outputs[0].num_bytes();
    if (bytes > 0) std::memset(ctx.outputs[0].data, 0, bytes);
  }
};

}  // namespace

void register_elementwise_unary(Registry& r) {
  for (BuiltinOp op : {BuiltinOp::Exp, BuiltinOp::Log, BuiltinOp::Rsqrt, BuiltinOp::Sqrt,
                       BuiltinOp::Neg, BuiltinOp::Abs, BuiltinOp::Square})
    r.add(op, make_kernel<UnaryKernel>);
  // CAST converts values and never reads quantization: the same kernel for
  // quantized tensors (LiteRT's cast.cc), e.g. an int32 0/1 mask → int8 at scale 1.
  r.add_any(BuiltinOp::Cast, make_kernel<CastKernel>);
  r.add(BuiltinOp::ZerosLike, make_kernel<ZerosLikeKernel>);
}

}  // namespace octet::kernels
