#include "seq2seq/bridge.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "octet/error.h"

namespace octet::seq2seq {

namespace {

bool supported(DType t) { return t == DType::Float32 || t == DType::Int8 || t == DType::Int16; }

template <class T>
T at(std::span<const std::byte> s, size_t i) {
  T v;
  std::memcpy(&v, s.data() + i * sizeof(T), sizeof(T));
  return v;
}

template <class T>
void put(std::span<std::byte> s, size_t i, T v) {
  std::memcpy(s.data() + i * sizeof(T), &v, sizeof(T));
}

// The source value as a real number (float) or as q − z (quantized).
double read(const Encoding& e, std::span<const std::byte> s, size_t i) {
  switch (e.dtype) {
    case DType::Float32: return at<float>(s, i);
    case DType::Int8: return static_cast<double>(at<int8_t>(s, i) - e.zero_point);
    default: return static_cast<double>(at<int16_t>(s, i) - e.zero_point);
  }
}

template <class T>
void write_quantized(std::span<std::byte> dst, size_t i, double scaled, int64_t zero_point) {
  const double q = std::round(scaled) + static_cast<double>(zero_point);
  const double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  put<T>(dst, i, static_cast<T>(std::isnan(q) ? static_cast<double>(zero_point) : std::clamp(q, lo, hi)));
}

}  // namespace

std::string Encoding::describe() const {
  if (dtype == DType::Float32) return "float32";
  return fmt::format("{} (scale {}, zero point {})", dtype_name(dtype), scale, zero_point);
}

BridgeKind bridge_kind(const Encoding& from, const Encoding& to) {
  const bool qf = from.dtype != DType::Float32, qt = to.dtype != DType::Float32;
  if (!qf && !qt) return BridgeKind::Copy;
  if (qf && !qt) return BridgeKind::Dequantize;
  if (!qf && qt) return BridgeKind::Quantize;
  if (from.dtype == to.dtype && from.scale == to.scale && from.zero_point == to.zero_point) return BridgeKind::Copy;
  return BridgeKind::Requantize;
}

void bridge(const Encoding& from, std::span<const std::byte> src, const Encoding& to, std::span<std::byte> dst) {
  if (!supported(from.dtype) || !supported(to.dtype))
    fail("encoder → decoder bridge: {} → {} is not supported (float32, int8 and int16 are)",
         dtype_name(from.dtype), dtype_name(to.dtype));
  const size_t n = src.size() / dtype_size(from.dtype);
  if (src.size() % dtype_size(from.dtype) != 0 || dst.size() != n * dtype_size(to.dtype))
    fail("encoder → decoder bridge: the encoder output holds {} bytes of {}, the decoder input {} bytes of {}",
         src.size(), dtype_name(from.dtype), dst.size(), dtype_name(to.dtype));
  for (const Encoding* e : {&from, &to})
    if (e->dtype != DType::Float32 && !(e->scale > 0 && std::isfinite(e->scale)))
      fail("encoder → decoder bridge: {} has no usable scale", e->describe());

  const BridgeKind kind = bridge_kind(from, to);
  if (kind == BridgeKind::Copy) {
    std::memcpy(dst.data(), src.data(), src.size());
    return;
  }
  const double in_scale = from.dtype == DType::Float32 ? 1.0 : from.scale;
  if (kind == BridgeKind::Dequantize) {
    for (size_t i = 0; i < n; ++i)
      put<float>(dst, i, static_cast<float>(from.scale) * static_cast<float>(read(from, src, i)));
    return;
  }
  // Quantize divides in double, as LiteRT's builtin per-tensor QUANTIZE (x / scale,
  // then round). Requantize: double, so s_e / s_d does not round before the product.
  const double factor = in_scale / static_cast<double>(to.scale);
  for (size_t i = 0; i < n; ++i) {
    const double scaled = kind == BridgeKind::Quantize
                              ? static_cast<double>(at<float>(src, i)) / static_cast<double>(to.scale)
                              : read(from, src, i) * factor;
    if (to.dtype == DType::Int8)
      write_quantized<int8_t>(dst, i, scaled, to.zero_point);
    else
      write_quantized<int16_t>(dst, i, scaled, to.zero_point);
  }
}

}  // namespace octet::seq2seq
