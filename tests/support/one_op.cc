#include "support/one_op.h"

#include <set>

#include "octet/builder.h"

namespace octet::testing {

Model one_op_model_of(const Model& model, const Op& op, std::vector<int32_t>& fed) {
  const Graph& g = model.main();
  Model one;
  one.subgraphs.resize(1);
  GraphBuilder b(one);
  std::vector<int32_t> ins, outs;
  for (int32_t t : op.inputs) {
    if (t < 0) { ins.push_back(-1); continue; }
    const Tensor& src = g.tensors[t];
    if (!model.data_of(src).empty()) {
      ins.push_back(b.add_constant(src.name, src.dtype, src.shape, model.data_of(src), src.quant));
    } else {
      ins.push_back(b.add_input(src.name, src.dtype, src.shape, src.quant));
      fed.push_back(t);
    }
  }
  for (int32_t t : op.outputs) {
    const Tensor& src = g.tensors[t];
    outs.push_back(b.add_tensor(src.name, src.dtype, src.shape, src.quant));
    b.mark_output(outs.back());
  }
  Op& copy = b.add_op(op.code.builtin, ins, outs, op.options.value, op.code.version);
  copy.options = op.options;
  return one;
}

Model with_every_op_output(const Model& model, std::vector<int32_t>& exposed) {
  Model out = model;
  Graph& g = out.main();
  std::set<int32_t> seen;
  exposed.clear();
  for (const Op& op : g.ops)
    for (int32_t t : op.outputs)
      if (t >= 0 && seen.insert(t).second) exposed.push_back(t);
  g.outputs = exposed;
  out.signatures.clear();
  return out;
}

NpyArray npy_of(DType dtype, std::span<const int32_t> shape, std::span<const std::byte> bytes) {
  NpyArray a;
  a.dtype = dtype;
  a.shape.assign(shape.begin(), shape.end());
  a.data.assign(bytes.begin(), bytes.end());
  return a;
}

}  // namespace octet::testing
