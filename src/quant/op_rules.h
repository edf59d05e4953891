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

// The version of the quantized variant (at least what LiteRT's op_version
// gives for int8 / int16 tensors), never below the float model's.
int32_t quantized_version(const Op& op, DType activations);

}  // namespace octet::quant
