// SELECT and SELECT_V2 (condition, x, y): out = condition ? x : y, as
// LiteRT's select.cc. Selection copies elements, so one kernel serves every
// fixed-size dtype, float and quantized alike: quantized x and y are copied
// as stored, their parameters are not read (LiteRT does the same; converters
// give x, y and the output one scale).
//
// Shapes:
//  - SELECT_V2 broadcasts all three inputs numpy-style;
//  - SELECT (version 1) takes equal shapes, or a scalar condition, or a rank-1
//    condition that matches x's first dimension and picks whole rows;
//  - when condition, x, y and the output all hold one element, both keep the
//    output's shape from the model (LiteRT "respects the original output
//    shape" there rather than broadcasting ranks).
//
// Followed at LiteRT commit f6745779 (google-ai-edge/LiteRT).
#include <algorithm>

#include "kernels/common.h"
#include "kernels/elementwise.h"

namespace octet::kernels {
namespace {

bool same_shape(std::span<const int32_t> a, std::span<const int32_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

class SelectKernel final : public Kernel {
 public:
  explicit SelectKernel(const Op& op) : v2_(op.code.builtin == BuiltinOp::SelectV2) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 3);
    ctx.expect_outputs(1);
    const TensorView& cond = ctx.input(0);
    const TensorView& x = ctx.input(1);
    const TensorView& y = ctx.input(2);
    const TensorView& out = ctx.output(0);
    ctx.expect_dtype(cond, DType::Bool, "condition");
    element_size_ = dtype_size(x.dtype);
    if (element_size_ != 1 && element_size_ != 2 && element_size_ != 4 && element_size_ != 8)
      ctx.fail("input 1 (x) tensor {} '{}' is {}, expected a fixed-size numeric or bool type",
               x.index, x.name(), dtype_name(x.dtype));
    ctx.expect_dtype(y, x.dtype, "input 2 (y)");
    ctx.expect_dtype(out, x.dtype, "output");

    single_ = cond.num_elements() == 1 && x.num_elements() == 1 && y.num_elements() == 1 &&
              out.num_elements() == 1;
    if (single_) {
      ctx.set_output_shape(0, {out.shape.begin(), out.shape.end()});
      return;
    }
    std::vector<int32_t> shape;
    if (same_shape(cond.shape, x.shape) && same_shape(x.shape, y.shape)) {
      shape.assign(x.shape.begin(), x.shape.end());
      plan_ = plan_broadcast<3>({cond.shape, x.shape, y.shape}, shape);
    } else if (v2_) {
      shape = broadcast_shape(ctx, cond.shape, broadcast_shape(ctx, x.shape, y.shape));
      plan_ = plan_broadcast<3>({cond.shape, x.shape, y.shape}, shape);
    } else {
      // SELECT: the condition indexes x's leading dimension (left-aligned,
      // unlike numpy), so it is planned as [n, 1, ..., 1].
      const bool scalar = cond.rank() == 0;
      const bool rows = cond.rank() == 1 && x.rank() >= 1 && cond.dim(0) == x.dim(0);
      if (!scalar && !rows)
        ctx.fail(
            "condition tensor {} '{}' has shape [{}]; SELECT takes x's shape [{}], a scalar, "
            "or a vector of x's first dimension (SELECT_V2 broadcasts)",
            cond.index, cond.name(), fmt::join(cond.shape, ","), fmt::join(x.shape, ","));
      if (!same_shape(x.shape, y.shape))
        ctx.fail(
            "x tensor {} '{}' has shape [{}] but y tensor {} '{}' has [{}]; SELECT needs "
            "them equal",
            x.index, x.name(), fmt::join(x.shape, ","), y.index, y.name(), fmt::join(y.shape, ","));
      shape.assign(x.shape.begin(), x.shape.end());
      std::vector<int32_t> cond_shape(shape.size(), 1);
      if (rows) cond_shape[0] = cond.dim(0);
      cond_shape_ = cond_shape;
      plan_ = plan_broadcast<3>({std::span<const int32_t>(cond_shape_), x.shape, y.shape}, shape);
    }
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    switch (element_size_) {
      case 1:
        run<uint8_t>(ctx);
        break;
      case 2:
        run<uint16_t>(ctx);
        break;
      case 4:
        run<uint32_t>(ctx);
        break;
      default:
        run<uint64_t>(ctx);
        break;
    }
  }

 private:
  template <class E>
  void run(const EvalContext& ctx) {
    const auto* c = ctx.inputs[0].data_as<const uint8_t>();
    const E* x = ctx.inputs[1].data_as<const E>();
    const E* y = ctx.inputs[2].data_as<const E>();
    E* out = ctx.outputs[0].data_as<E>();
    if (single_) {
      out[0] = c[0] ? x[0] : y[0];
      return;
    }
    const int64_t n = plan_.row_length();
    const int64_t sc = plan_.row_varies(0), sx = plan_.row_varies(1), sy = plan_.row_varies(2);
    for_each_row(plan_, [&](const std::array<int64_t, 3>& off, int64_t o) {
      const uint8_t* cr = c + off[0];
      const E* xr = x + off[1];
      const E* yr = y + off[2];
      E* z = out + o;
      if (sc && sx && sy) {
        for (int64_t i = 0; i < n; ++i) z[i] = cr[i] ? xr[i] : yr[i];
      } else {
        for (int64_t i = 0; i < n; ++i) z[i] = cr[i * sc] ? xr[i * sx] : yr[i * sy];
      }
    });
  }

  bool v2_;
  bool single_ = false;
  size_t element_size_ = 4;
  std::vector<int32_t> cond_shape_;  // SELECT's condition as planned
  BroadcastPlan<3> plan_;
};

}  // namespace

void register_select(Registry& r) {
  r.add_any(BuiltinOp::Select, make_kernel<SelectKernel>);
  r.add_any(BuiltinOp::SelectV2, make_kernel<SelectKernel>);
}

}  // namespace octet::kernels
