// The quantizer: decides each op's precision, each tensor's parameters and
// the constant bytes, then writes the integer graph. Weights symmetric per
// output channel, biases int32 at s_in·s_w, activations asymmetric int8 from
// the calibrated ranges, the runtime's fixed and shared parameters, QUANTIZE
// / DEQUANTIZE where precision changes. Tensor names are kept; inserted
// tensors get a suffix.
#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "calib/stats.h"
#include "kernels/kernel.h"
#include "octet/builder.h"
#include "octet/quantize.h"
#include "quant/op_rules.h"
#include "quant/weights.h"
#include "rewrite/fold_constants.h"
#include "rewrite/lower_custom_ops.h"

namespace octet::quant {
namespace {

bool matches_any(const std::vector<std::string>& globs, const std::string& name) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return fnmatch(g.c_str(), name.c_str(), 0) == 0; });
}

std::string op_label(const Graph& g, size_t i) {
  const Op& op = g.ops[i];
  const std::string out = op.outputs.empty() || op.outputs[0] < 0 ? "" : g.tensors[op.outputs[0]].name;
  return fmt::format("op {} ({}) '{}'", i, op.code.is_custom() ? op.code.custom_name
                                                                : std::string(builtin_op_name(op.code.builtin)), out);
}

struct Planner {
  const Model& model;   // prepared float model
  const Graph& g;
  const calib::Stats& stats;
  const Recipe& recipe;
  Report& report;

  std::vector<bool> op_integer;          // per op
  std::vector<QuantParams> act;          // per tensor: int8 parameters of activations (empty: none)
  std::map<int32_t, QuantParams> forced;  // tensors whose parameters a consumer dictates
  std::vector<int32_t> producer;         // per tensor: op index, -1 for inputs/constants
  std::vector<std::pair<size_t, size_t>> requantize;  // (op, input) that needs an int8→int8 QUANTIZE

  bool is_constant(int32_t t) const { return t >= 0 && !model.data_of(g.tensors[t]).empty(); }
  bool is_float_activation(int32_t t) const {
    return t >= 0 && g.tensors[t].dtype == DType::Float32 && !is_constant(t);
  }

  void decide_precision() {
    const auto& registry = kernels::builtin_registry();
    op_integer.assign(g.ops.size(), false);
    for (size_t i = 0; i < g.ops.size(); ++i) {
      const Op& op = g.ops[i];
      bool touches_float = false;
      for (int32_t t : op.inputs) touches_float |= t >= 0 && g.tensors[t].dtype == DType::Float32;
      for (int32_t t : op.outputs) touches_float |= t >= 0 && g.tensors[t].dtype == DType::Float32;
      if (!touches_float) continue;  // int32 shape arithmetic, token ids: never touched
      if (op.code.is_custom() || !registry.find(op.code, kernels::Arithmetic::Integer)) {
        report.kept_float.push_back(op_label(g, i) + ": octet has no integer kernel for it");
        continue;
      }
      bool keep = false;
      for (int32_t t : op.outputs) keep |= t >= 0 && matches_any(recipe.keep_float, g.tensors[t].name);
      if (keep) {
        report.kept_float.push_back(op_label(g, i) + ": kept float by the recipe");
        continue;
      }
      op_integer[i] = true;
    }
  }

  QuantParams range_params(int32_t t) {
    if (auto it = forced.find(t); it != forced.end()) return it->second;
    const std::string& name = g.tensors[t].name;
    auto it = stats.tensors.find(name);
    if (it == stats.tensors.end() || it->second.count == 0)
      fail("tensor {} '{}' has no calibration statistics (stats of '{}'): calibrate this model "
           "(after octet's preparation: float16/sparse weights folded) and quantize with those stats",
           t, name, stats.model);
    const calib::Range r = calib::choose_range(it->second, recipe.estimator, 8, /*symmetric=*/false);
    return activation_params(r.min, r.max);
  }

  // int8 CONCATENATION does not rescale: every input must carry the output's
  // parameters. Each input's chain of parameter-sharing ops is followed back
  // to the op that chooses its range, which is then given the output's
  // parameters (as TFLite's quantizer does); where that op's output is fixed
  // (LOGISTIC, …) or is a model input, a requantizing QUANTIZE goes between.
  void unify_concatenations() {
    producer.assign(g.tensors.size(), -1);
    for (size_t i = 0; i < g.ops.size(); ++i)
      for (int32_t t : g.ops[i].outputs) if (t >= 0) producer[t] = static_cast<int32_t>(i);
    for (int round = 0; round < 8; ++round) {
      decide_activation_params_once();
      bool changed = false;
      requantize.clear();
      for (size_t i = 0; i < g.ops.size(); ++i) {
        const Op& op = g.ops[i];
        if (!op_integer[i] || op.code.builtin != BuiltinOp::Concatenation) continue;
        const QuantParams& out = act[op.outputs[0]];
        for (size_t k = 0; k < op.inputs.size(); ++k) {
          int32_t t = op.inputs[k];
          if (t < 0 || act[t].empty() || act[t] == out) continue;
          int32_t root = t;
          while (producer[root] >= 0 && op_integer[producer[root]] &&
                 output_shares_input_params(g.ops[producer[root]].code.builtin) &&
                 !g.ops[producer[root]].inputs.empty() && is_float_activation(g.ops[producer[root]].inputs[0]))
            root = g.ops[producer[root]].inputs[0];
          const bool free = producer[root] >= 0 && op_integer[producer[root]] &&
                            !fixed_output_params(g.ops[producer[root]].code.builtin, DType::Int8);
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

  void decide_activation_params() { unify_concatenations(); }

  void decide_activation_params_once() {
    act.assign(g.tensors.size(), {});
    auto needs = [&](int32_t t) { return is_float_activation(t) && act[t].empty(); };
    for (int32_t t : g.inputs)
      if (needs(t)) {
        // A graph input feeding integer ops gets a range (its QUANTIZE output or int8 input).
        act[t] = range_params(t);
      }
    for (size_t i = 0; i < g.ops.size(); ++i) {
      const Op& op = g.ops[i];
      for (int32_t t : op.inputs)
        if (op_integer[i] && needs(t)) act[t] = range_params(t);  // produced by a float op
      for (size_t k = 0; k < op.outputs.size(); ++k) {
        const int32_t t = op.outputs[k];
        if (!is_float_activation(t)) continue;
        if (!op_integer[i]) {
          continue;  // stays float; a consumer that is integer ranges it above
        }
        if (auto fixed = fixed_output_params(op.code.builtin, DType::Int8)) {
          act[t] = *fixed;
        } else if (output_shares_input_params(op.code.builtin) && !op.inputs.empty() &&
                   op.inputs[0] >= 0 && !act[op.inputs[0]].empty()) {
          act[t] = act[op.inputs[0]];
        } else {
          act[t] = range_params(t);
        }
      }
    }
  }
};

}  // namespace

Mode parse_mode(const std::string& name) {
  if (name == "int8") return Mode::Int8;
  if (name == "16x8") return Mode::Int16x8;
  if (name == "dynamic") return Mode::Dynamic;
  fail("unknown quantization mode '{}': expected int8, 16x8 or dynamic", name);
}

Model prepare_for_quantization(const Model& float_model, size_t* folded_ops) {
  Model m = float_model;
  rewrite::lower_custom_ops(m);
  const auto folded = rewrite::fold_constants(m);
  rewrite::drop_unused(m);
  if (folded_ops) *folded_ops = folded.folded_ops;
  return m;
}

Model quantize_model(const Model& float_model, const calib::Stats& stats, const Recipe& recipe,
                     Report* report_out) {
  if (recipe.mode != Mode::Int8)
    fail("quantization mode {} is not implemented yet: use int8",
         recipe.mode == Mode::Int16x8 ? "16x8" : "dynamic");
  Report report;
  Model model = prepare_for_quantization(float_model, &report.folded_ops);
  const Model prepared = model;  // the planner reads the float graph; `model` is rewritten
  const Graph& fg = prepared.main();
  Planner plan{prepared, fg, stats, recipe, report, {}, {}};
  plan.decide_precision();
  plan.decide_activation_params();

  Graph& g = model.main();
  // Activations: float → int8 in place (names kept) when produced by an integer op,
  // or when a graph input is given as int8.
  const bool int_io = recipe.integer_io;
  std::vector<bool> home_integer(fg.tensors.size(), false);
  for (size_t i = 0; i < fg.ops.size(); ++i)
    for (int32_t t : fg.ops[i].outputs)
      if (t >= 0 && plan.op_integer[i] && plan.is_float_activation(t)) home_integer[t] = true;
  for (int32_t t : fg.inputs)
    if (int_io && plan.is_float_activation(t) && !plan.act[t].empty()) home_integer[t] = true;
  for (size_t t = 0; t < fg.tensors.size(); ++t) {
    if (!home_integer[t]) continue;
    g.tensors[t].dtype = DType::Int8;
    g.tensors[t].quant = plan.act[t];
  }

  // Twins: the other precision of a tensor, made once, with a conversion op
  // placed right after the tensor is produced (or first among ops for inputs).
  std::map<int32_t, int32_t> twin;
  std::vector<std::pair<size_t, Op>> inserts;  // (position in fg.ops, op): insert before that op
  auto producer_position = [&](int32_t t) -> size_t {
    for (size_t i = 0; i < fg.ops.size(); ++i)
      for (int32_t o : fg.ops[i].outputs)
        if (o == t) return i + 1;
    return 0;
  };
  auto twin_of = [&](int32_t t) -> int32_t {
    if (auto it = twin.find(t); it != twin.end()) return it->second;
    Tensor copy = g.tensors[t];
    const bool to_integer = !home_integer[t];
    copy.buffer = 0;
    copy.dtype = to_integer ? DType::Int8 : DType::Float32;
    copy.quant = to_integer ? plan.act[t] : QuantParams{};
    copy.name += to_integer ? "/int8" : "/float";
    g.tensors.push_back(copy);
    const int32_t index = static_cast<int32_t>(g.tensors.size() - 1);
    Op op;
    op.code = OpCode{to_integer ? BuiltinOp::Quantize : BuiltinOp::Dequantize, {}, 1};
    op.options = default_options(op.code.builtin);
    op.inputs = {t};
    op.outputs = {index};
    op.code.version = quantized_version(op, DType::Int8);
    inserts.emplace_back(producer_position(t), op);
    ++report.inserted_ops;
    twin[t] = index;
    return index;
  };

  for (size_t i = 0; i < fg.ops.size(); ++i) {
    Op& op = g.ops[i];
    if (!plan.op_integer[i]) {
      ++report.float_ops;
      for (int32_t& t : op.inputs)
        if (t >= 0 && home_integer[t]) t = twin_of(t);
      continue;
    }
    ++report.integer_ops;
    const auto role = weight_role(op.code.builtin);
    std::vector<float> weight_scales;
    for (size_t k = 0; k < op.inputs.size(); ++k) {
      int32_t& t = op.inputs[k];
      if (t < 0) continue;
      const Tensor& ft = fg.tensors[t];
      if (ft.dtype != DType::Float32) continue;
      if (plan.is_constant(t)) {
        const auto values = float_values(prepared, ft);
        Tensor q = ft;
        std::vector<std::byte> bytes;
        if (role && static_cast<int>(k) == role->input) {
          bytes = quantize_weights(values, ft.shape, recipe.per_channel ? role->axis : -1, q.quant);
          weight_scales = q.quant.scale;
          q.dtype = DType::Int8;
        } else if (role && static_cast<int>(k) == role->bias) {
          continue;  // after the loop: needs the input and weight scales
        } else {
          bytes = quantize_asymmetric(values, q.quant);
          q.dtype = DType::Int8;
        }
        q.name += "/q";
        model.buffers.push_back(Buffer::copy_of(bytes));
        q.buffer = static_cast<int32_t>(model.buffers.size() - 1);
        g.tensors.push_back(q);
        t = static_cast<int32_t>(g.tensors.size() - 1);
      } else if (!home_integer[t]) {
        t = twin_of(t);
      }
    }
    if (role && role->bias < static_cast<int>(op.inputs.size()) && op.inputs[role->bias] >= 0) {
      int32_t& t = op.inputs[role->bias];
      const Tensor& ft = fg.tensors[t];
      const int32_t in = op.code.builtin == BuiltinOp::TransposeConv ? 2 : 0;
      const float in_scale = g.tensors[op.inputs[in]].quant.scale.at(0);
      Tensor q = ft;
      const auto bytes = quantize_bias(float_values(prepared, ft), in_scale, weight_scales, q.quant);
      q.dtype = DType::Int32;
      q.name += "/q";
      model.buffers.push_back(Buffer::copy_of(bytes));
      q.buffer = static_cast<int32_t>(model.buffers.size() - 1);
      g.tensors.push_back(q);
      t = static_cast<int32_t>(g.tensors.size() - 1);
    }
    for (auto [op_index, k] : plan.requantize) {
      if (op_index != i) continue;
      const int32_t src = op.inputs[k];
      Tensor copy = g.tensors[src];
      copy.name += "/requantized";
      copy.quant = plan.act[fg.ops[i].outputs[0]];
      g.tensors.push_back(copy);
      Op q;
      q.code = OpCode{BuiltinOp::Quantize, {}, 2};  // version 2: int8 → int8
      q.options = default_options(BuiltinOp::Quantize);
      q.inputs = {src};
      q.outputs = {static_cast<int32_t>(g.tensors.size() - 1)};
      op.inputs[k] = q.outputs[0];
      inserts.emplace_back(i, q);
      ++report.inserted_ops;
    }
    op.code.version = quantized_version(op, DType::Int8);
  }

  // Graph outputs that are integer but must stay float: the float twin takes
  // the original name, so callers find outputs where they were.
  for (int32_t& t : g.outputs) {
    if (!home_integer[t] || int_io) continue;
    const int32_t f = twin_of(t);
    g.tensors[f].name = g.tensors[t].name;
    g.tensors[t].name += "/int8";
    for (Signature& s : model.signatures)
      for (auto& so : s.outputs) if (so.tensor == t) so.tensor = f;
    t = f;
  }
  // Graph inputs given as float feeding integer ops: already twinned where consumed.
  // The float input keeps its name; its int8 twin is "<name>/int8".
  std::stable_sort(inserts.begin(), inserts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Op> ops;
  size_t next = 0;
  for (size_t i = 0; i <= g.ops.size(); ++i) {
    while (next < inserts.size() && inserts[next].first == i) ops.push_back(inserts[next++].second);
    if (i < g.ops.size()) ops.push_back(std::move(g.ops[i]));
  }
  g.ops = std::move(ops);
  rewrite::drop_unused(model);
  model.description = "octet int8";
  if (report_out) *report_out = report;
  return model;
}

}  // namespace octet::quant
