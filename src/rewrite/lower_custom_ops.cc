#include "rewrite/lower_custom_ops.h"

#include <cstring>

#include "octet/builder.h"

namespace octet::rewrite {

size_t lower_custom_ops(Model& model, size_t subgraph) {
  size_t replaced = 0;
  Graph& g = model.subgraphs.at(subgraph);
  for (Op& op : g.ops) {
    if (!op.code.is_custom() || op.code.custom_name != "Convolution2DTransposeBias") continue;
    if (op.inputs.size() != 3 || op.outputs.size() != 1 || op.custom_options.size() < 12)
      fail("op Convolution2DTransposeBias (output '{}') has {} inputs and {} bytes of options; "
           "expected 3 and at least 12", op.outputs.empty() ? "" : g.tensors[op.outputs[0]].name,
           op.inputs.size(), op.custom_options.size());
    int32_t params[3];
    std::memcpy(params, op.custom_options.data(), sizeof(params));
    const Tensor out = g.tensors[op.outputs[0]];
    const std::vector<int32_t> shape = out.shape;
    std::vector<std::byte> bytes(shape.size() * sizeof(int32_t));
    std::memcpy(bytes.data(), shape.data(), bytes.size());
    model.buffers.push_back(Buffer::copy_of(bytes));
    Tensor shape_tensor;
    shape_tensor.name = out.name + "/output_shape";
    shape_tensor.dtype = DType::Int32;
    shape_tensor.shape = {static_cast<int32_t>(shape.size())};
    shape_tensor.buffer = static_cast<int32_t>(model.buffers.size() - 1);
    g.tensors.push_back(shape_tensor);
    const int32_t shape_index = static_cast<int32_t>(g.tensors.size() - 1);

    opt::TransposeConv options;
    options.padding = params[0] == 1 ? Padding::Same : Padding::Valid;
    options.stride_w = params[1];
    options.stride_h = params[2];
    Options typed = default_options(BuiltinOp::TransposeConv);
    typed.value = options;
    op.inputs = {shape_index, op.inputs[1], op.inputs[0], op.inputs[2]};
    op.code = OpCode{BuiltinOp::TransposeConv, {}, 3};  // version 3: the bias input
    op.options = typed;
    op.custom_options.clear();
    ++replaced;
  }
  return replaced;
}

}  // namespace octet::rewrite
