// CUMSUM along the axis of a constant scalar input, with TFLite's
// `exclusive` (each output excludes its own element) and `reverse` (sum from
// the end). Sums run in the element type, left to right along the walk as
// reference/cumsum.h does; integer sums wrap around.
#include <type_traits>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

class Cumsum : public Kernel {
 public:
  explicit Cumsum(const Op& op) : options_(op.options.get_or_default<opt::Cumsum>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 2);
    ctx.expect_outputs(1);
    const TensorView& in = ctx.input(0);
    expect_not_quantized(ctx, in, "input");
    if (in.dtype != DType::Float32 && in.dtype != DType::Int32 && in.dtype != DType::Int64)
      ctx.fail("input tensor {} '{}' is {}, expected float32, int32 or int64", in.index, in.name(),
               dtype_name(in.dtype));
    ctx.expect_dtype(ctx.output(0), in.dtype, "output");
    const std::vector<int64_t> axis = ctx.constant_ints(1, "axis");
    if (axis.size() != 1) ctx.fail("axis tensor must hold one value, has {}", axis.size());
    const int32_t a = normalize_axis(ctx, axis[0], in.rank(), "axis");
    outer_ = inner_ = 1;
    for (int d = 0; d < a; ++d) outer_ *= in.dim(d);
    for (int d = a + 1; d < in.rank(); ++d) inner_ *= in.dim(d);
    depth_ = in.dim(a);
    ctx.set_output_shape(0, std::vector<int32_t>(in.shape.begin(), in.shape.end()));
  }

  void eval(const EvalContext& ctx) override {
    const TensorView& in = ctx.inputs[0];
    switch (in.dtype) {
      case DType::Float32:
        return run(in.data_as<const float>(), ctx.outputs[0].data_as<float>());
      case DType::Int32:
        return run(in.data_as<const int32_t>(), ctx.outputs[0].data_as<int32_t>());
      default:
        return run(in.data_as<const int64_t>(), ctx.outputs[0].data_as<int64_t>());
    }
  }

 private:
  template <class T>
  static T add(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
    } else {
      return a + b;
    }
  }

  template <class T>
  void run(const T* in, T* out) const {
    // Each (outer, inner) pair is one independent line of depth_ elements,
    // inner_ apart in memory.
    for (int64_t o = 0; o < outer_; ++o)
      for (int64_t i = 0; i < inner_; ++i) {
        const int64_t base = o * depth_ * inner_ + i;
        T acc = T(0);
        for (int64_t k = 0; k < depth_; ++k) {
          const int64_t at = base + (options_.reverse ? depth_ - 1 - k : k) * inner_;
          const T v = in[at];  // read first: in and out may be one buffer
          if (options_.exclusive) {
            out[at] = acc;
            acc = add(acc, v);
          } else {
            acc = add(acc, v);
            out[at] = acc;
          }
        }
      }
  }

  opt::Cumsum options_;
  int64_t outer_ = 1, inner_ = 1, depth_ = 0;
};

}  // namespace

void register_cumsum(Registry& r) { r.add(BuiltinOp::Cumsum, make_kernel<Cumsum>); }

}  // namespace octet::kernels
