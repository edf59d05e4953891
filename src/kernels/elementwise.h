// Loops shared by the elementwise families (binary arithmetic, comparisons,
// activations, unary maps): a broadcast plan computed once at prepare time
// and walkers whose innermost loop is a plain contiguous loop the compiler
// vectorizes.
//
// The plan merges adjacent dimensions that broadcast the same way, so equal
// shapes become one row of all elements, a scalar operand becomes one row
// against a constant, and [N,H,W,C] + [C] becomes N*H*W rows of C. Index
// arithmetic happens once per row, never per element.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "kernels/common.h"

namespace octet::kernels {

template <int N>
struct BroadcastPlan {
  int rank = 1;                                            // merged rank, >= 1
  std::array<int64_t, kMaxRank> dims{};                    // merged output dims
  std::array<std::array<int64_t, kMaxRank>, N> strides{};  // 0 on broadcast dims
  int64_t size = 0;                                        // output elements

  int64_t row_length() const { return dims[rank - 1]; }
  // Whether input i advances along the innermost (row) dimension.
  bool row_varies(int i) const { return strides[i][rank - 1] != 0; }
};

// Plans walking `out` (the broadcast of all inputs, from broadcast_shape)
// with each input broadcast to it. Shapes are right-aligned, rank <= kMaxRank.
template <int N>
BroadcastPlan<N> plan_broadcast(const std::array<std::span<const int32_t>, N>& inputs,
                                std::span<const int32_t> out) {
  BroadcastPlan<N> plan;
  // Merged dimension groups: output extent and, per input, whether the input
  // has the full extent (true) or is broadcast along it (false).
  std::array<int64_t, kMaxRank> extent{};
  std::array<std::array<bool, kMaxRank>, N> full{};
  int groups = 0;
  plan.size = 1;
  for (size_t d = 0; d < out.size(); ++d) {
    const int64_t size = out[d];
    plan.size *= size;
    if (size == 1) continue;  // every input has 1 here too: nothing to walk
    std::array<bool, N> f{};
    for (int i = 0; i < N; ++i) {
      const size_t pad = out.size() - inputs[i].size();
      f[i] = d >= pad && inputs[i][d - pad] != 1;
    }
    bool same = groups > 0;
    for (int i = 0; i < N && same; ++i) same = full[i][groups - 1] == f[i];
    if (same) {
      extent[groups - 1] *= size;
    } else {
      extent[groups] = size;
      for (int i = 0; i < N; ++i) full[i][groups] = f[i];
      ++groups;
    }
  }
  if (groups == 0) {  // a single element (or rank 0)
    extent[0] = 1;
    for (int i = 0; i < N; ++i) full[i][0] = true;
    groups = 1;
  }
  plan.rank = groups;
  for (int g = 0; g < groups; ++g) plan.dims[g] = extent[g];
  for (int i = 0; i < N; ++i) {
    int64_t stride = 1;
    for (int g = groups - 1; g >= 0; --g) {
      plan.strides[i][g] = full[i][g] ? stride : 0;
      if (full[i][g]) stride *= extent[g];
    }
  }
  return plan;
}

// Calls row(in_offsets, out_offset) once per innermost row of the plan; the
// row has plan.row_length() elements and input i steps by
// plan.strides[i][rank-1] (0 or 1) within it.
template <int N, class Row>
void for_each_row(const BroadcastPlan<N>& plan, Row&& row) {
  if (plan.size == 0) return;
  const int last = plan.rank - 1;
  const int64_t n = plan.dims[last];
  const int64_t rows = plan.size / n;
  std::array<int64_t, kMaxRank> index{};
  std::array<int64_t, N> offset{};
  for (int64_t r = 0, out = 0; r < rows; ++r, out += n) {
    row(offset, out);
    // Odometer step over the outer dimensions.
    for (int d = last - 1; d >= 0; --d) {
      for (int i = 0; i < N; ++i) offset[i] += plan.strides[i][d];
      if (++index[d] < plan.dims[d]) break;
      for (int i = 0; i < N; ++i) offset[i] -= plan.strides[i][d] * plan.dims[d];
      index[d] = 0;
    }
  }
}

// out = f(a, b) over a two-input broadcast plan. Each row is one of three
// contiguous loops (vector op vector, vector op scalar, scalar op vector).
template <class A, class B, class Out, class F>
void broadcast_binary(const BroadcastPlan<2>& plan, const A* a, const B* b, Out* out, F f) {
  const int64_t n = plan.row_length();
  // One walk per row kind, so each inner loop is branch-free.
  if (plan.row_varies(0) && plan.row_varies(1)) {
    for_each_row(plan, [&](const std::array<int64_t, 2>& off, int64_t o) {
      const A* x = a + off[0];
      const B* y = b + off[1];
      Out* z = out + o;
      for (int64_t i = 0; i < n; ++i) z[i] = f(x[i], y[i]);
    });
  } else if (plan.row_varies(0)) {
    for_each_row(plan, [&](const std::array<int64_t, 2>& off, int64_t o) {
      const A* x = a + off[0];
      const B s = b[off[1]];
      Out* z = out + o;
      for (int64_t i = 0; i < n; ++i) z[i] = f(x[i], s);
    });
  } else if (plan.row_varies(1)) {
    for_each_row(plan, [&](const std::array<int64_t, 2>& off, int64_t o) {
      const A s = a[off[0]];
      const B* y = b + off[1];
      Out* z = out + o;
      for (int64_t i = 0; i < n; ++i) z[i] = f(s, y[i]);
    });
  } else {  // only for a one-element output
    for_each_row(plan, [&](const std::array<int64_t, 2>& off, int64_t o) {
      out[o] = f(a[off[0]], b[off[1]]);
    });
  }
}

// Below this many elements a loop is not worth splitting across threads.
inline constexpr int64_t kParallelMinElements = int64_t{1} << 15;

// out[i] = f(in[i]). `parallel` is for functions costly per element
// (exp, tanh, erfc): memory-bound maps gain nothing from threads.
template <class In, class Out, class F>
void map_elements(const In* in, Out* out, int64_t n, F f, bool parallel = false) {
  if (parallel && n >= kParallelMinElements) {
#ifdef _OPENMP  // headers also reach code built without OpenMP (the tests)
#pragma omp parallel for schedule(static)
#endif
    for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
  }
}

// Fails for a dtype the kernel does not implement, saying whether it is a
// quantized type (a later milestone) or simply not one the op takes.
// `expected` lists what the op accepts ("float32, int32 or int64").
[[noreturn]] inline void fail_dtype(const PrepareContext& ctx, const TensorView& t,
                                    std::string_view role, std::string_view expected) {
  const bool quantized = (t.quant != nullptr && !t.quant->empty()) || t.dtype == DType::Int8 ||
                         t.dtype == DType::UInt8 || t.dtype == DType::Int16;
  if (quantized)
    ctx.fail("{} tensor {} '{}' is {}: quantized kernels are not supported yet (expected {})", role,
             t.index, t.name(), dtype_name(t.dtype), expected);
  ctx.fail("{} tensor {} '{}' is {}, expected {}", role, t.index, t.name(), dtype_name(t.dtype),
           expected);
}

}  // namespace octet::kernels
