// The quantizer: decides each op's precision, each tensor's parameters and
// the constant bytes, then writes the integer graph. Weights symmetric per
// output channel, biases int32 at s_in·s_w, activations asymmetric int8 from
// the calibrated ranges, the runtime's fixed and shared parameters, QUANTIZE
// / DEQUANTIZE where precision changes. Tensor names are kept; inserted
// tensors get a suffix.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "calib/stats.h"
#include "kernels/kernel.h"
#include "octet/builder.h"
#include "octet/quantize.h"
#include "quant/dynamic_range.h"
#include "quant/op_rules.h"
#include "quant/planner.h"
#include "quant/weights.h"
#include "rewrite/fold_constants.h"
#include "rewrite/lower_custom_ops.h"

namespace octet::quant {

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
  if (recipe.mode == Mode::Dynamic) return quantize_dynamic_range(float_model, recipe, report_out);
  Report report;
  Model model = prepare_for_quantization(float_model, &report.folded_ops);
  if (const auto m = mask_value_for(stats, recipe))
    report.mask_constants = replace_mask_constants(model, *recipe.mask_threshold, *m);
  const Model prepared = model;  // the plan reads the float graph; `model` is rewritten
  const Graph& fg = prepared.main();
  Plan plan(prepared, stats, recipe, report);

  Graph& g = model.main();
  // Activations: float → integer in place (names kept) where the plan gives them an integer home.
  for (size_t t = 0; t < fg.tensors.size(); ++t) {
    if (plan.home[t] == DType::Float32) continue;
    g.tensors[t].dtype = plan.home[t];
    g.tensors[t].quant = plan.act[t];
  }

  // Twins: a tensor in another dtype, made once per dtype, by a conversion op
  // placed right after the tensor is produced (or first among ops for inputs).
  std::map<std::pair<int32_t, DType>, int32_t> twin;
  std::vector<std::pair<size_t, Op>> inserts;  // (position in fg.ops, op): insert before that op
  auto producer_position = [&](int32_t t) -> size_t {
    return plan.producer[t] < 0 ? 0 : static_cast<size_t>(plan.producer[t]) + 1;
  };
  auto twin_of = [&](int32_t t, DType dtype) -> int32_t {
    if (auto it = twin.find({t, dtype}); it != twin.end()) return it->second;
    Tensor copy = g.tensors[t];
    copy.buffer = 0;
    copy.dtype = dtype;
    copy.quant = dtype == DType::Float32 ? QuantParams{} : plan.params_as(t, dtype);
    copy.name += dtype == DType::Float32 ? "/float" : "/" + std::string(dtype_name(dtype));
    g.tensors.push_back(copy);
    const int32_t index = static_cast<int32_t>(g.tensors.size() - 1);
    Op op;
    op.code = OpCode{dtype == DType::Float32 ? BuiltinOp::Dequantize : BuiltinOp::Quantize, {}, 1};
    op.options = default_options(op.code.builtin);
    op.inputs = {t};
    op.outputs = {index};
    op.code.version = conversion_version(plan.home[t], dtype);
    inserts.emplace_back(producer_position(t), op);
    ++report.inserted_ops;
    twin[{t, dtype}] = index;
    return index;
  };
  auto add_constant = [&](Tensor q, std::vector<std::byte> bytes) {
    q.name += "/q";
    model.buffers.push_back(Buffer::copy_of(bytes));
    q.buffer = static_cast<int32_t>(model.buffers.size() - 1);
    g.tensors.push_back(std::move(q));
    return static_cast<int32_t>(g.tensors.size() - 1);
  };

  for (size_t i = 0; i < fg.ops.size(); ++i) {
    Op& op = g.ops[i];
    if (plan.op[i] == Precision::Float) {
      ++report.float_ops;
      for (int32_t& t : op.inputs)
        if (t >= 0 && plan.home[t] != DType::Float32) t = twin_of(t, DType::Float32);
      continue;
    }
    ++report.integer_ops;
    const DType dtype = activation_dtype(plan.op[i]);
    const auto role = weight_role(op.code.builtin);
    std::vector<float> weight_scales;
    for (size_t k = 0; k < op.inputs.size(); ++k) {
      int32_t& t = op.inputs[k];
      if (t < 0) continue;
      const Tensor& ft = fg.tensors[t];
      if (ft.dtype != DType::Float32) continue;
      if (plan.is_constant(t)) {
        if (role && static_cast<int>(k) == role->bias) continue;  // below: needs input and weight scales
        const auto values = float_values(prepared, ft);
        Tensor q = ft;
        std::vector<std::byte> bytes;
        if (role && static_cast<int>(k) == role->input) {
          bytes = quantize_weights(values, ft.shape, recipe.per_channel ? role->axis : -1, q.quant);
          weight_scales = q.quant.scale;
          q.dtype = DType::Int8;
        } else {
          q.quant = plan.constant_params_for(i, t, dtype);
          bytes = quantize_values(values, q.quant, dtype);
          q.dtype = dtype;
        }
        t = add_constant(std::move(q), std::move(bytes));
      } else if (plan.home[t] != dtype) {
        t = twin_of(t, dtype);
      }
    }
    if (role && role->bias < static_cast<int>(op.inputs.size()) && op.inputs[role->bias] >= 0) {
      int32_t& t = op.inputs[role->bias];
      const Tensor& ft = fg.tensors[t];
      const int32_t in = op.code.builtin == BuiltinOp::TransposeConv ? 2 : 0;
      const float in_scale = g.tensors[op.inputs[in]].quant.scale.at(0);
      Tensor q = ft;
      q.dtype = dtype == DType::Int16 ? DType::Int64 : DType::Int32;
      auto bytes = quantize_bias(float_values(prepared, ft), in_scale, weight_scales, q.dtype, q.quant);
      t = add_constant(std::move(q), std::move(bytes));
    }
    for (auto [op_index, k] : plan.requantize) {
      if (op_index != i) continue;
      const int32_t src = op.inputs[k];
      Tensor copy = g.tensors[src];
      copy.name += "/requantized";
      copy.dtype = dtype;
      copy.quant = plan.act[fg.ops[i].outputs[0]];
      g.tensors.push_back(copy);
      Op q;
      q.code = OpCode{BuiltinOp::Quantize, {}, conversion_version(g.tensors[src].dtype, dtype)};
      q.options = default_options(BuiltinOp::Quantize);
      q.inputs = {src};
      q.outputs = {static_cast<int32_t>(g.tensors.size() - 1)};
      op.inputs[k] = q.outputs[0];
      inserts.emplace_back(i, q);
      ++report.inserted_ops;
    }
    if (dtype == DType::Int16) set_int16_options(op);
    op.code.version = quantized_version(op, dtype);
  }

  // Graph outputs that are integer but must stay float: the float twin takes
  // the original name, so callers find outputs where they were.
  for (int32_t& t : g.outputs) {
    if (plan.home[t] == DType::Float32 || recipe.integer_io) continue;
    const int32_t f = twin_of(t, DType::Float32);
    g.tensors[f].name = g.tensors[t].name;
    g.tensors[t].name += "/" + std::string(dtype_name(plan.home[t]));
    for (Signature& sig : model.signatures)
      for (auto& so : sig.outputs) if (so.tensor == t) so.tensor = f;
    t = f;
  }
  // Graph inputs given as float feeding integer ops: already twinned where consumed.
  // The float input keeps its name; its integer twin is "<name>/int8" (or /int16).
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
  model.description = recipe.mode == Mode::Int16x8 ? "octet 16x8" : "octet int8";
  if (report_out) *report_out = report;
  return model;
}

}  // namespace octet::quant
