// The contract between the interpreter and every kernel.
//
// A kernel has two phases, as TFLite's do: prepare() runs once when the
// interpreter plans (check types and arity, compute output shapes, compute
// everything that depends only on the graph: multipliers, LUTs, packed
// weights, scratch size) and eval() runs on every invoke and only does
// arithmetic. Kernels see views of tensors; they never allocate tensors or
// walk the graph.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "octet/error.h"
#include "octet/model.h"

namespace octet::kernels {

// A tensor as a kernel sees it. At prepare time `data` is non-null only for
// values known before any input arrives (constants, and outputs of ops the
// interpreter folded at plan time); at eval time it always points at the
// tensor's storage. `shape` points into storage the interpreter keeps for
// the life of the plan.
struct TensorView {
  DType dtype = DType::Float32;
  std::span<const int32_t> shape;
  std::byte* data = nullptr;
  const QuantParams* quant = nullptr;
  const Tensor* tensor = nullptr;  // nullptr when an optional input is omitted
  int32_t index = -1;              // tensor index in the graph, -1 when omitted

  bool present() const { return tensor != nullptr; }
  int rank() const { return static_cast<int>(shape.size()); }
  int32_t dim(int i) const { return shape[static_cast<size_t>(i)]; }
  int64_t num_elements() const {
    int64_t n = 1;
    for (int32_t d : shape) n *= d;
    return n;
  }
  size_t num_bytes() const { return static_cast<size_t>(num_elements()) * dtype_size(dtype); }
  template <class T>
  T* data_as() const { return reinterpret_cast<T*>(data); }
  const std::string& name() const;
};

// What prepare() may read and decide.
class PrepareContext {
 public:
  PrepareContext(const Op& op, std::span<const TensorView> inputs,
                 std::span<const TensorView> outputs, std::string location)
      : op_(op), inputs_(inputs), outputs_(outputs), location_(std::move(location)),
        output_shapes_(outputs.size()) {}

  const Op& op() const { return op_; }
  size_t num_inputs() const { return inputs_.size(); }
  size_t num_outputs() const { return outputs_.size(); }
  const TensorView& input(size_t i) const { return inputs_[i]; }
  // Output dtype and quantization come from the model; the kernel checks them
  // and sets the shape.
  const TensorView& output(size_t i) const { return outputs_[i]; }
  void set_output_shape(size_t i, std::vector<int32_t> shape) { output_shapes_[i] = std::move(shape); }
  const std::vector<int32_t>& output_shape(size_t i) const { return output_shapes_[i]; }
  // Bytes of scratch memory eval() needs; valid during one eval only.
  void request_scratch(size_t bytes) { scratch_bytes_ = bytes; }
  size_t scratch_bytes() const { return scratch_bytes_; }

  // "subgraph 0, op 12 (CONV_2D)": where errors happen.
  const std::string& location() const { return location_; }

  // Throws octet::Error prefixed with the op's location.
  template <class... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) const {
    throw Error(location_ + ": " + fmt::format(format, std::forward<Args>(args)...));
  }
  // Common checks, each failing with a message that names the tensor.
  void expect_inputs(size_t min, size_t max) const;
  void expect_outputs(size_t n) const;
  void expect_dtype(const TensorView& t, DType dtype, std::string_view role) const;
  void expect_rank(const TensorView& t, int min_rank, int max_rank, std::string_view role) const;
  // The values of an int32/int64 input that must be known at plan time
  // (shape tensors, axes, paddings); fails if it depends on a model input.
  std::vector<int64_t> constant_ints(size_t input, std::string_view role) const;

 private:
  const Op& op_;
  std::span<const TensorView> inputs_;
  std::span<const TensorView> outputs_;
  std::string location_;
  std::vector<std::vector<int32_t>> output_shapes_;
  size_t scratch_bytes_ = 0;
};

struct EvalContext {
  std::span<const TensorView> inputs;
  std::span<const TensorView> outputs;
  std::span<std::byte> scratch;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual void prepare(PrepareContext& ctx) = 0;
  virtual void eval(const EvalContext& ctx) = 0;
};

using KernelFactory = std::unique_ptr<Kernel> (*)(const Op& op);

// Which arithmetic an op runs in: Integer when any of its tensors is a
// quantized int8, uint8, int16 or int4 (it has a scale), Float otherwise
// (plain integer data such as token ids, CAST results or int16 indices). A family
// registers a kernel for each it implements; byte-moving ops register the
// same kernel for both. Hybrid is TFLite's dynamic-range quantization: a
// quantized constant operand (int8 weights) but a float32 first input and
// float32 outputs; the kernel quantizes the input at run time.
enum class Arithmetic { Float, Integer, Hybrid };
inline bool is_quantized_tensor(DType t, const QuantParams& q) {
  return (t == DType::Int8 || t == DType::UInt8 || t == DType::Int16 || t == DType::Int4) &&
         !q.scale.empty();
}

// Kernels by builtin code (and arithmetic) or by custom op name. Every kernel
// family file defines one `register_<family>(Registry&)`, called from
// registry.cc (no static initialisers: they vanish from static libraries).
class Registry {
 public:
  void add(BuiltinOp op, KernelFactory factory, Arithmetic arithmetic = Arithmetic::Float);
  // The same kernel for float and integer tensors (ops that move bytes).
  void add_any(BuiltinOp op, KernelFactory factory) {
    add(op, factory, Arithmetic::Float);
    add(op, factory, Arithmetic::Integer);
  }
  void add_custom(std::string name, KernelFactory factory);
  // nullptr when octet has no kernel for the op in that arithmetic.
  KernelFactory find(const OpCode& code, Arithmetic arithmetic = Arithmetic::Float) const;
  // The builtin ops with a kernel in that arithmetic, in code order.
  std::vector<BuiltinOp> ops(Arithmetic arithmetic) const;

 private:
  std::vector<KernelFactory> float_ = std::vector<KernelFactory>(kBuiltinOpCount, nullptr);
  std::vector<KernelFactory> integer_ = std::vector<KernelFactory>(kBuiltinOpCount, nullptr);
  std::vector<KernelFactory> hybrid_ = std::vector<KernelFactory>(kBuiltinOpCount, nullptr);
  std::vector<KernelFactory>& table(Arithmetic arithmetic);
  const std::vector<KernelFactory>& table(Arithmetic arithmetic) const;
  std::vector<std::pair<std::string, KernelFactory>> custom_;
};

// The registry with every kernel octet has.
const Registry& builtin_registry();

// Helper for families whose kernels need only the op to construct.
template <class K>
std::unique_ptr<Kernel> make_kernel(const Op& op) {
  return std::make_unique<K>(op);
}

}  // namespace octet::kernels
