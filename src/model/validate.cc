// Semantic checks the flatbuffers verifier cannot make. Each failure is one
// line: origin, subgraph, op (index and type) or tensor (index and name),
// what was expected and what was found.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "model/printable.h"
#include "octet/model.h"

namespace octet {

namespace {

constexpr int kMany = std::numeric_limits<int>::max();

struct Arity {
  int min_in, max_in, min_out, max_out;
};

// Inputs/outputs per op as TFLite's kernels require them (optional inputs
// widen the range). Ops not listed are not checked.
std::optional<Arity> arity_of(BuiltinOp op) {
  using B = BuiltinOp;
  switch (op) {
    case B::Add: case B::Sub: case B::Mul: case B::Div: case B::SquaredDifference:
    case B::Maximum: case B::Minimum: case B::Pow: case B::Equal: case B::NotEqual:
    case B::Less: case B::LessEqual: case B::Greater: case B::GreaterEqual:
    case B::LogicalAnd: case B::LogicalOr: case B::Prelu: case B::BatchMatmul:
    case B::Mean: case B::Sum: case B::ReduceMax: case B::ReduceMin: case B::ReduceProd:
    case B::ExpandDims: case B::Transpose: case B::Gather: case B::Tile: case B::BroadcastTo:
    case B::ArgMax: case B::ArgMin: case B::Cumsum: case B::Fill: case B::Pad: case B::MirrorPad:
    case B::ResizeBilinear: case B::ResizeNearestNeighbor:
      return Arity{2, 2, 1, 1};
    case B::Softmax: case B::Logistic: case B::Tanh: case B::Relu: case B::Relu6:
    case B::ReluN1To1: case B::LeakyRelu: case B::HardSwish: case B::Gelu: case B::Exp:
    case B::Log: case B::Rsqrt: case B::Sqrt: case B::Neg: case B::Abs: case B::LogicalNot:
    case B::Cast: case B::Dequantize: case B::Quantize: case B::ZerosLike: case B::Shape:
    case B::Rank: case B::Square: case B::Densify: case B::Squeeze: case B::DepthToSpace:
    case B::SpaceToDepth: case B::AveragePool2d: case B::MaxPool2d: case B::L2Normalization:
      return Arity{1, 1, 1, 1};
    case B::FullyConnected: return Arity{2, 3, 1, 2};
    case B::Conv2d: case B::DepthwiseConv2d: return Arity{2, 3, 1, 1};
    case B::TransposeConv: return Arity{3, 4, 1, 1};
    case B::Padv2: return Arity{2, 3, 1, 1};
    case B::Reshape: return Arity{1, 2, 1, 1};
    case B::Concatenation: case B::Pack: return Arity{1, kMany, 1, 1};
    case B::Split: return Arity{2, 2, 1, kMany};
    case B::SplitV: return Arity{3, 3, 1, kMany};
    case B::Unpack: return Arity{1, 1, 1, kMany};
    case B::Slice: case B::Select: case B::SelectV2: return Arity{3, 3, 1, 1};
    case B::StridedSlice: return Arity{4, 4, 1, 1};
    default: return std::nullopt;
  }
}

std::string range_text(int lo, int hi) {
  if (lo == hi) return std::to_string(lo);
  if (hi == kMany) return fmt::format("at least {}", lo);
  return fmt::format("{} to {}", lo, hi);
}

std::string op_where(std::string_view origin, size_t s, size_t o, const Op& op) {
  return fmt::format("{}: subgraph {}, op {} ({})", origin, s, o,
                     op.code.is_custom() ? "custom " + printable(op.code.custom_name)
                                         : std::string(builtin_op_name(op.code.builtin)));
}

constexpr uint64_t kMaxElements = uint64_t{1} << 40;

// How many values a sparse constant stores, following TFLite's sparse format
// (tensorflow/lite/core/tools/verifier.cc, VerifyAndCountSparseElements): the
// first `rank` traversal entries permute the tensor's dimensions, the rest
// permute its block dimensions; a dense level multiplies the count by its
// size, a CSR level replaces it by its number of indices.
uint64_t sparse_values(const Tensor& t, std::string_view where) {
  const Sparsity& sp = *t.sparsity;
  const std::string name = printable(t.name);
  const size_t rank = t.shape.size(), levels = sp.traversal_order.size();
  if (levels != sp.dim_metadata.size())
    fail("{} '{}': sparsity has {} traversal dimensions but {} dimension metadata entries", where,
         name, levels, sp.dim_metadata.size());
  if (levels != rank + sp.block_map.size())
    fail("{} '{}': sparsity traverses {} dimensions, shape rank {} + {} block dimensions expected",
         where, name, levels, rank, sp.block_map.size());
  for (size_t part = 0; part < 2; ++part) {
    const size_t lo = part == 0 ? 0 : rank, hi = part == 0 ? rank : levels;
    std::vector<int32_t> order(sp.traversal_order.begin() + lo, sp.traversal_order.begin() + hi);
    std::sort(order.begin(), order.end());
    for (size_t i = 0; i < order.size(); ++i)
      if (order[i] != static_cast<int32_t>(lo + i))
        fail("{} '{}': sparsity traversal order [{}] does not list dimensions {} to {} once each",
             where, name, fmt::join(sp.traversal_order, ","), lo, hi - 1);
  }
  // Sizes of the traversed dimensions: a blocked dimension holds shape/block
  // blocks, and each block dimension the block's size.
  std::vector<uint64_t> sizes(levels);
  for (size_t i = 0; i < rank; ++i) sizes[i] = static_cast<uint64_t>(t.shape[i]);
  for (size_t b = 0; b < sp.block_map.size(); ++b) {
    const int32_t dim = sp.block_map[b];
    const int32_t block = sp.dim_metadata[rank + b].dense_size;
    if (dim < 0 || static_cast<size_t>(dim) >= rank)
      fail("{} '{}': sparsity block_map entry {} is {}, outside the shape's rank {}", where, name, b,
           dim, rank);
    if (block <= 0)
      fail("{} '{}': sparsity block dimension {} has size {}, expected a positive size", where, name,
           b, block);
    sizes[static_cast<size_t>(sp.traversal_order[rank + b])] = static_cast<uint64_t>(block);
    sizes[static_cast<size_t>(dim)] = static_cast<uint64_t>(t.shape[dim] / block);
  }
  uint64_t values = 1;
  for (size_t level = 0; level < levels; ++level) {
    const DimensionMetadata& d = sp.dim_metadata[level];
    const uint64_t size = sizes[static_cast<size_t>(sp.traversal_order[level])];
    if (d.format == DimensionMetadata::Format::Dense) {
      if (d.dense_size < 0 || static_cast<uint64_t>(d.dense_size) != size)
        fail("{} '{}': sparsity level {} is dense with size {}, but its dimension has {}", where, name,
             level, d.dense_size, size);
      values *= size;
      if (values > kMaxElements)
        fail("{} '{}': sparsity describes more than 2^40 values", where, name);
    } else if (d.format == DimensionMetadata::Format::SparseCsr) {
      const auto& seg = d.array_segments;
      const auto& idx = d.array_indices;
      if (seg.size() != values + 1)
        fail("{} '{}': sparsity level {} has {} segments, expected {} (one more than the {} rows above "
             "it)",
             where, name, level, seg.size(), values + 1, values);
      for (size_t i = 0; i + 1 < seg.size(); ++i)
        if (seg[i] < 0 || seg[i] > seg[i + 1])
          fail("{} '{}': sparsity level {} segments are not non-decreasing from 0 (entry {} is {}, "
               "next {})",
               where, name, level, i, seg[i], seg[i + 1]);
      if (static_cast<uint64_t>(seg.back()) != idx.size())
        fail("{} '{}': sparsity level {} segments end at {}, but it has {} indices", where, name, level,
             seg.back(), idx.size());
      for (size_t i = 0; i < idx.size(); ++i)
        if (idx[i] < 0 || static_cast<uint64_t>(idx[i]) >= size)
          fail("{} '{}': sparsity level {} index {} is {}, out of range for a dimension of {}", where,
               name, level, i, idx[i], size);
      values = idx.size();
    } else {
      fail("{} '{}': sparsity level {} has unknown format {}", where, name, level,
           static_cast<int>(d.format));
    }
  }
  return values;
}

void validate_tensor(const Model& model, const Tensor& t, const std::string& where) {
  const std::string name = printable(t.name);
  if (t.buffer < 0 || static_cast<size_t>(t.buffer) >= model.buffers.size())
    fail("{} '{}': buffer index {} is out of range (the model has {} buffers)", where, name,
         t.buffer, model.buffers.size());
  if (t.shape.size() > 16) fail("{} '{}': rank {} is larger than 16", where, name, t.shape.size());
  uint64_t elements = 1;
  for (int32_t d : t.shape) {
    if (d < 0) fail("{} '{}': shape [{}] has a negative dimension", where, name, fmt::join(t.shape, ","));
    // Checked before multiplying: a product of int32 dimensions can wrap uint64.
    if (d > 0 && elements > kMaxElements / static_cast<uint64_t>(d))
      fail("{} '{}': shape [{}] has more than 2^40 elements", where, name, fmt::join(t.shape, ","));
    elements *= static_cast<uint64_t>(d);
  }
  const size_t bytes = model.buffers[static_cast<size_t>(t.buffer)].size();
  const size_t elem = dtype_size(t.dtype);
  if (bytes > 0 && !t.sparsity && elem > 0 && bytes != elements * elem)
    fail("{} '{}': buffer {} is {} bytes, shape [{}] {} needs {}", where, name, t.buffer, bytes,
         fmt::join(t.shape, ","), dtype_name(t.dtype), elements * elem);
  if (bytes > 0 && t.sparsity) {
    const uint64_t values = sparse_values(t, where);
    if (elem > 0 && bytes != values * elem)
      fail("{} '{}': sparse buffer {} is {} bytes, its sparsity metadata stores {} {} values ({} bytes)",
           where, name, t.buffer, bytes, values, dtype_name(t.dtype), values * elem);
  }
  const QuantParams& q = t.quant;
  if (!q.scale.empty() || !q.zero_point.empty()) {
    if (q.scale.size() != q.zero_point.size())
      fail("{} '{}': quantization has {} scales but {} zero points", where, name, q.scale.size(),
           q.zero_point.size());
    for (float s : q.scale)
      if (!std::isfinite(s) || s < 0.f)
        fail("{} '{}': quantization scale {} is not a finite non-negative number", where, name, s);
    if (q.scale.size() > 1) {
      if (q.quantized_dimension < 0 || static_cast<size_t>(q.quantized_dimension) >= t.shape.size())
        fail("{} '{}': quantized_dimension {} is out of range for rank {}", where, name,
             q.quantized_dimension, t.shape.size());
      const int32_t channels = t.shape[static_cast<size_t>(q.quantized_dimension)];
      if (q.scale.size() != static_cast<size_t>(channels))
        fail("{} '{}': {} per-channel scales, but dimension {} has {} channels", where, name,
             q.scale.size(), q.quantized_dimension, channels);
    }
  }
}

}  // namespace

std::vector<int32_t> topological_order(const Graph& g, std::string_view origin) {
  const size_t n_tensors = g.tensors.size();
  std::vector<int32_t> producer(n_tensors, -1);
  for (size_t o = 0; o < g.ops.size(); ++o) {
    for (int32_t t : g.ops[o].outputs) {
      if (t < 0 || static_cast<size_t>(t) >= n_tensors) continue;  // validated elsewhere
      if (producer[t] >= 0)
        fail("{}: tensor {} '{}' is written by op {} and by op {}", origin, t, printable(g.tensors[t].name),
             producer[t], o);
      producer[t] = static_cast<int32_t>(o);
    }
  }
  // Kahn's algorithm, taking ops in file order when several are ready, so a
  // graph already in order keeps its order.
  std::vector<int> pending(g.ops.size(), 0);
  std::vector<std::vector<int32_t>> consumers(g.ops.size());
  for (size_t o = 0; o < g.ops.size(); ++o) {
    for (int32_t t : g.ops[o].inputs) {
      if (t < 0 || static_cast<size_t>(t) >= n_tensors || producer[t] < 0) continue;
      if (producer[t] == static_cast<int32_t>(o))
        fail("{}: op {} ({}) reads its own output tensor {} '{}' (a cycle)", origin, o,
             builtin_op_name(g.ops[o].code.builtin), t, printable(g.tensors[t].name));
      ++pending[o];
      consumers[producer[t]].push_back(static_cast<int32_t>(o));
    }
  }
  std::vector<int32_t> order;
  order.reserve(g.ops.size());
  std::vector<int32_t> ready;
  for (size_t o = g.ops.size(); o-- > 0;)
    if (pending[o] == 0) ready.push_back(static_cast<int32_t>(o));
  // `ready` is a stack sorted so the smallest index is on top.
  while (!ready.empty()) {
    const int32_t o = ready.back();
    ready.pop_back();
    order.push_back(o);
    for (int32_t c : consumers[o]) {
      if (--pending[c] == 0) {
        auto it = std::upper_bound(ready.begin(), ready.end(), c, std::greater<>());
        ready.insert(it, c);
      }
    }
  }
  if (order.size() != g.ops.size()) {
    for (size_t o = 0; o < g.ops.size(); ++o)
      if (pending[o] > 0)
        fail("{}: op {} ({}) is part of a cycle: its inputs depend on its own outputs", origin, o,
             builtin_op_name(g.ops[o].code.builtin));
  }
  return order;
}

void validate_model(const Model& model, std::string_view origin) {
  if (model.subgraphs.empty()) fail("{}: the model has no subgraph", origin);
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const Graph& g = model.subgraphs[s];
    const size_t n = g.tensors.size();
    for (size_t t = 0; t < n; ++t)
      validate_tensor(model, g.tensors[t], fmt::format("{}: subgraph {}, tensor {}", origin, s, t));
    auto check_io = [&](const std::vector<int32_t>& list, std::string_view what) {
      for (size_t i = 0; i < list.size(); ++i)
        if (list[i] < 0 || static_cast<size_t>(list[i]) >= n)
          fail("{}: subgraph {}: {} {} refers to tensor {}, but the subgraph has {} tensors", origin,
               s, what, i, list[i], n);
    };
    check_io(g.inputs, "input");
    check_io(g.outputs, "output");

    std::vector<bool> available(n, false);
    for (size_t t = 0; t < n; ++t)
      available[t] = !model.data_of(g.tensors[t]).empty() || g.tensors[t].is_variable;
    for (int32_t t : g.inputs) available[t] = true;

    for (size_t o = 0; o < g.ops.size(); ++o) {
      const Op& op = g.ops[o];
      const std::string where = op_where(origin, s, o, op);
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        const int32_t t = op.inputs[i];
        if (t < -1 || t >= static_cast<int64_t>(n))
          fail("{}: input {} refers to tensor {}, but the subgraph has {} tensors", where, i, t, n);
      }
      for (size_t i = 0; i < op.outputs.size(); ++i) {
        const int32_t t = op.outputs[i];
        if (t < 0 || t >= static_cast<int64_t>(n))
          fail("{}: output {} refers to tensor {}, but the subgraph has {} tensors", where, i, t, n);
        if (!model.data_of(g.tensors[t]).empty())
          fail("{}: output {} is tensor {} '{}', which is a constant (has buffer {} data)", where, i,
               t, printable(g.tensors[t].name), g.tensors[t].buffer);
      }
      for (size_t i = 0; i < op.intermediates.size(); ++i)
        if (op.intermediates[i] < 0 || op.intermediates[i] >= static_cast<int64_t>(n))
          fail("{}: intermediate {} refers to tensor {}, but the subgraph has {} tensors", where, i,
               op.intermediates[i], n);
      if (!op.code.is_custom()) {
        if (auto a = arity_of(op.code.builtin)) {
          const int ins = static_cast<int>(op.inputs.size()), outs = static_cast<int>(op.outputs.size());
          if (ins < a->min_in || ins > a->max_in)
            fail("{}: has {} inputs, expected {}", where, ins, range_text(a->min_in, a->max_in));
          if (outs < a->min_out || outs > a->max_out)
            fail("{}: has {} outputs, expected {}", where, outs, range_text(a->min_out, a->max_out));
          for (int i = 0; i < a->min_in && i < ins; ++i)
            if (op.inputs[i] < 0 && !(op.code.builtin == BuiltinOp::Reshape))
              fail("{}: required input {} is omitted (-1)", where, i);
        }
      } else if (op.code.custom_name.empty()) {
        fail("{}: custom op without a name", where);
      }
    }
    const std::string graph_where = fmt::format("{}: subgraph {}", origin, s);
    const std::vector<int32_t> order = topological_order(g, graph_where);
    for (int32_t o : order) {
      const Op& op = g.ops[o];
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        const int32_t t = op.inputs[i];
        if (t >= 0 && !available[t])
          fail("{}: input {} is tensor {} '{}', which no op writes and which is neither a constant "
               "nor a subgraph input",
               op_where(origin, s, o, op), i, t, printable(g.tensors[t].name));
      }
      for (int32_t t : op.outputs) available[t] = true;
    }
    for (int32_t t : g.outputs)
      if (!available[t])
        fail("{}: output tensor {} '{}' is never written", graph_where, t, printable(g.tensors[t].name));
  }
  for (size_t i = 0; i < model.metadata.size(); ++i) {
    const auto& m = model.metadata[i];
    if (m.buffer < 0 || static_cast<size_t>(m.buffer) >= model.buffers.size())
      fail("{}: metadata {} '{}' refers to buffer {}, but the model has {} buffers", origin, i,
           printable(m.name), m.buffer, model.buffers.size());
  }
  for (const Signature& sig : model.signatures) {
    if (sig.subgraph < 0 || static_cast<size_t>(sig.subgraph) >= model.subgraphs.size())
      fail("{}: signature '{}' refers to subgraph {}, but the model has {}", origin, printable(sig.key),
           sig.subgraph, model.subgraphs.size());
    const size_t n = model.subgraphs[sig.subgraph].tensors.size();
    for (const auto* list : {&sig.inputs, &sig.outputs})
      for (const SignatureTensor& st : *list)
        if (st.tensor < 0 || static_cast<size_t>(st.tensor) >= n)
          fail("{}: signature '{}' maps '{}' to tensor {}, but subgraph {} has {} tensors", origin,
               printable(sig.key), printable(st.name), st.tensor, sig.subgraph, n);
  }
}

}  // namespace octet
