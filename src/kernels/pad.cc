// PAD, PADV2 and MIRROR_PAD. paddings is a constant int32/int64 [rank, 2]
// tensor of (before, after) counts.
//
// PAD/PADV2 fill the output with the pad value and copy the input into the
// interior box with a copy plan. PAD pads with zero, which for a quantized
// output means its zero point (as LiteRT). PADV2's value is a one-element
// input of the input's dtype, read at eval; when quantized, LiteRT requires
// it to carry the output's scale and zero point. LiteRT does not compare
// the input's parameters with the output's: the integers are copied as they
// are, and so octet copies them.
//
// MIRROR_PAD (whose LiteRT Prepare requires equal parameters) maps every output coordinate to an input coordinate per
// dimension (tables built in prepare): REFLECT mirrors around the edge
// element, SYMMETRIC repeats it, as LiteRT's GetInputDimension.
#include <array>
#include <cstring>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

constexpr int kMaxPadRank = 8;

struct Paddings {
  std::vector<int64_t> before, after;
  std::vector<int32_t> shape;  // output shape
};

Paddings read_paddings(const PrepareContext& ctx, const TensorView& in) {
  const TensorView& p = ctx.input(1);
  if (p.rank() != 2 || p.dim(0) != in.rank() || p.dim(1) != 2)
    ctx.fail("paddings tensor {} '{}' has shape [{}], expected [{},2]", p.index, p.name(),
             fmt::join(p.shape, ","), in.rank());
  const std::vector<int64_t> values = ctx.constant_ints(1, "paddings");
  Paddings out;
  for (int d = 0; d < in.rank(); ++d) {
    const int64_t b = values[static_cast<size_t>(2 * d)],
                  a = values[static_cast<size_t>(2 * d + 1)];
    const int64_t size = b + a + in.dim(d);
    if (b < 0 || a < 0 || size > INT32_MAX)
      ctx.fail("paddings ({}, {}) of dimension {} are invalid", b, a, d);
    out.before.push_back(b);
    out.after.push_back(a);
    out.shape.push_back(static_cast<int32_t>(size));
  }
  return out;
}

// PAD (2 inputs) and PADV2 (3 inputs).
class Pad : public Kernel {
 public:
  explicit Pad(const Op&) {}

  void prepare(PrepareContext& ctx) override {
    const bool v2 = ctx.num_inputs() == 3;
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    const TensorView& out = ctx.output(0);
    elem_ = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", out);
    ctx.expect_rank(in, 0, kMaxPadRank, "input");
    const Paddings p = read_paddings(ctx, in);
    const bool quantized = out.quant != nullptr && is_quantized_tensor(out.dtype, *out.quant);

    has_value_input_ = v2 && ctx.input(2).present();
    std::memset(zero_.data(), 0, zero_.size());
    if (has_value_input_) {
      const TensorView& v = ctx.input(2);
      if (v.dtype != in.dtype || v.num_elements() != 1)
        ctx.fail("constant_values tensor {} '{}' is {} [{}], expected one {} value", v.index,
                 v.name(), dtype_name(v.dtype), fmt::join(v.shape, ","), dtype_name(in.dtype));
      if (quantized && (v.quant == nullptr || v.quant->scale.size() != 1 ||
                        v.quant->scale != out.quant->scale ||
                        v.quant->zero_point != out.quant->zero_point))
        ctx.fail(
            "constant_values tensor {} '{}' must have the scale and zero point of output tensor "
            "{} '{}' (LiteRT does not rescale the pad value)",
            v.index, v.name(), out.index, out.name());
    } else if (quantized && !out.quant->zero_point.empty()) {
      // Zero in a quantized output is its zero point.
      const int64_t zp = out.quant->zero_point[0];
      const IntRange range = dtype_range(in.dtype);
      if (zp < range.min || zp > range.max)
        ctx.fail("output tensor {} '{}' has zero point {}, outside {}'s range", out.index,
                 out.name(), zp, dtype_name(out.dtype));
      if (in.dtype == DType::Int8)
        zero_[0] = static_cast<std::byte>(static_cast<int8_t>(zp));
      else if (in.dtype == DType::UInt8)
        zero_[0] = static_cast<std::byte>(static_cast<uint8_t>(zp));
      else if (in.dtype == DType::Int16) {
        const int16_t z = static_cast<int16_t>(zp);
        std::memcpy(zero_.data(), &z, sizeof z);
      }
    }

    // The input lands at offset Σ before·stride of the output.
    const std::vector<int64_t> out_strides = row_major_strides(p.shape);
    const std::vector<int64_t> in_strides = row_major_strides(in.shape);
    std::vector<int64_t> dims(in.shape.begin(), in.shape.end());
    int64_t offset = 0;
    for (int d = 0; d < in.rank(); ++d)
      offset += p.before[static_cast<size_t>(d)] * out_strides[static_cast<size_t>(d)];
    plan_ = make_copy_plan(dims, in_strides, out_strides, 0, offset, elem_);
    out_count_ = element_count(p.shape);
    ctx.set_output_shape(0, p.shape);
  }

  void eval(const EvalContext& ctx) override {
    const std::byte* value = has_value_input_ ? ctx.inputs[2].data : zero_.data();
    fill_elements(ctx.outputs[0].data, out_count_, value, elem_);
    run_copy_plan(plan_, ctx.inputs[0].data, ctx.outputs[0].data);
  }

 private:
  size_t elem_ = 0;
  bool has_value_input_ = false;
  std::array<std::byte, 16> zero_{};
  int64_t out_count_ = 0;
  CopyPlan plan_;
};

class MirrorPad : public Kernel {
 public:
  explicit MirrorPad(const Op& op) : mode_(op.options.get_or_default<opt::MirrorPad>().mode) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    elem_ = element_size(ctx, in, "input");
    expect_same_type(ctx, in, "input", ctx.output(0));
    expect_symmetric_int16(ctx, in, "input");
    ctx.expect_rank(in, 0, kMaxPadRank, "input");
    if (mode_ != 0 && mode_ != 1)
      ctx.fail("mirror pad mode {} is unknown (0 REFLECT, 1 SYMMETRIC)", mode_);
    const Paddings p = read_paddings(ctx, in);
    // REFLECT does not repeat the edge element, so it can reach one element
    // less far than SYMMETRIC.
    const int64_t reflect = mode_ == 0 ? 1 : 0;

    rank_ = in.rank();
    const std::vector<int64_t> in_strides = row_major_strides(in.shape);
    maps_.assign(static_cast<size_t>(rank_), {});
    for (int d = 0; d < rank_; ++d) {
      const int64_t n = in.dim(d), before = p.before[static_cast<size_t>(d)],
                    after = p.after[static_cast<size_t>(d)];
      if (before > n - reflect || after > n - reflect)
        ctx.fail("paddings ({}, {}) of dimension {} exceed what {} allows for size {}", before,
                 after, d, mode_ == 0 ? "REFLECT" : "SYMMETRIC", n);
      std::vector<int64_t>& map = maps_[static_cast<size_t>(d)];
      for (int64_t o = 0; o < p.shape[static_cast<size_t>(d)]; ++o) {
        int64_t i = o - before;
        if (i < 0)
          i = -i - 1 + reflect;  // mirrored before the start
        else if (i >= n)
          i = 2 * n - i - 1 - reflect;  // mirrored past the end
        map.push_back(i * in_strides[static_cast<size_t>(d)]);
      }
      out_dims_[d] = p.shape[static_cast<size_t>(d)];
    }
    ctx.set_output_shape(0, p.shape);
  }

  void eval(const EvalContext& ctx) override {
    switch (elem_) {
      case 1:
        return run<1>(ctx);
      case 2:
        return run<2>(ctx);
      case 4:
        return run<4>(ctx);
      case 8:
        return run<8>(ctx);
      default:
        return run<16>(ctx);
    }
  }

 private:
  template <size_t Size>
  void run(const EvalContext& ctx) const {
    const std::byte* src = ctx.inputs[0].data;
    std::byte* dst = ctx.outputs[0].data;
    if (rank_ == 0) {
      std::memcpy(dst, src, Size);
      return;
    }
    for (int d = 0; d < rank_; ++d)
      if (out_dims_[d] == 0) return;
    // Walk output rows; the outer coordinates give the source row, the last
    // dimension's table gives each element.
    const std::vector<int64_t>& last = maps_[static_cast<size_t>(rank_ - 1)];
    std::array<int64_t, kMaxPadRank> idx{};
    while (true) {
      int64_t row = 0;
      for (int d = 0; d + 1 < rank_; ++d)
        row += maps_[static_cast<size_t>(d)][static_cast<size_t>(idx[d])];
      for (int64_t x : last) {
        std::memcpy(dst, src + (row + x) * static_cast<int64_t>(Size), Size);
        dst += Size;
      }
      int d = rank_ - 2;
      for (; d >= 0; --d) {
        if (++idx[d] < out_dims_[d]) break;
        idx[d] = 0;
      }
      if (d < 0) return;
    }
  }

  int8_t mode_;
  size_t elem_ = 0;
  int rank_ = 0;
  std::vector<std::vector<int64_t>> maps_;  // per dimension: output index → input element offset
  std::array<int64_t, kMaxPadRank> out_dims_{};
};

}  // namespace

void register_pad(Registry& r) {
  r.add_any(BuiltinOp::Pad, make_kernel<Pad>);
  r.add_any(BuiltinOp::Padv2, make_kernel<Pad>);
  r.add_any(BuiltinOp::MirrorPad, make_kernel<MirrorPad>);
}

}  // namespace octet::kernels
