// Helpers every float kernel family shares: fused activations, broadcasting,
// TFLite's padding rule. Integer arithmetic lives in integer_math.h.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "kernels/kernel.h"

namespace octet::kernels {

// The clamp range of a fused activation, as TFLite's
// CalculateActivationRange for float. TANH and SIGN_BIT are not clamps and
// are refused at prepare by kernels that do not implement them.
struct FloatRange {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};
inline FloatRange activation_range(Activation a) {
  switch (a) {
    case Activation::Relu: return {0.f, std::numeric_limits<float>::infinity()};
    case Activation::ReluN1To1: return {-1.f, 1.f};
    case Activation::Relu6: return {0.f, 6.f};
    default: return {};
  }
}
inline float clamp_to(float v, FloatRange r) { return std::min(std::max(v, r.min), r.max); }
// Fails unless `a` is one octet applies as a clamp (NONE, RELU, RELU_N1_TO_1, RELU6).
void expect_clamp_activation(const PrepareContext& ctx, Activation a);

// The output shape of numpy-style broadcasting of a and b; fails if the
// shapes do not broadcast.
std::vector<int32_t> broadcast_shape(const PrepareContext& ctx, std::span<const int32_t> a,
                                     std::span<const int32_t> b);

// Strides to walk an input of `shape` as if broadcast to `out` (right
// aligned): stride 0 on broadcast dimensions. Both padded to kMaxRank.
inline constexpr int kMaxRank = 6;
struct BroadcastStrides {
  std::array<int64_t, kMaxRank> out_dims{};
  std::array<int64_t, kMaxRank> a{}, b{};
};
BroadcastStrides broadcast_strides(std::span<const int32_t> a, std::span<const int32_t> b,
                                   std::span<const int32_t> out);

// TFLite's output size and padding for SAME / VALID (ComputeOutSize and
// ComputePaddingWithOffset).
struct PaddingValues {
  int32_t before = 0;  // padding on the top/left
  int32_t offset = 0;  // extra padding on the bottom/right when odd
};
int32_t conv_output_size(Padding padding, int32_t in, int32_t filter, int32_t stride, int32_t dilation);
PaddingValues conv_padding(int32_t stride, int32_t dilation, int32_t in, int32_t filter, int32_t out);

// Normalises a possibly negative axis against `rank`; fails if out of range.
int32_t normalize_axis(const PrepareContext& ctx, int64_t axis, int rank, std::string_view role);

}  // namespace octet::kernels
