#include "kernels/int_gemm.h"

#include <cstring>

namespace octet::kernels {

// Portable layout: b's rows as given (n rows of k). The fast kernels will
// choose their own.
void pack_int8(const int8_t* b, int64_t ldb, int32_t n, int32_t k, PackedInt8& out) {
  out.n = n;
  out.k = k;
  out.data.resize(static_cast<size_t>(n) * static_cast<size_t>(k));
  out.row_sums.assign(static_cast<size_t>(n), 0);
  for (int32_t r = 0; r < n; ++r) {
    const int8_t* row = b + r * ldb;
    std::memcpy(out.data.data() + static_cast<size_t>(r) * static_cast<size_t>(k), row,
                static_cast<size_t>(k));
    int32_t sum = 0;
    for (int32_t i = 0; i < k; ++i) sum += row[i];
    out.row_sums[static_cast<size_t>(r)] = sum;
  }
}

void int8_gemm_reference(const int8_t* a, int64_t lda, int32_t m, const PackedInt8& b,
                         int32_t* acc, int64_t ldc) {
  for (int32_t i = 0; i < m; ++i) {
    const int8_t* row = a + i * lda;
    for (int32_t j = 0; j < b.n; ++j) {
      const int8_t* w = b.data.data() + static_cast<size_t>(j) * static_cast<size_t>(b.k);
      int32_t sum = 0;
      for (int32_t x = 0; x < b.k; ++x) sum += int32_t{row[x]} * int32_t{w[x]};
      acc[i * ldc + j] = sum;
    }
  }
}

void int8_gemm(const int8_t* a, int64_t lda, int32_t m, const PackedInt8& b, int32_t* acc,
               int64_t ldc, bool /*threads*/) {
  int8_gemm_reference(a, lda, m, b, acc, ldc);
}

const char* int8_gemm_isa() { return "portable"; }

}  // namespace octet::kernels
