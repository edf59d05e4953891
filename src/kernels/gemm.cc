#include "kernels/gemm.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cstring>

namespace octet::kernels {
namespace {

// One tile: up to kMaxRows rows of c times one packed panel (kPanel columns).
struct Tile {
  const float* a;  // element (row r, depth p) at a[r * rs + p * cs]
  int64_t rs, cs;
  const float* panel;  // init values, then k rows of kPanel weights
  int64_t k;
  float* c;  // element (r, j) at c[r * ldc + j], j < cols
  int64_t ldc, cols;
  float lo, hi;
};
using TileFn = void (*)(const Tile&);

// Stores one row of a tile, only the columns that exist.
inline void store_row(float* dst, const float* row16, int64_t cols) {
  std::memcpy(dst, row16, static_cast<size_t>(cols) * sizeof(float));
}

// AVX2: a row of 16 outputs is two registers; 6 rows use 12 accumulators,
// plus 2 weight registers and the broadcast input, of the 16 ymm registers.
// Only mul and add intrinsics: the target has no FMA enabled, and the
// products must be rounded before the add anyway.
template <int MR>
__attribute__((target("avx2"))) void tile_avx2(const Tile& t) {
  __m256 acc0[MR], acc1[MR];
  const __m256 init0 = _mm256_loadu_ps(t.panel), init1 = _mm256_loadu_ps(t.panel + 8);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
    acc0[r] = init0;
    acc1[r] = init1;
  }
  const float* w = t.panel + kPanel;
  const float* a = t.a;
  for (int64_t p = 0; p < t.k; ++p, w += kPanel, a += t.cs) {
    const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const __m256 x = _mm256_broadcast_ss(a + r * t.rs);
      acc0[r] = _mm256_add_ps(acc0[r], _mm256_mul_ps(x, w0));
      acc1[r] = _mm256_add_ps(acc1[r], _mm256_mul_ps(x, w1));
    }
  }
  const __m256 lo = _mm256_set1_ps(t.lo), hi = _mm256_set1_ps(t.hi);
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
    const __m256 v0 = _mm256_min_ps(_mm256_max_ps(acc0[r], lo), hi);
    const __m256 v1 = _mm256_min_ps(_mm256_max_ps(acc1[r], lo), hi);
    float* dst = t.c + r * t.ldc;
    if (t.cols == kPanel) {
      _mm256_storeu_ps(dst, v0);
      _mm256_storeu_ps(dst + 8, v1);
    } else {
      alignas(32) float row[kPanel];
      _mm256_store_ps(row, v0);
      _mm256_store_ps(row + 8, v1);
      store_row(dst, row, t.cols);
    }
  }
}

// SSE (the x86-64-v2 baseline): four registers per row of 16, 3 rows.
template <int MR>
void tile_sse(const Tile& t) {
  __m128 acc[MR][4];
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < 4; ++v) acc[r][v] = _mm_loadu_ps(t.panel + 4 * v);
  const float* w = t.panel + kPanel;
  const float* a = t.a;
  for (int64_t p = 0; p < t.k; ++p, w += kPanel, a += t.cs) {
    __m128 wv[4];
    for (int v = 0; v < 4; ++v) wv[v] = _mm_loadu_ps(w + 4 * v);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const __m128 x = _mm_set1_ps(a[r * t.rs]);
      for (int v = 0; v < 4; ++v) acc[r][v] = _mm_add_ps(acc[r][v], _mm_mul_ps(x, wv[v]));
    }
  }
  const __m128 lo = _mm_set1_ps(t.lo), hi = _mm_set1_ps(t.hi);
  for (int r = 0; r < MR; ++r) {
    alignas(16) float row[kPanel];
    for (int v = 0; v < 4; ++v) _mm_store_ps(row + 4 * v, _mm_min_ps(_mm_max_ps(acc[r][v], lo), hi));
    store_row(t.c + r * t.ldc, row, t.cols);
  }
}

struct Isa {
  int rows;            // rows per full tile
  TileFn tiles[7];     // tiles[r]: an r-row tile, r in 1..rows
};
const Isa& isa() {
  static const Isa chosen = __builtin_cpu_supports("avx2")
      ? Isa{6, {nullptr, tile_avx2<1>, tile_avx2<2>, tile_avx2<3>, tile_avx2<4>, tile_avx2<5>,
                tile_avx2<6>}}
      : Isa{3, {nullptr, tile_sse<1>, tile_sse<2>, tile_sse<3>, nullptr, nullptr, nullptr}};
  return chosen;
}

// Panels [j0, j1) times rows [r0, r1).
void run(const Isa& x, int64_t n, int64_t k, ConstMatrix a, const float* packed, MutableMatrix c,
         FloatRange range, int64_t j0, int64_t j1, int64_t r0, int64_t r1) {
  const int64_t rs = a.transposed ? 1 : a.ld, cs = a.transposed ? a.ld : 1;
  for (int64_t j = j0; j < j1; ++j) {
    Tile t{nullptr, rs, cs, packed + j * (k + 1) * kPanel, k, nullptr, c.ld,
           std::min(kPanel, n - j * kPanel), range.min, range.max};
    for (int64_t r = r0; r < r1; r += x.rows) {
      const int64_t rows = std::min<int64_t>(x.rows, r1 - r);
      t.a = a.data + r * rs;
      t.c = c.data + r * c.ld + j * kPanel;
      x.tiles[rows](t);
    }
  }
}

}  // namespace

void pack_rhs(int64_t k, int64_t n, ConstMatrix b, const float* init, float* packed) {
  const int64_t panels = (n + kPanel - 1) / kPanel;
  for (int64_t j = 0; j < panels; ++j) {
    float* dst = packed + j * (k + 1) * kPanel;
    for (int64_t col = j * kPanel, i = 0; i < kPanel; ++i, ++col)
      dst[i] = col < n && init != nullptr ? init[col] : 0.f;
    for (int64_t p = 0; p < k; ++p) {
      float* row = dst + (p + 1) * kPanel;
      for (int64_t col = j * kPanel, i = 0; i < kPanel; ++i, ++col)
        row[i] = col >= n ? 0.f : b.transposed ? b.data[col * b.ld + p] : b.data[p * b.ld + col];
    }
  }
}

void gemm_packed(int64_t m, int64_t n, int64_t k, ConstMatrix a, const float* packed,
                 MutableMatrix c, FloatRange range, bool threads) {
  if (m <= 0 || n <= 0) return;
  const Isa& x = isa();
  const int64_t panels = (n + kPanel - 1) / kPanel;
  const int nthreads = threads && m * n * k >= kMinParallelMacs && !omp_in_parallel()
                           ? omp_get_max_threads() : 1;
  if (nthreads <= 1) return run(x, n, k, a, packed, c, range, 0, panels, 0, m);
  // Split the panels when there are enough of them (few rows: a fully
  // connected layer on one vector), else blocks of rows.
  if (panels >= 2 * nthreads || m < 4 * x.rows) {
#pragma omp parallel for num_threads(nthreads) schedule(static)
    for (int64_t j = 0; j < panels; ++j) run(x, n, k, a, packed, c, range, j, j + 1, 0, m);
    return;
  }
  const int64_t tiles = (m + x.rows - 1) / x.rows;
  const int64_t blocks = std::min<int64_t>(tiles, 4 * nthreads);
  const int64_t per = (tiles + blocks - 1) / blocks * x.rows;
#pragma omp parallel for num_threads(nthreads) schedule(dynamic)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t r0 = b * per, r1 = std::min(m, r0 + per);
    if (r0 < r1) run(x, n, k, a, packed, c, range, 0, panels, r0, r1);
  }
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
