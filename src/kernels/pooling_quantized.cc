// AVERAGE_POOL_2D and MAX_POOL_2D on int8 and int16 tensors, as LiteRT's
// builtin kernels compute them (tflite/kernels/pooling.cc: int8 through
// optimized_integer_ops, int16 through reference_integer_ops; both give the
// same integers).
//
// Pooling does not requantize: the output keeps the input's integers, only
// clamped to the fused activation's range in the output's domain. LiteRT
// states the precondition as a debug check (|Δscale| <= 1e-6, equal zero
// points) and otherwise computes garbage; octet refuses such a model.
//
// Average: the window is clamped to the input (padding is not counted), the
// int32 sum is divided by the number of covered elements rounding half away
// from zero ((sum ± count/2) / count, C division), then clamped.
// Max: the largest covered value, then clamped.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/float_prepare.h"
#include "kernels/gemm.h"
#include "kernels/quant_math.h"

namespace octet::kernels {
namespace {

enum class PoolKind { Average, Max };

// Channels are processed in tranches so the accumulators live on the stack
// (LiteRT's kPoolingAccTrancheSize); the result does not depend on it.
constexpr int32_t kTranche = 256;

template <PoolKind kKind>
class QuantizedPool2D final : public Kernel {
 public:
  explicit QuantizedPool2D(const Op& op) : options_(op.options.get_or_default<opt::Pool2D>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(1, 1);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& output = ctx.output(0);
    expect_integer_activation(ctx, input, "input");
    expect_same_dtype(ctx, output, "output", input, "input");
    ctx.expect_rank(input, 4, 4, "input");
    expect_clamp_activation(ctx, options_.activation);
    const TensorQuant in_q = per_tensor_quant(ctx, input, "input");
    const TensorQuant out_q = per_tensor_quant(ctx, output, "output");
    if (std::abs(in_q.scale - out_q.scale) > 1e-6f || in_q.zero_point != out_q.zero_point)
      ctx.fail(
          "input tensor {} '{}' (scale {}, zero point {}) and output tensor {} '{}' (scale {}, "
          "zero point {}) differ; pooling does not requantize (LiteRT requires equal parameters)",
          input.index, input.name(), in_q.scale, in_q.zero_point, output.index, output.name(),
          out_q.scale, out_q.zero_point);
    range_ = activation_range_quantized(options_.activation, output.dtype, out_q.scale,
                                        out_q.zero_point);
    batches_ = input.dim(0);
    channels_ = input.dim(3);
    h_ = window_axis(ctx, "height", options_.padding, input.dim(1), options_.filter_h,
                     options_.stride_h, 1);
    w_ = window_axis(ctx, "width", options_.padding, input.dim(2), options_.filter_w,
                     options_.stride_w, 1);
    ctx.set_output_shape(0, {batches_, h_.out, w_.out, channels_});
  }

  void eval(const EvalContext& ctx) override {
    if (ctx.inputs[0].dtype == DType::Int8)
      run(ctx.inputs[0].data_as<const int8_t>(), ctx.outputs[0].data_as<int8_t>());
    else
      run(ctx.inputs[0].data_as<const int16_t>(), ctx.outputs[0].data_as<int16_t>());
  }

 private:
  template <class T>
  void run(const T* input, T* output) const {
    const int64_t rows = int64_t{batches_} * h_.out;
    const int64_t work = rows * w_.out * channels_ * h_.filter * w_.filter;
#pragma omp parallel for schedule(dynamic) if (rows > 1 && work >= kMinParallelMacs)
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t b = row / h_.out;
      const int32_t oy = static_cast<int32_t>(row % h_.out);
      // The window clamped to the input, as LiteRT's filter_{x,y}_{start,end}.
      const int32_t y0 = oy * h_.stride - h_.pad;
      const int32_t ky0 = std::max(0, -y0), ky1 = std::min(h_.filter, h_.in - y0);
      for (int32_t ox = 0; ox < w_.out; ++ox) {
        const int32_t x0 = ox * w_.stride - w_.pad;
        const int32_t kx0 = std::max(0, -x0), kx1 = std::min(w_.filter, w_.in - x0);
        // Never 0: TFLite's SAME padding is smaller than the window and VALID
        // windows lie inside the input (LiteRT fails the op on an empty one).
        const int32_t count = std::max(0, ky1 - ky0) * std::max(0, kx1 - kx0);
        T* out = output + (row * w_.out + ox) * channels_;
        for (int32_t c0 = 0; c0 < channels_; c0 += kTranche) {
          const int32_t n = std::min(kTranche, channels_ - c0);
          int32_t acc[kTranche];
          const int32_t init = kKind == PoolKind::Max ? std::numeric_limits<T>::lowest() : 0;
          std::fill(acc, acc + n, init);
          for (int32_t ky = ky0; ky < ky1; ++ky)
            for (int32_t kx = kx0; kx < kx1; ++kx) {
              const T* in = input + ((b * h_.in + y0 + ky) * w_.in + x0 + kx) * channels_ + c0;
              if constexpr (kKind == PoolKind::Max) {
                for (int32_t c = 0; c < n; ++c) acc[c] = std::max(acc[c], int32_t{in[c]});
              } else {
                // Wraps like the runtime's int32 sum would (only reachable with
                // int16 windows of more than 65536 elements).
                for (int32_t c = 0; c < n; ++c)
                  acc[c] = static_cast<int32_t>(static_cast<uint32_t>(acc[c]) +
                                                static_cast<uint32_t>(int32_t{in[c]}));
              }
            }
          for (int32_t c = 0; c < n; ++c) {
            int32_t v = acc[c];
            if constexpr (kKind == PoolKind::Average) {
              if (count > 0) v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;
            }
            out[c0 + c] = static_cast<T>(clamp_to(v, range_));
          }
        }
      }
    }
  }

  opt::Pool2D options_;
  WindowAxis h_, w_;
  IntRange range_;
  int32_t batches_ = 0, channels_ = 0;
};

}  // namespace

void register_pooling_quantized(Registry& r) {
  r.add(BuiltinOp::AveragePool2d, make_kernel<QuantizedPool2D<PoolKind::Average>>,
        Arithmetic::Integer);
  r.add(BuiltinOp::MaxPool2d, make_kernel<QuantizedPool2D<PoolKind::Max>>, Arithmetic::Integer);
}

}  // namespace octet::kernels
