// The one int8 matrix product behind the quantized FULLY_CONNECTED,
// BATCH_MATMUL, CONV_2D (im2col) and TRANSPOSE_CONV: exact int32 sums of
// int8 × int8 products. Kernels add bias and zero-point terms and
// requantize themselves (quant_math.h), so every path — the portable loop
// and the VNNI/AVX2 ones chosen at run time — gives the same integers.
//
//   acc[m, n] = Σ_k a[m, k] · b[n, k]        (a: activations, b: weights)
//
// b is stored as TFLite stores FULLY_CONNECTED weights: [n rows][k], one
// output channel per row. The input zero point is folded in by the caller
// with b's row sums: Σ_k (a − z)·b = Σ_k a·b − z·Σ_k b.
#pragma once

#include <cstdint>
#include <vector>

namespace octet::kernels {

// b [n x k] reordered for the fast kernel, with its row sums. Constant
// weights are packed once at prepare; activations (BATCH_MATMUL) per eval.
struct PackedInt8 {
  int32_t n = 0, k = 0;
  std::vector<int8_t> data;       // layout private to int_gemm.cc
  std::vector<int32_t> row_sums;  // Σ_k b[n, k], one per output channel
};

// Packs b (row r at b + r * ldb) into `out`, reusing its storage.
void pack_int8(const int8_t* b, int64_t ldb, int32_t n, int32_t k, PackedInt8& out);

// The same packing of an operand stored the other way, [k x n] (depth x of
// every output channel at b + x * ldb): BATCH_MATMUL's right operand
// without adj_y, packed without a transposed copy.
void pack_int8_kn(const int8_t* b, int64_t ldb, int32_t k, int32_t n, PackedInt8& out);

// Depths up to this keep every sum in int32 (|a·b| <= 128 · 128 = 2^14, and
// 2^14 · 131071 < 2^31); past it the sums may overflow, in every path alike.
// Callers check it at prepare.
inline constexpr int32_t kMaxInt8GemmDepth = 131071;

// acc[m x n] (row stride ldc) = a [m x k] (row stride lda) · bᵀ. Uses both
// cores when the product has at least kMinParallelInt8Macs multiply-adds,
// `threads` allows it and the caller is not already parallel.
void int8_gemm(const int8_t* a, int64_t lda, int32_t m, const PackedInt8& b, int32_t* acc,
               int64_t ldc, bool threads = true);

// Four times gemm.h's kMinParallelMacs: an int8 multiply-add takes a third to
// a quarter of a float one here (AVX2), so a fork/join pays off only on
// proportionally larger products ([1 x 256]·[256 x 1024] stays on one core,
// [1 x 512]·[512 x 2048] uses two).
inline constexpr int64_t kMinParallelInt8Macs = int64_t{1} << 20;

// The portable loop, for tests: the fast paths must equal it exactly.
void int8_gemm_reference(const int8_t* a, int64_t lda, int32_t m, const PackedInt8& b,
                         int32_t* acc, int64_t ldc);

// Which kernel int8_gemm runs on this machine: "avx2" or "portable" (an
// AVX-512 VNNI one would be "avx512vnni").
const char* int8_gemm_isa();

}  // namespace octet::kernels
