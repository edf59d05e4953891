// RESHAPE, SQUEEZE, EXPAND_DIMS: the output has the input's bytes under a new
// shape. Eval copies them; the interpreter may alias the two tensors, in
// which case the copy is skipped.
#include <algorithm>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

// Shared by the three ops: only prepare differs.
class ByteCopyKernel : public Kernel {
 public:
  void eval(const EvalContext& ctx) override {
    copy_bytes(ctx.outputs[0].data, ctx.inputs[0].data, ctx.outputs[0].num_bytes());
  }

 protected:
  // Checks dtype and element count, then sets the output shape. RESHAPE and
  // SQUEEZE copy quantized values whatever the output's parameters (LiteRT
  // does not compare them); EXPAND_DIMS requires them equal, as LiteRT.
  static void finish(PrepareContext& ctx, std::vector<int32_t> shape, bool same_quant = false) {
    const TensorView& in = ctx.input(0);
    element_size(ctx, in, "input");
    if (same_quant) {
      expect_same_type(ctx, in, "input", ctx.output(0));
      expect_symmetric_int16(ctx, in, "input");
    } else {
      expect_same_element_type(ctx, in, "input", ctx.output(0));
    }
    if (element_count(shape) != in.num_elements())
      ctx.fail("input tensor {} '{}' has shape [{}] ({} elements); output shape [{}] has {}",
               in.index, in.name(), fmt::join(in.shape, ","), in.num_elements(),
               fmt::join(shape, ","), element_count(shape));
    ctx.set_output_shape(0, std::move(shape));
  }
};

class Reshape : public ByteCopyKernel {
 public:
  explicit Reshape(const Op& op) : options_(op.options.get_or_default<opt::Reshape>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 2);
    ctx.expect_outputs(1);
    std::vector<int64_t> requested = requested_shape(ctx);
    const int64_t in_count = ctx.input(0).num_elements();

    // At most one -1, which takes whatever the other dimensions leave.
    int stretch = -1;
    int64_t known = 1;
    for (size_t i = 0; i < requested.size(); ++i) {
      if (requested[i] == -1) {
        if (stretch >= 0)
          ctx.fail("new shape [{}] has more than one -1", fmt::join(requested, ","));
        stretch = static_cast<int>(i);
      } else if (requested[i] < 0 || requested[i] > INT32_MAX) {
        ctx.fail("new shape [{}] has invalid dimension {}", fmt::join(requested, ","),
                 requested[i]);
      } else {
        known *= requested[i];
      }
    }
    if (stretch >= 0) {
      // As TFLite: an empty input with a zero elsewhere makes the -1 zero.
      if (known == 0 && in_count != 0)
        ctx.fail("new shape [{}] cannot hold {} elements", fmt::join(requested, ","), in_count);
      requested[static_cast<size_t>(stretch)] = known == 0 ? 0 : in_count / known;
    }
    std::vector<int32_t> shape(requested.begin(), requested.end());
    finish(ctx, std::move(shape));
  }

 private:
  // TFLite's rule: a 1-D shape input wins; otherwise the options' new_shape,
  // where the legacy [0] means a scalar.
  std::vector<int64_t> requested_shape(const PrepareContext& ctx) const {
    if (ctx.num_inputs() == 2 && ctx.input(1).present() && ctx.input(1).rank() == 1) {
      // A shape that is only known at run time cannot size the output; the
      // options, when the converter wrote them, say the same thing.
      if (ctx.input(1).data != nullptr || ctx.input(1).num_elements() == 0 ||
          !options_.has_new_shape)
        return ctx.constant_ints(1, "shape");
    }
    std::vector<int64_t> shape(options_.new_shape.begin(), options_.new_shape.end());
    if (shape.size() == 1 && shape[0] == 0) shape.clear();
    return shape;
  }

  opt::Reshape options_;
};

class Squeeze : public ByteCopyKernel {
 public:
  explicit Squeeze(const Op& op) : options_(op.options.get_or_default<opt::Squeeze>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    std::vector<bool> drop(static_cast<size_t>(in.rank()), false);
    if (options_.squeeze_dims.empty()) {
      for (int i = 0; i < in.rank(); ++i) drop[static_cast<size_t>(i)] = in.dim(i) == 1;
    } else {
      for (int32_t d : options_.squeeze_dims) {
        const int32_t axis = normalize_axis(ctx, d, in.rank(), "squeeze dimension");
        if (in.dim(axis) != 1)
          ctx.fail(
              "cannot squeeze dimension {} of input tensor {} '{}' with shape [{}]: size is {}", d,
              in.index, in.name(), fmt::join(in.shape, ","), in.dim(axis));
        drop[static_cast<size_t>(axis)] = true;
      }
    }
    std::vector<int32_t> shape;
    for (int i = 0; i < in.rank(); ++i)
      if (!drop[static_cast<size_t>(i)]) shape.push_back(in.dim(i));
    finish(ctx, std::move(shape));
  }

 private:
  opt::Squeeze options_;
};

class ExpandDims : public ByteCopyKernel {
 public:
  explicit ExpandDims(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const std::vector<int64_t> axis = ctx.constant_ints(1, "axis");
    if (axis.size() != 1) ctx.fail("axis tensor must hold one value, has {}", axis.size());
    // The new dimension may go anywhere in [0, rank]; negatives count from
    // the end of the output shape.
    const int32_t at = normalize_axis(ctx, axis[0], in.rank() + 1, "axis");
    std::vector<int32_t> shape(in.shape.begin(), in.shape.end());
    shape.insert(shape.begin() + at, 1);
    finish(ctx, std::move(shape), /*same_quant=*/true);
  }
};

}  // namespace

void register_reshape(Registry& r) {
  r.add_any(BuiltinOp::Reshape, make_kernel<Reshape>);
  r.add_any(BuiltinOp::Squeeze, make_kernel<Squeeze>);
  r.add_any(BuiltinOp::ExpandDims, make_kernel<ExpandDims>);
}

}  // namespace octet::kernels
