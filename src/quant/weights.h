// Quantizing constants: weights symmetric int8 (per output channel or per
// tensor), biases int32 at s_in·s_w, other constants asymmetric int8, and the
// parameters of an activation range.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "octet/model.h"

namespace octet::quant {

// int8 asymmetric parameters covering [lo, hi] (widened to contain 0), with
// TFLite's zero point nudging: zp = round(-128 - lo/scale), clamped.
QuantParams activation_params(float lo, float hi);

// A float32 constant's values (float16 already folded by preparation).
std::vector<float> float_values(const Model& model, const Tensor& t);

// Symmetric int8 (zero point 0); axis -1 = one scale for the tensor.
std::vector<std::byte> quantize_weights(std::span<const float> w, const std::vector<int32_t>& shape,
                                        int axis, QuantParams& out);
// int32 bias with scale in_scale·w_scale[c] (one or per channel).
std::vector<std::byte> quantize_bias(std::span<const float> b, float in_scale,
                                     const std::vector<float>& w_scales, QuantParams& out);
// Asymmetric int8 over the constant's own min/max (ADD/MUL operands, PRELU alpha).
std::vector<std::byte> quantize_asymmetric(std::span<const float> v, QuantParams& out);

}  // namespace octet::quant
