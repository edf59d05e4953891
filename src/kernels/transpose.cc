// TRANSPOSE: output dimension i is input dimension perm[i]. Prepare turns the
// permutation into a copy plan; after merging dimensions that stay adjacent
// (NHWC→NCHW becomes a 2-D [HW, C] transpose per batch) the plan either
// copies rows or runs cache-sized tiles of a 2-D transpose.
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class Transpose : public Kernel {
 public:
  explicit Transpose(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const size_t elem = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", ctx.output(0));  // LiteRT copies as is
    ctx.expect_rank(in, 0, kMaxRank, "input");
    const std::vector<int64_t> perm = ctx.constant_ints(1, "perm");
    if (perm.size() != static_cast<size_t>(in.rank()))
      ctx.fail("perm has {} entries, input tensor {} '{}' has rank {}", perm.size(), in.index,
               in.name(), in.rank());

    const std::vector<int64_t> in_strides = row_major_strides(in.shape);
    std::vector<bool> seen(perm.size(), false);
    std::vector<int32_t> shape(perm.size());
    std::vector<int64_t> dims(perm.size()), src_stride(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) {
      // TFLite rejects negative entries too; a repeat would read one input
      // dimension twice.
      if (perm[i] < 0 || perm[i] >= in.rank() || seen[static_cast<size_t>(perm[i])])
        ctx.fail("perm [{}] is not a permutation of 0..{}", fmt::join(perm, ","), in.rank() - 1);
      seen[static_cast<size_t>(perm[i])] = true;
      shape[i] = in.dim(static_cast<int>(perm[i]));
      dims[i] = shape[i];
      src_stride[i] = in_strides[static_cast<size_t>(perm[i])];
    }
    plan_ = make_gather_plan(dims, src_stride, 0, elem);
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    run_copy_plan(plan_, ctx.inputs[0].data, ctx.outputs[0].data);
  }

 private:
  CopyPlan plan_;
};

}  // namespace

void register_transpose(Registry& r) { r.add_any(BuiltinOp::Transpose, make_kernel<Transpose>); }

}  // namespace octet::kernels
