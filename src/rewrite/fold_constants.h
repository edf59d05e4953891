// Constant folding: every op whose inputs are all constants is run once (by
// octet's own interpreter, so the folded values are exactly what the model
// would compute) and replaced by a constant holding its output. This turns
// MediaPipe's float16 weights (float16 constant → DEQUANTIZE) and sparse
// weights (DENSIFY) into plain float32 constants, which a quantizer and
// strict targets need.
#pragma once

#include "octet/model.h"

namespace octet::rewrite {

struct FoldReport {
  size_t folded_ops = 0;
};

// Folds in place; repeats until no op is left with only constant inputs.
// Ops with side effects or no inputs are left alone.
FoldReport fold_constants(Model& model, size_t subgraph = 0);

// Drops tensors no op or graph input/output refers to and buffers no tensor
// uses, renumbering what remains (a quantizer leaves float weights behind).
void drop_unused(Model& model);

}  // namespace octet::rewrite
