#include "calib/estimators.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "calib/histogram.h"
#include "octet/error.h"

namespace octet::calib {

std::string_view estimator_name(Estimator e) {
  switch (e) {
    case Estimator::MinMax: return "minmax";
    case Estimator::MovingAverage: return "ema";
    case Estimator::Percentile: return "percentile";
    case Estimator::Mse: return "mse";
    case Estimator::Entropy: return "entropy";
  }
  return "?";
}

std::optional<Estimator> parse_estimator(std::string_view name) {
  for (Estimator e : kAllEstimators)
    if (estimator_name(e) == name) return e;
  if (name == "moving-average" || name == "moving_average") return Estimator::MovingAverage;
  if (name == "kl") return Estimator::Entropy;
  return std::nullopt;
}

namespace {

// |x| histogram: bin k covers [k·w, (k+1)·w). Zero sits on a bin edge, so
// negative bin zero_bin-1-k folds exactly onto positive bin k.
std::vector<double> folded(const Histogram& h, const HistogramGeometry& g) {
  const int64_t n = static_cast<int64_t>(h.counts.size());
  std::vector<double> abs(static_cast<size_t>(std::max(g.zero_bin, n - g.zero_bin)), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = i >= g.zero_bin ? i - g.zero_bin : g.zero_bin - 1 - i;
    abs[static_cast<size_t>(k)] += static_cast<double>(h.counts[static_cast<size_t>(i)]);
  }
  return abs;
}

// Quantile of counts laid over bins [k·w, (k+1)·w) starting at `origin`.
double quantile_of(const std::vector<double>& counts, double origin, double width, double share) {
  double total = 0;
  for (double c : counts) total += c;
  if (total <= 0) return origin;
  const double target = std::clamp(share, 0.0, 1.0) * total;
  double cum = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0 && cum + counts[i] >= target)
      return origin + width * (static_cast<double>(i) + (target - cum) / counts[i]);
    cum += counts[i];
  }
  return origin + width * static_cast<double>(counts.size());
}

// Prefix sums of n, n·c and n·c² over bins (c = bin centre), so the clipping
// error beyond any bin edge is O(1): Σ n((c − e)² + w²/12).
struct Moments {
  std::vector<double> s0, s1, s2;
  explicit Moments(const std::vector<double>& counts, double origin, double width) {
    const size_t n = counts.size();
    s0.assign(n + 1, 0);
    s1.assign(n + 1, 0);
    s2.assign(n + 1, 0);
    for (size_t i = 0; i < n; ++i) {
      const double c = origin + (static_cast<double>(i) + 0.5) * width;
      s0[i + 1] = s0[i] + counts[i];
      s1[i + 1] = s1[i] + counts[i] * c;
      s2[i + 1] = s2[i] + counts[i] * c * c;
    }
  }
  // Squared distance to edge e of the values in bins [from, to).
  double clip(size_t from, size_t to, double e, double width) const {
    const double n = s0[to] - s0[from], m1 = s1[to] - s1[from], m2 = s2[to] - s2[from];
    return std::max(0.0, m2 - 2 * e * m1 + e * e * n) + n * width * width / 12;
  }
  double count(size_t from, size_t to) const { return s0[to] - s0[from]; }
};

std::vector<double> as_double(const Histogram& h) { return {h.counts.begin(), h.counts.end()}; }

// Asymmetric: every pair of bin edges lo ≤ 0 ≤ hi.
std::pair<double, double> mse_asymmetric(const Histogram& h, const HistogramGeometry& g, double steps) {
  const std::vector<double> counts = as_double(h);
  const size_t n = counts.size(), z = static_cast<size_t>(g.zero_bin);
  const Moments m(counts, h.lo, g.width);
  double best = std::numeric_limits<double>::infinity(), best_lo = h.lo, best_hi = h.hi;
  for (size_t i = 0; i <= z; ++i) {
    const double a = h.lo + static_cast<double>(i) * g.width;
    const double below = m.clip(0, i, a, g.width);
    if (below >= best) continue;
    for (size_t j = std::max(z, i + 1); j <= n; ++j) {
      const double b = h.lo + static_cast<double>(j) * g.width;
      const double delta = (b - a) / steps;
      const double err = below + m.count(i, j) * delta * delta / 12 + m.clip(j, n, b, g.width);
      if (err < best) {
        best = err;
        best_lo = a;
        best_hi = b;
      }
    }
  }
  return {best_lo, best_hi};
}

// Symmetric: one threshold t on |x|, `half_steps` steps from 0 to t.
double mse_symmetric(const std::vector<double>& abs, double width, double half_steps) {
  const Moments m(abs, 0.0, width);
  const size_t k = abs.size();
  double best = std::numeric_limits<double>::infinity(), best_t = width * static_cast<double>(k);
  for (size_t j = 1; j <= k; ++j) {
    const double t = width * static_cast<double>(j), delta = t / half_steps;
    const double err = m.count(0, j) * delta * delta / 12 + m.clip(j, k, t, width);
    if (err < best) {
      best = err;
      best_t = t;
    }
  }
  return best_t;
}

// TensorRT's entropy calibration ("8-bit Inference with TensorRT", GTC 2017)
// on the |x| histogram: for each candidate threshold bin i ≥ levels, P is the
// first i bins with everything beyond folded into the last; Q merges those i
// bins into `levels` groups and spreads each group's count evenly over its
// non-empty bins. The threshold with the smallest KL(P‖Q) wins.
double entropy_threshold(const std::vector<double>& abs, double width, size_t levels) {
  const size_t k = abs.size();
  if (levels >= k) return width * static_cast<double>(k);
  std::vector<double> suffix(k + 1, 0);
  for (size_t i = k; i-- > 0;) suffix[i] = suffix[i + 1] + abs[i];
  // At most ~512 candidates: each costs O(i), and neighbouring thresholds
  // differ by less than a quantization step anyway.
  const size_t stride = std::max<size_t>(1, (k - levels) / 512);
  std::vector<double> p, q;
  double best = std::numeric_limits<double>::infinity();
  size_t best_i = k;
  for (size_t i = levels; i <= k; i += stride) {
    p.assign(abs.begin(), abs.begin() + static_cast<std::ptrdiff_t>(i));
    p[i - 1] += suffix[i];
    q.assign(i, 0);
    for (size_t grp = 0; grp < levels; ++grp) {
      const size_t from = grp * i / levels, to = (grp + 1) * i / levels;
      double sum = 0;
      size_t nonzero = 0;
      for (size_t b = from; b < to; ++b) {
        sum += abs[b];
        nonzero += p[b] > 0 ? 1 : 0;
      }
      if (nonzero == 0) continue;
      for (size_t b = from; b < to; ++b) q[b] = p[b] > 0 ? sum / static_cast<double>(nonzero) : 0;
    }
    double ps = 0, qs = 0;
    for (size_t b = 0; b < i; ++b) {
      ps += p[b];
      qs += q[b];
    }
    if (ps <= 0) continue;
    double kl = 0;
    for (size_t b = 0; b < i; ++b) {
      if (p[b] <= 0) continue;
      const double pn = p[b] / ps;
      // A bin that Q leaves empty (the outliers landed in an empty group)
      // costs as if Q gave it a tiny share, instead of an infinite KL.
      const double qn = qs > 0 && q[b] > 0 ? q[b] / qs : 1e-12;
      kl += pn * std::log(pn / qn);
    }
    if (kl < best) {
      best = kl;
      best_i = i;
    }
  }
  return width * static_cast<double>(best_i);
}

Range finish(double lo, double hi, bool symmetric) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (symmetric) {
    const double t = std::max(-lo, hi);
    lo = -t;
    hi = t;
  }
  // An all-zero tensor (or none seen) still needs a scale: any range
  // represents zero exactly, so take a plain one.
  if (!(hi - lo > 0) || !std::isfinite(lo) || !std::isfinite(hi) ||
      static_cast<float>(hi) - static_cast<float>(lo) <= 0)
    return {-1.f, 1.f};
  return {static_cast<float>(lo), static_cast<float>(hi)};
}

}  // namespace

double histogram_quantile(const Histogram& h, double share) {
  const HistogramGeometry g = geometry(h);
  if (g.width == 0) return 0;
  return quantile_of(as_double(h), h.lo, g.width, share);
}

double expected_quantization_mse(const Histogram& h, double lo, double hi, double steps) {
  const HistogramGeometry g = geometry(h);
  const double total = static_cast<double>(h.total());
  if (g.width == 0 || total == 0) return 0;
  const double delta = (hi - lo) / steps;
  double err = 0;
  // Values spread evenly in each bin: the part inside [lo, hi] carries
  // rounding noise, the parts outside their squared distance to the end.
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (h.counts[i] == 0) continue;
    const double x0 = h.lo + static_cast<double>(i) * g.width, x1 = x0 + g.width;
    const double density = static_cast<double>(h.counts[i]) / g.width;
    const double in = std::max(0.0, std::min(x1, hi) - std::max(x0, lo));
    err += density * in * delta * delta / 12;
    if (x0 < lo) {
      const double a = lo - x0, b = lo - std::min(x1, lo);
      err += density * (a * a * a - b * b * b) / 3;
    }
    if (x1 > hi) {
      const double a = x1 - hi, b = std::max(x0, hi) - hi;
      err += density * (a * a * a - b * b * b) / 3;
    }
  }
  return err / total;
}

Range choose_range(const TensorStats& stats, const EstimatorOptions& options, int bits, bool symmetric) {
  if (bits < 2 || bits > 32) fail("choose_range: tensor '{}': {} bits is not a quantization width", stats.name, bits);
  if (stats.count == 0) return finish(0, 0, symmetric);
  const double data_lo = std::min(stats.min, 0.0), data_hi = std::max(stats.max, 0.0);
  const double data_abs = std::max(-data_lo, data_hi);
  const Histogram& h = stats.histogram;
  const HistogramGeometry g = geometry(h);
  const bool have_histogram = g.width > 0 && h.total() > 0;
  // Clipping never widens beyond what was seen.
  auto within = [&](double lo, double hi) {
    return finish(std::max(lo, data_lo), std::min(hi, data_hi), false);
  };
  auto within_abs = [&](double t) {
    return finish(-std::min(t, data_abs), std::min(t, data_abs), true);
  };
  switch (options.estimator) {
    case Estimator::MinMax:
      return finish(stats.min, stats.max, symmetric);
    case Estimator::MovingAverage:
      return finish(stats.ema_min, stats.ema_max, symmetric);
    case Estimator::Percentile: {
      if (!(options.percentile > 0 && options.percentile <= 100))
        fail("choose_range: tensor '{}': percentile {} is not in (0, 100]", stats.name, options.percentile);
      if (!have_histogram) return finish(stats.min, stats.max, symmetric);
      const double keep = options.percentile / 100;
      if (symmetric) return within_abs(quantile_of(folded(h, g), 0.0, g.width, keep));
      const double tail = (1 - keep) / 2;
      return within(histogram_quantile(h, tail), histogram_quantile(h, 1 - tail));
    }
    case Estimator::Mse: {
      if (!have_histogram) return finish(stats.min, stats.max, symmetric);
      if (symmetric) return within_abs(mse_symmetric(folded(h, g), g.width, std::ldexp(1.0, bits - 1) - 1));
      const auto [lo, hi] = mse_asymmetric(h, g, std::ldexp(1.0, bits) - 1);
      return within(lo, hi);
    }
    case Estimator::Entropy: {
      if (!have_histogram) return finish(stats.min, stats.max, symmetric);
      const bool one_sided = data_lo == 0 || data_hi == 0;
      // One-sided asymmetric data (ReLU outputs) gets all 2^bits levels on
      // its side; otherwise TensorRT's 2^(bits-1) levels on |x|.
      const size_t levels = static_cast<size_t>(std::ldexp(1.0, (one_sided && !symmetric) ? bits : bits - 1));
      const double t = entropy_threshold(folded(h, g), g.width, levels);
      if (symmetric) return within_abs(t);
      return within(-t, t);
    }
  }
  fail("choose_range: tensor '{}': unknown estimator", stats.name);
}

}  // namespace octet::calib
