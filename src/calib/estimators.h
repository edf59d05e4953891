// The estimators behind choose_range (declared in calib/stats.h): each turns
// one tensor's statistics into a clipping range.
//   MinMax        the extremes seen
//   MovingAverage the moving average of per-sample extremes (TFLite's
//                 converter default for activations)
//   Percentile    drops (100 - p)/2 % of the values at each end (of |x| when
//                 symmetric), interpolated inside a histogram bin
//   Mse           the range minimising expected squared quantization error
//                 over the histogram: rounding noise Δ²/12 inside, squared
//                 distance to the nearest end outside
//   Entropy       TensorRT's KL-divergence calibration: the threshold whose
//                 2^bits-level quantized distribution loses least information
// Every range contains 0, lies inside [min, max] ∪ {0}, and is non-empty
// (an all-zero tensor gets [-1, 1]).
#pragma once

#include <optional>
#include <string_view>

#include "calib/stats.h"

namespace octet::calib {

std::string_view estimator_name(Estimator e);  // "minmax", "ema", "percentile", "mse", "entropy"
std::optional<Estimator> parse_estimator(std::string_view name);
inline constexpr Estimator kAllEstimators[] = {Estimator::MinMax, Estimator::MovingAverage, Estimator::Percentile,
                                               Estimator::Mse, Estimator::Entropy};

// Value below which `share` (0..1) of the histogram's counts lie, linear
// inside the bin it falls in.
double histogram_quantile(const Histogram& h, double share);

// Expected squared error of quantizing the histogram's values onto `steps`
// equal steps over [lo, hi] (clipping outside), per value.
double expected_quantization_mse(const Histogram& h, double lo, double hi, double steps);

}  // namespace octet::calib
