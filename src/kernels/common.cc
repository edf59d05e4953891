#include "kernels/common.h"

namespace octet::kernels {

void expect_clamp_activation(const PrepareContext& ctx, Activation a) {
  if (a == Activation::Tanh || a == Activation::SignBit)
    ctx.fail("fused activation {} is not supported", static_cast<int>(a));
  if (static_cast<int>(a) < 0 || static_cast<int>(a) > 5)
    ctx.fail("unknown fused activation {}", static_cast<int>(a));
}

std::vector<int32_t> broadcast_shape(const PrepareContext& ctx, std::span<const int32_t> a,
                                     std::span<const int32_t> b) {
  const size_t rank = std::max(a.size(), b.size());
  if (rank > static_cast<size_t>(kMaxRank))
    ctx.fail("broadcasting supports rank up to {}, got rank {}", kMaxRank, rank);
  std::vector<int32_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      ctx.fail("shapes [{}] and [{}] do not broadcast (dimension {}: {} vs {})",
               fmt::join(a, ","), fmt::join(b, ","), i, da, db);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

BroadcastStrides broadcast_strides(std::span<const int32_t> a, std::span<const int32_t> b,
                                   std::span<const int32_t> out) {
  BroadcastStrides s;
  const size_t pad = kMaxRank - out.size();
  for (int i = 0; i < kMaxRank; ++i) s.out_dims[i] = 1;
  for (size_t i = 0; i < out.size(); ++i) s.out_dims[pad + i] = out[i];
  auto fill = [&](std::span<const int32_t> shape, std::array<int64_t, kMaxRank>& strides) {
    std::array<int64_t, kMaxRank> dims;
    dims.fill(1);
    const size_t p = kMaxRank - shape.size();
    for (size_t i = 0; i < shape.size(); ++i) dims[p + i] = shape[i];
    int64_t stride = 1;
    for (int i = kMaxRank - 1; i >= 0; --i) {
      strides[i] = dims[i] == 1 ? 0 : stride;
      stride *= dims[i];
    }
  };
  fill(a, s.a);
  fill(b, s.b);
  return s;
}

int32_t conv_output_size(Padding padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation) {
  const int32_t effective = (filter - 1) * dilation + 1;
  if (stride <= 0) return 0;
  if (padding == Padding::Same) return (in + stride - 1) / stride;
  return (in + stride - effective) / stride;
}

PaddingValues conv_padding(int32_t stride, int32_t dilation, int32_t in, int32_t filter, int32_t out) {
  const int32_t effective = (filter - 1) * dilation + 1;
  int32_t total = std::max(0, (out - 1) * stride + effective - in);
  return {total / 2, total % 2};
}

int32_t normalize_axis(const PrepareContext& ctx, int64_t axis, int rank, std::string_view role) {
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) ctx.fail("{} {} is out of range for rank {}", role, axis, rank);
  return static_cast<int32_t>(a);
}

}  // namespace octet::kernels
