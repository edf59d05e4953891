#include "kernels/movement.h"

#include <algorithm>
#include <cstring>

namespace octet::kernels {

size_t element_size(const PrepareContext& ctx, const TensorView& t, std::string_view role) {
  const size_t size = dtype_size(t.dtype);
  if (size == 0)
    ctx.fail("{} tensor {} '{}' is {}, which has no fixed element size; not supported", role,
             t.index, t.name(), dtype_name(t.dtype));
  return size;
}

void expect_same_type(const PrepareContext& ctx, const TensorView& in, std::string_view in_role,
                      const TensorView& out) {
  if (in.dtype != out.dtype)
    ctx.fail("output tensor {} '{}' is {}, expected {} like {} tensor {} '{}'", out.index,
             out.name(), dtype_name(out.dtype), dtype_name(in.dtype), in_role, in.index, in.name());
  if (in.quant == nullptr || out.quant == nullptr || in.quant->empty() || out.quant->empty())
    return;
  if (in.quant->scale != out.quant->scale || in.quant->zero_point != out.quant->zero_point)
    ctx.fail(
        "{} tensor {} '{}' and output tensor {} '{}' have different quantization; "
        "this op copies values and cannot requantize",
        in_role, in.index, in.name(), out.index, out.name());
}

void expect_same_element_type(const PrepareContext& ctx, const TensorView& in,
                              std::string_view in_role, const TensorView& out) {
  if (in.dtype != out.dtype)
    ctx.fail("output tensor {} '{}' is {}, expected {} like {} tensor {} '{}'", out.index,
             out.name(), dtype_name(out.dtype), dtype_name(in.dtype), in_role, in.index, in.name());
}

void expect_symmetric_int16(const PrepareContext& ctx, const TensorView& t, std::string_view role) {
  if (t.dtype != DType::Int16 || t.quant == nullptr) return;
  for (int64_t zp : t.quant->zero_point)
    if (zp != 0)
      ctx.fail("{} tensor {} '{}' is int16 with zero point {}; int16 tensors are symmetric "
               "(zero point 0)", role, t.index, t.name(), zp);
}

void expect_not_quantized_as(const PrepareContext& ctx, const TensorView& t, std::string_view role,
                             DType dtype) {
  if (t.dtype == dtype && t.quant != nullptr && !t.quant->empty())
    ctx.fail("{} tensor {} '{}' is quantized {}: LiteRT has no {} kernel for this op", role,
             t.index, t.name(), dtype_name(dtype), dtype_name(dtype));
}

void expect_not_quantized(const PrepareContext& ctx, const TensorView& t, std::string_view role) {
  if (t.dtype == DType::Int8 || t.dtype == DType::UInt8 || t.dtype == DType::Int16)
    ctx.fail("{} tensor {} '{}' is {}: the quantized kernel is not supported yet", role, t.index,
             t.name(), dtype_name(t.dtype));
}

int64_t element_count(std::span<const int32_t> shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

std::vector<int64_t> row_major_strides(std::span<const int32_t> shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

CopyPlan make_copy_plan(std::span<const int64_t> dims, std::span<const int64_t> src_stride,
                        std::span<const int64_t> dst_stride, int64_t src_offset, int64_t dst_offset,
                        size_t element_size) {
  CopyPlan plan;
  plan.element_size = element_size;
  plan.src_offset = src_offset;
  plan.dst_offset = dst_offset;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0) plan.empty = true;
    if (dims[i] == 1) continue;  // contributes nothing to any offset
    if (plan.rank > 0) {
      // Merge with the previous dimension when stepping the previous one is
      // the same as stepping this one dims[i] times, in both tensors.
      const int p = plan.rank - 1;
      if (plan.src_stride[p] == src_stride[i] * dims[i] &&
          plan.dst_stride[p] == dst_stride[i] * dims[i]) {
        plan.dims[p] *= dims[i];
        plan.src_stride[p] = src_stride[i];
        plan.dst_stride[p] = dst_stride[i];
        continue;
      }
    }
    if (plan.rank == kMaxCopyRank) fail("copy plan needs more than {} dimensions", kMaxCopyRank);
    plan.dims[plan.rank] = dims[i];
    plan.src_stride[plan.rank] = src_stride[i];
    plan.dst_stride[plan.rank] = dst_stride[i];
    ++plan.rank;
  }
  return plan;
}

CopyPlan make_gather_plan(std::span<const int64_t> dims, std::span<const int64_t> src_stride,
                          int64_t src_offset, size_t element_size) {
  std::array<int64_t, kMaxCopyRank> dst_stride{};
  if (dims.size() > static_cast<size_t>(kMaxCopyRank))
    fail("copy plan needs more than {} dimensions", kMaxCopyRank);
  int64_t stride = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    dst_stride[i] = stride;
    stride *= dims[i];
  }
  return make_copy_plan(dims, src_stride, std::span(dst_stride.data(), dims.size()), src_offset, 0,
                        element_size);
}

namespace {

// Moves one element of `Size` bytes; a fixed-size memcpy compiles to a single
// load and store and is valid for every dtype.
template <size_t Size>
inline void move_element(std::byte* dst, int64_t dst_index, const std::byte* src,
                         int64_t src_index) {
  std::memcpy(dst + dst_index * static_cast<int64_t>(Size),
              src + src_index * static_cast<int64_t>(Size), Size);
}

// out[a·out_a + b] = in[a + b·in_b]: a 2-D transpose done in tiles so both
// sides stay in cache. Used when the destination's fastest dimension is not
// the source's.
template <size_t Size>
void transpose_tiles(const std::byte* src, std::byte* dst, int64_t rows, int64_t cols,
                     int64_t src_col_stride, int64_t dst_row_stride) {
  constexpr int64_t kTile = 16;
  for (int64_t a0 = 0; a0 < rows; a0 += kTile) {
    const int64_t a1 = std::min(rows, a0 + kTile);
    for (int64_t b0 = 0; b0 < cols; b0 += kTile) {
      const int64_t b1 = std::min(cols, b0 + kTile);
      for (int64_t a = a0; a < a1; ++a)
        for (int64_t b = b0; b < b1; ++b)
          move_element<Size>(dst, a * dst_row_stride + b, src, a + b * src_col_stride);
    }
  }
}

template <size_t Size>
void run_sized(const CopyPlan& p, const std::byte* src, std::byte* dst) {
  if (p.rank == 0) {
    move_element<Size>(dst, p.dst_offset, src, p.src_offset);
    return;
  }
  const int inner = p.rank - 1;
  const int64_t n = p.dims[inner];
  const int64_t ss = p.src_stride[inner], ds = p.dst_stride[inner];
  // A dimension where the source is contiguous while the destination's
  // innermost is not: copy that pair as tiles of a 2-D transpose.
  int tile_dim = -1;
  if (ss != 1 && ds == 1 && n >= 4) {
    for (int k = inner - 1; k >= 0; --k)
      if (p.src_stride[k] == 1 && p.dims[k] >= 4) {
        tile_dim = k;
        break;
      }
  }
  std::array<int64_t, kMaxCopyRank> idx{};
  int64_t so = p.src_offset, dO = p.dst_offset;
  while (true) {
    if (tile_dim >= 0) {
      transpose_tiles<Size>(src + so * static_cast<int64_t>(Size),
                            dst + dO * static_cast<int64_t>(Size), p.dims[tile_dim], n, ss,
                            p.dst_stride[tile_dim]);
    } else if (ss == 1 && ds == 1) {
      std::memcpy(dst + dO * static_cast<int64_t>(Size), src + so * static_cast<int64_t>(Size),
                  static_cast<size_t>(n) * Size);
    } else {
      for (int64_t i = 0; i < n; ++i) move_element<Size>(dst, dO + i * ds, src, so + i * ss);
    }
    // Advance the odometer over the outer dimensions (not the tiled one).
    int d = inner - 1;
    for (; d >= 0; --d) {
      if (d == tile_dim) continue;
      so += p.src_stride[d];
      dO += p.dst_stride[d];
      if (++idx[d] < p.dims[d]) break;
      so -= p.src_stride[d] * p.dims[d];
      dO -= p.dst_stride[d] * p.dims[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace

void run_copy_plan(const CopyPlan& plan, const std::byte* src, std::byte* dst) {
  if (plan.empty) return;
  switch (plan.element_size) {
    case 1:
      return run_sized<1>(plan, src, dst);
    case 2:
      return run_sized<2>(plan, src, dst);
    case 4:
      return run_sized<4>(plan, src, dst);
    case 8:
      return run_sized<8>(plan, src, dst);
    case 16:
      return run_sized<16>(plan, src, dst);
    default:
      fail("copy of {}-byte elements is not supported", plan.element_size);
  }
}

void copy_bytes(std::byte* dst, const std::byte* src, size_t bytes) {
  if (dst != src && bytes > 0) std::memmove(dst, src, bytes);
}

void fill_elements(std::byte* dst, int64_t count, const std::byte* value, size_t element_size) {
  if (count <= 0) return;
  // Write one element, then double the filled prefix with memcpy.
  std::memcpy(dst, value, element_size);
  const size_t total = static_cast<size_t>(count) * element_size;
  size_t filled = element_size;
  while (filled < total) {
    const size_t chunk = std::min(filled, total - filled);
    std::memcpy(dst + filled, dst, chunk);
    filled += chunk;
  }
}

}  // namespace octet::kernels
