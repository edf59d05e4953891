// Helpers for kernels that move elements without doing arithmetic on them
// (reshape, transpose, slice, tile, pad, depth_to_space, ...). These copy by
// element size, so one code path serves every fixed-size dtype.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/kernel.h"

namespace octet::kernels {

// Bytes per element of `t`; fails for dtypes without a fixed size (string,
// resource, variant, int4), which octet's movement kernels do not handle.
size_t element_size(const PrepareContext& ctx, const TensorView& t, std::string_view role);

// Fails unless `out` has the dtype of `in` and, when both carry quantization,
// the same scales and zero points: a byte copy cannot requantize.
void expect_same_type(const PrepareContext& ctx, const TensorView& in, std::string_view in_role,
                      const TensorView& out);

// Fails unless `out` has the dtype of `in`; their quantization may differ.
// For the ops whose LiteRT kernel copies the integers without looking at
// the parameters (RESHAPE, TRANSPOSE, SLICE, GATHER, TILE, PAD, ...): octet
// copies them too, as the runtime would. Ops whose LiteRT Prepare insists on
// equal parameters use expect_same_type.
void expect_same_element_type(const PrepareContext& ctx, const TensorView& in,
                              std::string_view in_role, const TensorView& out);

// Fails when `t` is int16 with a zero point other than 0 (LiteRT's Prepare
// of EXPAND_DIMS, MIRROR_PAD, CONCATENATION checks it).
void expect_symmetric_int16(const PrepareContext& ctx, const TensorView& t, std::string_view role);

// Fails when `t` is a quantized tensor of `dtype`, for ops that LiteRT has
// no kernel for in that type (its Prepare rejects them).
void expect_not_quantized_as(const PrepareContext& ctx, const TensorView& t, std::string_view role,
                             DType dtype);

// Fails for int8/uint8/int16 inputs of kernels that do arithmetic: their
// quantized paths are not written yet. Other dtypes pass.
void expect_not_quantized(const PrepareContext& ctx, const TensorView& t, std::string_view role);

int64_t element_count(std::span<const int32_t> shape);
// Row-major strides in elements.
std::vector<int64_t> row_major_strides(std::span<const int32_t> shape);

// A strided copy: for every index i of `dims` (row-major order),
//   dst[dst_offset + i·dst_stride] = src[src_offset + i·src_stride]
// with strides in elements (they may be 0 for broadcasting and negative for
// reversed slices). make_copy_plan drops size-1 dimensions and merges
// neighbours that are contiguous in both source and destination, so most
// plans end up with one or two dimensions and copy whole rows with memcpy.
// A plan lives in fixed storage (no allocation), so eval() may build one.
inline constexpr int kMaxCopyRank = 16;
struct CopyPlan {
  int rank = 0;
  bool empty = false;  // some dimension is 0: nothing to copy
  size_t element_size = 0;
  int64_t src_offset = 0, dst_offset = 0;
  std::array<int64_t, kMaxCopyRank> dims{}, src_stride{}, dst_stride{};
};
CopyPlan make_copy_plan(std::span<const int64_t> dims, std::span<const int64_t> src_stride,
                        std::span<const int64_t> dst_stride, int64_t src_offset, int64_t dst_offset,
                        size_t element_size);
// The common case: the destination is the whole output, dense row-major.
CopyPlan make_gather_plan(std::span<const int64_t> dims, std::span<const int64_t> src_stride,
                          int64_t src_offset, size_t element_size);
void run_copy_plan(const CopyPlan& plan, const std::byte* src, std::byte* dst);

// Copies `bytes` unless source and destination are the same storage (the
// interpreter may alias the output of a reshape to its input).
void copy_bytes(std::byte* dst, const std::byte* src, size_t bytes);

// Fills `count` elements of `element_size` bytes with the element at `value`.
void fill_elements(std::byte* dst, int64_t count, const std::byte* value, size_t element_size);

}  // namespace octet::kernels
