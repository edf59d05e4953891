#include "kernels/reduce_plan.h"

#include <algorithm>

#include "kernels/movement.h"

namespace octet::kernels {

ReducePlan make_reduce_plan(const PrepareContext& ctx, const TensorView& in, size_t axes_input,
                            bool keep_dims) {
  ctx.expect_rank(in, 0, kMaxRank, "input");
  ReducePlan plan;
  // Resolve axes: wrap negatives, ignore repeats (LiteRT's ResolveAxis).
  std::vector<bool> reduced(static_cast<size_t>(in.rank()), false);
  for (int64_t a : ctx.constant_ints(axes_input, "axes")) {
    if (in.rank() == 0) continue;
    const int32_t axis = normalize_axis(ctx, a, in.rank(), "axis");
    if (!reduced[static_cast<size_t>(axis)]) plan.axes.push_back(axis);
    reduced[static_cast<size_t>(axis)] = true;
  }
  plan.num_axes = static_cast<int>(plan.axes.size());

  for (int d = 0; d < in.rank(); ++d) {
    if (!reduced[static_cast<size_t>(d)])
      plan.out_shape.push_back(in.dim(d));
    else if (keep_dims)
      plan.out_shape.push_back(1);
  }

  // Blocks: merge neighbours of the same kind, drop size-1 dimensions.
  plan.in_count = in.num_elements();
  plan.out_count = element_count(plan.out_shape);
  std::array<bool, kMaxRank> block_reduced{};
  for (int d = 0; d < in.rank(); ++d) {
    const int64_t n = in.dim(d);
    const bool r = reduced[static_cast<size_t>(d)];
    if (r) plan.per_output *= n;
    if (n == 1) continue;
    if (plan.rank > 0 && block_reduced[plan.rank - 1] == r) {
      plan.dims[plan.rank - 1] *= n;
    } else {
      block_reduced[plan.rank] = r;
      plan.dims[plan.rank++] = n;
    }
  }
  int64_t stride = 1;
  for (int b = plan.rank - 1; b >= 0; --b) {
    plan.out_stride[b] = block_reduced[b] ? 0 : stride;
    if (!block_reduced[b]) stride *= plan.dims[b];
  }
  return plan;
}

}  // namespace octet::kernels
