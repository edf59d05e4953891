// The one float matrix product behind FULLY_CONNECTED, BATCH_MATMUL, CONV_2D
// (im2col) and TRANSPOSE_CONV (col2im). Eigen does the blocking and packing;
// this file owns the layouts and the decision to use more than one thread.
// Eigen is included only by gemm.cc, so kernels that call it compile fast.
#pragma once

#include <cstdint>

#include "kernels/common.h"

namespace octet::kernels {

// A row-major operand: element (r, c) of the stored matrix is at
// data[r * ld + c]. When `transposed`, the operand is the transpose of what
// is stored (a [k x m] store read as [m x k]), without a copy.
struct ConstMatrix {
  const float* data = nullptr;
  int64_t ld = 0;
  bool transposed = false;
};
struct MutableMatrix {
  float* data = nullptr;
  int64_t ld = 0;
};

// c[m x n] = a[m x k] * b[k x n]; c is overwritten. k == 0 gives zeros.
// Uses several threads when the product is large enough to pay for them
// and the caller is not already inside a parallel region.
void gemm(int64_t m, int64_t n, int64_t k, ConstMatrix a, ConstMatrix b, MutableMatrix c);

// Products below this many multiply-adds stay on the calling thread: below
// it an OpenMP fork/join costs about what the second core saves (measured on
// the 2-core Zen 3 dev machine with Eigen 3.4, SSE4 build).
inline constexpr int64_t kMinParallelMacs = int64_t{1} << 18;
// Products with fewer rows than this run as one matrix-vector product per
// row: Eigen's GEMM packs all of b on every call, which for 2..7 rows costs
// more than it saves (2x256x256: 26 us as GEMM, 10 us as two GEMVs).
inline constexpr int64_t kGemvMaxRows = 8;

// Rows of c [m x n] (row stride ld): c += bias (per column, if bias is not
// null), then clamp to `range`. The epilogue of FULLY_CONNECTED and the convs,
// in TFLite's order: sum of products first, bias second, activation last.
void add_bias_and_clamp(float* c, int64_t m, int64_t n, int64_t ld, const float* bias,
                        FloatRange range);

}  // namespace octet::kernels
