// Helpers for float kernel tests: seeded random tensors, a tolerance
// comparison that names the first mismatching index, and running an op
// whose expected output comes from a naive loop in the test.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "harness.h"

namespace octet::testing {

inline std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// The oracle's tolerance: |actual - expected| <= tol * max(1, |expected|).
inline ::testing::AssertionResult all_near(const std::vector<float>& actual,
                                           const std::vector<double>& expected, double tol = 1e-4) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure()
           << "size " << actual.size() << ", expected " << expected.size();
  for (size_t i = 0; i < actual.size(); ++i) {
    const double e = expected[i];
    if (!(std::abs(actual[i] - e) <= tol * std::max(1.0, std::abs(e))))
      return ::testing::AssertionFailure()
             << "index " << i << ": got " << actual[i] << ", expected " << e;
  }
  return ::testing::AssertionSuccess();
}

inline std::vector<double> clamp_all(std::vector<double> v, Activation a) {
  for (double& x : v) {
    if (a == Activation::Relu) x = std::max(x, 0.0);
    if (a == Activation::Relu6) x = std::clamp(x, 0.0, 6.0);
    if (a == Activation::ReluN1To1) x = std::clamp(x, -1.0, 1.0);
  }
  return v;
}

// An omitted optional input (index -1 in the file).
inline HostTensor omitted_tensor() { return HostTensor{}; }

}  // namespace octet::testing
