// CONCATENATION: inputs joined along one axis. Seen from the axis, every
// input is `outer` rows of (its axis size × inner) elements, and the output
// row is those rows side by side; eval copies them with memcpy.
//
// LiteRT refuses a fused activation here (concatenation.cc requires NONE);
// octet applies it on float32 as the schema describes, and refuses it on
// other dtypes.
#include <cstring>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class Concatenation : public Kernel {
 public:
  explicit Concatenation(const Op& op)
      : options_(op.options.get_or_default<opt::Concatenation>()) {}

  void prepare(PrepareContext& ctx) override {
    if (ctx.num_inputs() < 1) ctx.fail("expects at least 1 input, has 0");
    ctx.expect_inputs(ctx.num_inputs(), ctx.num_inputs());
    ctx.expect_outputs(1);
    const TensorView& first = ctx.input(0);
    const size_t elem = element_size(ctx, first, "input 0");
    const TensorView& out = ctx.output(0);
    expect_clamp_activation(ctx, options_.activation);
    if (options_.activation != Activation::None && first.dtype != DType::Float32)
      ctx.fail("fused activation on {} concatenation is not supported", dtype_name(first.dtype));
    range_ = activation_range(options_.activation);

    // Scalars concatenate into a vector, as LiteRT does for constant scalars.
    const int rank = first.rank();
    const int32_t axis = rank == 0 && (options_.axis == 0 || options_.axis == -1)
                             ? 0
                             : normalize_axis(ctx, options_.axis, rank, "axis");
    std::vector<int32_t> shape(first.shape.begin(), first.shape.end());
    if (rank == 0) shape = {0};
    shape[static_cast<size_t>(axis)] = 0;

    int64_t inner = 1;
    for (int d = axis + 1; d < rank; ++d) inner *= first.dim(d);
    chunk_bytes_.clear();
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const TensorView& t = ctx.input(i);
      const std::string role = fmt::format("input {}", i);
      expect_same_type(ctx, t, role, out);
      if (t.rank() != rank)
        ctx.fail("input {} tensor {} '{}' has rank {}, input 0 has rank {}", i, t.index, t.name(),
                 t.rank(), rank);
      for (int d = 0; d < rank; ++d)
        if (d != axis && t.dim(d) != first.dim(d))
          ctx.fail(
              "input {} tensor {} '{}' has shape [{}], incompatible with input 0 [{}] "
              "outside axis {}",
              i, t.index, t.name(), fmt::join(t.shape, ","), fmt::join(first.shape, ","), axis);
      const int32_t along = rank == 0 ? 1 : t.dim(axis);
      shape[static_cast<size_t>(axis)] += along;
      chunk_bytes_.push_back(static_cast<size_t>(along * inner) * elem);
    }
    outer_ = 1;
    for (int d = 0; d < axis; ++d) outer_ *= first.dim(d);
    clamp_ = options_.activation != Activation::None;
    ctx.set_output_shape(0, std::move(shape));
  }

  void eval(const EvalContext& ctx) override {
    std::byte* dst = ctx.outputs[0].data;
    for (int64_t o = 0; o < outer_; ++o)
      for (size_t i = 0; i < chunk_bytes_.size(); ++i) {
        const size_t n = chunk_bytes_[i];
        if (n > 0) std::memcpy(dst, ctx.inputs[i].data + static_cast<size_t>(o) * n, n);
        dst += n;
      }
    if (clamp_) {
      float* v = ctx.outputs[0].data_as<float>();
      const int64_t n = ctx.outputs[0].num_elements();
      for (int64_t k = 0; k < n; ++k) v[k] = clamp_to(v[k], range_);
    }
  }

 private:
  opt::Concatenation options_;
  int64_t outer_ = 1;
  std::vector<size_t> chunk_bytes_;  // bytes each input contributes per outer row
  bool clamp_ = false;
  FloatRange range_;
};

}  // namespace

void register_concatenation(Registry& r) {
  r.add(BuiltinOp::Concatenation, make_kernel<Concatenation>);
}

}  // namespace octet::kernels
