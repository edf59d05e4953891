// BATCH_MATMUL's shape rules, shared by its float and quantized kernels:
// lhs [..., R, D] x rhs [..., D, C] -> [..., R, C], adj_x / adj_y meaning
// the operand's last two dimensions are stored transposed, batch dimensions
// broadcast numpy-style (ranks 2 to 5, as TFLite).
#pragma once

#include <vector>

#include "kernels/kernel.h"

namespace octet::kernels {

struct BatchMatMulShape {
  int32_t rows = 0, depth = 0, cols = 0;
  std::vector<int32_t> output;
  // Element offsets of each output batch's lhs and rhs matrices, output
  // batches in row-major order.
  std::vector<int64_t> lhs_offsets, rhs_offsets;
  bool rhs_shared = false;  // every batch multiplies the same rhs matrix
};

BatchMatMulShape batch_matmul_shape(const PrepareContext& ctx, const TensorView& lhs,
                                    const TensorView& rhs, bool adj_x, bool adj_y);

}  // namespace octet::kernels
