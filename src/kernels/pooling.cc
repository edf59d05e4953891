// AVERAGE_POOL_2D and MAX_POOL_2D, NHWC, SAME/VALID padding, fused
// activation. As TFLite, padded positions are not part of the window: the
// average divides by the number of input elements the window covers (so a
// SAME-padded corner averages fewer values), and the max ignores them.
#include <algorithm>
#include <limits>

#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

enum class PoolKind { Average, Max };

template <PoolKind kKind>
class Pool2D final : public Kernel {
 public:
  explicit Pool2D(const Op& op) : options_(op.options.get_or_default<opt::Pool2D>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    expect_float32(ctx, input, "input");
    expect_float32(ctx, ctx.output(0), "output");
    ctx.expect_rank(input, 4, 4, "input");
    expect_clamp_activation(ctx, options_.activation);
    batches_ = input.dim(0);
    channels_ = input.dim(3);
    h_ = window_axis(ctx, "height", options_.padding, input.dim(1), options_.filter_h,
                     options_.stride_h, 1);
    w_ = window_axis(ctx, "width", options_.padding, input.dim(2), options_.filter_w,
                     options_.stride_w, 1);
    ctx.set_output_shape(0, {batches_, h_.out, w_.out, channels_});
  }

  void eval(const EvalContext& ctx) override {
    const float* input = ctx.inputs[0].data_as<const float>();
    float* output = ctx.outputs[0].data_as<float>();
    const FloatRange range = activation_range(options_.activation);
    const int64_t rows = int64_t{batches_} * h_.out;
    const int64_t work = rows * w_.out * channels_ * h_.filter * w_.filter;
#pragma omp parallel for schedule(dynamic) if (rows > 1 && work >= kMinParallelMacs)
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t b = row / h_.out;
      const int32_t oy = static_cast<int32_t>(row % h_.out);
      // The window clamped to the input, as TFLite's filter_{x,y}_{start,end}.
      const int32_t y0 = oy * h_.stride - h_.pad;
      const int32_t ky0 = std::max(0, -y0), ky1 = std::min(h_.filter, h_.in - y0);
      for (int32_t ox = 0; ox < w_.out; ++ox) {
        const int32_t x0 = ox * w_.stride - w_.pad;
        const int32_t kx0 = std::max(0, -x0), kx1 = std::min(w_.filter, w_.in - x0);
        float* out = output + (row * w_.out + ox) * channels_;
        const float init = kKind == PoolKind::Max ? std::numeric_limits<float>::lowest() : 0.f;
        std::fill(out, out + channels_, init);
        for (int32_t ky = ky0; ky < ky1; ++ky) {
          for (int32_t kx = kx0; kx < kx1; ++kx) {
            const float* in = input + ((b * h_.in + y0 + ky) * w_.in + x0 + kx) * channels_;
            if constexpr (kKind == PoolKind::Max) {
#pragma omp simd
              for (int32_t c = 0; c < channels_; ++c) out[c] = std::max(out[c], in[c]);
            } else {
#pragma omp simd
              for (int32_t c = 0; c < channels_; ++c) out[c] += in[c];
            }
          }
        }
        if constexpr (kKind == PoolKind::Average) {
          // Never empty: SAME padding is less than the window (TFLite's
          // kernel would fail on an empty window; it cannot happen here).
          const float count = static_cast<float>(std::max(0, ky1 - ky0) * std::max(0, kx1 - kx0));
#pragma omp simd
          for (int32_t c = 0; c < channels_; ++c) out[c] = clamp_to(out[c] / count, range);
        } else {
#pragma omp simd
          for (int32_t c = 0; c < channels_; ++c) out[c] = clamp_to(out[c], range);
        }
      }
    }
  }

 private:
  opt::Pool2D options_;
  WindowAxis h_, w_;
  int32_t batches_ = 0, channels_ = 0;
};

}  // namespace

void register_pooling(Registry& registry) {
  registry.add(BuiltinOp::AveragePool2d, make_kernel<Pool2D<PoolKind::Average>>);
  registry.add(BuiltinOp::MaxPool2d, make_kernel<Pool2D<PoolKind::Max>>);
}

}  // namespace octet::kernels
