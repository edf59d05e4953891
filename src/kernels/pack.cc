// PACK: values_count tensors of one shape stacked along a new axis. Seen
// from the axis, each input is `outer` rows of `inner` elements and the
// output row is one row of every input, in input order.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class Pack : public Kernel {
 public:
  explicit Pack(const Op& op) : options_(op.options.get_or_default<opt::Pack>()) {}

  void prepare(PrepareContext& ctx) override {
    if (ctx.num_inputs() < 1) ctx.fail("expects at least 1 input, has 0");
    ctx.expect_inputs(ctx.num_inputs(), ctx.num_inputs());
    ctx.expect_outputs(1);
    if (options_.values_count != static_cast<int32_t>(ctx.num_inputs()))
      ctx.fail("values_count is {}, but the op has {} inputs", options_.values_count,
               ctx.num_inputs());
    const TensorView& first = ctx.input(0);
    const size_t elem = element_size(ctx, first, "input 0");
    // The new axis may go anywhere in [0, rank].
    const int32_t axis = normalize_axis(ctx, options_.axis, first.rank() + 1, "axis");
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const TensorView& t = ctx.input(i);
      expect_same_type(ctx, t, fmt::format("input {}", i), ctx.output(0));
      if (!std::equal(t.shape.begin(), t.shape.end(), first.shape.begin(), first.shape.end()))
        ctx.fail("input {} tensor {} '{}' has shape [{}], input 0 has [{}]", i, t.index, t.name(),
                 fmt::join(t.shape, ","), fmt::join(first.shape, ","));
    }
    outer_ = 1;
    for (int d = 0; d < axis; ++d) outer_ *= first.dim(d);
    int64_t inner = 1;
    for (int d = axis; d < first.rank(); ++d) inner *= first.dim(d);
    row_bytes_ = static_cast<size_t>(inner) * elem;

    std::vector<int32_t> shape(first.shape.begin(), first.shape.end());
    shape.insert(shape.begin() + axis, static_cast<int32_t>(ctx.num_inputs()));
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    if (row_bytes_ == 0) return;
    std::byte* dst = ctx.outputs[0].data;
    for (int64_t o = 0; o < outer_; ++o)
      for (const TensorView& in : ctx.inputs) {
        std::memcpy(dst, in.data + static_cast<size_t>(o) * row_bytes_, row_bytes_);
        dst += row_bytes_;
      }
  }

 private:
  opt::Pack options_;
  int64_t outer_ = 1;
  size_t row_bytes_ = 0;
};

}  // namespace

void register_pack(Registry& r) { r.add_any(BuiltinOp::Pack, make_kernel<Pack>); }

}  // namespace octet::kernels
