// The int8 product on int16 pairs.
//
// Why int16 pairs (vpmaddwd) and not vpmaddubsw: vpmaddubsw (u8 × s8,
// adjacent products summed to int16) saturates, so it is exact only with the
// |a| / sign-transfer trick, and then each 32 MACs cost a vpsignb, the
// vpmaddubsw and a vpmaddwd against ones to widen to int32, plus the add —
// four vector instructions, two of them multiplies. vpmaddwd on int8 values
// sign-extended to int16 is exact for every input (the worst pair,
// 2 · (−128)·(−128) = 32768, is formed in int32), and also costs two
// multiplies and two adds per 32 MACs. On this Zen 3 both multiplies issue 2 a
// cycle and the two mixes measured alike (26 MAC/cycle in a register-only
// loop), so the exact one needs no fallback.
//
// Packed layout: b's n rows cut into panels of kNr output channels; in a
// panel, for each pair of depths p (k rounded up to even), the kNr channels'
// (b[c][2p], b[c][2p+1]) byte pairs, channel after channel:
//   panel j: [k/2 pairs][kNr channels][2], channels >= n and depth >= k zero.
// One 16-byte load sign-extends to the int16 pairs of 8 channels. The
// activations are sign-extended to int16 once per block of rows, which makes
// each int32 word a row's (even, odd) depth pair, so that one broadcast meets
// the weights' pairs. A future AVX-512 VNNI path can keep this layout
// (vpdpwssd multiplies the same int16 pairs and adds in one instruction): it
// is one more entry in choose_isa().
#include "kernels/int_gemm.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cstring>

namespace octet::kernels {
namespace {

constexpr int32_t kNr = 16;          // output channels per panel
constexpr int32_t kMaxRows = 6;      // rows per tile, the most any ISA uses
constexpr int32_t kPairBlock = 512;  // pairs of depths per block: A's block stays in L1

int64_t pairs_of(int32_t k) { return (int64_t{k} + 1) / 2; }
int64_t panel_bytes(int32_t k) { return pairs_of(k) * kNr * 2; }

// One tile: `rows` rows of acc times NP consecutive panels, over `pairs`
// depth pairs.
struct Tile {
  const int32_t* a;  // row r's int16 pairs at a[r * kPairBlock + p]
  const int8_t* b;   // [pairs][kNr][2] weights of the first panel
  int64_t panel_stride;  // bytes from one panel to the next
  int64_t pairs;
  int32_t* c;  // acc, element (r, j) at c[r * ldc + j], j < cols
  int64_t ldc;
  int64_t cols;  // columns of c that exist from c on (may be more than the tile's)
  bool add;      // add to what c holds (a later depth block) instead of storing
};
using TileFn = void (*)(const Tile&);

// 16 weight bytes, 8 channels' (even, odd) depth pairs, as int16 pairs.
__attribute__((target("avx2"))) inline __m256i load_pairs(const int8_t* b) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)));
}

// Writes (or with t.add adds) MR x W sums into acc, the columns that exist.
// A full tile copies a constant width (inline vector moves, no memcpy call).
template <int MR, int W>
void store_tile(const int32_t (&sums)[MR][W], const Tile& t) {
  const bool full = t.cols >= W;
  for (int r = 0; r < MR; ++r) {
    int32_t* dst = t.c + r * t.ldc;
    if (full && !t.add) {
      for (int j = 0; j < W; ++j) dst[j] = sums[r][j];
    } else {
      const int64_t cols = std::min<int64_t>(W, t.cols);
      for (int64_t j = 0; j < cols; ++j) dst[j] = t.add ? dst[j] + sums[r][j] : sums[r][j];
    }
  }
}

// AVX2: 16 channels are two registers of 8 int32 sums. MR rows × NP panels
// take 2·MR·NP accumulators of the 16 ymm registers. Many rows share each
// weight register (6 × 16: 12 accumulators, 2 weights, a broadcast, a
// product); few rows (a fully connected layer on one vector) take several
// panels at once, so that the loop's own instructions and the broadcasts are
// spread over more multiplies. The shapes were measured, not derived: 6 × 16
// runs 23 MAC/cycle of the 26 the multiply-add mix allows.
template <int MR, int NP>
__attribute__((target("avx2"))) void tile_avx2(const Tile& t) {
  __m256i acc[MR][2 * NP];
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < 2 * NP; ++v) acc[r][v] = _mm256_setzero_si256();
  const int8_t* b = t.b;
  const int32_t* a = t.a;
  for (int64_t p = 0; p < t.pairs; ++p, b += 2 * kNr, ++a) {
    if constexpr (MR * (2 * NP + 1) + 2 <= 16) {
      // Few rows: broadcast each row once, load each weight vector as used.
      __m256i x[MR];
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) x[r] = _mm256_set1_epi32(a[r * kPairBlock]);
#pragma GCC unroll 8
      for (int v = 0; v < 2 * NP; ++v) {
        const __m256i w = load_pairs(b + (v / 2) * t.panel_stride + (v % 2) * 16);
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r)
          acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(x[r], w));
      }
    } else {
      // Many rows: load the weights once, broadcast each row as used.
      __m256i w[2 * NP];
#pragma GCC unroll 8
      for (int v = 0; v < 2 * NP; ++v) w[v] = load_pairs(b + (v / 2) * t.panel_stride + (v % 2) * 16);
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) {
        const __m256i x = _mm256_set1_epi32(a[r * kPairBlock]);
#pragma GCC unroll 8
        for (int v = 0; v < 2 * NP; ++v)
          acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(x, w[v]));
      }
    }
  }
  // Straight stores first, then the copy to acc. When the stores branched on
  // the accumulators themselves, GCC 12 at -O3 kept copies of them on the
  // stack inside the loop (a third slower): `objdump -d` of this file should
  // show no stack access between a tile's first vpmaddwd and its loop jump.
  alignas(32) int32_t sums[MR][2 * NP * 8];
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < 2 * NP; ++v)
      _mm256_store_si256(reinterpret_cast<__m256i*>(sums[r] + 8 * v), acc[r][v]);
  store_tile(sums, t);
}

// The activations' int16 pairs: row r's depths [2·p0, 2·p0 + 2·np) as
// int32 words (low half the even depth) at out[r * kPairBlock + p]; a depth
// ≥ k reads as zero. Sign-extending bytes to int16 in place gives exactly
// these words.
__attribute__((target("avx2"))) void pairs_avx2(const int8_t* a, int64_t lda, int rows,
                                                 int32_t k, int64_t p0, int64_t np,
                                                 int32_t* out) {
  for (int r = 0; r < rows; ++r) {
    const int8_t* src = a + r * lda + 2 * p0;
    auto* dst = reinterpret_cast<int16_t*>(out + r * kPairBlock);
    const int64_t depths = std::min<int64_t>(2 * np, k - 2 * p0);
    int64_t d = 0;
    for (; d + 16 <= depths; d += 16)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + d),
                          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + d))));
    for (; d < depths; ++d) dst[d] = src[d];
    if (depths % 2 != 0) dst[depths] = 0;
  }
}

struct Isa {
  const char* name;
  int rows;  // rows per full tile
  // tiles[r][0]: an r-row tile of one panel, r in 1..rows; tiles[r][1]: of
  // wide[r] panels (wide[r] = 1: none wider).
  TileFn tiles[kMaxRows + 1][2];
  int wide[kMaxRows + 1];
  void (*pairs)(const int8_t*, int64_t, int, int32_t, int64_t, int64_t, int32_t*);
};

// The one dispatch point: the widest kernel this CPU runs, or none (int8_gemm
// then runs the portable loop). An AVX-512 VNNI entry would come first.
const Isa* choose_isa() {
  static const Isa avx2{"avx2",
                        6,
                        {{nullptr, nullptr},
                         {tile_avx2<1, 1>, tile_avx2<1, 4>},
                         {tile_avx2<2, 1>, tile_avx2<2, 3>},
                         {tile_avx2<3, 1>, tile_avx2<3, 1>},
                         {tile_avx2<4, 1>, tile_avx2<4, 1>},
                         {tile_avx2<5, 1>, tile_avx2<5, 1>},
                         {tile_avx2<6, 1>, tile_avx2<6, 1>}},
                        {0, 4, 3, 1, 1, 1, 1},
                        pairs_avx2};
  if (__builtin_cpu_supports("avx2")) return &avx2;
  return nullptr;
}
const Isa* isa() {
  static const Isa* chosen = choose_isa();
  return chosen;
}

// Rows [r0, r1) of a times panels [j0, j1) of b, depth in blocks so that a
// block of rows' int16 pairs (kMaxRows · kPairBlock words) stays in L1.
void run(const Isa& x, const int8_t* a, int64_t lda, const PackedInt8& b, int32_t* acc,
         int64_t ldc, int64_t r0, int64_t r1, int64_t j0, int64_t j1) {
  alignas(32) int32_t apairs[kMaxRows * kPairBlock];
  const int64_t pairs = pairs_of(b.k), pbytes = panel_bytes(b.k);
  for (int64_t r = r0; r < r1; r += x.rows) {
    const int rows = static_cast<int>(std::min<int64_t>(x.rows, r1 - r));
    const int wide = x.wide[rows];
    for (int64_t p0 = 0; p0 < pairs || p0 == 0; p0 += kPairBlock) {
      const int64_t np = std::min<int64_t>(kPairBlock, pairs - p0);
      x.pairs(a + r * lda, lda, rows, b.k, p0, np, apairs);
      for (int64_t j = j0; j < j1;) {
        const bool use_wide = wide > 1 && j + wide <= j1;
        const Tile t{apairs, b.data.data() + j * pbytes + p0 * 2 * kNr, pbytes, np,
                     acc + r * ldc + j * kNr, ldc, b.n - j * kNr, p0 > 0};
        x.tiles[rows][use_wide ? 1 : 0](t);
        j += use_wide ? wide : 1;
      }
    }
  }
}

// Eight channels' next 8 depth pairs (16 bytes of each of 8 rows) to 8
// depth pairs of those channels: a transpose of 8 x 8 int16 (SSE2).
void transpose_pairs_8x8(const int8_t* const rows[8], int64_t offset, int8_t* dst) {
  __m128i r[8], t[8], u[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[i] + offset));
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm_unpacklo_epi16(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm_unpackhi_epi16(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 2; ++i)
    for (int h = 0; h < 2; ++h) {
      u[4 * i + 2 * h] = _mm_unpacklo_epi32(t[4 * i + h], t[4 * i + h + 2]);
      u[4 * i + 2 * h + 1] = _mm_unpackhi_epi32(t[4 * i + h], t[4 * i + h + 2]);
    }
  for (int i = 0; i < 4; ++i) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + (2 * i) * kNr * 2),
                     _mm_unpacklo_epi64(u[i], u[i + 4]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + (2 * i + 1) * kNr * 2),
                     _mm_unpackhi_epi64(u[i], u[i + 4]));
  }
}

}  // namespace

// Whole groups of 8 channels × 16 depths go through transpose_pairs_8x8; the
// other channels and depths byte by byte.
void pack_int8(const int8_t* b, int64_t ldb, int32_t n, int32_t k, PackedInt8& out) {
  out.n = n;
  out.k = k;
  const int64_t panels = (int64_t{n} + kNr - 1) / kNr, pbytes = panel_bytes(k);
  out.data.assign(static_cast<size_t>(panels * pbytes), 0);
  out.row_sums.assign(static_cast<size_t>(n), 0);
  const int32_t k16 = k / 16 * 16;
  int32_t c = 0;
  for (; c + 8 <= n; c += 8) {
    const int8_t* rows[8];
    for (int i = 0; i < 8; ++i) rows[i] = b + (c + i) * ldb;
    int8_t* dst = out.data.data() + (c / kNr) * pbytes + (c % kNr) * 2;
    for (int32_t x = 0; x < k16; x += 16) transpose_pairs_8x8(rows, x, dst + (x / 2) * kNr * 2);
  }
  for (int32_t ch = 0; ch < n; ++ch) {
    const int8_t* row = b + ch * ldb;
    int8_t* dst = out.data.data() + (ch / kNr) * pbytes + (ch % kNr) * 2;
    for (int32_t x = ch < c ? k16 : 0; x < k; ++x) dst[(x / 2) * kNr * 2 + x % 2] = row[x];
    int32_t sum = 0;
    for (int32_t x = 0; x < k; ++x) sum += row[x];
    out.row_sums[static_cast<size_t>(ch)] = sum;
  }
}

// BATCH_MATMUL packs its right operand on every run: each pair of depth rows
// is interleaved byte by byte into each panel (SSE2 unpacks for whole
// panels), and the channel sums run along the rows.
void pack_int8_kn(const int8_t* b, int64_t ldb, int32_t k, int32_t n, PackedInt8& out) {
  out.n = n;
  out.k = k;
  const int64_t panels = (int64_t{n} + kNr - 1) / kNr, pbytes = panel_bytes(k);
  out.data.assign(static_cast<size_t>(panels * pbytes), 0);
  out.row_sums.assign(static_cast<size_t>(n), 0);
  const int64_t full_panels = n / kNr;
  for (int32_t x = 0; x < k; x += 2) {
    const int8_t* even = b + x * ldb;
    const int8_t* odd = x + 1 < k ? even + ldb : nullptr;
    int8_t* dst = out.data.data() + (x / 2) * kNr * 2;
    int64_t j = 0;
    if (odd != nullptr) {
      for (; j < full_panels; ++j) {
        const __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(even + j * kNr));
        const __m128i o = _mm_loadu_si128(reinterpret_cast<const __m128i*>(odd + j * kNr));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + j * pbytes), _mm_unpacklo_epi8(e, o));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + j * pbytes + 16), _mm_unpackhi_epi8(e, o));
      }
    }
    for (int64_t c = j * kNr; c < n; ++c) {
      int8_t* pair = dst + (c / kNr) * pbytes + (c % kNr) * 2;
      pair[0] = even[c];
      pair[1] = odd != nullptr ? odd[c] : int8_t{0};
    }
  }
  // Channel sums: 16 channels at a time in int16 lanes, which hold 256 rows
  // of int8 (256 · −128 = −32768) before they are widened into the int32 sums.
  int32_t* sums = out.row_sums.data();
  int32_t c = 0;
  for (; c + 16 <= n; c += 16) {
    for (int32_t x0 = 0; x0 < k; x0 += 256) {
      __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
      for (int32_t x = x0; x < std::min(k, x0 + 256); ++x) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + x * ldb + c));
        lo = _mm_add_epi16(lo, _mm_cvtepi8_epi16(v));
        hi = _mm_add_epi16(hi, _mm_cvtepi8_epi16(_mm_srli_si128(v, 8)));
      }
      const __m128i parts[4] = {_mm_cvtepi16_epi32(lo), _mm_cvtepi16_epi32(_mm_srli_si128(lo, 8)),
                                _mm_cvtepi16_epi32(hi), _mm_cvtepi16_epi32(_mm_srli_si128(hi, 8))};
      for (int q = 0; q < 4; ++q) {
        auto* s4 = reinterpret_cast<__m128i*>(sums + c + 4 * q);
        _mm_storeu_si128(s4, _mm_add_epi32(_mm_loadu_si128(s4), parts[q]));
      }
    }
  }
  for (; c < n; ++c)
    for (int32_t x = 0; x < k; ++x) sums[c] += b[x * ldb + c];
}

// Walks the packed panels directly, one row and one panel at a time.
void int8_gemm_reference(const int8_t* a, int64_t lda, int32_t m, const PackedInt8& b,
                         int32_t* acc, int64_t ldc) {
  const int64_t pairs = pairs_of(b.k);
  for (int32_t i = 0; i < m; ++i) {
    const int8_t* row = a + i * lda;
    for (int32_t j0 = 0; j0 < b.n; j0 += kNr) {
      const int8_t* panel = b.data.data() + (j0 / kNr) * panel_bytes(b.k);
      int32_t sums[kNr] = {};
      for (int64_t p = 0; p < pairs; ++p) {
        const int32_t even = row[2 * p], odd = 2 * p + 1 < b.k ? row[2 * p + 1] : 0;
        const int8_t* w = panel + p * kNr * 2;
        for (int32_t c = 0; c < kNr; ++c) sums[c] += even * w[2 * c] + odd * w[2 * c + 1];
      }
      for (int32_t c = 0; c < kNr && j0 + c < b.n; ++c) acc[i * ldc + j0 + c] = sums[c];
    }
  }
}

void int8_gemm(const int8_t* a, int64_t lda, int32_t m, const PackedInt8& b, int32_t* acc,
               int64_t ldc, bool threads) {
  if (m <= 0 || b.n <= 0) return;
  const Isa* x = isa();
  if (x == nullptr) return int8_gemm_reference(a, lda, m, b, acc, ldc);
  const int64_t panels = (int64_t{b.n} + kNr - 1) / kNr;
  const int nthreads = threads && int64_t{m} * b.n * b.k >= kMinParallelInt8Macs && !omp_in_parallel()
                           ? omp_get_max_threads() : 1;
  if (nthreads <= 1) return run(*x, a, lda, b, acc, ldc, 0, m, 0, panels);
  // Few rows (a fully connected layer on one vector): split the panels, each
  // thread converting the rows itself. Many rows: split blocks of rows.
  // Chunks are whole groups of the widest tile.
  if (m < 4 * x->rows) {
    const int64_t group = x->wide[std::min<int64_t>(m, x->rows)];
    const int64_t groups = (panels + group - 1) / group;
    const int64_t chunks = std::min<int64_t>(groups, 4 * nthreads);
#pragma omp parallel for num_threads(nthreads) schedule(dynamic)
    for (int64_t c = 0; c < chunks; ++c)
      run(*x, a, lda, b, acc, ldc, 0, m, std::min(panels, c * groups / chunks * group),
          std::min(panels, (c + 1) * groups / chunks * group));
    return;
  }
  const int64_t tiles = (m + x->rows - 1) / x->rows;
  const int64_t blocks = std::min<int64_t>(tiles, 4 * nthreads);
  const int64_t per = (tiles + blocks - 1) / blocks * x->rows;
#pragma omp parallel for num_threads(nthreads) schedule(dynamic)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t r0 = blk * per, r1 = std::min<int64_t>(m, r0 + per);
    if (r0 < r1) run(*x, a, lda, b, acc, ldc, r0, r1, 0, panels);
  }
}

const char* int8_gemm_isa() {
  const Isa* x = isa();
  return x == nullptr ? "portable" : x->name;
}

}  // namespace octet::kernels
