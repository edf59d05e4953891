// The int8 product: the fast path chosen at run time (AVX2 here) must give
// the portable loop's integers for every shape and every int8 value, with or
// without threads. Both are checked against a plain triple loop on the
// unpacked operands, so a packing mistake cannot hide in both.
#include "kernels/int_gemm.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <random>
#include <string>
#include <thread>
#include <vector>


namespace octet::kernels {
namespace {

struct Operands {
  int32_t m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0, ldc = 0;
  std::vector<int8_t> a, b;  // a [m x lda], b [n x ldb]
};

enum class Fill { Random, AllMin, AllMax, MinTimesMax, Alternating };

int8_t value(Fill fill, std::mt19937& rng, int64_t i, bool left) {
  switch (fill) {
    case Fill::AllMin: return -128;
    case Fill::AllMax: return 127;
    case Fill::MinTimesMax: return left ? -128 : 127;
    case Fill::Alternating: return (i % 3 == 0) ? -128 : (i % 3 == 1) ? 127 : -1;
    case Fill::Random: break;
  }
  return static_cast<int8_t>(std::uniform_int_distribution<int>(-128, 127)(rng));
}

// Row strides wider than the rows (views into larger tensors) when `padded`.
Operands make(int32_t m, int32_t n, int32_t k, Fill fill, uint32_t seed, bool padded = false) {
  std::mt19937 rng(seed);
  Operands o;
  o.m = m;
  o.n = n;
  o.k = k;
  o.lda = k + (padded ? 5 : 0);
  o.ldb = k + (padded ? 3 : 0);
  o.ldc = n + (padded ? 7 : 0);
  o.a.resize(static_cast<size_t>(m * o.lda));
  o.b.resize(static_cast<size_t>(n * o.ldb));
  for (size_t i = 0; i < o.a.size(); ++i) o.a[i] = value(fill, rng, static_cast<int64_t>(i), true);
  for (size_t i = 0; i < o.b.size(); ++i) o.b[i] = value(fill, rng, static_cast<int64_t>(i), false);
  return o;
}

std::vector<int32_t> naive(const Operands& o) {
  std::vector<int32_t> c(static_cast<size_t>(o.m * o.n));
  for (int32_t i = 0; i < o.m; ++i)
    for (int32_t j = 0; j < o.n; ++j) {
      int32_t sum = 0;
      for (int32_t x = 0; x < o.k; ++x) sum += int32_t{o.a[i * o.lda + x]} * o.b[j * o.ldb + x];
      c[static_cast<size_t>(i * o.n + j)] = sum;
    }
  return c;
}

constexpr int32_t kSentinel = 0x5a5a5a5a;

// Runs `gemm` into a c with ldc > n where padded, checks every element
// against `want` and that the padding columns were not written.
template <class Gemm>
void expect_product(const Operands& o, const std::vector<int32_t>& want, Gemm gemm,
                    const std::string& what) {
  std::vector<int32_t> c(static_cast<size_t>(o.m * o.ldc), kSentinel);
  gemm(c.data());
  for (int32_t i = 0; i < o.m; ++i)
    for (int64_t j = 0; j < o.ldc; ++j) {
      const int32_t got = c[static_cast<size_t>(i * o.ldc + j)];
      const int32_t expected = j < o.n ? want[static_cast<size_t>(i * o.n + j)] : kSentinel;
      ASSERT_EQ(got, expected) << what << ": m=" << o.m << " n=" << o.n << " k=" << o.k
                               << " at (" << i << ", " << j << ")";
    }
}

void check_all_paths(const Operands& o) {
  PackedInt8 packed;
  pack_int8(o.b.data(), o.ldb, o.n, o.k, packed);
  const std::vector<int32_t> want = naive(o);
  expect_product(o, want, [&](int32_t* c) {
    int8_gemm_reference(o.a.data(), o.lda, o.m, packed, c, o.ldc);
  }, "reference");
  expect_product(o, want, [&](int32_t* c) {
    int8_gemm(o.a.data(), o.lda, o.m, packed, c, o.ldc, false);
  }, "one thread");
  expect_product(o, want, [&](int32_t* c) {
    int8_gemm(o.a.data(), o.lda, o.m, packed, c, o.ldc, true);
  }, "threads");
}

TEST(Int8Gemm, RunsTheWidestKernelThisCpuHas) {
  const std::string isa = int8_gemm_isa();
  if (__builtin_cpu_supports("avx2"))
    EXPECT_EQ(isa, "avx2");
  else
    EXPECT_EQ(isa, "portable");
}

// Every tail: rows not a multiple of any tile height, channels not a multiple
// of the 16-channel panel, depths odd, not a multiple of 4 or 32, and past
// the 1024-depth block (where later blocks add to what the first stored).
TEST(Int8Gemm, FastEqualsReferenceOnManyShapes) {
  uint32_t seed = 1;
  for (int32_t m : {1, 2, 3, 4, 5, 6, 7, 13, 24, 25, 64, 300})
    for (int32_t n : {1, 15, 16, 17, 48, 63, 65, 300})
      for (int32_t k : {1, 2, 3, 4, 5, 31, 32, 33, 64, 255, 257, 300, 1025, 2051}) {
        if (int64_t{m} * n * k > 8'000'000) continue;
        ++seed;
        check_all_paths(make(m, n, k, Fill::Random, seed, seed % 2 == 0));
        if (::testing::Test::HasFatalFailure()) return;
      }
}

TEST(Int8Gemm, RandomShapesUpTo300) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> size(1, 300);
  for (int i = 0; i < 60; ++i) {
    const int32_t m = size(rng), n = size(rng), k = size(rng);
    check_all_paths(make(m, n, k, Fill::Random, rng(), i % 2 == 0));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// −128 in both operands is the one value vpmaddubsw tricks cannot take; the
// pair (−128)·(−128) + (−128)·(−128) = 32768 does not fit int16.
TEST(Int8Gemm, ExtremeValuesAreExact) {
  for (Fill fill : {Fill::AllMin, Fill::AllMax, Fill::MinTimesMax, Fill::Alternating})
    for (int32_t k : {1, 2, 7, 64, 301, 1024, 1031}) {
      check_all_paths(make(13, 35, k, fill, 3));
      if (::testing::Test::HasFatalFailure()) return;
    }
  PackedInt8 packed;
  const Operands o = make(7, 17, 300, Fill::AllMin, 0);
  pack_int8(o.b.data(), o.ldb, o.n, o.k, packed);
  std::vector<int32_t> c(static_cast<size_t>(o.m * o.n));
  int8_gemm(o.a.data(), o.lda, o.m, packed, c.data(), o.n);
  for (int32_t v : c) EXPECT_EQ(v, 16384 * 300);
}

// At the documented depth limit the sums reach 16384 · 131071 = 2^31 − 2^14.
TEST(Int8Gemm, DeepestExactDepthFitsInt32) {
  const Operands o = make(2, 17, kMaxInt8GemmDepth, Fill::AllMin, 0);
  PackedInt8 packed;
  pack_int8(o.b.data(), o.ldb, o.n, o.k, packed);
  std::vector<int32_t> c(static_cast<size_t>(o.m * o.n));
  int8_gemm(o.a.data(), o.lda, o.m, packed, c.data(), o.n);
  for (int32_t v : c) EXPECT_EQ(v, 2147467264);
  int8_gemm_reference(o.a.data(), o.lda, o.m, packed, c.data(), o.n);
  for (int32_t v : c) EXPECT_EQ(v, 2147467264);
}

TEST(Int8Gemm, EmptyDepthGivesZeros) {
  PackedInt8 packed;
  pack_int8(nullptr, 0, 20, 0, packed);
  std::vector<int8_t> a(3);
  std::vector<int32_t> c(60, kSentinel);
  int8_gemm(a.data(), 0, 3, packed, c.data(), 20);
  for (int32_t v : c) EXPECT_EQ(v, 0);
}

// Above kMinParallelInt8Macs both cores work: split by channels for few rows,
// by rows for many. Inside a parallel region the product stays on the
// calling thread. All give the one-thread integers.
TEST(Int8Gemm, ThreadsGiveTheSameIntegers) {
  for (auto [m, n, k] : {std::tuple{1, 2048, 512}, std::tuple{5, 999, 300}, std::tuple{64, 1024, 256},
                         std::tuple{301, 70, 577}}) {
    ASSERT_GE(int64_t{m} * n * k, kMinParallelInt8Macs);
    const Operands o = make(m, n, k, Fill::Random, static_cast<uint32_t>(m + n + k), true);
    check_all_paths(o);
    if (::testing::Test::HasFatalFailure()) return;
    PackedInt8 packed;
    pack_int8(o.b.data(), o.ldb, o.n, o.k, packed);
    const std::vector<int32_t> want = naive(o);
    expect_product(o, want, [&](int32_t* c) {
#pragma omp parallel num_threads(2)
      {
#pragma omp single
        int8_gemm(o.a.data(), o.lda, o.m, packed, c, o.ldc, true);
      }
    }, "inside a parallel region");
    expect_product(o, want, [&](int32_t* c) {
      // Two callers at once, each splitting its own product.
      std::vector<int32_t> other(static_cast<size_t>(o.m * o.ldc));
      std::thread t([&] { int8_gemm(o.a.data(), o.lda, o.m, packed, other.data(), o.ldc, true); });
      int8_gemm(o.a.data(), o.lda, o.m, packed, c, o.ldc, true);
      t.join();
      for (int32_t i = 0; i < o.m; ++i)
        for (int32_t j = 0; j < o.n; ++j)
          ASSERT_EQ(other[static_cast<size_t>(i * o.ldc + j)], c[static_cast<size_t>(i * o.ldc + j)]);
    }, "two callers");
  }
}

TEST(Int8Gemm, RowSumsAndRepacking) {
  PackedInt8 packed;
  const Operands big = make(3, 70, 301, Fill::Random, 5, true);
  pack_int8(big.b.data(), big.ldb, big.n, big.k, packed);
  const Operands o = make(9, 19, 33, Fill::Random, 6, true);
  pack_int8(o.b.data(), o.ldb, o.n, o.k, packed);  // smaller, into the same storage
  ASSERT_EQ(packed.row_sums.size(), 19u);
  for (int32_t j = 0; j < o.n; ++j) {
    int32_t sum = 0;
    for (int32_t x = 0; x < o.k; ++x) sum += o.b[j * o.ldb + x];
    EXPECT_EQ(packed.row_sums[static_cast<size_t>(j)], sum) << "channel " << j;
  }
  expect_product(o, naive(o), [&](int32_t* c) {
    int8_gemm(o.a.data(), o.lda, o.m, packed, c, o.ldc);
  }, "repacked");
}

// b stored [k x n] packs to exactly what its transpose [n x k] packs to,
// row sums included (the [k x n] packer sums 256 depths in int16 lanes
// before widening: all −128 over 513 depths crosses that twice).
TEST(Int8Gemm, PackKnEqualsPackOfTheTranspose) {
  for (auto [n, k] : {std::pair{1, 1}, std::pair{17, 3}, std::pair{64, 64}, std::pair{33, 130},
                      std::pair{40, 600}, std::pair{16, 513}}) {
    std::mt19937 rng(static_cast<uint32_t>(n * k));
    const bool all_min = k == 513;
    const int64_t ld = n + 2;
    std::vector<int8_t> kn(static_cast<size_t>(k * ld)), nk(static_cast<size_t>(n * k));
    for (int32_t x = 0; x < k; ++x)
      for (int32_t c = 0; c < n; ++c)
        nk[static_cast<size_t>(c * k + x)] = kn[static_cast<size_t>(x * ld + c)] =
            all_min ? int8_t{-128} : static_cast<int8_t>(rng());
    PackedInt8 from_kn, from_nk;
    pack_int8_kn(kn.data(), ld, k, n, from_kn);
    pack_int8(nk.data(), k, n, k, from_nk);
    EXPECT_EQ(from_kn.n, n);
    EXPECT_EQ(from_kn.k, k);
    EXPECT_EQ(from_kn.data, from_nk.data) << n << "x" << k;
    EXPECT_EQ(from_kn.row_sums, from_nk.row_sums) << n << "x" << k;
    if (all_min) {
      for (int32_t sum : from_kn.row_sums) EXPECT_EQ(sum, -128 * 513);
    }
  }
}

}  // namespace
}  // namespace octet::kernels
