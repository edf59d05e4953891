// One op of a model as a model of its own, for op-by-op comparisons with
// another runtime: its constant inputs stay constants, every other input
// becomes a model input (in the op's input order), its outputs the model's
// outputs. Also: a copy of a model with every op output exposed as an output.
#pragma once

#include <span>
#include <vector>

#include "octet/model.h"
#include "octet/npy.h"

namespace octet::testing {

// `fed` receives the original tensor index of each model input, in order.
Model one_op_model_of(const Model& model, const Op& op, std::vector<int32_t>& fed);

// Every op output (each tensor once, in op order) becomes a graph output;
// signatures are dropped. `exposed` receives those tensor indices.
Model with_every_op_output(const Model& model, std::vector<int32_t>& exposed);

NpyArray npy_of(DType dtype, std::span<const int32_t> shape, std::span<const std::byte> bytes);

}  // namespace octet::testing
