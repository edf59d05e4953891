// BATCH_MATMUL on quantized tensors, computing LiteRT's integers
// (tflite/kernels/batch_matmul.cc at f674577, which registers only its
// reference kernel, reference/batch_matmul.h). Both operands are
// activations; shapes as the float kernel (batch_matmul_shape.h).
//
//   int8 x int8 -> int8    both operands asymmetric: Σ (l − z_l)(r − z_r) in
//                          int32, TFLite's double-rounding multiplier
//                          float(s_l·s_r)/s_out, + z_out, clamped to int8
//                          (the op has no fused activation).
//   int8 x int8 -> int32   the raw Σ l·r; LiteRT ignores the zero points.
//   int16 x int16 / int8   zero points 0, int64 sums, the int64 multiplier
//     -> int16             overload (Q0.15), clamped to int16.
//
// int8 products go through int_gemm: the lhs rows are its a, the rhs
// columns its (packed) b, the zero points folded in with both operands' sums.
#include <algorithm>
#include <vector>
#include <cstring>

#include "kernels/batch_matmul_shape.h"
#include "kernels/linear_quantized.h"

namespace octet::kernels {
namespace {

class BatchMatMulQuantized final : public Kernel {
 public:
  explicit BatchMatMulQuantized(const Op& op)
      : options_(op.options.get_or_default<opt::BatchMatMul>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& lhs = ctx.input(0);
    const TensorView& rhs = ctx.input(1);
    const TensorView& output = ctx.output(0);
    expect_integer_activation(ctx, lhs, "lhs");
    expect_integer_activation(ctx, rhs, "rhs");
    if (lhs.dtype == DType::Int8 && rhs.dtype != DType::Int8)
      ctx.fail("rhs tensor {} '{}' is {} with an int8 lhs; expected int8", rhs.index, rhs.name(),
               dtype_name(rhs.dtype));
    int16_ = lhs.dtype == DType::Int16;
    raw_int32_ = !int16_ && output.dtype == DType::Int32;
    if (!raw_int32_) expect_same_dtype(ctx, lhs, "lhs", output, "output");
    const BatchMatMulShape shape = batch_matmul_shape(ctx, lhs, rhs, options_.adj_x, options_.adj_y);
    rows_ = shape.rows;
    depth_ = shape.depth;
    cols_ = shape.cols;
    lhs_offsets_ = shape.lhs_offsets;
    rhs_offsets_ = shape.rhs_offsets;
    ctx.set_output_shape(0, shape.output);

    const TensorQuant lq = per_tensor_quant(ctx, lhs, "lhs");
    const TensorQuant rq = per_tensor_quant(ctx, rhs, "rhs");
    if (int16_ && rq.zero_point != 0)
      ctx.fail("rhs tensor {} '{}' has zero point {}; with int16 lhs LiteRT needs 0", rhs.index,
               rhs.name(), rq.zero_point);
    lhs_zero_point_ = lq.zero_point;
    rhs_zero_point_ = rq.zero_point;
    if (!raw_int32_) {
      const TensorQuant oq = per_tensor_quant(ctx, output, "output");
      // GetQuantizedConvolutionMultipler: the product in float, the
      // division in double.
      const double product = static_cast<double>(lq.scale * rq.scale);
      stage_.multipliers = {quantize_multiplier(product / static_cast<double>(oq.scale))};
      stage_.scales = {product / static_cast<double>(oq.scale)};
      stage_.rounding = int16_ ? Rounding::Int64 : Rounding::Double;
      expect_multiplier_range(ctx, stage_, lq.scale * rq.scale, oq.scale);
      stage_.zero_point = oq.zero_point;
      stage_.clamp = dtype_range(output.dtype);
    }
    if (int16_) return;

    // int8: a contiguous lhs with one shared rhs stacks all batches into one
    // product; otherwise one product per batch, the rhs repacked when it
    // changes.
    stack_ = shape.rhs_shared && !options_.adj_x;
    const int64_t m = stack_ ? static_cast<int64_t>(lhs_offsets_.size()) * rows_ : rows_;
    reserve_packed(cols_, depth_, packed_);
    const int64_t lhs_copy = options_.adj_x ? int64_t{rows_} * depth_ : 0;
    const int64_t bytes = (m * cols_ + m + cols_) * 4 + lhs_copy;
    ctx.request_scratch(static_cast<size_t>(bytes));
  }

  void eval(const EvalContext& ctx) override {
    if (int16_) {
      if (ctx.inputs[1].dtype == DType::Int16) eval_int16<int16_t>(ctx);
      else eval_int16<int8_t>(ctx);
      return;
    }
    const int8_t* lhs = ctx.inputs[0].data_as<const int8_t>();
    const int8_t* rhs = ctx.inputs[1].data_as<const int8_t>();
    const int64_t batches = static_cast<int64_t>(lhs_offsets_.size());
    const int64_t m = stack_ ? batches * rows_ : rows_;
    int32_t* acc = reinterpret_cast<int32_t*>(ctx.scratch.data());
    int32_t* lhs_sums = acc + m * cols_;
    int32_t* col_offset = lhs_sums + m;
    int8_t* lhs_copy = reinterpret_cast<int8_t*>(col_offset + cols_);
    int64_t packed_offset = -1;
    for (int64_t b = 0; b < (stack_ ? 1 : batches); ++b) {
      if (rhs_offsets_[b] != packed_offset) {
        pack_rhs(rhs + rhs_offsets_[b]);
        packed_offset = rhs_offsets_[b];
        for (int32_t c = 0; c < cols_; ++c)
          col_offset[c] = wrapping_mul(-lhs_zero_point_, packed_.row_sums[static_cast<size_t>(c)]);
      }
      const int8_t* a = lhs + lhs_offsets_[b];
      if (options_.adj_x) {
        transpose(a, depth_, rows_, lhs_copy);
        a = lhs_copy;
      }
      int8_gemm(a, depth_, static_cast<int32_t>(m), packed_, acc, cols_);
      finish(a, m, acc, lhs_sums, col_offset, ctx.outputs[0].data + b * rows_ * cols_ *
                                                  static_cast<int64_t>(dtype_size(ctx.outputs[0].dtype)));
    }
  }

 private:
  // b = the rhs batch as [cols][depth] rows, packed.
  void pack_rhs(const int8_t* rhs) {
    if (options_.adj_y) {
      pack_int8(rhs, depth_, cols_, depth_, packed_);
    } else {
      pack_int8_kn(rhs, cols_, depth_, cols_, packed_);  // stored [depth][cols]: no transposed copy
    }
  }

  // src [r][c] -> dst [c][r].
  static void transpose(const int8_t* src, int32_t r, int32_t c, int8_t* dst) {
    for (int32_t i = 0; i < r; ++i)
      for (int32_t j = 0; j < c; ++j) dst[int64_t{j} * r + i] = src[int64_t{i} * c + j];
  }

  // Zero-point terms, then the output: raw int32, or requantized int8.
  void finish(const int8_t* a, int64_t m, const int32_t* acc, int32_t* lhs_sums,
              const int32_t* col_offset, std::byte* out) const {
    const int32_t both = wrapping_mul(wrapping_mul(lhs_zero_point_, rhs_zero_point_), depth_);
    if (raw_int32_) {
      std::memcpy(out, acc, static_cast<size_t>(m * cols_) * sizeof(int32_t));
      return;
    }
    for (int64_t r = 0; r < m; ++r) {
      int32_t sum = 0;
      if (rhs_zero_point_ != 0)
        for (int32_t k = 0; k < depth_; ++k) sum += a[r * depth_ + k];
      lhs_sums[r] = wrapping_add(both, wrapping_mul(-rhs_zero_point_, sum));
    }
    requantize_rows_with(acc, m, lhs_sums, col_offset, reinterpret_cast<int8_t*>(out));
  }

  void requantize_rows_with(const int32_t* acc, int64_t m, const int32_t* row_term,
                            const int32_t* col_offset, int8_t* out) const {
    for (int64_t r = 0; r < m; ++r)
      for (int32_t c = 0; c < cols_; ++c)
        out[r * cols_ + c] = static_cast<int8_t>(stage_.apply<Rounding::Double>(
            wrapping_add(acc[r * cols_ + c], wrapping_add(col_offset[c], row_term[r])), 0));
  }

  // int16 lhs (zero point 0) with an int16 or int8 rhs: int64 sums.
  template <class Rhs>
  void eval_int16(const EvalContext& ctx) const {
    const int16_t* lhs = ctx.inputs[0].data_as<const int16_t>();
    const Rhs* rhs = ctx.inputs[1].data_as<const Rhs>();
    int16_t* out = ctx.outputs[0].data_as<int16_t>();
    const int64_t l_row = options_.adj_x ? 1 : depth_, l_k = options_.adj_x ? rows_ : 1;
    const int64_t r_col = options_.adj_y ? depth_ : 1, r_k = options_.adj_y ? 1 : cols_;
    // Both operands copied so that k runs contiguously (the sums are the same
    // integers in the same order; the contiguous loop vectorizes).
    std::vector<int16_t> lt(static_cast<size_t>(rows_) * depth_);
    std::vector<Rhs> rt(static_cast<size_t>(cols_) * depth_);
    for (size_t b = 0; b < lhs_offsets_.size(); ++b) {
      const int16_t* l = lhs + lhs_offsets_[b];
      const Rhs* r = rhs + rhs_offsets_[b];
      for (int32_t i = 0; i < rows_; ++i)
        for (int32_t k = 0; k < depth_; ++k) lt[size_t(i) * depth_ + k] = l[i * l_row + k * l_k];
      for (int32_t j = 0; j < cols_; ++j)
        for (int32_t k = 0; k < depth_; ++k) rt[size_t(j) * depth_ + k] = r[j * r_col + k * r_k];
      for (int32_t i = 0; i < rows_; ++i) {
        const int16_t* x = lt.data() + size_t(i) * depth_;
        for (int32_t j = 0; j < cols_; ++j) {
          const Rhs* y = rt.data() + size_t(j) * depth_;
          int64_t acc = 0;
          for (int32_t k = 0; k < depth_; ++k) acc += int64_t{x[k]} * int64_t{y[k]};
          *out++ = static_cast<int16_t>(stage_.apply<Rounding::Int64>(acc, 0));
        }
      }
    }
  }

  opt::BatchMatMul options_;
  int32_t rows_ = 0, depth_ = 0, cols_ = 0, lhs_zero_point_ = 0, rhs_zero_point_ = 0;
  std::vector<int64_t> lhs_offsets_, rhs_offsets_;
  bool int16_ = false, raw_int32_ = false, stack_ = false;
  OutputStage stage_;
  PackedInt8 packed_;
};

}  // namespace

void register_batch_matmul_quantized(Registry& registry) {
  registry.add(BuiltinOp::BatchMatmul, make_kernel<BatchMatMulQuantized>, Arithmetic::Integer);
}

}  // namespace octet::kernels
