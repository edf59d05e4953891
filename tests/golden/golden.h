// Golden tests of octet's integer kernels against the real runtime: one-op
// models built with the builder API, random integer inputs over the full
// range of their dtype, run in octet's interpreter and in LiteRT (one Node
// start-up per batch of cases), integers compared element by element.
//
// LiteRT.js applies XNNPACK and it cannot be switched off (see NOTES.md);
// ops XNNPACK declines (int16 activations, non-constant filters, scale ratios
// outside its bounds, ops it lacks) run in LiteRT's builtin kernels. A case
// that runs in XNNPACK names the allowed difference and why; every other
// case must be bit-exact. Each run appends its figures to
// build/test_scratch/golden/differences.tsv (op, case, max |Δ|, count).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "octet/builder.h"
#include "octet/model.h"
#include "octet/npy.h"

namespace octet::testing {

// Per-tensor parameters (scale, zero point) and per-channel ones.
QuantParams qparams(float scale, int64_t zero_point);
QuantParams per_channel(std::vector<float> scales, int32_t axis);

// One tensor of a one-op model. Without `data` it is a model input that gets
// random values; with it, a constant.
struct GTensor {
  DType dtype = DType::Int8;
  std::vector<int32_t> shape;
  QuantParams quant = {};
  std::vector<std::byte> data = {};
  // Range of the random values for an input (inclusive); default: the
  // dtype's whole range (int8 [-128, 127], int16 [-32768, 32767], ...).
  int64_t lo = 0, hi = -1;
  bool omitted = false;  // an optional input left out (index -1)

  // A copy with another random range (returns a new value, so
  // `t = std::move(t).range(a, b)` keeps everything else).
  GTensor range(int64_t l, int64_t h) && {
    GTensor t = std::move(*this);
    t.lo = l;
    t.hi = h;
    return t;
  }
};
GTensor int8_tensor(std::vector<int32_t> shape, float scale, int64_t zero_point);
GTensor int16_tensor(std::vector<int32_t> shape, float scale);
GTensor int32_input(std::vector<int32_t> shape, int64_t lo, int64_t hi);
// Constants: seeded random int8 weights over [-127, 127], int32/int64 biases
// in [lo, hi], or given values.
GTensor int8_weights(std::vector<int32_t> shape, QuantParams quant, uint32_t seed);
GTensor int32_bias(std::vector<int32_t> shape, QuantParams quant, int64_t lo, int64_t hi, uint32_t seed);
GTensor int64_bias(std::vector<int32_t> shape, QuantParams quant, int64_t lo, int64_t hi, uint32_t seed);
template <class T>
GTensor constant_of(DType dtype, std::vector<int32_t> shape, const std::vector<T>& values,
                    QuantParams quant = {}) {
  GTensor t{dtype, std::move(shape), std::move(quant)};
  t.data.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

// A model with one op: inputs in order (`omitted()` for an optional input
// left out), outputs in order. Options opt::None keep the op's defaults.
GTensor omitted();
Model one_op_model(BuiltinOp op, OptionsValue options, const std::vector<GTensor>& inputs,
                   const std::vector<GTensor>& outputs, int32_t version = 1);

struct GoldenCase {
  std::string op;    // "ADD", for the difference table
  std::string name;  // what varies: "int8 broadcast [2,3]x[3] zp=-128"
  Model model;
  // Random ranges of the model's inputs, in input order (from the GTensors).
  std::vector<std::pair<int64_t, int64_t>> input_ranges;
  // Allowed |octet − LiteRT| in units of the output's last place, and why
  // (empty: must be bit-exact).
  int tolerance = 0;
  std::string reason = {};
  // Float outputs only: when >= 0, the case is checked by absolute
  // difference |octet − LiteRT| <= abs_tolerance instead of by ulps (for
  // runtimes that compute a different approximation, e.g. XNNPACK's
  // dynamically quantized kernels; `reason` says why).
  double abs_tolerance = -1;
};

// Builds a GoldenCase from one op (input ranges taken from the tensors).
GoldenCase golden_case(std::string op_name, std::string name, BuiltinOp op, OptionsValue options,
                       const std::vector<GTensor>& inputs, const std::vector<GTensor>& outputs,
                       int32_t version = 1);

struct GoldenResult {
  std::string op, name;
  int64_t max_diff = 0;   // over all outputs and samples
  int64_t differing = 0;  // elements that differ
  int64_t total = 0;
  double max_abs_diff = 0;  // float outputs: largest |octet − LiteRT|
  std::string error;      // octet or LiteRT failed
};

// Runs every case on `samples` random input sets (seeded) in octet and in
// LiteRT. Skips (GTEST_SKIP in the caller) is the caller's job: check
// litert_available() first.
std::vector<GoldenResult> run_golden(const std::vector<GoldenCase>& cases, uint32_t seed = 1,
                                     int samples = 2);

// run_golden, then one EXPECT per case: no error, max difference within its
// tolerance. Prints one line a case and appends them to differences.tsv.
void expect_golden(const std::vector<GoldenCase>& cases, uint32_t seed = 1, int samples = 2);

}  // namespace octet::testing
