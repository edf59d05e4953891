// A small API to build models in code: used by tests (one-op models for the
// oracle) and by importers.
#pragma once

#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "octet/model.h"

namespace octet {

class GraphBuilder {
 public:
  // Builds into model.subgraphs[subgraph], creating it if needed.
  explicit GraphBuilder(Model& model, size_t subgraph = 0);

  int32_t add_tensor(std::string name, DType dtype, std::vector<int32_t> shape, QuantParams quant = {});
  // A tensor that is also a subgraph input.
  int32_t add_input(std::string name, DType dtype, std::vector<int32_t> shape, QuantParams quant = {});
  int32_t add_constant(std::string name, DType dtype, std::vector<int32_t> shape,
                       std::span<const std::byte> bytes, QuantParams quant = {});
  template <class T>
  int32_t add_constant(std::string name, std::vector<int32_t> shape, const std::vector<T>& values,
                       QuantParams quant = {}) {
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return add_constant(std::move(name), dtype_of<T>(), std::move(shape), bytes, std::move(quant));
  }
  void mark_output(int32_t tensor);

  // Appends an op; options default to what TFLite converters write for it.
  Op& add_op(BuiltinOp op, std::vector<int32_t> inputs, std::vector<int32_t> outputs);
  Op& add_op(BuiltinOp op, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
             OptionsValue options, int32_t version = 1);
  Op& add_custom_op(std::string name, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                    std::vector<uint8_t> custom_options = {});

  Graph& graph() { return model_.subgraphs[subgraph_]; }

 private:
  Model& model_;
  size_t subgraph_;
};

// One op of `model`'s main graph as a model of its own: constant inputs stay
// constants, every other input becomes a model input (in the op's input
// order; `fed` receives their tensor indices in `model`), the op's outputs
// are the model's outputs. For running an op alone (debuggers, op-by-op
// comparisons with another runtime).
Model extract_op(const Model& model, const Op& op, std::vector<int32_t>& fed);

}  // namespace octet
