// octet's interpreter: plans a subgraph once (kernels prepared, constant
// subgraphs folded, one arena laid out by tensor lifetimes) and invokes it
// many times.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "octet/model.h"

namespace octet {

struct InterpreterOptions {
  // Run ops whose inputs are all constant once at plan time (float16 weight
  // DEQUANTIZE, shape arithmetic) instead of on every invoke.
  bool fold_constants = true;
  // Threads that large ops may use (0: one per core). Small ops always run
  // on the calling thread.
  int num_threads = 0;
};

// What an observer sees right after an op ran: its outputs hold this
// invoke's values until later ops reuse their arena space.
struct OpEvent {
  int32_t op_index;  // index in Graph::ops
  const Op& op;
};

class Interpreter {
 public:
  // `model` must outlive the interpreter. Throws octet::Error naming the op
  // and tensor when the graph cannot be planned (unsupported op, bad shapes).
  explicit Interpreter(const Model& model, size_t subgraph = 0, InterpreterOptions options = {});
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  const Graph& graph() const;
  size_t num_inputs() const;
  size_t num_outputs() const;
  int32_t input_tensor(size_t i) const;
  int32_t output_tensor(size_t i) const;

  // Storage of a graph input, to fill before invoke().
  std::span<std::byte> input_data(size_t i);
  // Copies `bytes` into input i; fails unless the size matches exactly.
  void set_input(size_t i, std::span<const std::byte> bytes);
  std::span<const std::byte> output_data(size_t i) const;

  // Shape and current bytes of any tensor (for intermediates: valid inside an
  // observer call for the op's outputs, since arena space is reused).
  std::span<const int32_t> tensor_shape(int32_t tensor) const;
  std::span<const std::byte> tensor_data(int32_t tensor) const;

  void invoke();

  // Called after every op that runs at invoke time (folded ops ran at plan time).
  void set_observer(std::function<void(const OpEvent&)> observer);

  struct PlanStats {
    size_t arena_bytes = 0;       // shared by all intermediate tensors
    size_t tensor_bytes = 0;      // sum of the same tensors' sizes, without reuse
    size_t persistent_bytes = 0;  // folded constants, variables, aligned copies
    size_t runtime_ops = 0;
    size_t folded_ops = 0;
  };
  const PlanStats& plan_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace octet
