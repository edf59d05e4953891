// The shape side of MEAN, SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_PROD, shared
// by the float/int32 kernels (reduce.cc) and the quantized ones
// (reduce_quantized.cc).
//
// Prepare resolves the axes of the constant axes input as LiteRT's
// ResolveAxis does (negative axes wrap, repeats count once, a rank-0 input
// ignores them), derives the output shape (keep_dims keeps reduced
// dimensions as 1) and merges neighbouring dimensions that are all reduced
// or all kept, so any reduction becomes alternating reduced/kept blocks.
// fold() walks the input once in memory order and folds each element into
// its output slot: every output sees its elements in increasing input
// address order, the order of LiteRT's reference Reduce and of its
// optimized ReduceImpl (which matters where folding is not associative, as
// the rescaled integer product).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/common.h"

namespace octet::kernels {

struct ReducePlan {
  int rank = 0;  // blocks
  std::array<int64_t, kMaxRank> dims{}, out_stride{};  // out_stride 0: block reduced
  int64_t in_count = 0, out_count = 0;
  int64_t per_output = 1;         // input elements folded into one output
  int num_axes = 0;               // distinct reduced input dimensions
  std::vector<int32_t> axes;      // those dimensions, in the order first given
  std::vector<int32_t> out_shape;
};

// Reads the axes (input `axes_input`, constant int32/int64) of a reduction
// of `in` and builds its plan.
ReducePlan make_reduce_plan(const PrepareContext& ctx, const TensorView& in, size_t axes_input,
                            bool keep_dims);

// out[o] = op(out[o], in[i]) for every input element in memory order.
template <class Acc, class In, class Op>
void fold(const ReducePlan& p, const In* in, Acc* out, Op op) {
  if (p.in_count == 0) return;
  if (p.rank == 0) {
    out[0] = op(out[0], in[0]);
    return;
  }
  const int inner = p.rank - 1;
  const int64_t n = p.dims[inner];
  const bool inner_reduced = p.out_stride[inner] == 0;
  std::array<int64_t, kMaxRank> idx{};
  int64_t o = 0;
  for (int64_t i = 0; i < p.in_count; i += n) {
    if (inner_reduced) {
      Acc a = out[o];
      for (int64_t k = 0; k < n; ++k) a = op(a, in[i + k]);
      out[o] = a;
    } else {
      Acc* row = out + o;
      const In* src = in + i;
      for (int64_t k = 0; k < n; ++k) row[k] = op(row[k], src[k]);
    }
    for (int d = inner - 1; d >= 0; --d) {
      o += p.out_stride[d];
      if (++idx[d] < p.dims[d]) break;
      o -= p.out_stride[d] * p.dims[d];
      idx[d] = 0;
    }
  }
}

}  // namespace octet::kernels
