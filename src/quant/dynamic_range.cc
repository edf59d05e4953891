#include "quant/dynamic_range.h"

#include "quant/op_rules.h"
#include "quant/planner.h"
#include "quant/weights.h"
#include "rewrite/fold_constants.h"

namespace octet::quant {
namespace {

// The weight input of a hybrid op and its output-channel axis (-1: per tensor).
struct HybridWeight {
  int input;
  int axis;
};

std::optional<HybridWeight> hybrid_weight(const Op& op, bool per_channel) {
  switch (op.code.builtin) {
    case BuiltinOp::FullyConnected: return HybridWeight{1, per_channel ? 0 : -1};
    case BuiltinOp::Conv2d: return HybridWeight{1, per_channel ? 0 : -1};
    case BuiltinOp::DepthwiseConv2d: return HybridWeight{1, per_channel ? 3 : -1};
    case BuiltinOp::BatchMatmul: return HybridWeight{1, -1};
    default: return std::nullopt;
  }
}

template <class T>
void set_asymmetric_inputs(Op& op) {
  T o = op.options.get_or_default<T>();
  o.asymmetric_quantize_inputs = true;
  op.options.table_type = default_options_table(op.code.builtin);
  op.options.value = o;
}

}  // namespace

Model quantize_dynamic_range(const Model& float_model, const Recipe& recipe, Report* report_out) {
  Report report;
  Model model = prepare_for_quantization(float_model, &report.folded_ops);
  Graph& g = model.main();
  for (size_t i = 0; i < g.ops.size(); ++i) {
    Op& op = g.ops[i];
    const auto w = hybrid_weight(op, recipe.per_channel);
    const bool float_input = !op.inputs.empty() && op.inputs[0] >= 0 &&
                             g.tensors[op.inputs[0]].dtype == DType::Float32;
    if (!w || !float_input || w->input >= static_cast<int>(op.inputs.size()) || op.inputs[w->input] < 0) {
      ++report.float_ops;
      continue;
    }
    const int32_t t = op.inputs[w->input];
    const Tensor& ft = g.tensors[t];
    bool keep = false;
    for (int32_t o : op.outputs) keep |= o >= 0 && matches_glob(recipe.keep_float, g.tensors[o].name);
    if (ft.dtype != DType::Float32 || model.data_of(ft).empty() || keep) {
      if (keep) report.kept_float.push_back(fmt::format("op {} ({}): kept float by the recipe", i,
                                                        builtin_op_name(op.code.builtin)));
      ++report.float_ops;
      continue;
    }
    Tensor q = ft;
    const auto bytes = quantize_weights(float_values(model, ft), ft.shape, w->axis, q.quant);
    q.dtype = DType::Int8;
    q.name += "/q";
    model.buffers.push_back(Buffer::copy_of(bytes));
    q.buffer = static_cast<int32_t>(model.buffers.size() - 1);
    g.tensors.push_back(std::move(q));
    op.inputs[w->input] = static_cast<int32_t>(g.tensors.size() - 1);
    // Inputs quantized per row with their own zero point, as LiteRT's converter asks by default.
    if (op.code.builtin == BuiltinOp::FullyConnected) set_asymmetric_inputs<opt::FullyConnected>(op);
    if (op.code.builtin == BuiltinOp::BatchMatmul) set_asymmetric_inputs<opt::BatchMatMul>(op);
    op.code.version = quantized_version(op, DType::Float32);
    ++report.integer_ops;
  }
  rewrite::drop_unused(model);
  model.description = "octet dynamic-range";
  if (report_out) *report_out = report;
  return model;
}

}  // namespace octet::quant
