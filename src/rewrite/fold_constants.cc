#include "rewrite/fold_constants.h"

#include <algorithm>
#include <cstring>

#include "octet/builder.h"
#include "octet/interpreter.h"

namespace octet::rewrite {
namespace {

bool is_constant(const Model& model, const Graph& g, int32_t t) {
  return t >= 0 && !model.data_of(g.tensors[t]).empty() && !g.tensors[t].is_variable;
}

// Runs one op on its constant inputs in a model of its own and returns the
// bytes of each output.
std::vector<std::vector<std::byte>> run_alone(const Model& model, const Graph& g, const Op& op) {
  Model one;
  one.subgraphs.resize(1);
  GraphBuilder b(one);
  std::vector<int32_t> ins, outs;
  for (int32_t t : op.inputs) {
    if (t < 0) { ins.push_back(-1); continue; }
    const Tensor& src = g.tensors[t];
    ins.push_back(b.add_constant(src.name, src.dtype, src.shape, model.data_of(src), src.quant));
    if (src.sparsity) one.main().tensors[ins.back()].sparsity = src.sparsity;
  }
  for (int32_t t : op.outputs) {
    const Tensor& src = g.tensors[t];
    outs.push_back(b.add_tensor(src.name, src.dtype, src.shape, src.quant));
    b.mark_output(outs.back());
  }
  Op& copy = b.add_op(op.code.builtin, ins, outs, op.options.value, op.code.version);
  copy.options = op.options;
  copy.code = op.code;
  copy.custom_options = op.custom_options;
  InterpreterOptions options;
  options.num_threads = 1;
  Interpreter interpreter(one, 0, options);
  interpreter.invoke();
  std::vector<std::vector<std::byte>> result;
  for (size_t i = 0; i < outs.size(); ++i) {
    auto bytes = interpreter.output_data(i);
    result.emplace_back(bytes.begin(), bytes.end());
  }
  return result;
}

}  // namespace

FoldReport fold_constants(Model& model, size_t subgraph) {
  FoldReport report;
  Graph& g = model.subgraphs.at(subgraph);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < g.ops.size(); ++i) {
      const Op& op = g.ops[i];
      if (op.code.is_custom() || op.inputs.empty()) continue;
      const bool all_constant = std::all_of(op.inputs.begin(), op.inputs.end(), [&](int32_t t) {
        return t < 0 || is_constant(model, g, t);
      });
      if (!all_constant) continue;
      // A graph output produced by folding stays a (constant) output.
      auto values = run_alone(model, g, op);
      for (size_t k = 0; k < op.outputs.size(); ++k) {
        Tensor& out = g.tensors[op.outputs[k]];
        model.buffers.push_back(Buffer::copy_of(values[k]));
        out.buffer = static_cast<int32_t>(model.buffers.size() - 1);
      }
      g.ops.erase(g.ops.begin() + static_cast<ptrdiff_t>(i));
      ++report.folded_ops;
      changed = true;
      break;
    }
  }
  return report;
}

void drop_unused(Model& model) {
  std::vector<bool> buffer_used(model.buffers.size(), false);
  buffer_used[0] = true;
  for (Graph& g : model.subgraphs) {
    std::vector<bool> used(g.tensors.size(), false);
    auto mark = [&](int32_t t) { if (t >= 0) used[t] = true; };
    for (const Op& op : g.ops) {
      for (int32_t t : op.inputs) mark(t);
      for (int32_t t : op.outputs) mark(t);
      for (int32_t t : op.intermediates) mark(t);
    }
    for (int32_t t : g.inputs) mark(t);
    for (int32_t t : g.outputs) mark(t);
    std::vector<int32_t> remap(g.tensors.size(), -1);
    std::vector<Tensor> kept;
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      if (!used[t]) continue;
      remap[t] = static_cast<int32_t>(kept.size());
      kept.push_back(std::move(g.tensors[t]));
    }
    g.tensors = std::move(kept);
    auto fix = [&](std::vector<int32_t>& list) {
      for (int32_t& t : list) if (t >= 0) t = remap[t];
    };
    for (Op& op : g.ops) { fix(op.inputs); fix(op.outputs); fix(op.intermediates); }
    fix(g.inputs);
    fix(g.outputs);
    for (Signature& s : model.signatures) {
      if (&model.subgraphs[s.subgraph] != &g) continue;
      for (auto& st : s.inputs) st.tensor = remap[st.tensor];
      for (auto& st : s.outputs) st.tensor = remap[st.tensor];
    }
    for (const Tensor& t : g.tensors) buffer_used[t.buffer] = true;
  }
  for (const Metadata& m : model.metadata) buffer_used[m.buffer] = true;
  std::vector<int32_t> remap(model.buffers.size(), 0);
  std::vector<Buffer> kept;
  for (size_t b = 0; b < model.buffers.size(); ++b) {
    if (!buffer_used[b]) continue;
    remap[b] = static_cast<int32_t>(kept.size());
    kept.push_back(std::move(model.buffers[b]));
  }
  model.buffers = std::move(kept);
  for (Graph& g : model.subgraphs)
    for (Tensor& t : g.tensors) t.buffer = remap[t.buffer];
  for (Metadata& m : model.metadata) m.buffer = remap[m.buffer];
}

}  // namespace octet::rewrite
