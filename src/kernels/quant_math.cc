#include "kernels/quant_math.h"

#include <cmath>

namespace octet::kernels {

Multiplier quantize_multiplier(double real) {
  if (real == 0.0) return {};
  int shift = 0;
  const double q = std::frexp(real, &shift);
  auto fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++shift;
  }
  if (shift < -31) return {};
  return {static_cast<int32_t>(fixed), shift};
}

IntRange dtype_range(DType dtype) {
  switch (dtype) {
    case DType::Int8: return {-128, 127};
    case DType::UInt8: return {0, 255};
    case DType::Int16: return {-32768, 32767};
    case DType::Int4: return {-8, 7};
    default: return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  }
}

int32_t quantize_bound(float f, float scale, int32_t zero_point) {
  const float q = std::round(f / scale);
  // The runtime refuses a bound that overflows int32; a clamp far outside the
  // dtype's range has the same effect on the result.
  if (!(q >= -2147483648.f)) return std::numeric_limits<int32_t>::min();
  if (!(q < 2147483648.f)) return std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{zero_point} + static_cast<int64_t>(q),
                                                  std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

IntRange activation_range_quantized(Activation activation, DType dtype, float scale,
                                    int32_t zero_point) {
  IntRange r = dtype_range(dtype);
  switch (activation) {
    case Activation::Relu:
      r.min = std::max(r.min, quantize_bound(0.f, scale, zero_point));
      break;
    case Activation::Relu6:
      r.min = std::max(r.min, quantize_bound(0.f, scale, zero_point));
      r.max = std::min(r.max, quantize_bound(6.f, scale, zero_point));
      break;
    case Activation::ReluN1To1:
      r.min = std::max(r.min, quantize_bound(-1.f, scale, zero_point));
      r.max = std::min(r.max, quantize_bound(1.f, scale, zero_point));
      break;
    default: break;
  }
  return r;
}

TensorQuant per_tensor_quant(const PrepareContext& ctx, const TensorView& t, std::string_view role) {
  if (t.quant == nullptr || t.quant->scale.empty())
    ctx.fail("{} tensor {} '{}' is {} without quantization parameters", role, t.index, t.name(),
             dtype_name(t.dtype));
  const QuantParams& q = *t.quant;
  if (q.scale.size() != 1)
    ctx.fail("{} tensor {} '{}' has {} scales; this op takes one (per-tensor) scale", role,
             t.index, t.name(), q.scale.size());
  const float scale = q.scale[0];
  if (!(scale > 0.f) || !std::isfinite(scale))
    ctx.fail("{} tensor {} '{}' has scale {}, expected a finite value > 0", role, t.index,
             t.name(), scale);
  const int64_t zp = q.zero_point.empty() ? 0 : q.zero_point[0];
  const IntRange range = dtype_range(t.dtype);
  if (zp < range.min || zp > range.max)
    ctx.fail("{} tensor {} '{}' has zero point {}, outside {}'s range [{}, {}]", role, t.index,
             t.name(), zp, dtype_name(t.dtype), range.min, range.max);
  if (t.dtype == DType::Int16 && zp != 0)
    ctx.fail("{} tensor {} '{}' is int16 with zero point {}; int16 activations are symmetric "
             "(zero point 0)", role, t.index, t.name(), zp);
  return {scale, static_cast<int32_t>(zp)};
}

void expect_integer_activation(const PrepareContext& ctx, const TensorView& t,
                               std::string_view role) {
  if (t.dtype != DType::Int8 && t.dtype != DType::Int16)
    ctx.fail("{} tensor {} '{}' is {}, expected int8 or int16", role, t.index, t.name(),
             dtype_name(t.dtype));
}

void expect_same_dtype(const PrepareContext& ctx, const TensorView& a, std::string_view a_role,
                       const TensorView& b, std::string_view b_role) {
  if (a.dtype != b.dtype)
    ctx.fail("{} tensor {} '{}' is {} but {} tensor {} '{}' is {}", a_role, a.index, a.name(),
             dtype_name(a.dtype), b_role, b.index, b.name(), dtype_name(b.dtype));
}

std::vector<Multiplier> channel_multipliers(const PrepareContext& ctx, float input_scale,
                                            const TensorView& filter, int32_t channels,
                                            int32_t channel_axis, float output_scale) {
  if (filter.quant == nullptr || filter.quant->scale.empty())
    ctx.fail("filter tensor {} '{}' is {} without quantization parameters", filter.index,
             filter.name(), dtype_name(filter.dtype));
  const QuantParams& q = *filter.quant;
  const bool per_channel = q.scale.size() > 1;
  if (per_channel) {
    if (static_cast<int64_t>(q.scale.size()) != channels)
      ctx.fail("filter tensor {} '{}' has {} scales for {} output channels", filter.index,
               filter.name(), q.scale.size(), channels);
    if (q.quantized_dimension != channel_axis)
      ctx.fail("filter tensor {} '{}' is quantized on axis {}, expected the output-channel axis {}",
               filter.index, filter.name(), q.quantized_dimension, channel_axis);
  }
  for (size_t i = 0; i < q.zero_point.size(); ++i)
    if (q.zero_point[i] != 0)
      ctx.fail("filter tensor {} '{}' has zero point {} at channel {}; weights are symmetric "
               "(zero point 0)", filter.index, filter.name(), q.zero_point[i], i);
  std::vector<Multiplier> out(static_cast<size_t>(channels));
  for (int32_t c = 0; c < channels; ++c) {
    const float s = per_channel ? q.scale[static_cast<size_t>(c)] : q.scale[0];
    if (!(s > 0.f) || !std::isfinite(s))
      ctx.fail("filter tensor {} '{}' has scale {} at channel {}, expected a finite value > 0",
               filter.index, filter.name(), s, c);
    const double effective =
        static_cast<double>(input_scale) * static_cast<double>(s) / static_cast<double>(output_scale);
    out[static_cast<size_t>(c)] = quantize_multiplier(effective);
  }
  return out;
}

}  // namespace octet::kernels
