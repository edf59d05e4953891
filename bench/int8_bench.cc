// int8 against float on the matrix-product ops, in two ways:
//   op/...    one-op models (FULLY_CONNECTED, BATCH_MATMUL, CONV_2D) run whole
//             through the Interpreter, as a model would run them;
//   gemm/...  the products alone (int_gemm.h's int8_gemm and gemm.h's
//             gemm_packed) on the same shapes: the convolution as its im2col
//             product (3136 x 576 by 576 x 64, in blocks of rows that fill
//             256 KiB as conv_2d.cc does; im2col itself not timed), the
//             batched product with its right operand packed on every run, as
//             BATCH_MATMUL does.
// Each row runs on 1 and on 2 threads. At the end a table gives per row the
// time, GOPS (2 · MACs / s), int8's speed-up over float, and the share of two
// peaks at the measured core clock: 128 int8 MAC/cycle/core (AVX-512 VNNI,
// the figure the goal is set against) and this machine's AVX2 peak, 32 MAC
// per cycle per core (vpmaddwd, 16 MACs, issued twice a cycle: measured by
// peak_macs_per_cycle() below).
//
// The machine is shared: every row is repeated and the table takes the
// fastest repetition (the least disturbed), not the mean.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <immintrin.h>
#include <omp.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "kernels/gemm.h"
#include "kernels/int_gemm.h"
#include "octet/builder.h"
#include "octet/error.h"
#include "octet/interpreter.h"

namespace {

using octet::DType;
using octet::QuantParams;
using Clock = std::chrono::steady_clock;

constexpr double kVnniMacsPerCycle = 128;  // per core: 2 × vpdpbusd zmm (64 MACs)

// ---- the machine ----------------------------------------------------------

// Shortest time of `f` over many short runs: a run that no other process
// interrupted.
template <class F>
double fastest_seconds(F f, int runs) {
  double best = 1e30;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return best;
}

// The core clock: a chain of dependent adds runs one a cycle.
__attribute__((noinline)) void dependent_adds(uint64_t n) {
  uint64_t x = 0;
  for (uint64_t i = 0; i < n; ++i)
    asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                 : "+r"(x));
}
double core_hz() {
  constexpr uint64_t kLoops = 100000;
  return 8.0 * kLoops / fastest_seconds([] { dependent_adds(kLoops); }, 300);
}

// vpmaddwd throughput: 12 independent accumulators, no other instruction.
__attribute__((target("avx2"), noinline)) void madd_chains(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    asm volatile(
        "vpmaddwd %%ymm0, %%ymm1, %%ymm4\n\tvpmaddwd %%ymm0, %%ymm1, %%ymm5\n\t"
        "vpmaddwd %%ymm0, %%ymm1, %%ymm6\n\tvpmaddwd %%ymm0, %%ymm1, %%ymm7\n\t"
        "vpmaddwd %%ymm0, %%ymm1, %%ymm8\n\tvpmaddwd %%ymm0, %%ymm1, %%ymm9\n\t"
        "vpmaddwd %%ymm0, %%ymm1, %%ymm10\n\tvpmaddwd %%ymm0, %%ymm1, %%ymm11\n\t"
        "vpmaddwd %%ymm0, %%ymm1, %%ymm12\n\tvpmaddwd %%ymm0, %%ymm1, %%ymm13\n\t"
        "vpmaddwd %%ymm0, %%ymm1, %%ymm14\n\tvpmaddwd %%ymm0, %%ymm1, %%ymm15\n\t"
        ::: "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
            "xmm13", "xmm14", "xmm15");
}
double peak_macs_per_cycle(double hz) {
  constexpr uint64_t kLoops = 50000;
  const double s = fastest_seconds([] { madd_chains(kLoops); }, 300);
  return 16.0 * 12 * kLoops / (s * hz);
}

// Median time of an empty two-thread parallel region: a few microseconds on
// two free cores; when another process holds a core it grows to the
// scheduler's time slice, and the two-thread rows then measure that.
double fork_join_seconds() {
  std::vector<double> runs;
  for (int i = 0; i < 201; ++i) {
    const auto t0 = Clock::now();
#pragma omp parallel num_threads(2)
    { benchmark::DoNotOptimize(omp_get_thread_num()); }
    runs.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::nth_element(runs.begin(), runs.begin() + 100, runs.end());
  return runs[100];
}

// ---- one-op models --------------------------------------------------------

QuantParams q(float scale, int64_t zero_point) {
  QuantParams p;
  p.scale = {scale};
  p.zero_point = {zero_point};
  return p;
}
QuantParams per_channel(int32_t channels, float scale) {
  QuantParams p;
  p.scale.assign(size_t(channels), scale);
  p.zero_point.assign(size_t(channels), 0);
  return p;
}

template <class T>
std::vector<T> random_values(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<T> v(n);
  for (auto& x : v) {
    if constexpr (std::is_same_v<T, float>)
      x = std::uniform_real_distribution<float>(-1.f, 1.f)(rng);
    else
      x = static_cast<T>(std::uniform_int_distribution<int>(-127, 127)(rng));
  }
  return v;
}

// FULLY_CONNECTED [m x k] · weights [n x k]ᵀ + bias.
octet::Model fc_model(bool int8, int32_t m, int32_t n, int32_t k) {
  octet::Model model;
  octet::GraphBuilder g(model);
  const int32_t in = int8 ? g.add_input("input", DType::Int8, {m, k}, q(0.05f, -3))
                          : g.add_input("input", DType::Float32, {m, k});
  const int32_t w = int8 ? g.add_constant("weights", {n, k}, random_values<int8_t>(size_t(n) * k, 1), q(0.01f, 0))
                         : g.add_constant("weights", {n, k}, random_values<float>(size_t(n) * k, 1));
  const int32_t b = int8 ? g.add_constant("bias", {n}, random_values<int32_t>(size_t(n), 2), q(0.0005f, 0))
                         : g.add_constant("bias", {n}, random_values<float>(size_t(n), 2));
  const int32_t out = int8 ? g.add_tensor("output", DType::Int8, {m, n}, q(0.1f, 2))
                           : g.add_tensor("output", DType::Float32, {m, n});
  g.add_op(octet::BuiltinOp::FullyConnected, {in, w, b}, {out}, octet::opt::FullyConnected{},
           int8 ? 4 : 1);
  g.mark_output(out);
  return model;
}

// BATCH_MATMUL [batch, m, k] · [batch, k, n], both operands model inputs.
octet::Model bmm_model(bool int8, int32_t batch, int32_t m, int32_t n, int32_t k) {
  octet::Model model;
  octet::GraphBuilder g(model);
  const DType t = int8 ? DType::Int8 : DType::Float32;
  const QuantParams none{};
  const int32_t x = g.add_input("x", t, {batch, m, k}, int8 ? q(0.05f, 1) : none);
  const int32_t y = g.add_input("y", t, {batch, k, n}, int8 ? q(0.04f, 0) : none);
  const int32_t out = g.add_tensor("output", t, {batch, m, n}, int8 ? q(0.2f, -1) : none);
  g.add_op(octet::BuiltinOp::BatchMatmul, {x, y}, {out}, octet::opt::BatchMatMul{},
           int8 ? 2 : 1);
  g.mark_output(out);
  return model;
}

// CONV_2D 3×3, SAME, stride 1, [1, h, w, c] → [1, h, w, f]; int8 filters per
// channel, as converters write them.
octet::Model conv_model(bool int8, int32_t hw, int32_t c, int32_t f) {
  octet::Model model;
  octet::GraphBuilder g(model);
  const int64_t taps = int64_t{f} * 9 * c;
  int32_t in, w, b, out;
  if (int8) {
    const QuantParams wq = per_channel(f, 0.01f), bq = per_channel(f, 0.0005f);
    in = g.add_input("input", DType::Int8, {1, hw, hw, c}, q(0.05f, -128));
    w = g.add_constant("filter", {f, 3, 3, c}, random_values<int8_t>(size_t(taps), 1), wq);
    b = g.add_constant("bias", {f}, random_values<int32_t>(size_t(f), 2), bq);
    out = g.add_tensor("output", DType::Int8, {1, hw, hw, f}, q(0.1f, 5));
  } else {
    in = g.add_input("input", DType::Float32, {1, hw, hw, c});
    w = g.add_constant("filter", {f, 3, 3, c}, random_values<float>(size_t(taps), 1));
    b = g.add_constant("bias", {f}, random_values<float>(size_t(f), 2));
    out = g.add_tensor("output", DType::Float32, {1, hw, hw, f});
  }
  octet::opt::Conv2D options;
  options.padding = octet::Padding::Same;
  options.stride_w = options.stride_h = 1;
  g.add_op(octet::BuiltinOp::Conv2d, {in, w, b}, {out}, options, int8 ? 3 : 1);
  g.mark_output(out);
  return model;
}

double thread_cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The benchmark loop, also keeping the fastest single run ("min_s"): on a
// shared machine the mean carries other processes' time slices, the fastest
// run is the op itself. On one thread a run's CPU time counts too (it leaves
// out the slices other processes took, which a run of milliseconds rarely
// escapes); on two, only wall time means anything.
template <class F>
void timed_loop(benchmark::State& state, int threads, F f) {
  double fastest = 1e30;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const double c0 = threads == 1 ? thread_cpu_seconds() : 0;
    f();
    const double cpu = threads == 1 ? thread_cpu_seconds() - c0 : 1e30;
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    fastest = std::min({fastest, wall, cpu});
  }
  state.counters["min_s"] = fastest;
}

void BM_Op(benchmark::State& state, octet::Model model, int threads) {
  try {
    octet::Interpreter interp(model, 0, {.num_threads = threads});
    for (size_t i = 0; i < interp.num_inputs(); ++i) {
      auto bytes = interp.input_data(i);
      std::mt19937 rng(static_cast<uint32_t>(i + 3));
      if (model.main().tensors[interp.input_tensor(i)].dtype == DType::Float32) {
        auto* p = reinterpret_cast<float*>(bytes.data());
        for (size_t j = 0; j < bytes.size() / 4; ++j)
          p[j] = std::uniform_real_distribution<float>(-1.f, 1.f)(rng);
      } else {
        for (auto& x : bytes) x = static_cast<std::byte>(rng());
      }
    }
    timed_loop(state, threads, [&] { interp.invoke(); });
  } catch (const octet::Error& e) {
    state.SkipWithError(e.what());  // e.g. no integer kernel for the op yet
  }
}

// ---- the products alone ---------------------------------------------------

// batch products of [m x k] · [k x n]. With `blocked`, the rows are
// multiplied in blocks that fill 256 KiB of left operand, one buffer reused
// (as CONV_2D multiplies its im2col rows block by block, within L2).
struct Shape {
  int32_t batch, m, n, k;
  bool blocked = false;
  int32_t block_rows(size_t element_bytes) const {
    if (!blocked) return m;
    return static_cast<int32_t>(std::clamp<int64_t>(256 * 1024 / (int64_t{k} * int64_t(element_bytes)), 1, m));
  }
};

void BM_Int8Gemm(benchmark::State& state, Shape s, bool pack_each_run, int threads) {
  const int32_t block = s.block_rows(1);
  const auto a = random_values<int8_t>(size_t(s.batch) * block * s.k, 3);
  const auto b = random_values<int8_t>(size_t(s.batch) * s.k * s.n, 4);
  std::vector<octet::kernels::PackedInt8> packed(size_t(s.batch));
  for (int32_t i = 0; i < s.batch; ++i)
    octet::kernels::pack_int8(b.data() + size_t(i) * s.n * s.k, s.k, s.n, s.k, packed[size_t(i)]);
  std::vector<int32_t> acc(size_t(s.m) * s.n);
  timed_loop(state, threads, [&] {
    for (int32_t i = 0; i < s.batch; ++i) {
      // BATCH_MATMUL's right operand [k x n] as it arrives.
      if (pack_each_run)
        octet::kernels::pack_int8_kn(b.data() + size_t(i) * s.n * s.k, s.n, s.k, s.n,
                                     packed[size_t(i)]);
      for (int32_t r = 0; r < s.m; r += block)
        octet::kernels::int8_gemm(a.data() + size_t(i) * block * s.k, s.k, std::min(block, s.m - r),
                                  packed[size_t(i)], acc.data() + size_t(r) * s.n, s.n, threads > 1);
    }
    benchmark::DoNotOptimize(acc.data());
  });
}

void BM_FloatGemm(benchmark::State& state, Shape s, bool pack_each_run, int threads) {
  namespace k = octet::kernels;
  const int32_t block = s.block_rows(4);
  const auto a = random_values<float>(size_t(s.batch) * block * s.k, 3);
  const auto b = random_values<float>(size_t(s.batch) * s.k * s.n, 4);
  std::vector<float> packed(size_t(s.batch) * size_t(k::packed_size(s.k, s.n)));
  auto pack = [&](int32_t i, bool kn) {
    // FULLY_CONNECTED / CONV_2D weights are [n x k] (read transposed);
    // BATCH_MATMUL's right operand is [k x n].
    k::pack_rhs(s.k, s.n, {b.data() + size_t(i) * s.n * s.k, kn ? s.n : s.k, !kn}, nullptr,
                packed.data() + size_t(i) * size_t(k::packed_size(s.k, s.n)));
  };
  for (int32_t i = 0; i < s.batch; ++i) pack(i, false);
  std::vector<float> c(size_t(s.m) * s.n);
  timed_loop(state, threads, [&] {
    for (int32_t i = 0; i < s.batch; ++i) {
      if (pack_each_run) pack(i, true);
      for (int32_t r = 0; r < s.m; r += block)
        k::gemm_packed(std::min(block, s.m - r), s.n, s.k, {a.data() + size_t(i) * block * s.k, s.k, false},
                       packed.data() + size_t(i) * size_t(k::packed_size(s.k, s.n)),
                       {c.data() + size_t(r) * s.n, s.n}, {}, threads > 1);
    }
    benchmark::DoNotOptimize(c.data());
  });
}

// ---- the table ------------------------------------------------------------

struct Row {
  std::string name;  // e.g. "FC 64x256·256x1024"
  int64_t macs;
};

// Keeps the fastest repetition of every run, then prints the table.
class TableReporter : public benchmark::ConsoleReporter {
 public:
  TableReporter(std::vector<Row> rows, double hz, double avx2_peak, double fork_join)
      : rows_(std::move(rows)), hz_(hz), avx2_peak_(avx2_peak), fork_join_(fork_join) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      const std::string& name = r.run_name.function_name;
      if (r.error_occurred) {
        skipped_[name] = r.error_message;
        continue;
      }
      const double fastest = r.counters.at("min_s").value;
      const double mean = r.real_accumulated_time / static_cast<double>(r.iterations);
      auto [it, fresh] = best_.emplace(name, Times{fastest, mean});
      if (!fresh) it->second = {std::min(it->second.fastest, fastest), std::min(it->second.mean, mean)};
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\ncore clock %.2f GHz (dependent adds), AVX2 peak %.0f int8 MAC/cycle/core "
                "(vpmaddwd, measured %.1f), VNNI peak %.0f; int8_gemm kernel: %s\n",
                hz_ / 1e9, avx2_peak_, measured_peak_, kVnniMacsPerCycle,
                octet::kernels::int8_gemm_isa());
    std::printf("two-thread fork/join: median %.1f us%s\n", fork_join_ * 1e6,
                fork_join_ > 50e-6 ? " -- a core is busy elsewhere: the 2-thread rows measure the "
                                     "scheduler, not the kernels"
                                   : "");
    std::printf("us: fastest single run of all repetitions (mean: lowest repetition mean); GOPS, "
                "peak shares and ratio (float / int8) from the fastest run; peaks x threads\n\n");
    std::printf("%-28s %3s | %9s %9s %7s %6s %6s | %9s %9s %7s | %6s\n", "row", "thr", "int8 us",
                "(mean)", "GOPS", "%VNNI", "%AVX2", "float us", "(mean)", "GOPS", "ratio");
    for (const char* kind : {"op", "gemm"})
      for (const Row& row : rows_)
        for (int threads : {1, 2}) {
          const std::string suffix = fmt::format("/{}/{}/threads:{}", kind, row.name, threads);
          const auto i8 = best_.find("int8" + suffix), f32 = best_.find("float" + suffix);
          const bool i8_failed = skipped_.count("int8" + suffix) != 0;
          if (i8 == best_.end() && f32 == best_.end() && !i8_failed) continue;  // filtered out
          const std::string label = fmt::format("{} {}", kind, row.name);
          std::printf("%-28s %3d | ", label.c_str(), threads);
          if (i8 != best_.end()) {
            const double macs_per_s = static_cast<double>(row.macs) / i8->second.fastest;
            std::printf("%9.1f %9.1f %7.1f %5.1f%% %5.1f%% | ", i8->second.fastest * 1e6,
                        i8->second.mean * 1e6, 2 * macs_per_s / 1e9,
                        100 * macs_per_s / (kVnniMacsPerCycle * hz_ * threads),
                        100 * macs_per_s / (avx2_peak_ * hz_ * threads));
          } else {
            std::printf("%9s %9s %7s %6s %6s | ", i8_failed ? "skipped" : "-", "", "", "", "");
          }
          if (f32 != best_.end())
            std::printf("%9.1f %9.1f %7.1f | ", f32->second.fastest * 1e6, f32->second.mean * 1e6,
                        2 * static_cast<double>(row.macs) / f32->second.fastest / 1e9);
          else
            std::printf("%9s %9s %7s | ", "-", "", "");
          if (i8 != best_.end() && f32 != best_.end())
            std::printf("%5.2fx\n", f32->second.fastest / i8->second.fastest);
          else
            std::printf("%6s\n", "-");
        }
    for (const auto& [name, why] : skipped_)
      if (name.find("threads:1") != std::string::npos)
        std::printf("skipped %s: %s\n", name.c_str(), why.c_str());
  }

  double measured_peak_ = 0;

 private:
  std::vector<Row> rows_;
  double hz_, avx2_peak_, fork_join_;
  struct Times {
    double fastest;  // fastest single run
    double mean;     // lowest mean of a repetition
  };
  std::map<std::string, Times> best_;
  std::map<std::string, std::string> skipped_;
};

}  // namespace

int main(int argc, char** argv) {
  const double hz = core_hz();
  const double measured_peak = __builtin_cpu_supports("avx2") ? peak_macs_per_cycle(hz) : 0;

  struct Case {
    Row row;
    std::function<octet::Model(bool)> model;
    Shape gemm;
    bool pack_each_run;
  };
  const std::vector<Case> cases = {
      {{"FC 1x256*256x1024", 1 * 256 * 1024}, [](bool i8) { return fc_model(i8, 1, 1024, 256); },
       {1, 1, 1024, 256}, false},
      {{"FC 64x256*256x1024", 64 * 256 * 1024}, [](bool i8) { return fc_model(i8, 64, 1024, 256); },
       {1, 64, 1024, 256}, false},
      {{"FC 1x512*512x2048", 1 * 512 * 2048}, [](bool i8) { return fc_model(i8, 1, 2048, 512); },
       {1, 1, 2048, 512}, false},
      {{"BMM 4x64x64*4x64x64", 4 * 64 * 64 * 64},
       [](bool i8) { return bmm_model(i8, 4, 64, 64, 64); }, {4, 64, 64, 64}, true},
      {{"CONV 3x3 56x56x64->64", int64_t{56} * 56 * 64 * 9 * 64},
       [](bool i8) { return conv_model(i8, 56, 64, 64); }, {1, 56 * 56, 64, 9 * 64, true}, false},
  };
  std::vector<Row> rows;
  for (const Case& c : cases) rows.push_back(c.row);

  for (int threads : {1, 2}) {
    const std::string t = "/threads:" + std::to_string(threads);
    for (const Case& c : cases) {
      for (bool i8 : {true, false}) {
        benchmark::RegisterBenchmark(((i8 ? "int8/op/" : "float/op/") + c.row.name + t).c_str(),
                                     BM_Op, c.model(i8), threads)
            ->Unit(benchmark::kMicrosecond)->MinTime(0.1)->Repetitions(5)->UseRealTime();
      }
      benchmark::RegisterBenchmark(("int8/gemm/" + c.row.name + t).c_str(), BM_Int8Gemm, c.gemm,
                                   c.pack_each_run, threads)
          ->Unit(benchmark::kMicrosecond)->MinTime(0.1)->Repetitions(5)->UseRealTime();
      benchmark::RegisterBenchmark(("float/gemm/" + c.row.name + t).c_str(), BM_FloatGemm, c.gemm,
                                   c.pack_each_run, threads)
          ->Unit(benchmark::kMicrosecond)->MinTime(0.1)->Repetitions(5)->UseRealTime();
    }
  }
  benchmark::Initialize(&argc, argv);
  TableReporter reporter(rows, hz, 32, fork_join_seconds());
  reporter.measured_peak_ = measured_peak;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
}
