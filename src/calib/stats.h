// What calibration records about every tensor of a float model, and the
// estimators that turn a record into the range a quantizer uses. This is the
// contract between calib/ (which fills Stats by running the model) and quant/
// (which reads ranges from it); Stats saves to and loads from JSON so a model
// can be re-quantized with another recipe without running it again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace octet::calib {

// Counts of observed values in `bins` equal bins over [lo, hi]. When a later
// batch falls outside, the histogram widens (bins merged pairwise, so counts
// are never re-guessed) until it covers the new values.
struct Histogram {
  double lo = 0, hi = 0;
  std::vector<uint64_t> counts;
  uint64_t total() const;
  friend bool operator==(const Histogram&, const Histogram&) = default;
};

struct TensorStats {
  std::string name;           // tensor name: stats are matched by name, never by index
  uint64_t count = 0;         // values observed
  uint64_t nonfinite = 0;     // NaN / Inf values seen (kept out of everything else)
  double min = 0, max = 0;    // global extremes
  double ema_min = 0, ema_max = 0;  // moving average of per-sample extremes
  Histogram histogram;
  // Values equal to (or below) the additive-mask constant are counted here and
  // kept out of min/max/histogram when the observer is mask-aware.
  uint64_t masked = 0;
  friend bool operator==(const TensorStats&, const TensorStats&) = default;
};

struct Stats {
  std::string model;          // file name / fingerprint of the model observed, for messages
  uint64_t samples = 0;
  std::map<std::string, TensorStats> tensors;
  friend bool operator==(const Stats&, const Stats&) = default;
};

enum class Estimator { MinMax, MovingAverage, Percentile, Mse, Entropy };

struct EstimatorOptions {
  Estimator estimator = Estimator::MinMax;
  double percentile = 99.99;  // for Percentile: keep this share of values (two-sided)
  double ema_decay = 0.99;    // for MovingAverage (applied while observing)
};

// The range [min, max] a tensor should be quantized over; always contains 0
// (TFLite's zero point must be exactly representable).
struct Range {
  float min = 0, max = 0;
};

// Range for one tensor with `bits` (8 or 16) and symmetric (int16 activations,
// weights) or asymmetric quantization.
Range choose_range(const TensorStats& stats, const EstimatorOptions& options, int bits, bool symmetric);

void save_stats(const Stats& stats, const std::filesystem::path& path);   // atomically
Stats load_stats(const std::filesystem::path& path);                      // throws octet::Error

}  // namespace octet::calib
