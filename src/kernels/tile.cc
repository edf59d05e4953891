// TILE and BROADCAST_TO: outputs that repeat the input. Both are copy plans
// whose source stride is 0 along the repeated dimensions:
//   TILE views the output [m0, d0, m1, d1, ...] and reads input strides
//   [0, s0, 0, s1, ...]; BROADCAST_TO reads stride 0 where the input has 1.
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

constexpr int kMaxTileRank = 8;  // LiteRT's BROADCAST_TO limit; TILE shares it

class Tile : public Kernel {
 public:
  explicit Tile(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const size_t elem = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", ctx.output(0));  // LiteRT copies as is
    ctx.expect_rank(in, 0, kMaxTileRank, "input");
    const std::vector<int64_t> multiples = ctx.constant_ints(1, "multiples");
    if (multiples.size() != static_cast<size_t>(in.rank()))
      ctx.fail("multiples has {} entries, input tensor {} '{}' has rank {}", multiples.size(),
               in.index, in.name(), in.rank());

    const std::vector<int64_t> in_strides = row_major_strides(in.shape);
    std::vector<int32_t> shape;
    std::vector<int64_t> dims, src_stride;
    for (int d = 0; d < in.rank(); ++d) {
      const int64_t m = multiples[static_cast<size_t>(d)];
      if (m < 0 || m * in.dim(d) > INT32_MAX)
        ctx.fail("multiples [{}] has invalid entry {}", fmt::join(multiples, ","), m);
      shape.push_back(static_cast<int32_t>(m * in.dim(d)));
      dims.insert(dims.end(), {m, in.dim(d)});
      src_stride.insert(src_stride.end(), {0, in_strides[static_cast<size_t>(d)]});
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

class BroadcastTo : public Kernel {
 public:
  explicit BroadcastTo(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const size_t elem = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", ctx.output(0));  // LiteRT copies as is
    const std::vector<int64_t> target = ctx.constant_ints(1, "shape");
    if (ctx.input(1).rank() != 1)
      ctx.fail("shape tensor {} '{}' has rank {}, expected 1", ctx.input(1).index,
               ctx.input(1).name(), ctx.input(1).rank());
    const int rank = static_cast<int>(target.size());
    if (rank > kMaxTileRank || rank < in.rank())
      ctx.fail("cannot broadcast input tensor {} '{}' of shape [{}] to [{}]", in.index, in.name(),
               fmt::join(in.shape, ","), fmt::join(target, ","));

    // Right-aligned, numpy style: each input dimension is 1 or the target's.
    const std::vector<int64_t> in_strides = row_major_strides(in.shape);
    const int pad = rank - in.rank();
    std::vector<int32_t> shape(static_cast<size_t>(rank));
    std::vector<int64_t> dims(static_cast<size_t>(rank)), src_stride(static_cast<size_t>(rank), 0);
    for (int d = 0; d < rank; ++d) {
      const int64_t t = target[static_cast<size_t>(d)];
      const int32_t have = d < pad ? 1 : in.dim(d - pad);
      if (t < 0 || t > INT32_MAX || (have != t && have != 1))
        ctx.fail("cannot broadcast input tensor {} '{}' of shape [{}] to [{}]", in.index, in.name(),
                 fmt::join(in.shape, ","), fmt::join(target, ","));
      shape[static_cast<size_t>(d)] = static_cast<int32_t>(t);
      dims[static_cast<size_t>(d)] = t;
      if (d >= pad && have != 1)
        src_stride[static_cast<size_t>(d)] = in_strides[static_cast<size_t>(d - pad)];
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

void register_tile(Registry& r) {
  r.add_any(BuiltinOp::Tile, make_kernel<Tile>);
  r.add_any(BuiltinOp::BroadcastTo, make_kernel<BroadcastTo>);
}

}  // namespace octet::kernels
