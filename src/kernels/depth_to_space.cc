// DEPTH_TO_SPACE and SPACE_TO_DEPTH on NHWC tensors, in TFLite's DCR order:
// input channel (i·bs + j)·C_out + c of pixel (h, w) becomes output pixel
// (h·bs + i, w·bs + j), channel c (reference/depth_to_space.h).
// Both are 6-D transposes, so each is one copy plan built in prepare:
//   DEPTH_TO_SPACE output [B, H, bs_i, W, bs_j, C] reads input strides
//   [HWD, WD, bs·C, D, C, 1]; SPACE_TO_DEPTH is the inverse view.
// Quantized values are copied whatever the output's parameters, as LiteRT
// does; LiteRT has no int16 kernel for either op, so octet refuses
// quantized int16 too.
#include <array>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class SpaceDepth : public Kernel {
 public:
  SpaceDepth(const Op& op, bool to_space)
      : to_space_(to_space), block_(op.options.get_or_default<opt::BlockSize>().block_size) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const size_t elem = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", ctx.output(0));  // LiteRT copies as is
    expect_not_quantized_as(ctx, in, "input", DType::Int16);
    ctx.expect_rank(in, 4, 4, "input");
    const int64_t bs = block_;
    if (bs < 1) ctx.fail("block_size is {}, expected at least 1", block_);
    const int64_t b = in.dim(0), h = in.dim(1), w = in.dim(2), d = in.dim(3);

    std::array<int64_t, 6> dims{}, src{};
    std::vector<int32_t> shape;
    if (to_space_) {
      if (d % (bs * bs) != 0)
        ctx.fail("depth {} of input tensor {} '{}' is not a multiple of block_size² = {}", d,
                 in.index, in.name(), bs * bs);
      const int64_t c = d / (bs * bs);
      if (h * bs > INT32_MAX || w * bs > INT32_MAX) ctx.fail("output shape overflows int32");
      dims = {b, h, bs, w, bs, c};
      src = {h * w * d, w * d, bs * c, d, c, 1};
      shape = {in.dim(0), static_cast<int32_t>(h * bs), static_cast<int32_t>(w * bs),
               static_cast<int32_t>(c)};
    } else {
      if (h % bs != 0 || w % bs != 0)
        ctx.fail(
            "height {} and width {} of input tensor {} '{}' must be multiples of block_size {}", h,
            w, in.index, in.name(), bs);
      const int64_t oh = h / bs, ow = w / bs;
      if (d * bs * bs > INT32_MAX) ctx.fail("output shape overflows int32");
      dims = {b, oh, ow, bs, bs, d};
      src = {h * w * d, bs * w * d, bs * d, w * d, d, 1};
      shape = {in.dim(0), static_cast<int32_t>(oh), static_cast<int32_t>(ow),
               static_cast<int32_t>(d * bs * bs)};
    }
    plan_ = make_gather_plan(dims, src, 0, elem);
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    run_copy_plan(plan_, ctx.inputs[0].data, ctx.outputs[0].data);
  }

 private:
  bool to_space_;
  int32_t block_;
  CopyPlan plan_;
};

std::unique_ptr<Kernel> make_depth_to_space(const Op& op) {
  return std::make_unique<SpaceDepth>(op, true);
}
std::unique_ptr<Kernel> make_space_to_depth(const Op& op) {
  return std::make_unique<SpaceDepth>(op, false);
}

}  // namespace

void register_depth_to_space(Registry& r) {
  r.add_any(BuiltinOp::DepthToSpace, make_depth_to_space);
  r.add_any(BuiltinOp::SpaceToDepth, make_space_to_depth);
}

}  // namespace octet::kernels
