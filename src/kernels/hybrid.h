// What the dynamic-range ("hybrid") kernels share: FULLY_CONNECTED,
// BATCH_MATMUL, CONV_2D and DEPTHWISE_CONV_2D with a float32 input, int8
// symmetric weights and a float32 output (TFLite's dynamic-range
// quantization). At run time the input is quantized row by row to int8, the
// product is summed exactly in int32 (int_gemm.h), and each sum is scaled
// back to float:
//
//   out = bias + float(Σ q·w − z·Σ w) · (s_row · s_w)
//
// The float steps are LiteRT's, operation for operation (read in the LiteRT
// mirror, tflite/kernels/internal/reference/portable_tensor_utils.cc,
// PortableSymmetricQuantizeFloats / PortableAsymmetricQuantizeFloats), so
// the outputs match LiteRT's builtin kernels bit for bit: every step is one
// IEEE float operation (octet is built with -ffp-contract=off, no FMA).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/common.h"

namespace octet::kernels {

// One quantized row: its scale and zero point (0 when symmetric).
struct RowQuant {
  float scale = 1.f;
  int32_t zero_point = 0;
};

// SymmetricQuantizeFloats: s = max|x| / 127 (float), q = round(x · 127/max|x|)
// half away from zero, clamped to ±127; an all-zero row gives s = 1, q = 0.
RowQuant symmetric_quantize(const float* x, int64_t n, int8_t* q);

// AsymmetricQuantizeFloats: the range [min(x, 0), max(x, 0)] mapped onto
// [-128, 127] in double (TFLite's nudged zero point), the scale stored as
// float; q = round(z + x · (1/s)) in float, clamped to [-128, 127].
RowQuant asymmetric_quantize(const float* x, int64_t n, int8_t* q);

inline RowQuant quantize_row(const float* x, int64_t n, int8_t* q, bool asymmetric) {
  return asymmetric ? asymmetric_quantize(x, n, q) : symmetric_quantize(x, n, q);
}

// The int8 weights of a hybrid op: one scale, or one per output channel on
// `channel_axis` (`channels` of them); zero points 0; scales finite and
// positive. Returns the scales (one, or `channels`).
std::vector<float> hybrid_weight_scales(const PrepareContext& ctx, const TensorView& weights,
                                        int32_t channels, int32_t channel_axis);

// An optional float32 bias of `channels` elements (absent: nothing checked).
void check_float_bias(const PrepareContext& ctx, const TensorView& bias, int32_t channels);

// Fails unless the tensor is float32, naming it.
void expect_float_tensor(const PrepareContext& ctx, const TensorView& t, std::string_view role);

}  // namespace octet::kernels
