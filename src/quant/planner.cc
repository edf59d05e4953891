#include "quant/planner.h"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "calib/estimators.h"
#include "kernels/kernel.h"
#include "quant/op_rules.h"
#include "quant/weights.h"

namespace octet::quant {
namespace {

// A recipe pattern names an op by the name of a tensor it produces (a glob)
// or by its index in the prepared graph ("#12").
bool op_matches(const std::vector<std::string>& patterns, const Graph& g, size_t i) {
  for (const std::string& p : patterns) {
    if (p.size() > 1 && p[0] == '#') {
      if (p.substr(1) == std::to_string(i)) return true;
      continue;
    }
    for (int32_t t : g.ops[i].outputs)
      if (t >= 0 && matches_glob({p}, g.tensors[t].name)) return true;
  }
  return false;
}

}  // namespace

bool matches_glob(const std::vector<std::string>& globs, const std::string& name) {
  for (const std::string& g : globs)
    if (fnmatch(g.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

DType activation_dtype(Precision p) {
  return p == Precision::Int8 ? DType::Int8 : p == Precision::Int16 ? DType::Int16 : DType::Float32;
}

Plan::Plan(const Model& m, const calib::Stats& s, const Recipe& r, Report& rep)
    : model(m), g(m.main()), stats(s), recipe(r), report(rep) {
  producer.assign(g.tensors.size(), -1);
  for (size_t i = 0; i < g.ops.size(); ++i)
    for (int32_t t : g.ops[i].outputs) if (t >= 0) producer[t] = static_cast<int32_t>(i);
  decide_mask_value();
  decide_precision();
  decide_homes();
  unify_shared_inputs();
}

bool Plan::is_constant(int32_t t) const { return t >= 0 && !model.data_of(g.tensors[t]).empty(); }

bool Plan::is_float_activation(int32_t t) const {
  return t >= 0 && g.tensors[t].dtype == DType::Float32 && !is_constant(t);
}

std::string Plan::op_label(size_t i) const {
  const Op& o = g.ops[i];
  const std::string out = o.outputs.empty() || o.outputs[0] < 0 ? "" : g.tensors[o.outputs[0]].name;
  return fmt::format("op {} ({}) '{}'", i,
                     o.code.is_custom() ? o.code.custom_name : std::string(builtin_op_name(o.code.builtin)), out);
}

// A tensor that held only mask values and zeros in calibration.
bool Plan::is_mask_tensor(const std::string& name) const {
  if (!recipe.mask_threshold) return false;
  auto it = stats.tensors.find(name);
  if (it == stats.tensors.end() || it->second.masked == 0) return false;
  return it->second.count == 0 || (it->second.min == 0 && it->second.max == 0);
}

// M: below every masked sum's unmasked range by that range's width, so a
// score plus M is below the range and clamps to the lowest code.
std::optional<float> mask_value_for(const calib::Stats& stats, const Recipe& recipe) {
  if (!recipe.mask_threshold) return std::nullopt;
  double m = 0;
  for (const auto& [name, t] : stats.tensors) {
    if (t.masked == 0 || t.count == 0 || (t.min == 0 && t.max == 0)) continue;
    m = std::min(m, t.min - 2 * (t.max - t.min));
  }
  if (m == 0) return std::nullopt;  // no masked sums observed: nothing to rewrite
  return static_cast<float>(m);
}

size_t replace_mask_constants(Model& model, float threshold, float value) {
  size_t replaced = 0;
  for (Tensor& t : model.main().tensors) {
    if (t.dtype != DType::Float32) continue;
    const auto bytes = model.data_of(t);
    if (bytes.empty()) continue;
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    size_t n = 0;
    for (float& x : v)
      if (x <= threshold) { x = value; ++n; }
    if (n == 0) continue;
    model.buffers.push_back(Buffer::copy_of(std::as_bytes(std::span(v))));
    t.buffer = static_cast<int32_t>(model.buffers.size() - 1);
    replaced += n;
  }
  return replaced;
}

void Plan::decide_mask_value() { mask_value = mask_value_for(stats, recipe); }

void Plan::decide_precision() {
  const auto& registry = kernels::builtin_registry();
  const Precision base = recipe.mode == Mode::Int16x8 ? Precision::Int16 : Precision::Int8;
  op.assign(g.ops.size(), Precision::Float);
  integer_cast.assign(g.ops.size(), false);
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const Op& o = g.ops[i];
    bool touches_float = false;
    for (int32_t t : o.inputs) touches_float |= t >= 0 && g.tensors[t].dtype == DType::Float32;
    for (int32_t t : o.outputs) touches_float |= t >= 0 && g.tensors[t].dtype == DType::Float32;
    if (!touches_float) continue;  // int32 shape arithmetic, token ids: never touched
    // int8 only: at int16 a scale of 1 next to int16's fine scales puts ADD/SUB
    // output multipliers above 1, which the int16 kernel cannot take.
    if (o.code.builtin == BuiltinOp::Cast && base == Precision::Int8 && casts_integers_that_fit(i, base)) {
      op[i] = base;
      integer_cast[i] = true;
      continue;
    }
    if (o.code.is_custom() || !registry.find(o.code, kernels::Arithmetic::Integer)) {
      report.kept_float.push_back(op_label(i) + ": octet has no integer kernel for it");
      continue;
    }
    if (op_matches(recipe.keep_float, g, i)) {
      report.kept_float.push_back(op_label(i) + ": kept float by the recipe");
      continue;
    }
    Precision p = op_matches(recipe.int16, g, i) ? Precision::Int16 : base;
    if (p == Precision::Int16 && !has_int16_kernel(o.code.builtin)) {
      report.kept_float.push_back(op_label(i) + ": the runtime has no int16 kernel for it");
      continue;
    }
    op[i] = p;
  }
}

void Plan::decide_homes() {
  home.assign(g.tensors.size(), DType::Float32);
  for (size_t i = 0; i < g.ops.size(); ++i)
    for (int32_t t : g.ops[i].outputs)
      if (op[i] != Precision::Float && is_float_activation(t)) home[t] = activation_dtype(op[i]);
  if (!recipe.integer_io) return;
  // An integer model input takes the precision of its first integer consumer.
  for (int32_t t : g.inputs) {
    if (!is_float_activation(t)) continue;
    for (size_t i = 0; i < g.ops.size() && home[t] == DType::Float32; ++i)
      if (op[i] != Precision::Float && std::count(g.ops[i].inputs.begin(), g.ops[i].inputs.end(), t))
        home[t] = activation_dtype(op[i]);
  }
}

bool Plan::casts_integers_that_fit(size_t i, Precision p) const {
  const Op& o = g.ops[i];
  if (o.inputs.size() != 1 || o.outputs.size() != 1 || o.inputs[0] < 0 || !is_float_activation(o.outputs[0]))
    return false;
  const DType from = g.tensors[o.inputs[0]].dtype;
  if (from != DType::Int32 && from != DType::Bool && from != DType::Int8 && from != DType::Int16) return false;
  if (op_matches(recipe.keep_float, g, i)) return false;
  auto it = stats.tensors.find(g.tensors[o.outputs[0]].name);
  if (it == stats.tensors.end() || it->second.count == 0) return false;
  const double lo = p == Precision::Int16 ? -32768 : -128, hi = p == Precision::Int16 ? 32767 : 127;
  const TensorStats& t = it->second;
  return t.min >= lo && t.max <= hi && t.min == std::floor(t.min) && t.max == std::floor(t.max);
}

QuantParams Plan::range_params(int32_t t, DType dtype) {
  if (auto it = forced.find(t); it != forced.end() && dtype == home[t]) return it->second;
  const std::string& name = g.tensors[t].name;
  if (auto it = recipe.tensor_params.find(name); it != recipe.tensor_params.end() && dtype == home[t])
    return it->second;
  if (mask_value && is_mask_tensor(name)) return quant::range_params(*mask_value, 0.f, dtype);
  auto it = stats.tensors.find(name);
  if (it == stats.tensors.end() || it->second.count == 0)
    fail("tensor {} '{}' has no calibration statistics (stats of '{}'): calibrate this model "
         "(after octet's preparation: float16/sparse weights folded) and quantize with those stats",
         t, name, stats.model);
  const int bits = dtype == DType::Int16 ? 16 : 8;
  const calib::Range r = calib::choose_range(it->second, recipe.estimator, bits, dtype == DType::Int16);
  return quant::range_params(r.min, r.max, dtype);
}

QuantParams Plan::params_as(int32_t t, DType dtype) {
  if (home[t] == dtype && !act[t].empty()) return act[t];
  return range_params(t, dtype);
}

QuantParams Plan::constant_params_for(size_t i, int32_t t, DType dtype) {
  const Op& o = g.ops[i];
  // A constant read by an op that copies codes must carry the output's parameters.
  if (inputs_share_output_params(o.code.builtin) && !o.outputs.empty() && !act[o.outputs[0]].empty())
    return act[o.outputs[0]];
  return constant_params(float_values(model, g.tensors[t]), dtype);
}

void Plan::decide_params_once() {
  act.assign(g.tensors.size(), {});
  for (int32_t t : g.inputs)
    if (is_float_activation(t) && home[t] != DType::Float32) act[t] = range_params(t, home[t]);
  for (size_t i = 0; i < g.ops.size(); ++i) {
    if (op[i] == Precision::Float) continue;
    const Op& o = g.ops[i];
    const DType dtype = activation_dtype(op[i]);
    for (int32_t t : o.outputs) {
      if (!is_float_activation(t)) continue;
      const int32_t in = o.inputs.empty() ? -1 : o.inputs[0];
      if (integer_cast[i]) {
        act[t].scale = {1.f};
        act[t].zero_point = {0};
      } else if (auto fixed = fixed_output_params(o.code.builtin, dtype)) {
        act[t] = *fixed;
      } else if (output_shares_input_params(o.code.builtin) && in >= 0 && is_float_activation(in)) {
        act[t] = params_as(in, dtype);
      } else if (output_shares_input_params(o.code.builtin) && is_constant(in) &&
                 g.tensors[in].dtype == DType::Float32) {
        // GATHER from an embedding table, RESHAPE of a constant: the table's own range.
        act[t] = constant_params(float_values(model, g.tensors[in]), dtype);
      } else {
        act[t] = range_params(t, dtype);
      }
    }
  }
}

// Ops whose inputs must carry the output's parameters (CONCATENATION, PACK,
// MAXIMUM, MINIMUM): each input's chain of parameter-sharing ops is followed
// back to the op that chooses its range, which is then given the output's
// parameters (as TFLite's quantizer does); where that op's output is fixed
// (LOGISTIC, …), of another precision, or a model input, a requantizing
// QUANTIZE goes between.
void Plan::unify_shared_inputs() {
  for (int round = 0; round < 8; ++round) {
    decide_params_once();
    bool changed = false;
    requantize.clear();
    for (size_t i = 0; i < g.ops.size(); ++i) {
      const Op& o = g.ops[i];
      if (op[i] == Precision::Float || !inputs_share_output_params(o.code.builtin)) continue;
      const QuantParams& out = act[o.outputs[0]];
      const DType dtype = activation_dtype(op[i]);
      for (size_t k = 0; k < o.inputs.size(); ++k) {
        const int32_t t = o.inputs[k];
        if (!is_float_activation(t)) continue;
        if (home[t] == dtype && act[t] == out) continue;
        int32_t root = t;
        while (producer[root] >= 0 && op[producer[root]] == op[i] &&
               output_shares_input_params(g.ops[producer[root]].code.builtin) &&
               !g.ops[producer[root]].inputs.empty() && is_float_activation(g.ops[producer[root]].inputs[0]))
          root = g.ops[producer[root]].inputs[0];
        const bool free = producer[root] >= 0 && op[producer[root]] == op[i] && home[t] == dtype &&
                          !fixed_output_params(g.ops[producer[root]].code.builtin, dtype);
        if (free && !(forced.count(root) && forced[root] == out)) {
          forced[root] = out;
          changed = true;
        } else if (!free) {
          requantize.emplace_back(i, k);
        }
      }
    }
    if (!changed) return;
  }
}

}  // namespace octet::quant
