// GATHER with axis and batch_dims, as LiteRT's gather.cc: output shape is
// params[:axis] + indices[batch_dims:] + params[axis+1:], and every index
// selects a block of `inner` elements. Indices may be int16, int32 or int64;
// an index outside [0, axis size) is an error (LiteRT rejects negative
// indices too rather than wrapping them).
#include <cstring>
#include <string>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class Gather : public Kernel {
 public:
  explicit Gather(const Op& op) : options_(op.options.get_or_default<opt::Gather>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& params = ctx.input(0);
    const TensorView& indices = ctx.input(1);
    elem_ = element_size(ctx, params, "params");
    expect_same_element_type(ctx, params, "params", ctx.output(0));  // LiteRT copies as is
    if (indices.dtype != DType::Int16 && indices.dtype != DType::Int32 &&
        indices.dtype != DType::Int64)
      ctx.fail("indices tensor {} '{}' is {}, expected int16, int32 or int64", indices.index,
               indices.name(), dtype_name(indices.dtype));

    const int32_t axis = normalize_axis(ctx, options_.axis, params.rank(), "axis");
    int32_t batch_dims = options_.batch_dims;
    if (batch_dims < 0) batch_dims += indices.rank();
    if (batch_dims < 0 || batch_dims > axis || batch_dims > indices.rank())
      ctx.fail("batch_dims {} is invalid for axis {} and indices of rank {}", options_.batch_dims,
               axis, indices.rank());
    for (int i = 0; i < batch_dims; ++i)
      if (params.dim(i) != indices.dim(i))
        ctx.fail("batch dimension {} differs: params [{}], indices [{}]", i,
                 fmt::join(params.shape, ","), fmt::join(indices.shape, ","));

    std::vector<int32_t> shape(params.shape.begin(), params.shape.begin() + axis);
    shape.insert(shape.end(), indices.shape.begin() + batch_dims, indices.shape.end());
    shape.insert(shape.end(), params.shape.begin() + axis + 1, params.shape.end());

    batch_ = outer_ = inner_ = coords_ = 1;
    for (int i = 0; i < batch_dims; ++i) batch_ *= params.dim(i);
    for (int i = batch_dims; i < axis; ++i) outer_ *= params.dim(i);
    for (int i = axis + 1; i < params.rank(); ++i) inner_ *= params.dim(i);
    for (int i = batch_dims; i < indices.rank(); ++i) coords_ *= indices.dim(i);
    axis_size_ = params.dim(axis);
    location_ = ctx.location();
    // Constant indices are checked now rather than at the first invoke.
    if (indices.data != nullptr) check_indices(indices);
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    const TensorView& indices = ctx.inputs[1];
    check_indices(indices);
    switch (indices.dtype) {
      case DType::Int16:
        return gather(ctx, indices.data_as<const int16_t>());
      case DType::Int32:
        return gather(ctx, indices.data_as<const int32_t>());
      default:
        return gather(ctx, indices.data_as<const int64_t>());
    }
  }

 private:
  template <class I>
  void gather(const EvalContext& ctx, const I* index) const {
    const std::byte* src = ctx.inputs[0].data;
    std::byte* dst = ctx.outputs[0].data;
    const size_t block = static_cast<size_t>(inner_) * elem_;
    if (block == 0) return;
    for (int64_t b = 0; b < batch_; ++b)
      for (int64_t o = 0; o < outer_; ++o) {
        const std::byte* slab = src + static_cast<size_t>((b * outer_ + o) * axis_size_) * block;
        for (int64_t c = 0; c < coords_; ++c) {
          std::memcpy(dst, slab + static_cast<size_t>(index[b * coords_ + c]) * block, block);
          dst += block;
        }
      }
  }

  template <class I>
  void check_typed(const TensorView& indices, const I* index) const {
    const int64_t n = indices.num_elements();
    for (int64_t k = 0; k < n; ++k)
      if (index[k] < 0 || index[k] >= axis_size_)
        throw Error(
            fmt::format("{}: index {} at position {} of indices tensor {} '{}' is out of "
                        "range [0, {})",
                        location_, static_cast<int64_t>(index[k]), k, indices.index, indices.name(),
                        axis_size_));
  }

  void check_indices(const TensorView& indices) const {
    switch (indices.dtype) {
      case DType::Int16:
        return check_typed(indices, indices.data_as<const int16_t>());
      case DType::Int32:
        return check_typed(indices, indices.data_as<const int32_t>());
      default:
        return check_typed(indices, indices.data_as<const int64_t>());
    }
  }

  opt::Gather options_;
  size_t elem_ = 0;
  int64_t batch_ = 1, outer_ = 1, inner_ = 1, coords_ = 1, axis_size_ = 0;
  std::string location_;
};

}  // namespace

void register_gather(Registry& r) { r.add_any(BuiltinOp::Gather, make_kernel<Gather>); }

}  // namespace octet::kernels
