// The estimators behind choose_range (declared in calib/stats.h): each turns
// one tensor's statistics into a clipping range.
//   MinMax        the extremes seen
//   MovingAverage the moving average of per-sample extremes (TFLite's
//                 converter default for activations)
//   Percentile    drops (100 - p)/2 % of the values at each end (symmetric:
//                 the top (100 - p) % of |x|), interpolated inside a bin
//   Mse           the range minimising expected squared quantization error
//                 over the histogram: rounding noise Δ²/12 inside, squared
//                 distance to the nearest end outside. Asymmetric: every pair
//                 of bin edges lo ≤ 0 ≤ hi (O(1) each from prefix sums);
//                 symmetric: every threshold. It weighs outliers by their
//                 count: one outlier at M among N values is clipped to about
//                 M / (1 + N/(12·steps²)) (steps: 127 for
//                 symmetric int8), not removed (see estimators_test).
//   Entropy       TensorRT's KL-divergence calibration on the |x| histogram:
//                 the threshold whose 2^(bits-1)-level quantized distribution
//                 loses least information (2^bits levels for one-sided data
//                 such as ReLU outputs; a two-sided asymmetric tensor gets
//                 [-t, t] cut to its min/max). As in TensorRT the threshold is
//                 never below 2^(bits-1) bins, so a far outlier that widened
//                 the bins limits how tight it can be.
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
