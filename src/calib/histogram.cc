#include "calib/histogram.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace octet::calib {

uint64_t Histogram::total() const { return std::accumulate(counts.begin(), counts.end(), uint64_t{0}); }

HistogramGeometry geometry(const Histogram& h) {
  if (h.counts.size() <= 1 || !(h.hi > h.lo)) return {};
  const double width = (h.hi - h.lo) / static_cast<double>(h.counts.size());
  return {width, std::llround(-h.lo / width)};
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Bins needed below and from zero to hold [lo, hi] at `width`, at least
// `neg` and `pos` (what the old counts occupy).
struct Need {
  int64_t neg, pos;
};
Need need(double lo, double hi, double width, int64_t neg, int64_t pos) {
  // Values land in bin floor(v / width) (offset from the zero bin); the top
  // value needs its own bin, hence +1.
  const double below = lo < 0 ? std::ceil(-lo / width) : 0;
  const double above = hi > 0 ? std::floor(hi / width) + 1 : 0;
  constexpr double kHuge = 1e15;
  return {std::max<int64_t>(neg, static_cast<int64_t>(std::min(below, kHuge))),
          std::max<int64_t>(pos, static_cast<int64_t>(std::min(above, kHuge)))};
}

// Spare bins go to the sides in proportion to what each side already needs,
// so a one-sided tensor (ReLU outputs) spends none on the other side.
int64_t zero_bin_for(Need n, int64_t bins) {
  const int64_t spare = bins - n.neg - n.pos;
  if (n.neg + n.pos == 0) return bins / 2;
  return n.neg + spare * n.neg / (n.neg + n.pos);
}

void set_geometry(Histogram& h, double width, int64_t zero_bin, size_t bins) {
  h.lo = -static_cast<double>(zero_bin) * width;
  h.hi = static_cast<double>(static_cast<int64_t>(bins) - zero_bin) * width;
}

}  // namespace

void widen_to_cover(Histogram& h, double lo, double hi, size_t bins) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const HistogramGeometry g = geometry(h);
  if (g.width == 0) {
    const uint64_t zeros = h.total();
    if (lo == 0 && hi == 0) {  // still nothing but zeros: one bin holds them
      h.lo = h.hi = 0;
      h.counts.assign(1, zeros);
      return;
    }
    // First non-zero values: a width where [lo, hi] fits with two bins to
    // spare for rounding at the ends.
    const double width = (hi - lo) / static_cast<double>(bins - 2);
    const Need n = need(lo, hi, width, 0, 0);
    const int64_t zero_bin = zero_bin_for(n, static_cast<int64_t>(bins));
    h.counts.assign(bins, 0);
    set_geometry(h, width, zero_bin, bins);
    h.counts[std::min<size_t>(zero_bin, bins - 1)] += zeros;
    return;
  }
  const int64_t size = static_cast<int64_t>(h.counts.size());
  if (lo >= h.lo && hi <= h.hi) return;
  // Smallest power-of-two factor at which old bins and new values fit.
  int64_t factor = 2;
  Need n{};
  for (;; factor *= 2) {
    const double width = g.width * static_cast<double>(factor);
    n = need(lo, hi, width, ceil_div(g.zero_bin, factor), ceil_div(size - g.zero_bin, factor));
    if (n.neg + n.pos <= size) break;
  }
  const int64_t zero_bin = zero_bin_for(n, size);
  std::vector<uint64_t> merged(static_cast<size_t>(size), 0);
  for (int64_t i = 0; i < size; ++i)
    merged[static_cast<size_t>(floor_div(i - g.zero_bin, factor) + zero_bin)] += h.counts[static_cast<size_t>(i)];
  h.counts = std::move(merged);
  set_geometry(h, g.width * static_cast<double>(factor), zero_bin, static_cast<size_t>(size));
}

double count_between(const Histogram& h, double a, double b) {
  if (h.counts.empty() || b < a) return 0;
  const HistogramGeometry g = geometry(h);
  if (g.width == 0) return (a <= 0 && b >= 0) ? static_cast<double>(h.counts[0]) : 0;
  double sum = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    const double x0 = h.lo + static_cast<double>(i) * g.width, x1 = x0 + g.width;
    const double overlap = std::min(b, x1) - std::max(a, x0);
    if (overlap > 0) sum += static_cast<double>(h.counts[i]) * overlap / g.width;
  }
  return sum;
}

}  // namespace octet::calib
