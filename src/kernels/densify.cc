// DENSIFY: expands a sparse constant (TFLite's SparsityParameters) into the
// dense tensor of its `shape`, with the semantics of LiteRT's
// FormatConverter::SparseToDense (kernels/internal/utils/
// sparsity_format_converter.cc):
//
// - dim_metadata has one entry per level of traversal_order: the tensor's
//   dimensions (blocked) followed by one level per block_map entry.
// - A DENSE level of size n enumerates 0..n-1; its child position is
//   parent·n + i. A SPARSE_CSR level enumerates array_indices[k] for k in
//   [segments[parent], segments[parent+1]); its child position is k.
// - Each leaf takes the next stored value. Its coordinate is
//   orig[traversal_order[i]] = index[i] for the first `rank` levels, then
//   orig[block_map[b]] = orig[block_map[b]]·block_size[b] + index for each
//   block level b = traversal_order[i] - rank.
// - block_size[b] is dense_size of dim_metadata[traversal_order[rank + b]]
//   (LiteRT indexes dim_metadata by a traversal_order entry here; the usual
//   in-order traversal makes that the block's own level).
//
// The metadata depends only on the graph, so prepare turns it into one
// destination index per stored value and checks every index against the
// shape (LiteRT does not). Eval zero-fills the output and scatters: values
// are moved as bytes, so float32, float16, int8 all work.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class Densify : public Kernel {
 public:
  explicit Densify(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    elem_ = element_size(ctx, in, "input");
    expect_same_type(ctx, in, "input", ctx.output(0));
    if (!in.tensor->sparsity)
      ctx.fail("input tensor {} '{}' has no sparsity parameters", in.index, in.name());
    if (in.data == nullptr)
      ctx.fail("input tensor {} '{}' is not constant; DENSIFY needs a sparse constant", in.index,
               in.name());
    build_map(ctx, in, *in.tensor->sparsity);
    dense_count_ = in.num_elements();
    ctx.set_output_shape(0, std::vector<int32_t>(in.shape.begin(), in.shape.end()));
  }

  void eval(const EvalContext& ctx) override {
    std::byte* dst = ctx.outputs[0].data;
    const std::byte* src = ctx.inputs[0].data;
    std::memset(dst, 0, static_cast<size_t>(dense_count_) * elem_);  // +0.0 for float types
    for (size_t k = 0; k < dest_.size(); ++k)
      std::memcpy(dst + static_cast<size_t>(dest_[k]) * elem_, src + k * elem_, elem_);
  }

 private:
  struct Walk {
    const PrepareContext& ctx;
    const TensorView& in;
    const Sparsity& sp;
    std::vector<int64_t> block_size;
    std::vector<int64_t> index;  // per level
    std::vector<int64_t> coord;  // per tensor dimension
    std::vector<int64_t> strides;
  };

  void build_map(const PrepareContext& ctx, const TensorView& in, const Sparsity& sp) {
    const int rank = in.rank();
    const size_t levels = sp.traversal_order.size();
    if (sp.dim_metadata.size() != levels ||
        levels != static_cast<size_t>(rank) + sp.block_map.size())
      ctx.fail(
          "sparsity of tensor {} '{}': {} traversal levels, {} dim_metadata, rank {} + {} "
          "block dimensions do not agree",
          in.index, in.name(), levels, sp.dim_metadata.size(), rank, sp.block_map.size());
    std::vector<bool> seen(levels, false);
    for (size_t i = 0; i < levels; ++i) {
      const int32_t t = sp.traversal_order[i];
      const bool in_range = i < static_cast<size_t>(rank)
                                ? t >= 0 && t < rank
                                : t >= rank && static_cast<size_t>(t) < levels;
      if (!in_range || seen[static_cast<size_t>(t)])
        ctx.fail(
            "sparsity of tensor {} '{}': traversal_order [{}] must list the tensor's "
            "dimensions, then its block dimensions",
            in.index, in.name(), fmt::join(sp.traversal_order, ","));
      seen[static_cast<size_t>(t)] = true;
    }

    // Block sizes, assigned while scanning dimensions in order, as LiteRT's
    // InitSparseToDenseConverter (so block_map must be increasing).
    Walk w{ctx,
           in,
           sp,
           std::vector<int64_t>(sp.block_map.size(), 0),
           std::vector<int64_t>(levels, 0),
           std::vector<int64_t>(static_cast<size_t>(rank), 0),
           row_major_strides(in.shape)};
    size_t block = 0;
    for (int d = 0; d < rank; ++d) {
      if (block < sp.block_map.size() && sp.block_map[block] == d) {
        const auto& meta = sp.dim_metadata[static_cast<size_t>(sp.traversal_order[rank + block])];
        w.block_size[block] = meta.dense_size;
        ++block;
      }
    }
    if (block != sp.block_map.size())
      ctx.fail("sparsity of tensor {} '{}': block_map [{}] must be increasing dimensions", in.index,
               in.name(), fmt::join(sp.block_map, ","));
    for (size_t b = 0; b < w.block_size.size(); ++b)
      if (w.block_size[b] <= 0)
        ctx.fail("sparsity of tensor {} '{}': block {} has size {}", in.index, in.name(), b,
                 w.block_size[b]);
    // A dense level enumerates one tensor dimension (or one block of it), so
    // it cannot be longer than that dimension; this also bounds the walk.
    for (size_t level = 0; level < levels; ++level) {
      const DimensionMetadata& m = sp.dim_metadata[level];
      if (m.format != DimensionMetadata::Format::Dense) continue;
      const int32_t t = sp.traversal_order[level];
      const int32_t dim = t < rank ? t : sp.block_map[static_cast<size_t>(t - rank)];
      if (m.dense_size < 0 || m.dense_size > in.dim(dim))
        ctx.fail("sparsity of tensor {} '{}': level {} has dense_size {}, dimension {} has size {}",
                 in.index, in.name(), level, m.dense_size, dim, in.dim(dim));
    }

    dest_.clear();
    if (in.num_elements() >= (int64_t{1} << 32))
      ctx.fail("tensor {} '{}' is too large to densify", in.index, in.name());
    populate(w, 0, 0);
  }

  void populate(Walk& w, size_t level, int64_t parent) {
    const Sparsity& sp = w.sp;
    if (level == sp.traversal_order.size()) {
      leaf(w);
      return;
    }
    const DimensionMetadata& m = sp.dim_metadata[level];
    if (m.format == DimensionMetadata::Format::Dense) {
      for (int64_t i = 0; i < m.dense_size; ++i) {
        w.index[level] = i;
        populate(w, level + 1, parent * m.dense_size + i);
      }
      return;
    }
    // SPARSE_CSR. Like LiteRT, a parent without a segment, or a position past
    // array_indices, contributes nothing.
    const std::vector<int32_t>& seg = m.array_segments;
    if (parent < 0 || static_cast<size_t>(parent) + 1 >= seg.size()) return;
    const int64_t end = std::min<int64_t>(seg[static_cast<size_t>(parent) + 1],
                                          static_cast<int64_t>(m.array_indices.size()));
    for (int64_t k = std::max<int64_t>(seg[static_cast<size_t>(parent)], 0); k < end; ++k) {
      w.index[level] = m.array_indices[static_cast<size_t>(k)];
      populate(w, level + 1, k);
    }
  }

  void leaf(Walk& w) {
    const Sparsity& sp = w.sp;
    const size_t rank = w.coord.size();
    for (size_t i = 0; i < rank; ++i)
      w.coord[static_cast<size_t>(sp.traversal_order[i])] = w.index[i];
    for (size_t i = rank; i < sp.traversal_order.size(); ++i) {
      const size_t b = static_cast<size_t>(sp.traversal_order[i]) - rank;
      const size_t d = static_cast<size_t>(sp.block_map[b]);
      w.coord[d] = w.coord[d] * w.block_size[b] + w.index[i];
    }
    int64_t flat = 0;
    for (size_t d = 0; d < rank; ++d) {
      if (w.coord[d] < 0 || w.coord[d] >= w.in.dim(static_cast<int>(d)))
        w.ctx.fail(
            "sparsity of tensor {} '{}': value {} lands at index {} of dimension {} (size {})",
            w.in.index, w.in.name(), dest_.size(), w.coord[d], d, w.in.dim(static_cast<int>(d)));
      flat += w.coord[d] * w.strides[d];
    }
    if (static_cast<int64_t>(dest_.size()) >= w.in.num_elements())
      w.ctx.fail("sparsity of tensor {} '{}' describes more values than the dense shape [{}] holds",
                 w.in.index, w.in.name(), fmt::join(w.in.shape, ","));
    dest_.push_back(static_cast<uint32_t>(flat));
  }

  size_t elem_ = 0;
  int64_t dense_count_ = 0;
  std::vector<uint32_t> dest_;  // destination element of each stored value, in storage order
};

}  // namespace

void register_densify(Registry& r) { r.add(BuiltinOp::Densify, make_kernel<Densify>); }

}  // namespace octet::kernels
