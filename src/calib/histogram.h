// The widening histogram behind TensorStats::histogram. Zero always lies on a
// bin edge and the bins are `width` wide, so a histogram is fully described by
// its width and how many bins lie below zero; widening multiplies the width by
// a power of two and merges bins in aligned groups, which moves every earlier
// count into the one new bin that covers its old bin (nothing is re-guessed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "calib/stats.h"

namespace octet::calib {

inline constexpr size_t kHistogramBins = 2048;

// Width and the index of the bin that starts at zero (= bins below zero).
// A histogram that has seen only zeros (or nothing) has width 0: its one
// count bin holds the zeros.
struct HistogramGeometry {
  double width = 0;
  int64_t zero_bin = 0;
};
HistogramGeometry geometry(const Histogram& h);

// Widens `h` (if needed) so that [lo, hi] (lo ≤ 0 ≤ hi after the caller
// includes zero) lies inside it, keeping every count in the bin that covers it.
void widen_to_cover(Histogram& h, double lo, double hi, size_t bins = kHistogramBins);

// Adds values already known to lie inside the histogram's range; `keep`
// says which values count (finite, not masked).
template <class Keep>
void add_values(Histogram& h, std::span<const float> values, Keep keep) {
  const HistogramGeometry g = geometry(h);
  if (g.width == 0) {  // only zeros so far, and `values` holds only zeros
    for (float v : values) h.counts[0] += keep(v) ? 1 : 0;
    return;
  }
  const double inv = 1.0 / g.width, offset = static_cast<double>(g.zero_bin);
  const int64_t last = static_cast<int64_t>(h.counts.size()) - 1;
  uint64_t* counts = h.counts.data();
  for (float v : values) {
    if (!keep(v)) continue;
    // v/width + zero_bin ≥ 0 inside the range, so truncation is floor.
    int64_t i = static_cast<int64_t>(static_cast<double>(v) * inv + offset);
    i = i < 0 ? 0 : (i > last ? last : i);
    ++counts[i];
  }
}

// Count in [a, b] assuming values spread evenly inside each bin.
double count_between(const Histogram& h, double a, double b);

}  // namespace octet::calib
