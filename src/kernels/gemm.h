// The one float matrix product behind FULLY_CONNECTED, BATCH_MATMUL, CONV_2D
// (im2col) and TRANSPOSE_CONV: octet's own, so that it rounds exactly as
// LiteRT's XNNPACK does.
//
// Why not a BLAS: the MediaPipe models are deep enough that a different
// order of float additions (a BLAS's blocking over k) grows from 1 ulp at the
// first convolution to 1e-2 at the landmark outputs. XNNPACK computes every
// output in one accumulator that starts at the bias and adds a[m,k] * b[k,n]
// for k = 0, 1, 2, ... in sequence, each product rounded before the add (no
// fused multiply-add). This file does the same, vectorised across output
// columns (lanes are independent outputs, so SSE and AVX2 give identical
// bits), and the library is built with -ffp-contract=off so the compiler
// never fuses a multiply and an add.
//
// The right operand is packed into panels of kPanel columns, each headed by
// the panel's initial values (bias, or zeros):
//   panel j: [kPanel init][k rows of kPanel values], columns >= n are zero.
// Constant weights are packed once at prepare; activations per eval.
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

inline constexpr int64_t kPanel = 16;

// Floats of a packed [k x n] right operand.
inline int64_t packed_size(int64_t k, int64_t n) { return (n + kPanel - 1) / kPanel * (k + 1) * kPanel; }

// Packs b [k x n] (as ConstMatrix reads it) with initial values `init` [n]
// (null: zeros) into `packed` (packed_size(k, n) floats).
void pack_rhs(int64_t k, int64_t n, ConstMatrix b, const float* init, float* packed);

// c[m x n] = clamp(init[n] + sum over k in order of a[m, k] * b[k, n]) with
// b packed by pack_rhs. Uses several threads when the product is large
// enough to pay for them, `threads` allows it and the caller is not already
// inside a parallel region.
void gemm_packed(int64_t m, int64_t n, int64_t k, ConstMatrix a, const float* packed,
                 MutableMatrix c, FloatRange range = {}, bool threads = true);

// Products below this many multiply-adds stay on the calling thread: below
// it an OpenMP fork/join costs about what the second core saves.
inline constexpr int64_t kMinParallelMacs = int64_t{1} << 18;

// Rows of c [m x n] (row stride ld): c += bias (per column, if bias is not
// null), then clamp to `range`.
void add_bias_and_clamp(float* c, int64_t m, int64_t n, int64_t ld, const float* bias,
                        FloatRange range);

}  // namespace octet::kernels
