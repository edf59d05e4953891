// MediaPipe files keep their weights as float16 constants that DEQUANTIZE
// widens at run time. Arm NN 20.08 rejects that pattern (CONV_2D then sees a
// non-constant filter), so the Arm NN tests give it the same model with each
// such DEQUANTIZE replaced by its float32 result. Test-only until the
// quantizer's own fold pass (src/rewrite/) is on this branch.
#pragma once

#include "octet/model.h"

namespace octet::testing {

// A copy of `model` whose DEQUANTIZE ops with a float16 constant input are
// gone, their outputs now float32 constants holding the exact widened values.
// The values every other op sees are unchanged (half → float is exact).
Model fold_float16_weights(const Model& model);

}  // namespace octet::testing
