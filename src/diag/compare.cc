#include "diag/compare.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace octet {

namespace {

double element(const NpyArray& a, size_t i) {
  const std::byte* p = a.data.data() + i * dtype_size(a.dtype);
  auto get = [p]<class T>(T) { T v; std::memcpy(&v, p, sizeof(T)); return static_cast<double>(v); };
  switch (a.dtype) {
    case DType::Float32: return get(float{});
    case DType::Float64: return get(double{});
    case DType::Int32: return get(int32_t{});
    case DType::Int64: return get(int64_t{});
    case DType::Int16: return get(int16_t{});
    case DType::Int8: return get(int8_t{});
    case DType::UInt8: case DType::Bool: return get(uint8_t{});
    case DType::UInt16: return get(uint16_t{});
    case DType::UInt32: return get(uint32_t{});
    default: return std::nan("");
  }
}

}  // namespace

ArrayDiff compare_arrays(const NpyArray& actual, const NpyArray& reference) {
  ArrayDiff d;
  if (actual.dtype != reference.dtype || actual.shape != reference.shape) {
    d.comparable = false;
    d.mismatch = fmt::format("{} [{}] vs reference {} [{}]", dtype_name(actual.dtype),
                             fmt::join(actual.shape, ","), dtype_name(reference.dtype),
                             fmt::join(reference.shape, ","));
    return d;
  }
  const size_t size = dtype_size(actual.dtype);
  d.elements = size ? actual.data.size() / size : 0;
  if (actual.data.size() != reference.data.size()) {
    d.comparable = false;
    d.mismatch = "different byte counts";
    return d;
  }
  for (size_t i = 0; i < d.elements; ++i) {
    const double a = element(actual, i), r = element(reference, i);
    if (a == r || (std::isnan(a) && std::isnan(r))) continue;
    ++d.unequal;
    if (!std::isfinite(a) || !std::isfinite(r)) {
      if (std::isfinite(r)) ++d.nonfinite;
      if (d.max_scaled != INFINITY) {
        d.max_abs = d.max_scaled = INFINITY;
        d.worst_index = i, d.worst_actual = a, d.worst_reference = r;
      }
      continue;
    }
    const double abs = std::fabs(a - r);
    const double scaled = abs / std::max(1.0, std::fabs(r));
    d.max_abs = std::max(d.max_abs, abs);
    if (scaled > d.max_scaled) {
      d.max_scaled = scaled;
      d.worst_index = i, d.worst_actual = a, d.worst_reference = r;
    }
  }
  return d;
}

std::string format_diff(const ArrayDiff& d) {
  if (!d.comparable) return "not comparable: " + d.mismatch;
  if (d.unequal == 0) return fmt::format("identical ({} elements)", d.elements);
  return fmt::format("max|d| {:.3g}, max|d|/max(1,|ref|) {:.3g} at element {} ({:.9g} vs {:.9g}); {} of {} differ",
                     d.max_abs, d.max_scaled, d.worst_index, d.worst_actual, d.worst_reference,
                     d.unequal, d.elements);
}

}  // namespace octet
