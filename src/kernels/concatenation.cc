// CONCATENATION: inputs joined along one axis. Seen from the axis, every
// input is `outer` rows of (its axis size × inner) elements, and the output
// row is those rows side by side; eval copies them with memcpy.
//
// LiteRT refuses a fused activation here (concatenation.cc requires NONE);
// octet applies it on float32 as the schema describes, and refuses it on
// other dtypes.
//
// Quantized inputs follow LiteRT's Prepare: int8 inputs must have exactly
// the output's scale and zero point (its int8 kernel does not rescale);
// int16 ones need zero point 0 and are copied whatever their scales; uint8
// inputs whose parameters differ from the output's are requantized as its
// ConcatenationWithScaling does, in float:
//   q_out = clamp(round(q_in·s + b) + zp_out, 0, 255),
//   s = s_in · (1/s_out), b = −zp_in·s.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"
#include "kernels/quant_math.h"

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
    const bool quantized = out.quant != nullptr && is_quantized_tensor(out.dtype, *out.quant);
    rescales_.clear();
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const TensorView& t = ctx.input(i);
      const std::string role = fmt::format("input {}", i);
      if (quantized)
        rescales_.push_back(check_quantized_input(ctx, t, role, out));
      else
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
        const std::byte* src = ctx.inputs[i].data + static_cast<size_t>(o) * n;
        if (i < rescales_.size() && rescales_[i].active)
          rescale_uint8(rescales_[i], reinterpret_cast<const uint8_t*>(src),
                        reinterpret_cast<uint8_t*>(dst), n);
        else if (n > 0)
          std::memcpy(dst, src, n);
        dst += n;
      }
    if (clamp_) {
      float* v = ctx.outputs[0].data_as<float>();
      const int64_t n = ctx.outputs[0].num_elements();
      for (int64_t k = 0; k < n; ++k) v[k] = clamp_to(v[k], range_);
    }
  }

 private:
  // A uint8 input requantized to the output's parameters.
  struct Rescale {
    bool active = false;
    float scale = 1.f, bias = 0.f;
    int32_t out_zero_point = 0;
  };

  // LiteRT's per-dtype rule for quantized inputs (see the file comment).
  static Rescale check_quantized_input(const PrepareContext& ctx, const TensorView& t,
                                       const std::string& role, const TensorView& out) {
    if (t.dtype != out.dtype)
      ctx.fail("{} tensor {} '{}' is {}, but output tensor {} '{}' is {}", role, t.index, t.name(),
               dtype_name(t.dtype), out.index, out.name(), dtype_name(out.dtype));
    const TensorQuant in_q = per_tensor_quant(ctx, t, role);
    const TensorQuant out_q = per_tensor_quant(ctx, out, "output");
    const bool same = in_q.scale == out_q.scale && in_q.zero_point == out_q.zero_point;
    Rescale r;
    switch (out.dtype) {
      case DType::Int8:
        if (!same)
          ctx.fail(
              "{} tensor {} '{}' has scale {} and zero point {}, output tensor {} '{}' has scale {} "
              "and zero point {}; int8 CONCATENATION does not rescale (LiteRT requires equal "
              "parameters)",
              role, t.index, t.name(), in_q.scale, in_q.zero_point, out.index, out.name(),
              out_q.scale, out_q.zero_point);
        break;
      case DType::Int16:
        break;  // zero points are 0 (per_tensor_quant); LiteRT copies int16 values as they are
      case DType::UInt8:
        if (!same) {
          r.active = true;
          r.scale = in_q.scale * (1.f / out_q.scale);
          r.bias = static_cast<float>(-in_q.zero_point) * r.scale;
          r.out_zero_point = out_q.zero_point;
        }
        break;
      default:
        ctx.fail("output tensor {} '{}' is quantized {}; expected int8, uint8 or int16", out.index,
                 out.name(), dtype_name(out.dtype));
    }
    return r;
  }

  static void rescale_uint8(const Rescale& r, const uint8_t* src, uint8_t* dst, size_t n) {
    for (size_t j = 0; j < n; ++j) {
      // Bounded before the cast (undefined beyond int32); anything that far
      // out clamps to 0 or 255 either way.
      const float f = std::clamp(std::round(static_cast<float>(src[j]) * r.scale + r.bias), -1e9f, 1e9f);
      const int32_t v = static_cast<int32_t>(f) + r.out_zero_point;
      dst[j] = static_cast<uint8_t>(std::clamp(v, 0, 255));
    }
  }

  opt::Concatenation options_;
  std::vector<Rescale> rescales_;  // per input; empty unless the output is quantized
  int64_t outer_ = 1;
  std::vector<size_t> chunk_bytes_;  // bytes each input contributes per outer row
  bool clamp_ = false;
  FloatRange range_;
};

}  // namespace

void register_concatenation(Registry& r) {
  r.add_any(BuiltinOp::Concatenation, make_kernel<Concatenation>);
}

}  // namespace octet::kernels
