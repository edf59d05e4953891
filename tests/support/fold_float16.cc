#include "support/fold_float16.h"

#include <cstring>

#include "kernels/float16.h"

namespace octet::testing {

Model fold_float16_weights(const Model& model) {
  Model out = model;
  for (Graph& g : out.subgraphs) {
    std::vector<Op> kept;
    for (Op& op : g.ops) {
      const bool foldable = op.code.builtin == BuiltinOp::Dequantize && op.inputs.size() == 1 &&
                            op.inputs[0] >= 0 &&
                            g.tensors[op.inputs[0]].dtype == DType::Float16 &&
                            !out.data_of(g.tensors[op.inputs[0]]).empty();
      if (!foldable) {
        kept.push_back(std::move(op));
        continue;
      }
      const auto half = out.data_of(g.tensors[op.inputs[0]]);
      std::vector<std::byte> wide(half.size() * 2);
      for (size_t i = 0; i < half.size() / 2; ++i) {
        uint16_t h;
        std::memcpy(&h, half.data() + 2 * i, 2);
        const float f = kernels::half_to_float(h);
        std::memcpy(wide.data() + 4 * i, &f, 4);
      }
      Tensor& result = g.tensors[op.outputs[0]];
      result.dtype = DType::Float32;
      result.buffer = static_cast<int32_t>(out.buffers.size());
      out.buffers.push_back(Buffer::copy_of(wide));
    }
    g.ops = std::move(kept);
  }
  return out;
}

}  // namespace octet::testing
