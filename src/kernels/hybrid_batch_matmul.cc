// BATCH_MATMUL, dynamic-range ("hybrid"): float32 lhs and output, int8 rhs
// symmetric per tensor or per output column. As LiteRT's EvalHybrid
// (tflite/kernels/batch_matmul.cc) and reference_ops::BatchMatMul's hybrid
// overload (reference/batch_matmul.h):
//
//   per lhs row (of the [R, D] matrix, after adj_x): q, s, z = quantize(row),
//     symmetric, or asymmetric with asymmetric_quantize_inputs
//   s_j = s · s_w (per tensor, folded first) or s · s_w[j] (per column)
//   t = Σ q·w[:, j] − Σ w[:, j] · z   computed as LiteRT does: the
//       correction in float (float(Σw) · float(z)), subtracted from
//       float(Σ q·w), so sums past 2^24 round as there
//   out[i, j] = s_j · t
//
// Shapes as the float kernel (batch_matmul_shape.h); the op has no fused
// activation and no bias.
#include <algorithm>

#include "kernels/batch_matmul_shape.h"
#include "kernels/hybrid.h"
#include "kernels/int_gemm.h"
#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

class HybridBatchMatMul final : public Kernel {
 public:
  explicit HybridBatchMatMul(const Op& op)
      : options_(op.options.get_or_default<opt::BatchMatMul>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& lhs = ctx.input(0);
    const TensorView& rhs = ctx.input(1);
    expect_float_tensor(ctx, lhs, "lhs");
    expect_float_tensor(ctx, ctx.output(0), "output");
    const BatchMatMulShape shape = batch_matmul_shape(ctx, lhs, rhs, options_.adj_x, options_.adj_y);
    rows_ = shape.rows;
    depth_ = shape.depth;
    cols_ = shape.cols;
    lhs_offsets_ = shape.lhs_offsets;
    rhs_offsets_ = shape.rhs_offsets;
    ctx.set_output_shape(0, shape.output);
    if (depth_ > kMaxInt8GemmDepth)
      ctx.fail("depth {} is more than the {} an int32 sum holds", depth_, kMaxInt8GemmDepth);
    // The scales sit on the rhs's column axis: the last one, or the one
    // before it when adj_y stores the rhs transposed.
    const int32_t column_axis = rhs.rank() - (options_.adj_y ? 2 : 1);
    scales_ = hybrid_weight_scales(ctx, rhs, cols_, column_axis);

    // One packed matrix per distinct rhs batch, packed here when constant.
    const int64_t matrix = int64_t{depth_} * cols_;
    const int64_t matrices = std::max<int64_t>(matrix > 0 ? rhs.num_elements() / matrix : 1, 1);
    rhs_constant_ = rhs.data != nullptr;
    packed_.resize(static_cast<size_t>(rhs_constant_ ? matrices : 1));
    if (rhs_constant_)
      for (int64_t m = 0; m < matrices; ++m) pack(rhs.data_as<const int8_t>() + m * matrix, packed_[m]);
    else
      reserve_packed(cols_, depth_, packed_[0]);
    row_quant_.assign(static_cast<size_t>(rows_), RowQuant{});
    const int64_t lhs_copy = options_.adj_x ? int64_t{rows_} * depth_ * 4 : 0;
    ctx.request_scratch(static_cast<size_t>(int64_t{rows_} * cols_ * 4 + int64_t{rows_} * depth_ +
                                            lhs_copy));
  }

  void eval(const EvalContext& ctx) override {
    const float* lhs = ctx.inputs[0].data_as<const float>();
    const int8_t* rhs = ctx.inputs[1].data_as<const int8_t>();
    float* out = ctx.outputs[0].data_as<float>();
    auto* acc = reinterpret_cast<int32_t*>(ctx.scratch.data());
    auto* q = reinterpret_cast<int8_t*>(acc + int64_t{rows_} * cols_);
    auto* lhs_copy = reinterpret_cast<float*>(q + int64_t{rows_} * depth_);
    const int64_t matrix = int64_t{depth_} * cols_;
    const bool per_channel = scales_.size() > 1;
    int64_t packed_offset = -1;
    for (size_t b = 0; b < lhs_offsets_.size(); ++b, out += int64_t{rows_} * cols_) {
      const PackedInt8* packed = nullptr;
      if (rhs_constant_) {
        packed = &packed_[static_cast<size_t>(matrix > 0 ? rhs_offsets_[b] / matrix : 0)];
      } else {
        if (rhs_offsets_[b] != packed_offset) pack(rhs + rhs_offsets_[b], packed_[0]);
        packed_offset = rhs_offsets_[b];
        packed = &packed_[0];
      }
      const float* a = lhs + lhs_offsets_[b];
      if (options_.adj_x) {  // stored [D][R]: rows are columns
        for (int32_t i = 0; i < rows_; ++i)
          for (int32_t k = 0; k < depth_; ++k)
            lhs_copy[int64_t{i} * depth_ + k] = a[int64_t{k} * rows_ + i];
        a = lhs_copy;
      }
      for (int32_t i = 0; i < rows_; ++i)
        row_quant_[static_cast<size_t>(i)] =
            quantize_row(a + int64_t{i} * depth_, depth_, q + int64_t{i} * depth_,
                         options_.asymmetric_quantize_inputs);
      if (depth_ > 0) int8_gemm(q, depth_, rows_, *packed, acc, cols_);
      else std::fill(acc, acc + int64_t{rows_} * cols_, 0);
      for (int32_t i = 0; i < rows_; ++i) {
        const RowQuant& r = row_quant_[static_cast<size_t>(i)];
        const float row_scale = per_channel ? r.scale : r.scale * scales_[0];
        const auto zero_point = static_cast<float>(r.zero_point);
        for (int32_t j = 0; j < cols_; ++j) {
          const float correction =
              static_cast<float>(packed->row_sums[static_cast<size_t>(j)]) * zero_point;
          const float t = static_cast<float>(acc[int64_t{i} * cols_ + j]) - correction;
          const float scale = per_channel ? row_scale * scales_[static_cast<size_t>(j)] : row_scale;
          out[int64_t{i} * cols_ + j] = scale * t;
        }
      }
    }
  }

 private:
  // The rhs batch as int_gemm's b: [cols][depth] rows.
  void pack(const int8_t* rhs, PackedInt8& packed) const {
    if (options_.adj_y) pack_int8(rhs, depth_, cols_, depth_, packed);
    else pack_int8_kn(rhs, cols_, depth_, cols_, packed);
  }

  opt::BatchMatMul options_;
  int32_t rows_ = 0, depth_ = 0, cols_ = 0;
  std::vector<int64_t> lhs_offsets_, rhs_offsets_;
  std::vector<float> scales_;
  bool rhs_constant_ = false;
  std::vector<PackedInt8> packed_;
  std::vector<RowQuant> row_quant_;
};

}  // namespace

void register_hybrid_batch_matmul(Registry& registry) {
  registry.add(BuiltinOp::BatchMatmul, make_kernel<HybridBatchMatMul>, Arithmetic::Hybrid);
}

}  // namespace octet::kernels
