// The quantizer's decisions, made on the prepared float graph before any
// byte is written: each op's precision (float, int8, int16 activations),
// the dtype each activation tensor lives in, and its parameters — the
// calibrated range, or what the runtime dictates (fixed outputs, outputs
// that share their input's, inputs that must share the output's).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "calib/stats.h"
#include "octet/model.h"
#include "octet/quantize.h"

namespace octet::quant {

// Whether a tensor name matches one of the recipe's globs.
bool matches_glob(const std::vector<std::string>& globs, const std::string& name);

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
  void decide_precision();
  void decide_homes();
  void decide_params_once();
  void unify_shared_inputs();
  QuantParams range_params(int32_t t, DType dtype);
};

}  // namespace octet::quant
