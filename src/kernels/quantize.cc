// DEQUANTIZE (float16, int8, uint8, int16 -> float32) and QUANTIZE
// (float32 -> int8, uint8, int16), as TFLite's reference dequantize.h and
// quantize.h:
//   dequantize: real = (q - zero_point) * scale
//   quantize:   q = clamp(round(real / scale) + zero_point, q_min, q_max)
// with round half away from zero (TFLiteRound = std::round) and a true
// division by the scale, not a multiplication by its inverse: the two differ
// in the last bit and so in which integer a tie lands on.
//
// Per-channel parameters (one scale and zero point per index of
// quantized_dimension) are supported both ways. Float16 DEQUANTIZE is how
// MediaPipe models store float weights; it converts bits exactly.
//
// Out-of-range QUANTIZE inputs saturate to q_min/q_max (TFLite's int32 cast
// of round(real / scale) is undefined there); NaN gives q_min, as x86 LiteRT
// does.
//
// QUANTIZE of an integer input requantizes (LiteRT's Requantize, the pairs
// quantize.cc accepts: int8/uint8 -> int8, uint8, int16; int16 -> int8,
// int16, int32; int32 -> int8, int16), per tensor:
//   q_out = clamp(z_out + M·(q_in − z_in)),  M = s_in / s_out in double,
// with TFLite's double-rounding multiplier. Same scales and zero points 128
// apart (int8 <-> uint8) give the runtime's bit flip, which this equals.
// Followed at LiteRT commit f6745779.
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common.h"
#include "kernels/elementwise.h"
#include "kernels/float16.h"
#include "kernels/quant_elementwise.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

// Scale and zero point per channel (one entry when per-tensor), and how the
// flat index maps to a channel: channel = (i / inner) % channels.
struct ChannelParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int64_t inner = 1;  // elements after the quantized dimension

  bool per_tensor() const { return scale.size() == 1; }
};

// Reads and checks the quantization parameters of `t` (role names it).
ChannelParams channel_params(const PrepareContext& ctx, const TensorView& t,
                             std::string_view role) {
  const QuantParams* q = t.quant;
  if (q == nullptr || q->empty())
    ctx.fail("{} tensor {} '{}' ({}) has no quantization parameters", role, t.index, t.name(),
             dtype_name(t.dtype));
  if (!q->zero_point.empty() && q->zero_point.size() != q->scale.size())
    ctx.fail("{} tensor {} '{}' has {} scales but {} zero points", role, t.index, t.name(),
             q->scale.size(), q->zero_point.size());
  ChannelParams p;
  p.scale = q->scale;
  p.zero_point.resize(q->scale.size(), 0);
  const int64_t lo = t.dtype == DType::UInt8 ? 0 : t.dtype == DType::Int8 ? -128 : -32768;
  const int64_t hi = t.dtype == DType::UInt8 ? 255 : t.dtype == DType::Int8 ? 127 : 32767;
  for (size_t c = 0; c < q->zero_point.size(); ++c) {
    if (q->zero_point[c] < lo || q->zero_point[c] > hi)
      ctx.fail("{} tensor {} '{}' zero point {} is outside {}'s range [{}, {}]", role, t.index,
               t.name(), q->zero_point[c], dtype_name(t.dtype), lo, hi);
    p.zero_point[c] = static_cast<int32_t>(q->zero_point[c]);
  }
  if (q->per_channel()) {
    const int axis = q->quantized_dimension;
    if (axis < 0 || axis >= t.rank())
      ctx.fail("{} tensor {} '{}' is quantized per channel on dimension {}, but has rank {}", role,
               t.index, t.name(), axis, t.rank());
    if (t.dim(axis) != static_cast<int32_t>(q->scale.size()))
      ctx.fail("{} tensor {} '{}' has {} per-channel scales for dimension {} of size {}", role,
               t.index, t.name(), q->scale.size(), axis, t.dim(axis));
    for (int d = axis + 1; d < t.rank(); ++d) p.inner *= t.dim(d);
  }
  return p;
}

// Walks the flat tensor in runs of one channel: f(begin, end, channel).
template <class F>
void for_each_channel_run(const ChannelParams& p, int64_t n, F&& f) {
  if (p.per_tensor()) {
    f(int64_t{0}, n, size_t{0});
    return;
  }
  const size_t channels = p.scale.size();
  size_t c = 0;
  for (int64_t begin = 0; begin < n; begin += p.inner) {
    f(begin, std::min(n, begin + p.inner), c);
    if (++c == channels) c = 0;
  }
}

class DequantizeKernel final : public Kernel {
 public:
  explicit DequantizeKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    ctx.expect_dtype(ctx.output(0), DType::Float32, "output");
    dtype_ = in.dtype;
    if (in.dtype == DType::Int8 || in.dtype == DType::UInt8 || in.dtype == DType::Int16) {
      params_ = channel_params(ctx, in, "input");
    } else if (in.dtype != DType::Float16) {
      ctx.fail("input tensor {} '{}' is {}, expected float16, int8, uint8 or int16", in.index,
               in.name(), dtype_name(in.dtype));
    }
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
  }

  void eval(const EvalContext& ctx) override {
    const int64_t n = ctx.inputs[0].num_elements();
    float* out = ctx.outputs[0].data_as<float>();
    switch (dtype_) {
      case DType::Float16:
        map_elements(ctx.inputs[0].data_as<const uint16_t>(), out, n, half_to_float);
        break;
      case DType::Int8:
        run(ctx.inputs[0].data_as<const int8_t>(), out, n);
        break;
      case DType::UInt8:
        run(ctx.inputs[0].data_as<const uint8_t>(), out, n);
        break;
      case DType::Int16:
        run(ctx.inputs[0].data_as<const int16_t>(), out, n);
        break;
      default:
        break;  // refused in prepare
    }
  }

 private:
  template <class Q>
  void run(const Q* in, float* out, int64_t n) const {
    for_each_channel_run(params_, n, [&](int64_t begin, int64_t end, size_t c) {
      const float scale = params_.scale[c];
      const int32_t zero_point = params_.zero_point[c];
      // (q - zp) is exact and small, so the float product equals TFLite's
      // double-precision product rounded to float.
      for (int64_t i = begin; i < end; ++i)
        out[i] = static_cast<float>(static_cast<int32_t>(in[i]) - zero_point) * scale;
    });
  }

  DType dtype_ = DType::Float16;
  ChannelParams params_;
};

class QuantizeKernel final : public Kernel {
 public:
  explicit QuantizeKernel(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    if (in.dtype != DType::Float32) {
      if (in.dtype != DType::Int8 && in.dtype != DType::UInt8 && in.dtype != DType::Int16 &&
          in.dtype != DType::Int32)
        ctx.fail("input tensor {} '{}' is {}, expected float32, int8, uint8, int16 or int32",
                 in.index, in.name(), dtype_name(in.dtype));
      prepare_requantize(ctx, in, out);
      return;
    }
    if (out.dtype != DType::Int8 && out.dtype != DType::UInt8 && out.dtype != DType::Int16)
      ctx.fail("output tensor {} '{}' is {}, expected int8, uint8 or int16", out.index, out.name(),
               dtype_name(out.dtype));
    // Output parameters describe the output's shape, which equals the input's.
    TensorView shaped = out;
    shaped.shape = in.shape;
    params_ = channel_params(ctx, shaped, "output");
    for (float s : params_.scale)
      if (!(s > 0.f) || !std::isfinite(s))
        ctx.fail("output tensor {} '{}' has scale {}, expected a positive finite number", out.index,
                 out.name(), s);
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
    dtype_ = out.dtype;
  }

  void eval(const EvalContext& ctx) override {
    if (requantize_) {
      eval_requantize(ctx);
      return;
    }
    const float* in = ctx.inputs[0].data_as<const float>();
    const int64_t n = ctx.inputs[0].num_elements();
    switch (dtype_) {
      case DType::Int8:
        run(in, ctx.outputs[0].data_as<int8_t>(), n);
        break;
      case DType::UInt8:
        run(in, ctx.outputs[0].data_as<uint8_t>(), n);
        break;
      case DType::Int16:
        run(in, ctx.outputs[0].data_as<int16_t>(), n);
        break;
      default:
        break;  // refused in prepare
    }
  }

 private:
  template <class Q>
  void run(const float* in, Q* out, int64_t n) const {
    for_each_channel_run(params_, n, [&](int64_t begin, int64_t end, size_t c) {
      const float scale = params_.scale[c];
      const int32_t zero_point = params_.zero_point[c];
      // Clamp round(x / scale) to [q_min - zp, q_max - zp] while still a
      // float (exact: small integers), so the int conversion is always
      // defined; NaN fails both tests and lands on q_min.
      const float lo = static_cast<float>(std::numeric_limits<Q>::min() - zero_point);
      const float hi = static_cast<float>(std::numeric_limits<Q>::max() - zero_point);
      // LiteRT's builtin (optimized) kernel divides a per-tensor scale in double,
      // the per-channel reference kernel in float; a quotient next to .5 can round
      // either way between the two.
      const bool per_tensor = params_.scale.size() == 1;
      for (int64_t i = begin; i < end; ++i) {
        float r = per_tensor ? static_cast<float>(std::round(static_cast<double>(in[i]) / scale))
                             : std::round(in[i] / scale);
        r = r > lo ? r : lo;
        r = r < hi ? r : hi;
        out[i] = static_cast<Q>(static_cast<int32_t>(r) + zero_point);
      }
    });
  }

  void prepare_requantize(PrepareContext& ctx, const TensorView& in, const TensorView& out) {
    const bool ok =
        in.dtype == DType::Int16
            ? out.dtype == DType::Int8 || out.dtype == DType::Int16 || out.dtype == DType::Int32
        : in.dtype == DType::Int32
            ? out.dtype == DType::Int8 || out.dtype == DType::Int16
            : out.dtype == DType::Int8 || out.dtype == DType::UInt8 || out.dtype == DType::Int16;
    if (!ok)
      ctx.fail(
          "requantizing {} tensor {} '{}' to {} (output tensor {} '{}') is not a pair LiteRT's "
          "QUANTIZE takes",
          dtype_name(in.dtype), in.index, in.name(), dtype_name(out.dtype), out.index, out.name());
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    requant_.input_zero_point = qi.zero_point;
    requant_.output_zero_point = qo.zero_point;
    requant_.m = multiplier_any(ctx, static_cast<double>(qi.scale) / static_cast<double>(qo.scale),
                                "multiplier input scale / output scale");
    requant_.range = dtype_range(out.dtype);
    requantize_ = true;
    in_dtype_ = in.dtype;
    dtype_ = out.dtype;
    ctx.set_output_shape(0, {in.shape.begin(), in.shape.end()});
  }

  template <class In, class Out>
  void requantize(const EvalContext& ctx) const {
    const Requant r = requant_;
    map_elements(ctx.inputs[0].data_as<const In>(), ctx.outputs[0].data_as<Out>(),
                 ctx.inputs[0].num_elements(), [r](In x) {
                   // Wraps for int32 inputs far from the zero point, as the
                   // runtime's int32 subtraction does on its targets.
                   const auto v = static_cast<int32_t>(static_cast<uint32_t>(x) -
                                                       static_cast<uint32_t>(r.input_zero_point));
                   return static_cast<Out>(clamp_to(
                       multiply_by_quantized_multiplier(v, r.m) + r.output_zero_point, r.range));
                 });
  }

  template <class In>
  void requantize_from(const EvalContext& ctx) const {
    switch (dtype_) {
      case DType::Int8:
        requantize<In, int8_t>(ctx);
        break;
      case DType::UInt8:
        requantize<In, uint8_t>(ctx);
        break;
      case DType::Int16:
        requantize<In, int16_t>(ctx);
        break;
      default:
        requantize<In, int32_t>(ctx);
        break;
    }
  }

  void eval_requantize(const EvalContext& ctx) const {
    switch (in_dtype_) {
      case DType::Int8:
        requantize_from<int8_t>(ctx);
        break;
      case DType::UInt8:
        requantize_from<uint8_t>(ctx);
        break;
      case DType::Int16:
        requantize_from<int16_t>(ctx);
        break;
      default:
        requantize_from<int32_t>(ctx);
        break;
    }
  }

  struct Requant {
    int32_t input_zero_point = 0, output_zero_point = 0;
    Multiplier m;
    IntRange range;
  };

  DType dtype_ = DType::Int8;
  ChannelParams params_;
  bool requantize_ = false;
  DType in_dtype_ = DType::Float32;
  Requant requant_;
};

}  // namespace

void register_quantize(Registry& r) {
  r.add_any(BuiltinOp::Dequantize, make_kernel<DequantizeKernel>);
  r.add_any(BuiltinOp::Quantize, make_kernel<QuantizeKernel>);
}

}  // namespace octet::kernels
