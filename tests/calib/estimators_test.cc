// Estimators on synthetic distributions whose right answer is known or bounded.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "calib/estimators.h"
#include "calib/observer.h"

namespace octet::calib {
namespace {

TensorStats observe(const std::vector<float>& values, size_t batches = 10) {
  TensorStats s;
  s.name = "t";
  const size_t per = values.size() / batches;
  for (size_t b = 0; b < batches; ++b)
    accumulate(s, std::span(values).subspan(b * per, b + 1 == batches ? values.size() - b * per : per));
  return s;
}

std::vector<float> uniform(float lo, float hi, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<float> gaussian_with_outlier(size_t n, uint32_t seed, float outlier) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  v[n / 2] = outlier;  // in the middle, so later batches widen the histogram
  return v;
}

// Quantizes each value onto the int grid TFLite uses for the range and
// returns the mean squared error: asymmetric [0, 2^bits - 1] with a rounded
// zero point, or symmetric [-(2^(bits-1) - 1), 2^(bits-1) - 1].
double quantization_mse(const std::vector<float>& values, Range r, int bits, bool symmetric) {
  double qmin, qmax, scale, zp;
  if (symmetric) {
    qmax = std::ldexp(1.0, bits - 1) - 1;
    qmin = -qmax;
    scale = std::max(-r.min, r.max) / qmax;
    zp = 0;
  } else {
    qmin = 0;
    qmax = std::ldexp(1.0, bits) - 1;
    scale = (static_cast<double>(r.max) - r.min) / (qmax - qmin);
    zp = std::round(qmin - r.min / scale);
  }
  double err = 0;
  for (float x : values) {
    const double q = std::clamp(std::round(x / scale) + zp, qmin, qmax);
    const double back = (q - zp) * scale;
    err += (back - x) * (back - x);
  }
  return err / static_cast<double>(values.size());
}

// Contains 0, non-empty, and never wider than the data (for a symmetric
// range: than the data's largest magnitude).
void expect_valid(Range r, const TensorStats& s, bool symmetric) {
  EXPECT_LE(r.min, 0.f);
  EXPECT_GE(r.max, 0.f);
  EXPECT_LT(r.min, r.max);
  const double lo = std::min(s.min, 0.0), hi = std::max(s.max, 0.0);
  if (symmetric) {
    EXPECT_EQ(r.min, -r.max);
    EXPECT_LE(r.max, std::max(-lo, hi) * (1 + 1e-6));
  } else {
    EXPECT_GE(r.min, lo * (1 + 1e-6));
    EXPECT_LE(r.max, hi * (1 + 1e-6));
  }
}

TEST(CalibEstimators, NamesRoundTrip) {
  for (Estimator e : kAllEstimators) EXPECT_EQ(parse_estimator(estimator_name(e)), e);
  EXPECT_FALSE(parse_estimator("bogus").has_value());
}

TEST(CalibEstimators, UniformGivesNearlyTheFullRange) {
  const std::vector<float> v = uniform(-1.f, 3.f, 200000, 1);
  const TensorStats s = observe(v);
  const Range mm = choose_range(s, {.estimator = Estimator::MinMax}, 8, false);
  EXPECT_NEAR(mm.min, -1.f, 1e-3);
  EXPECT_NEAR(mm.max, 3.f, 1e-3);
  const Range pc = choose_range(s, {.estimator = Estimator::Percentile, .percentile = 99.9}, 8, false);
  // 0.05 % cut at each end of a width-4 uniform: 0.002 each side.
  EXPECT_NEAR(pc.min, -1.f + 0.002f, 0.002);
  EXPECT_NEAR(pc.max, 3.f - 0.002f, 0.002);
  for (Estimator e : {Estimator::Mse, Estimator::Entropy}) {
    const Range r = choose_range(s, {.estimator = e}, 8, false);
    SCOPED_TRACE(std::string(estimator_name(e)));
    expect_valid(r, s, false);
    // Clipping a flat distribution only loses: the range stays near full.
    EXPECT_LT(r.min, -0.9f);
    EXPECT_GT(r.max, 2.8f);
  }
  const Range sym = choose_range(s, {.estimator = Estimator::Mse}, 8, true);
  EXPECT_EQ(sym.min, -sym.max);
  EXPECT_GT(sym.max, 2.8f);
}

TEST(CalibEstimators, PercentileMatchesTheGaussianQuantile) {
  std::vector<float> v = gaussian_with_outlier(400000, 2, 0.f);
  const TensorStats s = observe(v);
  // 95 % two-sided of N(0,1): ±1.96.
  const Range r = choose_range(s, {.estimator = Estimator::Percentile, .percentile = 95}, 8, false);
  EXPECT_NEAR(r.min, -1.96f, 0.02f);
  EXPECT_NEAR(r.max, 1.96f, 0.02f);
  // Symmetric keeps 95 % of |x|: the same threshold.
  const Range rs = choose_range(s, {.estimator = Estimator::Percentile, .percentile = 95}, 8, true);
  EXPECT_NEAR(rs.max, 1.96f, 0.02f);
}

// One value at 1000 among a million N(0, 1) values. Percentile and entropy
// clip it down to the Gaussian. MSE weighs it: with threshold t, keeping the
// outlier's distance costs (1000 − t)² and the rounding noise of the rest
// N·(t/127)²/12 (symmetric int8), so its optimum is t* = 1000 / (1 + N/(12·127²))
// (≈ 162 here): the outlier is clipped, the more the more values there are.
TEST(CalibEstimators, OutlierIsClippedByAllButMinMax) {
  const size_t n = 1000000;
  const std::vector<float> v = gaussian_with_outlier(n, 3, 1000.f);
  const TensorStats s = observe(v);
  for (bool sym : {false, true}) {
    SCOPED_TRACE(sym ? "symmetric" : "asymmetric");
    EXPECT_EQ(choose_range(s, {.estimator = Estimator::MinMax}, 8, sym).max, 1000.f);
    for (Estimator e : {Estimator::Percentile, Estimator::Mse, Estimator::Entropy}) {
      SCOPED_TRACE(std::string(estimator_name(e)));
      const Range r = choose_range(s, {.estimator = e}, 8, sym);
      std::printf("[ figure ] N(0,1) + outlier 1000, %s %s int8 range [%g, %g]\n", sym ? "symmetric" : "asymmetric",
                  std::string(estimator_name(e)).c_str(), r.min, r.max);
      expect_valid(r, s, sym);
      EXPECT_GT(r.max, 2.f);  // the bulk of the Gaussian is kept
      EXPECT_LT(r.min, -2.f);
      if (e == Estimator::Percentile) EXPECT_LT(r.max, 5.f);
      // Entropy (as TensorRT's) never picks fewer than 2^(bits-1) histogram
      // bins, and the outlier made the bins 0.5 wide: threshold ≥ ~64.
      if (e == Estimator::Entropy) EXPECT_LT(r.max, 100.f);
      if (e == Estimator::Mse) EXPECT_LT(r.max, 500.f);
    }
  }
  const double t_star = 1000.0 / (1.0 + static_cast<double>(n) / (12.0 * 127 * 127));
  const Range mse = choose_range(s, {.estimator = Estimator::Mse}, 8, true);
  EXPECT_NEAR(mse.max, t_star, 1.0);  // thresholds are bin edges, 0.5 apart
  // At 16 bits the rounding noise is so small that keeping the outlier
  // costs less than clipping it.
  EXPECT_EQ(choose_range(s, {.estimator = Estimator::Mse}, 16, true).max, 1000.f);
}

TEST(CalibEstimators, MseRangeQuantizesAHeavyTailWithLessErrorThanMinMax) {
  // Student's t with 2 degrees of freedom: heavy tails, finite mean.
  std::mt19937 rng(4);
  std::student_t_distribution<float> d(2.f);
  std::vector<float> v(200000);
  for (float& x : v) x = d(rng);
  const TensorStats s = observe(v);
  for (bool sym : {false, true}) {
    SCOPED_TRACE(sym ? "symmetric" : "asymmetric");
    const Range mm = choose_range(s, {.estimator = Estimator::MinMax}, 8, sym);
    const Range mse = choose_range(s, {.estimator = Estimator::Mse}, 8, sym);
    const double err_mm = quantization_mse(v, mm, 8, sym), err_mse = quantization_mse(v, mse, 8, sym);
    std::printf("[ figure ] t(2) %s int8 quantization MSE: min-max [%g, %g] %.3g, mse [%g, %g] %.3g\n",
                sym ? "symmetric" : "asymmetric", mm.min, mm.max, err_mm, mse.min, mse.max, err_mse);
    EXPECT_LT(err_mse, err_mm * 0.9);
    // And the histogram's model of the error agrees with the real one.
    const double steps = sym ? 254 : 255;
    EXPECT_NEAR(expected_quantization_mse(s.histogram, mse.min, mse.max, steps), err_mse, err_mse * 0.5);
  }
}

TEST(CalibEstimators, OneSidedDataKeepsZeroAsTheLowEnd) {
  std::vector<float> v = uniform(0.f, 6.f, 100000, 5);
  for (float& x : v) x = x * x / 6;  // skewed towards 0, like ReLU outputs
  const TensorStats s = observe(v);
  for (Estimator e : kAllEstimators) {
    const Range r = choose_range(s, {.estimator = e}, 8, false);
    SCOPED_TRACE(std::string(estimator_name(e)));
    EXPECT_EQ(r.min, 0.f);
    EXPECT_GT(r.max, 4.f);
    EXPECT_LE(r.max, 6.f);
  }
}

TEST(CalibEstimators, HistogramQuantileInterpolatesInsideABin) {
  Histogram h;
  h.lo = 0;
  h.hi = 4;
  h.counts = {0, 10, 10, 0};  // values spread over [1, 3)
  EXPECT_DOUBLE_EQ(histogram_quantile(h, 0.25), 1.5);
  EXPECT_DOUBLE_EQ(histogram_quantile(h, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(histogram_quantile(h, 1.0), 3.0);
}

TEST(CalibEstimators, BadOptionsAreErrors) {
  const TensorStats s = observe(uniform(-1.f, 1.f, 1000, 6));
  EXPECT_THROW(choose_range(s, {.estimator = Estimator::Percentile, .percentile = 0}, 8, false), Error);
  EXPECT_THROW(choose_range(s, {.estimator = Estimator::Percentile, .percentile = 101}, 8, false), Error);
  EXPECT_THROW(choose_range(s, {}, 1, false), Error);
}

}  // namespace
}  // namespace octet::calib
