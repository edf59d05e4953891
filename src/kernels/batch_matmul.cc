// BATCH_MATMUL: lhs [..., R, D] x rhs [..., D, C] -> [..., R, C] over
// broadcast batch dimensions (ranks 2 to 5, as TFLite). adj_x / adj_y mean
// the operand's last two dimensions are stored transposed. The output's
// batch dimensions are the numpy broadcast of both operands' batch
// dimensions, the shorter shape padded with ones on the left.
#include <omp.h>

#include <algorithm>

#include "kernels/batch_matmul_shape.h"
#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

constexpr int kMaxBatchMatMulRank = 5;

std::vector<int32_t> extended(std::span<const int32_t> shape, int rank) {
  std::vector<int32_t> e(static_cast<size_t>(rank) - shape.size(), 1);
  e.insert(e.end(), shape.begin(), shape.end());
  return e;
}

// Offsets for one more (outer) batch dimension of size n and stride s.
void expand(std::vector<int64_t>& offsets, int32_t n, int64_t stride) {
  std::vector<int64_t> out;
  out.reserve(offsets.size() * static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i)
    for (int64_t o : offsets) out.push_back(i * stride + o);
  offsets = std::move(out);
}

class BatchMatMul final : public Kernel {
 public:
  explicit BatchMatMul(const Op& op) : options_(op.options.get_or_default<opt::BatchMatMul>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& lhs = ctx.input(0);
    const TensorView& rhs = ctx.input(1);
    expect_float32(ctx, lhs, "lhs");
    expect_float32(ctx, rhs, "rhs");
    expect_float32(ctx, ctx.output(0), "output");
    const BatchMatMulShape shape = batch_matmul_shape(ctx, lhs, rhs, options_.adj_x, options_.adj_y);
    rows_ = shape.rows;
    depth_ = shape.depth;
    cols_ = shape.cols;
    lhs_offsets_ = shape.lhs_offsets;
    rhs_offsets_ = shape.rhs_offsets;
    ctx.set_output_shape(0, shape.output);
    // One shared rhs (x @ W in a Transformer): the batches of a row-major
    // lhs stack into one taller product.
    stack_batches_ = shape.rhs_shared && !options_.adj_x;
    // The rhs is packed per product (gemm.h), into one slot per thread.
    threads_ = std::max(1, omp_get_max_threads());
    ctx.request_scratch(static_cast<size_t>(threads_ * packed_size(depth_, cols_)) * sizeof(float));
  }

  void eval(const EvalContext& ctx) override {
    const float* lhs = ctx.inputs[0].data_as<const float>();
    const float* rhs = ctx.inputs[1].data_as<const float>();
    float* out = ctx.outputs[0].data_as<float>();
    const int64_t lhs_ld = options_.adj_x ? rows_ : depth_;
    const int64_t rhs_ld = options_.adj_y ? depth_ : cols_;
    const int64_t batches = static_cast<int64_t>(lhs_offsets_.size());
    float* scratch = reinterpret_cast<float*>(ctx.scratch.data());
    const int64_t slot = packed_size(depth_, cols_);
    if (stack_batches_) {
      pack_rhs(depth_, cols_, {rhs, rhs_ld, options_.adj_y}, nullptr, scratch);
      gemm_packed(batches * rows_, cols_, depth_, {lhs, lhs_ld, false}, scratch, {out, cols_});
      return;
    }
    // Many small products (attention heads): one product per thread, each
    // on one core (gemm does not nest threads inside a parallel region).
    const bool parallel = batches > 1 && batches * rows_ * cols_ * depth_ >= kMinParallelMacs;
#pragma omp parallel num_threads(std::min(threads_, omp_get_max_threads())) if (parallel)
    {
      float* packed = scratch + omp_get_thread_num() * slot;
#pragma omp for schedule(dynamic)
      for (int64_t b = 0; b < batches; ++b) {
        pack_rhs(depth_, cols_, {rhs + rhs_offsets_[b], rhs_ld, options_.adj_y}, nullptr, packed);
        gemm_packed(rows_, cols_, depth_, {lhs + lhs_offsets_[b], lhs_ld, options_.adj_x}, packed,
                    {out + b * rows_ * cols_, cols_});
      }
    }
  }

 private:
  opt::BatchMatMul options_;
  int32_t rows_ = 0, depth_ = 0, cols_ = 0;
  std::vector<int64_t> lhs_offsets_, rhs_offsets_;
  bool stack_batches_ = false;
  int threads_ = 1;
};

}  // namespace

BatchMatMulShape batch_matmul_shape(const PrepareContext& ctx, const TensorView& lhs,
                                    const TensorView& rhs, bool adj_x, bool adj_y) {
  ctx.expect_rank(lhs, 2, kMaxBatchMatMulRank, "lhs");
  ctx.expect_rank(rhs, 2, kMaxBatchMatMulRank, "rhs");
  BatchMatMulShape s;
  const int rank = std::max(lhs.rank(), rhs.rank());
  const std::vector<int32_t> l = extended(lhs.shape, rank), r = extended(rhs.shape, rank);
  s.rows = adj_x ? l[rank - 1] : l[rank - 2];
  s.depth = adj_x ? l[rank - 2] : l[rank - 1];
  s.cols = adj_y ? r[rank - 2] : r[rank - 1];
  const int32_t rhs_depth = adj_y ? r[rank - 1] : r[rank - 2];
  if (s.depth != rhs_depth)
    ctx.fail("lhs tensor {} '{}' [{}] (adj_x {}) and rhs tensor {} '{}' [{}] (adj_y {}) do not "
             "multiply: inner dimensions {} and {}", lhs.index, lhs.name(),
             fmt::join(lhs.shape, ","), adj_x, rhs.index, rhs.name(), fmt::join(rhs.shape, ","),
             adj_y, s.depth, rhs_depth);

  // Batch dimensions: broadcast, and the offset of each output batch's
  // operands, walking the output batches in row-major order.
  s.output.assign(static_cast<size_t>(rank), 0);
  int64_t lhs_stride = int64_t{s.rows} * s.depth, rhs_stride = int64_t{s.depth} * s.cols;
  s.lhs_offsets = {0};
  s.rhs_offsets = {0};
  for (int i = rank - 3; i >= 0; --i) {
    if (l[i] != r[i] && l[i] != 1 && r[i] != 1)
      ctx.fail("batch dimension {} does not broadcast: lhs tensor {} '{}' [{}], rhs tensor {} "
               "'{}' [{}]", i, lhs.index, lhs.name(), fmt::join(lhs.shape, ","), rhs.index,
               rhs.name(), fmt::join(rhs.shape, ","));
    s.output[i] = l[i] == 1 ? r[i] : l[i];
    expand(s.lhs_offsets, s.output[i], l[i] == 1 ? 0 : lhs_stride);
    expand(s.rhs_offsets, s.output[i], r[i] == 1 ? 0 : rhs_stride);
    lhs_stride *= l[i];
    rhs_stride *= r[i];
  }
  s.output[rank - 2] = s.rows;
  s.output[rank - 1] = s.cols;
  s.rhs_shared = rhs_stride == int64_t{s.depth} * s.cols;
  return s;
}

void register_batch_matmul(Registry& registry) {
  registry.add(BuiltinOp::BatchMatmul, make_kernel<BatchMatMul>);
}

}  // namespace octet::kernels
