// What the runtime demands of each op's quantized tensors: which input is a
// weight (and its channel axis), which a bias, which outputs have fixed
// parameters, which must share their input's, and the op version the
// quantized variant needs.
#pragma once

#include <optional>

#include "octet/model.h"

namespace octet::quant {

struct WeightRole {
  int input;   // index in Op::inputs
  int axis;    // output-channel axis
  int bias;    // index of the bias input, -1 if none
};
std::optional<WeightRole> weight_role(BuiltinOp op);

// int8 outputs with parameters the kernels require (SOFTMAX, LOGISTIC, …).
std::optional<QuantParams> fixed_output_params(BuiltinOp op, DType dtype);

// Ops whose output must carry exactly their first input's parameters.
bool output_shares_input_params(BuiltinOp op);

// Ops whose every quantized input must carry the output's parameters (the
// kernels copy or compare codes without rescaling).
bool inputs_share_output_params(BuiltinOp op);

// Whether LiteRT has an int16-activation kernel for the op (16x8): read in
// its kernels; SQUARED_DIFFERENCE, PRELU, HARD_SWISH, DEPTH_TO_SPACE have none.
bool has_int16_kernel(BuiltinOp op);

// The version of the quantized variant (at least what LiteRT's op_version
// gives for int8 / int16 tensors), never below the float model's.
int32_t quantized_version(const Op& op, DType activations);

// QUANTIZE / DEQUANTIZE between `from` and `to` (float32, int8, int16):
// LiteRT's versions (QUANTIZE 2 when it writes int16, DEQUANTIZE 3 from int16).
int32_t conversion_version(DType from, DType to);

// Options an op needs in its int16 variant: ADD/SUB with general scales
// (pot_scale_int16 false; the schema's default true means power-of-two scales).
void set_int16_options(Op& op);

}  // namespace octet::quant
