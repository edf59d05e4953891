#include "quant/planner.h"

#include <fnmatch.h>

#include <algorithm>

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

void Plan::decide_precision() {
  const auto& registry = kernels::builtin_registry();
  const Precision base = recipe.mode == Mode::Int16x8 ? Precision::Int16 : Precision::Int8;
  op.assign(g.ops.size(), Precision::Float);
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const Op& o = g.ops[i];
    bool touches_float = false;
    for (int32_t t : o.inputs) touches_float |= t >= 0 && g.tensors[t].dtype == DType::Float32;
    for (int32_t t : o.outputs) touches_float |= t >= 0 && g.tensors[t].dtype == DType::Float32;
    if (!touches_float) continue;  // int32 shape arithmetic, token ids: never touched
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

QuantParams Plan::range_params(int32_t t, DType dtype) {
  if (auto it = forced.find(t); it != forced.end() && dtype == home[t]) return it->second;
  const std::string& name = g.tensors[t].name;
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
      if (auto fixed = fixed_output_params(o.code.builtin, dtype)) {
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
