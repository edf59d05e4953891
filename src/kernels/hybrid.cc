#include "kernels/hybrid.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/ranges.h>

namespace octet::kernels {

RowQuant symmetric_quantize(const float* x, int64_t n, int8_t* q) {
  if (n <= 0) return {};
  const auto [lo, hi] = std::minmax_element(x, x + n);
  const float range = std::max(std::abs(*lo), std::abs(*hi));
  if (range == 0) {
    std::memset(q, 0, static_cast<size_t>(n));
    return {};
  }
  // Both in float, as LiteRT: the scale is range/127, the inverse 127/range
  // (not 1/scale).
  const float scale = range / 127;
  const float inverse = 127 / range;
  for (int64_t i = 0; i < n; ++i) {
    const auto v = static_cast<int32_t>(std::round(x[i] * inverse));
    q[i] = static_cast<int8_t>(std::clamp(v, -127, 127));
  }
  return {scale, 0};
}

RowQuant asymmetric_quantize(const float* x, int64_t n, int8_t* q) {
  if (n <= 0) return {};
  const auto [lo, hi] = std::minmax_element(x, x + n);
  const double rmin = static_cast<double>(std::min(0.0f, *lo));
  const double rmax = static_cast<double>(std::max(0.0f, *hi));
  if (rmin == rmax) {
    std::memset(q, 0, static_cast<size_t>(n));
    return {};
  }
  // TFLite's nudged zero point: from whichever end loses less precision.
  constexpr double qmin = -128, qmax = 127;
  const double scale = (rmax - rmin) / (qmax - qmin);
  const double zp_from_min = qmin - rmin / scale;
  const double zp_from_max = qmax - rmax / scale;
  const double zp_from_min_error = std::abs(qmin) + std::abs(rmin / scale);
  const double zp_from_max_error = std::abs(qmax) + std::abs(rmax / scale);
  const double zp = zp_from_min_error < zp_from_max_error ? zp_from_min : zp_from_max;
  int32_t zero_point = 0;
  if (zp <= qmin) zero_point = -128;
  else if (zp >= qmax) zero_point = 127;
  else zero_point = static_cast<int8_t>(std::round(zp));
  RowQuant r{static_cast<float>(scale), zero_point};
  const float inverse = 1.0f / r.scale;
  const auto offset = static_cast<float>(zero_point);
  for (int64_t i = 0; i < n; ++i) {
    const auto v = static_cast<int32_t>(std::round(offset + x[i] * inverse));
    q[i] = static_cast<int8_t>(std::clamp(v, -128, 127));
  }
  return r;
}

std::vector<float> hybrid_weight_scales(const PrepareContext& ctx, const TensorView& weights,
                                        int32_t channels, int32_t channel_axis) {
  if (weights.dtype != DType::Int8)
    ctx.fail("weights tensor {} '{}' is {}; octet's hybrid kernels take int8 weights",
             weights.index, weights.name(), dtype_name(weights.dtype));
  if (weights.quant == nullptr || weights.quant->scale.empty())
    ctx.fail("weights tensor {} '{}' is int8 without quantization parameters", weights.index,
             weights.name());
  const QuantParams& q = *weights.quant;
  if (q.scale.size() != 1) {
    if (q.scale.size() != static_cast<size_t>(channels))
      ctx.fail("weights tensor {} '{}' has {} scales, expected 1 or {} (one per output channel)",
               weights.index, weights.name(), q.scale.size(), channels);
    if (q.quantized_dimension != channel_axis)
      ctx.fail("weights tensor {} '{}' is quantized on dimension {}, expected {} (the output "
               "channels)", weights.index, weights.name(), q.quantized_dimension, channel_axis);
  }
  for (size_t i = 0; i < q.scale.size(); ++i)
    if (!(q.scale[i] > 0.f) || !std::isfinite(q.scale[i]))
      ctx.fail("weights tensor {} '{}' has scale {} (channel {}), expected a finite value > 0",
               weights.index, weights.name(), q.scale[i], i);
  for (int64_t zp : q.zero_point)
    if (zp != 0)
      ctx.fail("weights tensor {} '{}' has zero point {}; hybrid weights are symmetric (0)",
               weights.index, weights.name(), zp);
  return q.scale;
}

void check_float_bias(const PrepareContext& ctx, const TensorView& bias, int32_t channels) {
  if (!bias.present()) return;
  expect_float_tensor(ctx, bias, "bias");
  if (bias.num_elements() != channels)
    ctx.fail("bias tensor {} '{}' has {} elements, expected {} (output channels)", bias.index,
             bias.name(), bias.num_elements(), channels);
}

void expect_float_tensor(const PrepareContext& ctx, const TensorView& t, std::string_view role) {
  if (t.dtype != DType::Float32)
    ctx.fail("{} tensor {} '{}' is {}; a hybrid (dynamic-range) op takes float32 here", role,
             t.index, t.name(), dtype_name(t.dtype));
}

}  // namespace octet::kernels
