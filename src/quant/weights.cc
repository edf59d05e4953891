#include "quant/weights.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "octet/error.h"

namespace octet::quant {
namespace {

int8_t round_clamp8(double v) {
  return static_cast<int8_t>(std::clamp(std::round(v), -128.0, 127.0));
}

template <class T>
std::vector<std::byte> bytes_of(const std::vector<T>& v) {
  std::vector<std::byte> out(v.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

}  // namespace

QuantParams activation_params(float lo, float hi) {
  double min = std::min(0.0, static_cast<double>(lo)), max = std::max(0.0, static_cast<double>(hi));
  if (max - min < 1e-8) max = min + 1e-8;  // a constant-zero tensor still needs a scale
  const double scale = (max - min) / 255.0;
  const double zp = std::clamp(std::round(-128.0 - min / scale), -128.0, 127.0);
  QuantParams q;
  q.scale = {static_cast<float>(scale)};
  q.zero_point = {static_cast<int64_t>(zp)};
  return q;
}

QuantParams int16_params(float lo, float hi) {
  double m = std::max(std::fabs(static_cast<double>(lo)), std::fabs(static_cast<double>(hi)));
  if (m < 1e-8) m = 1e-8;
  QuantParams q;
  q.scale = {static_cast<float>(m / 32767.0)};
  q.zero_point = {0};
  return q;
}

QuantParams range_params(float lo, float hi, DType dtype) {
  return dtype == DType::Int16 ? int16_params(lo, hi) : activation_params(lo, hi);
}

std::vector<float> float_values(const Model& model, const Tensor& t) {
  const auto bytes = model.data_of(t);
  if (t.dtype != DType::Float32 || bytes.size() % 4)
    fail("constant '{}' is {} ({} bytes), expected float32", t.name, dtype_name(t.dtype), bytes.size());
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

std::vector<std::byte> quantize_weights(std::span<const float> w, const std::vector<int32_t>& shape,
                                        int axis, QuantParams& out) {
  const size_t channels = axis < 0 ? 1 : static_cast<size_t>(shape.at(axis));
  size_t inner = 1;
  if (axis >= 0)
    for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  auto channel_of = [&](size_t i) { return axis < 0 ? 0 : (i / inner) % channels; };
  std::vector<float> absmax(channels, 0.f);
  for (size_t i = 0; i < w.size(); ++i)
    absmax[channel_of(i)] = std::max(absmax[channel_of(i)], std::fabs(w[i]));
  out = {};
  for (float m : absmax) out.scale.push_back(m > 0 ? m / 127.f : 1.f);  // an all-zero channel: any scale
  out.zero_point.assign(channels, 0);
  out.quantized_dimension = axis < 0 ? 0 : axis;
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) q[i] = round_clamp8(w[i] / out.scale[channel_of(i)]);
  return bytes_of(q);
}

std::vector<std::byte> quantize_bias(std::span<const float> b, float in_scale,
                                     const std::vector<float>& w_scales, DType dtype, QuantParams& out) {
  out = {};
  const size_t n = b.size();
  for (size_t c = 0; c < (w_scales.size() == 1 ? 1 : n); ++c)
    out.scale.push_back(in_scale * w_scales.at(w_scales.size() == 1 ? 0 : c));
  out.zero_point.assign(out.scale.size(), 0);
  auto code = [&](size_t c) {
    return std::round(b[c] / static_cast<double>(out.scale[out.scale.size() == 1 ? 0 : c]));
  };
  if (dtype == DType::Int64) {
    std::vector<int64_t> q(n);
    for (size_t c = 0; c < n; ++c) q[c] = static_cast<int64_t>(std::clamp(code(c), -9.2e18, 9.2e18));
    return bytes_of(q);
  }
  std::vector<int32_t> q(n);
  for (size_t c = 0; c < n; ++c) q[c] = static_cast<int32_t>(std::clamp(code(c), -2147483647.0, 2147483647.0));
  return bytes_of(q);
}

QuantParams constant_params(std::span<const float> v, DType dtype) {
  float lo = 0, hi = 0;
  for (float x : v) { lo = std::min(lo, x); hi = std::max(hi, x); }
  return range_params(lo, hi, dtype);
}

std::vector<std::byte> quantize_values(std::span<const float> v, const QuantParams& q, DType dtype) {
  const double s = q.scale.at(0), zp = static_cast<double>(q.zero_point.at(0));
  if (dtype == DType::Int16) {
    std::vector<int16_t> out(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      out[i] = static_cast<int16_t>(std::clamp(std::round(v[i] / s + zp), -32768.0, 32767.0));
    return bytes_of(out);
  }
  std::vector<int8_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = round_clamp8(v[i] / s + zp);
  return bytes_of(out);
}

}  // namespace octet::quant
