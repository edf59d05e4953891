// The quantizer's decisions, made on the prepared float graph before any
// byte is written: each op's precision (float, int8, int16 activations),
// the dtype each activation tensor lives in, and its parameters — the
// calibrated range, or what the runtime dictates (fixed outputs, outputs
// that share their input's, inputs that must share the output's).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calib/stats.h"
#include "octet/model.h"
#include "octet/quantize.h"

namespace octet::quant {

// Whether a tensor name matches one of the recipe's globs.
bool matches_glob(const std::vector<std::string>& globs, const std::string& name);

// The value mask constants become under a mask-aware recipe (none without
// masked sums in the statistics), and the rewrite itself: every float
// constant element at or below `threshold` becomes `value`. Returns how many.
std::optional<float> mask_value_for(const calib::Stats& stats, const Recipe& recipe);
size_t replace_mask_constants(Model& model, float threshold, float value);

enum class Precision : uint8_t { Float, Int8, Int16 };
DType activation_dtype(Precision p);  // Float32, Int8, Int16

struct Plan {
  const Model& model;  // prepared float model
  const Graph& g;
  const calib::Stats& stats;
  const Recipe& recipe;
  Report& report;

  std::vector<Precision> op;          // per op
  std::vector<DType> home;            // per tensor: the dtype a float activation is stored in
  std::vector<QuantParams> act;       // per tensor: its parameters in `home` (integer homes only)
  std::map<int32_t, QuantParams> forced;  // tensors whose parameters a consumer dictates
  std::vector<int32_t> producer;      // per tensor: op index, -1 for inputs/constants
  std::vector<std::pair<size_t, size_t>> requantize;  // (op, input) needing a requantizing QUANTIZE
  // CASTs from integers to float whose values fit the integer type: they cast
  // straight to it with scale 1, zero point 0 (a 0/1 mask stays exact).
  std::vector<bool> integer_cast;
  // Mask-aware recipes: the value mask constants become (see Recipe).
  std::optional<float> mask_value;

  Plan(const Model& m, const calib::Stats& s, const Recipe& r, Report& rep);

  bool is_constant(int32_t t) const;
  bool is_float_activation(int32_t t) const;
  // The parameters tensor t has when read as `dtype` (its own, or those its
  // QUANTIZE twin gets from the calibrated range).
  QuantParams params_as(int32_t t, DType dtype);
  // A float constant's parameters when op `i` reads it as `dtype`.
  QuantParams constant_params_for(size_t i, int32_t t, DType dtype);
  std::string op_label(size_t i) const;

 private:
  void decide_mask_value();
  bool is_mask_tensor(const std::string& name) const;
  bool casts_integers_that_fit(size_t i, Precision p) const;
  void decide_precision();
  void decide_homes();
  void decide_params_once();
  void unify_shared_inputs();
  QuantParams range_params(int32_t t, DType dtype);
  using TensorStats = calib::TensorStats;
};

}  // namespace octet::quant
