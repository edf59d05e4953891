// The observer: what it records per tensor, and the widening histogram.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "calib/histogram.h"
#include "calib/observer.h"
#include "octet/builder.h"

namespace octet::calib {
namespace {

double bin_width(const Histogram& h) { return geometry(h).width; }

// Counts of the bins that overlap [a, b].
uint64_t counts_overlapping(const Histogram& h, double a, double b) {
  const double w = bin_width(h);
  uint64_t n = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    const double x0 = h.lo + static_cast<double>(i) * w;
    if (x0 + w > a && x0 <= b) n += h.counts[i];
  }
  return n;
}

TEST(CalibHistogram, FirstBatchCoversItsRangeAndZeroIsABinEdge) {
  TensorStats s;
  std::vector<float> v = {-1.f, 0.25f, 3.f};
  accumulate(s, v);
  const Histogram& h = s.histogram;
  ASSERT_EQ(h.counts.size(), kHistogramBins);
  EXPECT_LE(h.lo, -1.0);
  EXPECT_GE(h.hi, 3.0);
  EXPECT_LT(h.hi - h.lo, 4.0 * 1.01);  // no more than rounding slack
  const auto g = geometry(h);
  EXPECT_NEAR(h.lo + static_cast<double>(g.zero_bin) * g.width, 0.0, 1e-12);
  EXPECT_EQ(h.total(), 3u);
  EXPECT_EQ(s.count, 3u);
}

TEST(CalibHistogram, OneSidedDataSpendsNoBinsBelowZero) {
  TensorStats s;
  std::vector<float> v = {0.f, 0.5f, 2.f};
  accumulate(s, v);
  EXPECT_EQ(s.histogram.lo, 0.0);
  EXPECT_EQ(geometry(s.histogram).zero_bin, 0);
}

// Widening merges bins in aligned groups: the counts of a value range seen in
// batch 1 stay in the bins covering that range, and the total stays exact.
TEST(CalibHistogram, WideningKeepsEarlierCountsExact) {
  TensorStats s;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> small(0.5f, 1.0f);
  std::vector<float> batch1(10000);
  for (float& x : batch1) x = small(rng);
  batch1[0] = -1.f;  // so the histogram starts two-sided, over [-1, 1]
  accumulate(s, batch1);
  const uint64_t before = counts_overlapping(s.histogram, 0.5, 1.0);

  std::vector<float> batch2 = {-300.f, 1000.f, 5000.f, 7.f};
  accumulate(s, batch2);
  std::vector<float> batch3 = {-70000.f, 2.f};
  accumulate(s, batch3);
  const Histogram& h = s.histogram;
  EXPECT_LE(h.lo, -70000.0);
  EXPECT_GE(h.hi, 5000.0);
  EXPECT_EQ(h.total(), s.count);
  EXPECT_EQ(s.count, 10006u);
  // Batch 1's [0.5, 1] values (9999 of them) now share the one bin that
  // starts at zero with the later 7 and 2, because the width has grown past 7.
  const auto g = geometry(h);
  ASSERT_GT(g.width, 7.0);
  EXPECT_EQ(before, 9999u);
  EXPECT_EQ(h.counts[static_cast<size_t>(g.zero_bin)], 9999u + 2u);
  EXPECT_EQ(h.counts[static_cast<size_t>(g.zero_bin - 1)], 1u);       // the -1
}

TEST(CalibHistogram, WideningIsExactAtEveryStep) {
  // Replay: after each batch, every earlier value still sits in the bin whose
  // [x0, x0 + w) contains it.
  std::mt19937 rng(11);
  TensorStats s;
  std::vector<float> all;
  double scale = 0.01;
  for (int batch = 0; batch < 25; ++batch, scale *= 1.7) {
    std::normal_distribution<float> d(batch % 3 == 0 ? 0.f : static_cast<float>(scale), static_cast<float>(scale));
    std::vector<float> v(500);
    for (float& x : v) x = d(rng);
    accumulate(s, v);
    all.insert(all.end(), v.begin(), v.end());
    const Histogram& h = s.histogram;
    const auto g = geometry(h);
    std::vector<uint64_t> expect(h.counts.size(), 0);
    for (float x : all) {
      int64_t i = static_cast<int64_t>(std::floor(x / g.width)) + g.zero_bin;
      i = std::clamp<int64_t>(i, 0, static_cast<int64_t>(h.counts.size()) - 1);
      ++expect[static_cast<size_t>(i)];
    }
    // Bin placement of a value right on an edge may differ by rounding; allow
    // none elsewhere: compare totals per 16-bin block.
    for (size_t b = 0; b < h.counts.size(); b += 16) {
      uint64_t got = 0, want = 0;
      for (size_t i = b; i < b + 16; ++i) {
        got += h.counts[i];
        want += expect[i];
      }
      ASSERT_NEAR(static_cast<double>(got), static_cast<double>(want), 1.0) << "batch " << batch << " block " << b;
    }
    ASSERT_EQ(h.total(), all.size());
  }
}

TEST(CalibObserve, NonFiniteAndMaskedValuesAreKeptOut) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  TensorStats s;
  std::vector<float> v = {1.f, nan, -inf, 2.f, -1e9f, inf, -3.f};
  accumulate(s, v, ObserverOptions{.ema_decay = 0.99, .mask_at_or_below = -1e8f});
  EXPECT_EQ(s.nonfinite, 3u);
  EXPECT_EQ(s.masked, 1u);
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.min, -3.0);
  EXPECT_EQ(s.max, 2.0);
  EXPECT_EQ(s.histogram.total(), 3u);

  TensorStats unmasked;
  accumulate(unmasked, v);
  EXPECT_EQ(unmasked.masked, 0u);
  EXPECT_EQ(unmasked.min, -1e9);
}

TEST(CalibObserve, MovingAverageOfPerSampleExtremes) {
  TensorStats s;
  const ObserverOptions o{.ema_decay = 0.5};
  std::vector<float> a = {-2.f, 4.f}, b = {-4.f, 8.f}, c = {0.f, 1.f};
  accumulate(s, a, o);
  EXPECT_EQ(s.ema_min, -2.0);  // first sample initialises
  EXPECT_EQ(s.ema_max, 4.0);
  accumulate(s, b, o);
  EXPECT_EQ(s.ema_min, -3.0);
  EXPECT_EQ(s.ema_max, 6.0);
  accumulate(s, c, o);
  EXPECT_EQ(s.ema_min, -1.5);
  EXPECT_EQ(s.ema_max, 3.5);
  EXPECT_EQ(s.min, -4.0);
  EXPECT_EQ(s.max, 8.0);
}

TEST(CalibObserve, ZerosOnlyThenValues) {
  TensorStats s;
  std::vector<float> zeros(10, 0.f), later = {-1.f, 1.f};
  accumulate(s, zeros);
  EXPECT_EQ(s.histogram.total(), 10u);
  accumulate(s, later);
  EXPECT_EQ(s.histogram.total(), 12u);
  const auto g = geometry(s.histogram);
  EXPECT_EQ(s.histogram.counts[static_cast<size_t>(g.zero_bin)], 10u);
}

// x → RELU → a → ADD(a, c) → s; c constant, and an int32 side branch.
Model small_model() {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 8});
  const int32_t c = b.add_constant<float>("c", {8}, std::vector<float>(8, 0.5f));
  const int32_t a = b.add_tensor("a", DType::Float32, {1, 8});
  const int32_t s = b.add_tensor("s", DType::Float32, {1, 8});
  b.add_op(BuiltinOp::Relu, {x}, {a});
  b.add_op(BuiltinOp::Add, {a, c}, {s});
  b.mark_output(s);
  return m;
}

TEST(CalibObserver, ObservesInputsAndOpOutputsByNameNotConstants) {
  const Model m = small_model();
  Interpreter interp(m);
  Observer obs(interp);
  for (int sample = 0; sample < 3; ++sample) {
    std::vector<float> x(8);
    for (int i = 0; i < 8; ++i) x[i] = static_cast<float>(i - 4) * static_cast<float>(sample + 1);
    interp.set_input(0, std::as_bytes(std::span(x)));
    obs.run_sample();
  }
  const Stats& st = obs.stats();
  EXPECT_EQ(st.samples, 3u);
  ASSERT_EQ(st.tensors.size(), 3u);
  EXPECT_FALSE(st.tensors.contains("c"));
  const TensorStats& x = st.tensors.at("x");
  EXPECT_EQ(x.count, 24u);
  EXPECT_EQ(x.min, -12.0);
  EXPECT_EQ(x.max, 9.0);
  const TensorStats& a = st.tensors.at("a");
  EXPECT_EQ(a.min, 0.0);
  EXPECT_EQ(a.max, 9.0);
  const TensorStats& s = st.tensors.at("s");
  EXPECT_EQ(s.min, 0.5);
  EXPECT_EQ(s.max, 9.5);
  EXPECT_EQ(s.histogram.total(), 24u);
}

TEST(CalibEstimator, MinMaxContainsZeroAndDegenerateIsUsable) {
  TensorStats s;
  std::vector<float> v = {0.5f, 2.f};
  accumulate(s, v);
  Range r = choose_range(s, {}, 8, false);
  EXPECT_EQ(r.min, 0.f);
  EXPECT_EQ(r.max, 2.f);
  r = choose_range(s, {}, 8, true);
  EXPECT_EQ(r.min, -2.f);
  EXPECT_EQ(r.max, 2.f);

  TensorStats zeros;
  std::vector<float> z(5, 0.f);
  accumulate(zeros, z);
  for (Estimator e : {Estimator::MinMax, Estimator::MovingAverage, Estimator::Percentile, Estimator::Mse,
                      Estimator::Entropy})
    for (bool sym : {false, true}) {
      r = choose_range(zeros, {.estimator = e}, 8, sym);
      EXPECT_LT(r.min, r.max);
      EXPECT_LE(r.min, 0.f);
      EXPECT_GE(r.max, 0.f);
    }
  TensorStats one;
  std::vector<float> o(5, -3.f);
  accumulate(one, o);
  r = choose_range(one, {}, 8, false);
  EXPECT_EQ(r.min, -3.f);
  EXPECT_EQ(r.max, 0.f);
}

}  // namespace
}  // namespace octet::calib
