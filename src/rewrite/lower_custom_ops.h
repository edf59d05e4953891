// MediaPipe's custom ops, replaced by the builtin ops they are equivalent to,
// so that integer kernels and strict targets can take them.
#pragma once

#include "octet/model.h"

namespace octet::rewrite {

// Convolution2DTransposeBias (input, weights, bias; packed
// TfLiteTransposeConvParams) → TRANSPOSE_CONV (output_shape, weights, input,
// bias). MediaPipe's output size and padding are TFLite's for that output
// size (total padding = stride·(in−1) + filter − out on both), so the
// results are the same. Returns the number of ops replaced.
size_t lower_custom_ops(Model& model, size_t subgraph = 0);

}  // namespace octet::rewrite
