#include "support/one_op.h"

#include <set>

#include "octet/builder.h"

namespace octet::testing {

Model one_op_model_of(const Model& model, const Op& op, std::vector<int32_t>& fed) {
  return extract_op(model, op, fed);
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
