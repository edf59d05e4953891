// Dynamic-range quantization ("hybrid"): int8 symmetric weights for the ops
// LiteRT runs with float activations and int8 weights (FULLY_CONNECTED,
// CONV_2D, DEPTHWISE_CONV_2D, BATCH_MATMUL with a constant right operand);
// every activation and every other constant stays float. No calibration.
#pragma once

#include "octet/model.h"
#include "octet/quantize.h"

namespace octet::quant {

Model quantize_dynamic_range(const Model& float_model, const Recipe& recipe, Report* report);

}  // namespace octet::quant
