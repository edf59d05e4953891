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
// int16 symmetric parameters (zero point 0, scale max(|lo|, |hi|) / 32767).
QuantParams int16_params(float lo, float hi);
// Either of the two, as `dtype` (Int8 or Int16) asks.
QuantParams range_params(float lo, float hi, DType dtype);

// A float32 constant's values (float16 already folded by preparation).
std::vector<float> float_values(const Model& model, const Tensor& t);

// Symmetric int8 (zero point 0); axis -1 = one scale for the tensor.
std::vector<std::byte> quantize_weights(std::span<const float> w, const std::vector<int32_t>& shape,
                                        int axis, QuantParams& out);
// int32 (int8 models) or int64 (16x8) bias with scale in_scale·w_scale[c]
// (one or per channel).
std::vector<std::byte> quantize_bias(std::span<const float> b, float in_scale,
                                     const std::vector<float>& w_scales, DType dtype, QuantParams& out);
// A constant's parameters over its own min/max (ADD/MUL operands, PRELU alpha,
// embedding tables), int8 asymmetric or int16 symmetric.
QuantParams constant_params(std::span<const float> v, DType dtype);
// Values in int8 or int16 with the given (per-tensor) parameters, rounded and clamped.
std::vector<std::byte> quantize_values(std::span<const float> v, const QuantParams& q, DType dtype);

}  // namespace octet::quant
