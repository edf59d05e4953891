#include "octet/builder.h"

namespace octet {

GraphBuilder::GraphBuilder(Model& model, size_t subgraph) : model_(model), subgraph_(subgraph) {
  if (model_.buffers.empty()) model_.buffers.emplace_back();
  if (model_.subgraphs.size() <= subgraph_) model_.subgraphs.resize(subgraph_ + 1);
}

int32_t GraphBuilder::add_tensor(std::string name, DType dtype, std::vector<int32_t> shape,
                                 QuantParams quant) {
  Tensor t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.quant = std::move(quant);
  graph().tensors.push_back(std::move(t));
  return static_cast<int32_t>(graph().tensors.size() - 1);
}

int32_t GraphBuilder::add_input(std::string name, DType dtype, std::vector<int32_t> shape,
                                QuantParams quant) {
  const int32_t t = add_tensor(std::move(name), dtype, std::move(shape), std::move(quant));
  graph().inputs.push_back(t);
  return t;
}

int32_t GraphBuilder::add_constant(std::string name, DType dtype, std::vector<int32_t> shape,
                                   std::span<const std::byte> bytes, QuantParams quant) {
  const int32_t t = add_tensor(std::move(name), dtype, std::move(shape), std::move(quant));
  if (!bytes.empty()) {
    model_.buffers.push_back(Buffer::copy_of(bytes));
    graph().tensors[t].buffer = static_cast<int32_t>(model_.buffers.size() - 1);
  }
  return t;
}

void GraphBuilder::mark_output(int32_t tensor) { graph().outputs.push_back(tensor); }

Op& GraphBuilder::add_op(BuiltinOp op, std::vector<int32_t> inputs, std::vector<int32_t> outputs) {
  Op o;
  o.code.builtin = op;
  o.inputs = std::move(inputs);
  o.outputs = std::move(outputs);
  o.options = default_options(op);
  graph().ops.push_back(std::move(o));
  return graph().ops.back();
}

Op& GraphBuilder::add_op(BuiltinOp op, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                         OptionsValue options, int32_t version) {
  Op& o = add_op(op, std::move(inputs), std::move(outputs));
  o.options.value = std::move(options);
  o.code.version = version;
  return o;
}

Op& GraphBuilder::add_custom_op(std::string name, std::vector<int32_t> inputs,
                                std::vector<int32_t> outputs, std::vector<uint8_t> custom_options) {
  Op o;
  o.code.builtin = BuiltinOp::Custom;
  o.code.custom_name = std::move(name);
  o.inputs = std::move(inputs);
  o.outputs = std::move(outputs);
  o.custom_options = std::move(custom_options);
  graph().ops.push_back(std::move(o));
  return graph().ops.back();
}

Model extract_op(const Model& model, const Op& op, std::vector<int32_t>& fed) {
  const Graph& g = model.main();
  Model one;
  one.subgraphs.resize(1);
  GraphBuilder b(one);
  std::vector<int32_t> ins, outs;
  for (int32_t t : op.inputs) {
    if (t < 0) {
      ins.push_back(-1);
      continue;
    }
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
  copy.code = op.code;
  return one;
}

}  // namespace octet
