#include "kernels/gemm.h"

#include <omp.h>

#include <Eigen/Core>

namespace octet::kernels {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using MutableMap = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;

// Eigen asks omp_get_max_threads() before it splits a product; that value
// is the calling thread's own OpenMP setting, so lowering it for one call
// keeps small products on this thread without touching other threads
// (Eigen::setNbThreads would be a process-wide write).
class SingleThreadScope {
 public:
  explicit SingleThreadScope(bool active) : saved_(active ? omp_get_max_threads() : 0) {
    if (saved_ > 1) omp_set_num_threads(1);
  }
  ~SingleThreadScope() {
    if (saved_ > 1) omp_set_num_threads(saved_);
  }
  SingleThreadScope(const SingleThreadScope&) = delete;
  SingleThreadScope& operator=(const SingleThreadScope&) = delete;

 private:
  int saved_;
};

// c = a * b for a column block of b (and c); the four layout cases.
void product_block(int64_t m, int64_t n, int64_t k, ConstMatrix a, ConstMatrix b, float* c,
                   int64_t ldc) {
  MutableMap cm(c, m, n, Eigen::OuterStride<>(ldc));
  // The stored shapes; a transposed operand is a transposed view, not a copy.
  const ConstMap am(a.data, a.transposed ? k : m, a.transposed ? m : k, Eigen::OuterStride<>(a.ld));
  const ConstMap bm(b.data, b.transposed ? n : k, b.transposed ? k : n, Eigen::OuterStride<>(b.ld));
  if (m < kGemvMaxRows) {
    for (int64_t r = 0; r < m; ++r) {
      if (!a.transposed && !b.transposed) cm.row(r).noalias() = am.row(r) * bm;
      else if (!a.transposed) cm.row(r).noalias() = am.row(r) * bm.transpose();
      else if (!b.transposed) cm.row(r).noalias() = am.col(r).transpose() * bm;
      else cm.row(r).noalias() = am.col(r).transpose() * bm.transpose();
    }
  } else if (!a.transposed && !b.transposed) {
    cm.noalias() = am * bm;
  } else if (!a.transposed) {
    cm.noalias() = am * bm.transpose();
  } else if (!b.transposed) {
    cm.noalias() = am.transpose() * bm;
  } else {
    cm.noalias() = am.transpose() * bm.transpose();
  }
}

// Columns j0.. of operand b: rows of the store when b is transposed.
ConstMatrix column_block(ConstMatrix b, int64_t j0) {
  b.data += b.transposed ? j0 * b.ld : j0;
  return b;
}

}  // namespace

void gemm(int64_t m, int64_t n, int64_t k, ConstMatrix a, ConstMatrix b, MutableMatrix c) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    MutableMap(c.data, m, n, Eigen::OuterStride<>(c.ld)).setZero();
    return;
  }
  const bool parallel = m * n * k >= kMinParallelMacs && !omp_in_parallel();
  if (m < kGemvMaxRows) {
    // Few rows (a decoder step, a beam): Eigen's GEMM would pack all of b on
    // every call, which costs more than streaming b once per row as
    // matrix-vector products. Threads split the columns of c.
    const int64_t blocks = parallel ? std::min<int64_t>(omp_get_max_threads(), (n + 63) / 64) : 1;
    if (blocks <= 1) return product_block(m, n, k, a, b, c.data, c.ld);
    const int64_t block_cols = (n + blocks - 1) / blocks;
#pragma omp parallel for num_threads(blocks)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const int64_t j0 = blk * block_cols, cols = std::min(n, j0 + block_cols) - j0;
      if (cols > 0) product_block(m, cols, k, a, column_block(b, j0), c.data + j0, c.ld);
    }
    return;
  }
  const SingleThreadScope scope(!parallel);
  product_block(m, n, k, a, b, c.data, c.ld);
}

void add_bias_and_clamp(float* c, int64_t m, int64_t n, int64_t ld, const float* bias,
                        FloatRange range) {
  const float lo = range.min, hi = range.max;
  for (int64_t r = 0; r < m; ++r) {
    float* row = c + r * ld;
    if (bias != nullptr) {
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) row[j] = std::min(std::max(row[j] + bias[j], lo), hi);
    } else {
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) row[j] = std::min(std::max(row[j], lo), hi);
    }
  }
}

}  // namespace octet::kernels
