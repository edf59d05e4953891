// SPLIT, SPLIT_V, UNPACK: one input cut along an axis into several outputs.
// Seen from the axis, the input is `outer` rows, each the outputs' pieces
// side by side; eval hands each output its piece of every row.
#include <cstring>
#include <numeric>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class SplitBase : public Kernel {
 public:
  void eval(const EvalContext& ctx) override {
    const std::byte* src = ctx.inputs[value_input_].data;
    for (int64_t o = 0; o < outer_; ++o)
      for (size_t j = 0; j < piece_bytes_.size(); ++j) {
        const size_t n = piece_bytes_[j];
        if (n > 0) std::memcpy(ctx.outputs[j].data + static_cast<size_t>(o) * n, src, n);
        src += n;
      }
  }

 protected:
  // Sets every output's shape from the sizes along `axis` (keep_axis false:
  // UNPACK drops the axis) and records the copy layout.
  // SPLIT and SPLIT_V copy quantized values whatever the outputs' parameters
  // (LiteRT does not compare them); UNPACK requires them equal, as LiteRT.
  void finish(PrepareContext& ctx, int32_t axis, const std::vector<int64_t>& sizes,
              bool keep_axis) {
    const TensorView& in = ctx.input(value_input_);
    const size_t elem = element_size(ctx, in, "input");
    if (ctx.num_outputs() != sizes.size())
      ctx.fail("splits into {} pieces but has {} outputs", sizes.size(), ctx.num_outputs());
    int64_t inner = 1;
    for (int d = axis + 1; d < in.rank(); ++d) inner *= in.dim(d);
    outer_ = 1;
    for (int d = 0; d < axis; ++d) outer_ *= in.dim(d);
    piece_bytes_.clear();
    for (size_t j = 0; j < sizes.size(); ++j) {
      if (keep_axis)
        expect_same_element_type(ctx, in, "input", ctx.output(j));
      else
        expect_same_type(ctx, in, "input", ctx.output(j));
      std::vector<int32_t> shape(in.shape.begin(), in.shape.end());
      if (keep_axis)
        shape[static_cast<size_t>(axis)] = static_cast<int32_t>(sizes[j]);
      else
        shape.erase(shape.begin() + axis);
      ctx.set_output_shape(j, std::move(shape));
      piece_bytes_.push_back(static_cast<size_t>(sizes[j] * inner) * elem);
    }
  }

  // A single value from a constant axis input, normalised against `rank`.
  static int32_t axis_input(const PrepareContext& ctx, size_t input, int rank) {
    const std::vector<int64_t> axis = ctx.constant_ints(input, "axis");
    if (axis.size() != 1) ctx.fail("axis tensor must hold one value, has {}", axis.size());
    return normalize_axis(ctx, axis[0], rank, "axis");
  }

  size_t value_input_ = 0;
  int64_t outer_ = 1;
  std::vector<size_t> piece_bytes_;  // bytes each output takes from one outer row
};

// Inputs: axis, value. num_splits equal pieces.
class Split : public SplitBase {
 public:
  explicit Split(const Op& op) : num_splits_(op.options.get_or_default<opt::Split>().num_splits) {
    value_input_ = 1;
  }

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    const TensorView& in = ctx.input(1);
    const int32_t axis = axis_input(ctx, 0, in.rank());
    if (num_splits_ <= 0) ctx.fail("num_splits is {}, expected at least 1", num_splits_);
    if (in.dim(axis) % num_splits_ != 0)
      ctx.fail("dimension {} of input tensor {} '{}' (size {}) does not split into {} equal pieces",
               axis, in.index, in.name(), in.dim(axis), num_splits_);
    finish(ctx, axis,
           std::vector<int64_t>(static_cast<size_t>(num_splits_), in.dim(axis) / num_splits_),
           true);
  }

 private:
  int32_t num_splits_;
};

// Inputs: value, size_splits (one entry may be -1), axis.
class SplitV : public SplitBase {
 public:
  explicit SplitV(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 3);
    const TensorView& in = ctx.input(0);
    const int32_t axis = axis_input(ctx, 2, in.rank());
    std::vector<int64_t> sizes = ctx.constant_ints(1, "size_splits");
    int64_t known = 0;
    int stretch = -1;
    for (size_t j = 0; j < sizes.size(); ++j) {
      if (sizes[j] == -1) {
        if (stretch >= 0) ctx.fail("size_splits [{}] has more than one -1", fmt::join(sizes, ","));
        stretch = static_cast<int>(j);
      } else if (sizes[j] < 0) {
        ctx.fail("size_splits [{}] has negative size {}", fmt::join(sizes, ","), sizes[j]);
      } else {
        known += sizes[j];
      }
    }
    const int64_t total = in.dim(axis);
    if (stretch >= 0 && known <= total)
      sizes[static_cast<size_t>(stretch)] = total - known;
    else if (stretch >= 0 || known != total)
      ctx.fail("size_splits [{}] do not add up to dimension {} of input tensor {} '{}' (size {})",
               fmt::join(sizes, ","), axis, in.index, in.name(), total);
    finish(ctx, axis, sizes, true);
  }
};

// One output per index along axis; the axis disappears.
class Unpack : public SplitBase {
 public:
  explicit Unpack(const Op& op) : options_(op.options.get_or_default<opt::Unpack>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    const TensorView& in = ctx.input(0);
    const int32_t axis = normalize_axis(ctx, options_.axis, in.rank(), "axis");
    if (options_.num != in.dim(axis))
      ctx.fail("num is {}, but dimension {} of input tensor {} '{}' has size {}", options_.num,
               axis, in.index, in.name(), in.dim(axis));
    finish(ctx, axis, std::vector<int64_t>(static_cast<size_t>(in.dim(axis)), 1), false);
  }

 private:
  opt::Unpack options_;
};

}  // namespace

void register_split(Registry& r) {
  r.add_any(BuiltinOp::Split, make_kernel<Split>);
  r.add_any(BuiltinOp::SplitV, make_kernel<SplitV>);
  r.add_any(BuiltinOp::Unpack, make_kernel<Unpack>);
}

}  // namespace octet::kernels
