// Shared by the matrix-product and convolution golden tests.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "golden.h"

namespace octet::testing {

// XNNPACK runs int8 FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D /
// TRANSPOSE_CONV with constant filters (and BATCH_MATMUL whose rhs has zero
// point 0) through its qs8/qc8w kernels, which requantize in float: the
// int32 sum times a float scale (input·filter/output, rounded to float),
// clamped, then rounded to nearest-even with the magic-bias trick ("fp32"
// requantization, xnnpack src/qs8-gemm/*-minmax-fp32-*.c). LiteRT's builtin
// kernels use a Q31 fixed-point multiplier instead (double rounding, or
// ruy's single rounding); the two agree except near ties and where the
// float scale and the Q31 multiplier round differently: at most 1 LSB.
inline const char* const kXnnpackReason =
    "runs in XNNPACK, which requantizes in float and rounds ties to even; LiteRT's builtin "
    "kernels use a Q31 multiplier";

inline QuantParams per_channel_q(std::vector<float> scales, int32_t axis) {
  return per_channel(std::move(scales), axis);
}

// Per-channel scales around `base`: channel c gets base × (0.5 .. 1.5).
inline std::vector<float> channel_scales(int32_t channels, float base) {
  std::vector<float> s(static_cast<size_t>(channels));
  for (int32_t c = 0; c < channels; ++c)
    s[static_cast<size_t>(c)] = base * (0.5f + static_cast<float>((c * 7) % 11) / 10.f);
  return s;
}

// Power-of-two channel scales (base, base/2, base/4, ...): with small
// integer operands these make the real multiplier an exact power of two, so
// that many sums land exactly on a rounding tie, where LiteRT's rounding
// modes (double rounding, ruy's single rounding, XNNPACK's round-to-even)
// disagree. A test passing these tie-heavy cases has the right mode.
inline std::vector<float> pow2_scales(int32_t channels, float base) {
  std::vector<float> s(static_cast<size_t>(channels));
  for (int32_t c = 0; c < channels; ++c) s[static_cast<size_t>(c)] = base / float(1 << (c % 3));
  return s;
}

// Constant int8 weights in [-max, max].
inline GTensor small_weights(std::vector<int32_t> shape, QuantParams quant, int max, uint32_t seed) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-max, max);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return constant_of<int8_t>(DType::Int8, std::move(shape), v, std::move(quant));
}

// A filter's scales: one, or one per channel (pow2: power-of-two scales).
inline std::vector<float> filter_scales(bool per_channel, bool pow2, int32_t channels, float scale) {
  if (!per_channel) return {scale};
  return pow2 ? pow2_scales(channels, scale) : channel_scales(channels, scale);
}

// The filter/weights tensor of a test: constant or a model input, values in
// [-max, max], per tensor or per channel.
inline GTensor filter_of(std::vector<int32_t> shape, bool per_channel, bool pow2, int32_t channels,
                         int32_t axis, float scale, bool is_input, int max, uint32_t seed) {
  const std::vector<float> scales = filter_scales(per_channel, pow2, channels, scale);
  const QuantParams q = !per_channel ? qparams(scale, 0) : per_channel_q(scales, axis);
  if (is_input) return GTensor{DType::Int8, std::move(shape), q}.range(-max, max);
  if (max == 127) return int8_weights(std::move(shape), q, seed);
  return small_weights(std::move(shape), q, max, seed);
}

// A bias's quantization as converters write it: scale input × filter, per
// channel when the filter is.
inline QuantParams bias_quant(float input_scale, const std::vector<float>& filter_scales) {
  if (filter_scales.size() == 1) return qparams(input_scale * filter_scales[0], 0);
  std::vector<float> s;
  for (float f : filter_scales) s.push_back(input_scale * f);
  return per_channel_q(std::move(s), 0);
}

struct FcSpec {
  DType dtype = DType::Int8;
  std::vector<int32_t> input_shape;
  int32_t units = 1;
  bool per_channel = false, keep_num_dims = false, weights_are_input = false;
  Activation activation = Activation::None;
  DType bias = DType::Int32;  // Float32: no bias
  DType declared_bias = DType::Float32;  // the options' quantized_bias_type
  int64_t bias_range = 20000;
  float input_scale = 0.02f, weights_scale = 0.01f, output_scale = 0.f;  // 0: derived
  int64_t input_zp = 0, output_zp = 0;
  int64_t input_lo = 0, input_hi = -1;  // random input range; default: the dtype's
  int weights_max = 127;
  bool pow2 = false;  // power-of-two channel scales
  uint32_t seed = 7;
};

}  // namespace octet::testing
