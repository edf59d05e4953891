#include "octet/interpreter.h"

#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"
#include "runtime/arena.h"

namespace octet {

namespace {

using kernels::Kernel;
using kernels::TensorView;

// 64-byte aligned, zero-initialised bytes.
struct AlignedBytes {
  std::byte* data = nullptr;
  size_t size = 0;
  explicit AlignedBytes(size_t n) : size(n) {
    const size_t rounded = (std::max<size_t>(n, 1) + 63) / 64 * 64;
    data = static_cast<std::byte*>(std::aligned_alloc(64, rounded));
    if (!data) fail("out of memory allocating {} bytes", n);
    std::memset(data, 0, rounded);
  }
  ~AlignedBytes() { std::free(data); }
  AlignedBytes(const AlignedBytes&) = delete;
  AlignedBytes& operator=(const AlignedBytes&) = delete;
};

enum class Storage { Unset, Constant, Persistent, Arena };

struct TensorState {
  std::vector<int32_t> shape;
  std::byte* data = nullptr;
  size_t bytes = 0;
  Storage storage = Storage::Unset;
  bool known = false;  // value known at plan time
};

struct Step {
  int32_t op_index;
  std::unique_ptr<Kernel> kernel;
  std::vector<TensorView> inputs, outputs;
  size_t scratch_bytes = 0;
};

std::string op_label(const Op& op) {
  return op.code.is_custom() ? "custom " + op.code.custom_name
                             : std::string(builtin_op_name(op.code.builtin));
}

size_t byte_size(const Tensor& t, std::span<const int32_t> shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n * dtype_size(t.dtype);
}

}  // namespace

struct Interpreter::Impl {
  const Model& model;
  const Graph& graph;
  size_t subgraph;
  std::vector<TensorState> tensors;
  std::vector<Step> steps;  // runtime ops, in execution order
  std::vector<std::unique_ptr<AlignedBytes>> persistent;
  std::unique_ptr<AlignedBytes> arena, scratch;
  std::function<void(const OpEvent&)> observer;
  PlanStats stats;
  int num_threads = 1;

  Impl(const Model& m, size_t s) : model(m), graph(m.subgraphs.at(s)), subgraph(s) {}

  std::string where(int32_t op_index) const {
    return fmt::format("subgraph {}, op {} ({})", subgraph, op_index, op_label(graph.ops[op_index]));
  }

  std::byte* make_persistent(size_t bytes) {
    persistent.push_back(std::make_unique<AlignedBytes>(bytes));
    stats.persistent_bytes += bytes;
    return persistent.back()->data;
  }

  TensorView view(int32_t t) {
    if (t < 0) return TensorView{};
    const Tensor& tensor = graph.tensors[t];
    TensorState& st = tensors[t];
    return TensorView{tensor.dtype, st.shape, st.known ? st.data : nullptr, &tensor.quant, &tensor, t};
  }

  void plan(const InterpreterOptions& options) {
    const size_t n = graph.tensors.size();
    tensors.resize(n);
    for (size_t t = 0; t < n; ++t) {
      const Tensor& tensor = graph.tensors[t];
      TensorState& st = tensors[t];
      st.shape = tensor.shape;
      st.bytes = byte_size(tensor, st.shape);
      const auto data = model.data_of(tensor);
      if (!data.empty()) {
        st.bytes = data.size();
        st.storage = Storage::Constant;
        st.known = true;
        // Kernels read constants as typed arrays: copy any that are misaligned.
        if (reinterpret_cast<uintptr_t>(data.data()) % 16 != 0) {
          st.data = make_persistent(data.size());
          std::memcpy(st.data, data.data(), data.size());
        } else {
          st.data = const_cast<std::byte*>(data.data());
        }
      } else if (tensor.is_variable) {
        st.bytes = byte_size(tensor, st.shape);
        st.data = make_persistent(st.bytes);
        st.storage = Storage::Persistent;
      }
    }

    const auto& registry = kernels::builtin_registry();
    std::vector<int32_t> order = topological_order(graph, fmt::format("subgraph {}", subgraph));
    for (int32_t o : order) {
      const Op& op = graph.ops[o];
      // The first quantized tensor of the op, if any, decides that it runs in
      // integers; there is no silent float fallback.
      int32_t quantized = -1;
      for (const auto* list : {&op.inputs, &op.outputs})
        for (int32_t t : *list)
          if (quantized < 0 && t >= 0 && kernels::is_quantized_tensor(graph.tensors[t].dtype, graph.tensors[t].quant))
            quantized = t;
      // TFLite's dynamic-range ("hybrid") ops keep a float32 activation and
      // float32 outputs around quantized weights: they run in their own
      // kernels, which quantize the input at run time.
      bool hybrid = quantized >= 0 && !op.inputs.empty() && op.inputs[0] >= 0 &&
                    graph.tensors[op.inputs[0]].dtype == DType::Float32 && !op.outputs.empty();
      for (int32_t t : op.outputs)
        if (hybrid && (t < 0 || graph.tensors[t].dtype != DType::Float32)) hybrid = false;
      const auto arithmetic = hybrid            ? kernels::Arithmetic::Hybrid
                              : quantized >= 0 ? kernels::Arithmetic::Integer
                                               : kernels::Arithmetic::Float;
      const kernels::KernelFactory factory = registry.find(op.code, arithmetic);
      if (!factory) {
        if (op.code.is_custom())
          fail("{}: custom op '{}' is not supported by octet", where(o), op.code.custom_name);
        if (hybrid)
          fail("{}: tensor {} '{}' is {} and input 0 is float32 (dynamic-range quantization), "
               "and octet has no hybrid kernel for this op", where(o), quantized,
               graph.tensors[quantized].name, dtype_name(graph.tensors[quantized].dtype));
        if (quantized >= 0 && registry.find(op.code, kernels::Arithmetic::Float))
          fail("{}: tensor {} '{}' is {}, and octet has no integer kernel for this op (it runs "
               "only in float32)", where(o), quantized, graph.tensors[quantized].name,
               dtype_name(graph.tensors[quantized].dtype));
        fail("{}: octet has no kernel for this op", where(o));
      }
      // A sparse constant holds only its stored values; kernels read dense
      // bytes, so only DENSIFY may take one.
      for (int32_t t : op.inputs)
        if (t >= 0 && graph.tensors[t].sparsity && op.code.builtin != BuiltinOp::Densify)
          fail("{}: input tensor {} '{}' is stored sparse; only DENSIFY can read it", where(o), t,
               graph.tensors[t].name);
      Step step;
      step.op_index = o;
      step.kernel = factory(op);
      for (int32_t t : op.inputs) step.inputs.push_back(view(t));
      for (int32_t t : op.outputs) step.outputs.push_back(view(t));
      kernels::PrepareContext ctx(op, step.inputs, step.outputs, where(o));
      step.kernel->prepare(ctx);
      step.scratch_bytes = ctx.scratch_bytes();

      bool all_known = !op.inputs.empty();
      for (int32_t t : op.inputs)
        if (t >= 0 && !tensors[t].known) all_known = false;
      for (size_t i = 0; i < op.outputs.size(); ++i) {
        const int32_t t = op.outputs[i];
        TensorState& st = tensors[t];
        st.shape = ctx.output_shape(i);
        st.bytes = byte_size(graph.tensors[t], st.shape);
        step.outputs[i].shape = st.shape;
      }
      if (options.fold_constants && all_known) {
        for (size_t i = 0; i < op.outputs.size(); ++i) {
          TensorState& st = tensors[op.outputs[i]];
          st.data = make_persistent(st.bytes);
          st.storage = Storage::Persistent;
          st.known = true;
          step.outputs[i].data = st.data;
        }
        std::vector<std::byte> scratch_once(step.scratch_bytes);
        step.kernel->eval(kernels::EvalContext{step.inputs, step.outputs, scratch_once});
        ++stats.folded_ops;
        continue;
      }
      steps.push_back(std::move(step));
    }
    stats.runtime_ops = steps.size();
    allocate();
  }

  // Arena offsets for every tensor that lives only during invoke.
  void allocate() {
    const size_t n = graph.tensors.size();
    constexpr int32_t kEnd = std::numeric_limits<int32_t>::max();
    std::vector<int32_t> first(n, kEnd), last(n, -1);
    for (int32_t t : graph.inputs) first[t] = -1;
    for (size_t s = 0; s < steps.size(); ++s) {
      const Op& op = graph.ops[steps[s].op_index];
      for (int32_t t : op.outputs) first[t] = std::min(first[t], static_cast<int32_t>(s));
      for (int32_t t : op.inputs)
        if (t >= 0) last[t] = std::max(last[t], static_cast<int32_t>(s));
    }
    // Inputs and outputs keep their bytes across invokes: a caller may set an
    // input once and invoke many times, and read outputs after invoke.
    for (int32_t t : graph.outputs) last[t] = kEnd;
    for (int32_t t : graph.inputs) last[t] = kEnd;

    std::vector<int32_t> members;
    std::vector<runtime::Lifetime> lifetimes;
    for (size_t t = 0; t < n; ++t) {
      TensorState& st = tensors[t];
      if (st.storage != Storage::Unset || first[t] == kEnd) continue;
      if (st.bytes == 0 && dtype_size(graph.tensors[t].dtype) == 0)
        fail("subgraph {}, tensor {} '{}': type {} is not supported at run time", subgraph, t,
             graph.tensors[t].name, dtype_name(graph.tensors[t].dtype));
      members.push_back(static_cast<int32_t>(t));
      lifetimes.push_back({st.bytes, first[t], std::max(last[t], first[t])});
      stats.tensor_bytes += st.bytes;
    }
    const runtime::ArenaLayout layout = runtime::plan_arena(lifetimes);
    arena = std::make_unique<AlignedBytes>(layout.size);
    stats.arena_bytes = layout.size;
    for (size_t i = 0; i < members.size(); ++i) {
      TensorState& st = tensors[members[i]];
      st.data = arena->data + layout.offsets[i];
      st.storage = Storage::Arena;
    }
    // Graph inputs that no op reads still get storage, so callers can set them.
    for (int32_t t : graph.inputs)
      if (tensors[t].storage == Storage::Unset) {
        tensors[t].data = make_persistent(tensors[t].bytes = byte_size(graph.tensors[t], tensors[t].shape));
        tensors[t].storage = Storage::Persistent;
      }
    size_t scratch_bytes = 0;
    for (Step& step : steps) {
      scratch_bytes = std::max(scratch_bytes, step.scratch_bytes);
      const Op& op = graph.ops[step.op_index];
      for (size_t i = 0; i < op.inputs.size(); ++i)
        if (op.inputs[i] >= 0) step.inputs[i].data = tensors[op.inputs[i]].data;
      for (size_t i = 0; i < op.outputs.size(); ++i) step.outputs[i].data = tensors[op.outputs[i]].data;
    }
    scratch = std::make_unique<AlignedBytes>(scratch_bytes);
  }
};

Interpreter::Interpreter(const Model& model, size_t subgraph, InterpreterOptions options) {
  if (subgraph >= model.subgraphs.size())
    fail("subgraph {} does not exist (the model has {})", subgraph, model.subgraphs.size());
  impl_ = std::make_unique<Impl>(model, subgraph);
  impl_->num_threads = options.num_threads > 0 ? options.num_threads : omp_get_num_procs();
  impl_->plan(options);
}

Interpreter::~Interpreter() = default;

const Graph& Interpreter::graph() const { return impl_->graph; }
size_t Interpreter::num_inputs() const { return impl_->graph.inputs.size(); }
size_t Interpreter::num_outputs() const { return impl_->graph.outputs.size(); }

int32_t Interpreter::input_tensor(size_t i) const {
  if (i >= num_inputs()) fail("input {} does not exist (the graph has {})", i, num_inputs());
  return impl_->graph.inputs[i];
}

int32_t Interpreter::output_tensor(size_t i) const {
  if (i >= num_outputs()) fail("output {} does not exist (the graph has {})", i, num_outputs());
  return impl_->graph.outputs[i];
}

std::span<std::byte> Interpreter::input_data(size_t i) {
  const TensorState& st = impl_->tensors[input_tensor(i)];
  if (st.storage == Storage::Constant) fail("input {} is a constant and cannot be set", i);
  return {st.data, st.bytes};
}

void Interpreter::set_input(size_t i, std::span<const std::byte> bytes) {
  auto dst = input_data(i);
  if (bytes.size() != dst.size()) {
    const int32_t t = input_tensor(i);
    const Tensor& tensor = impl_->graph.tensors[t];
    fail("input {} '{}' ({} [{}]) needs {} bytes, got {}", i, tensor.name, dtype_name(tensor.dtype),
         fmt::join(impl_->tensors[t].shape, ","), dst.size(), bytes.size());
  }
  if (!bytes.empty()) std::memcpy(dst.data(), bytes.data(), bytes.size());
}

std::span<const std::byte> Interpreter::output_data(size_t i) const {
  return tensor_data(output_tensor(i));
}

std::span<const int32_t> Interpreter::tensor_shape(int32_t t) const {
  if (t < 0 || static_cast<size_t>(t) >= impl_->tensors.size()) fail("tensor {} does not exist", t);
  return impl_->tensors[t].shape;
}

std::span<const std::byte> Interpreter::tensor_data(int32_t t) const {
  if (t < 0 || static_cast<size_t>(t) >= impl_->tensors.size()) fail("tensor {} does not exist", t);
  const TensorState& st = impl_->tensors[t];
  return {st.data, st.data ? st.bytes : 0};
}

void Interpreter::invoke() {
  Impl& im = *impl_;
  // Kernels size their parallel regions by omp_get_max_threads(), which is
  // this calling thread's own setting.
  omp_set_num_threads(im.num_threads);
  std::span<std::byte> scratch(im.scratch->data, im.scratch->size);
  for (Step& step : im.steps) {
    step.kernel->eval(kernels::EvalContext{step.inputs, step.outputs, scratch.first(step.scratch_bytes)});
    if (im.observer) im.observer(OpEvent{step.op_index, im.graph.ops[step.op_index]});
  }
}

void Interpreter::set_observer(std::function<void(const OpEvent&)> observer) {
  impl_->observer = std::move(observer);
}

const Interpreter::PlanStats& Interpreter::plan_stats() const { return impl_->stats; }

}  // namespace octet
