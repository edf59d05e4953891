// DEPTHWISE_CONV_2D: NHWC input [N, H, W, C], filter [1, KH, KW, C*M],
// optional bias [C*M]; output channel o reads input channel o / M. Stride,
// dilation, SAME/VALID padding and fused activation as TFLite.
//
// M (depth multiplier) comes from the shapes, as current TFLite computes it
// (ComputeDepthMultiplier); the options' depth_multiplier field is not
// trusted, since some converters leave it wrong or zero.
//
// A direct loop: for each output pixel, channels are walked in blocks of up
// to 32 whose sums stay in registers across all taps, so the inner loop is a
// vector multiply-add over contiguous channels. The taps are a list of
// offsets made at prepare (border pixels filter it), so the hot loop has no
// bounds checks and little address arithmetic.
//
// Order of float additions, as LiteRT's XNNPACK (checked bit for bit on
// pose_landmark_lite): every sum starts at the bias, then adds the taps'
// products one at a time in (kx, ky) order, x-major (XNNPACK's depthwise
// indirection lists a window column by column), each product rounded before
// the add. Not TFLite's reference order ((ky, kx), bias last).
#include <omp.h>

#include <algorithm>
#include <cstring>

#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

// Four floats in one SSE register (GCC/Clang vector extension); unaligned
// loads and stores go through memcpy.
using Float4 = float __attribute__((vector_size(16)));
inline Float4 load4(const float* p) {
  Float4 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void store4(float* p, Float4 v) { std::memcpy(p, &v, sizeof(v)); }

// The taps of one axis that land inside the input: k in [begin, end).
struct TapRange {
  int32_t begin = 0, end = 0;
};
inline TapRange valid_taps(const WindowAxis& a, int32_t out_index) {
  const int32_t origin = out_index * a.stride - a.pad;
  TapRange r{0, a.filter};
  if (origin < 0) r.begin = (-origin + a.dilation - 1) / a.dilation;
  const int32_t room = a.in - 1 - origin;  // largest k * dilation that stays inside
  r.end = room < 0 ? 0 : std::min(a.filter, room / a.dilation + 1);
  if (r.end < r.begin) r.end = r.begin;
  return r;
}

class DepthwiseConv2D final : public Kernel {
 public:
  explicit DepthwiseConv2D(const Op& op)
      : options_(op.options.get_or_default<opt::DepthwiseConv2D>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(2, 3);
    ctx.expect_outputs(1);
    const TensorView& input = ctx.input(0);
    const TensorView& filter = ctx.input(1);
    expect_float32(ctx, input, "input");
    expect_float32(ctx, filter, "filter");
    expect_float32(ctx, ctx.output(0), "output");
    ctx.expect_rank(input, 4, 4, "input");
    ctx.expect_rank(filter, 4, 4, "filter");
    expect_clamp_activation(ctx, options_.activation);
    if (filter.dim(0) != 1)
      ctx.fail("filter tensor {} '{}' has shape [{}], expected [1, KH, KW, channels]",
               filter.index, filter.name(), fmt::join(filter.shape, ","));

    batches_ = input.dim(0);
    in_channels_ = input.dim(3);
    out_channels_ = filter.dim(3);
    if (in_channels_ <= 0 || out_channels_ % in_channels_ != 0)
      ctx.fail("filter tensor {} '{}' has {} channels, not a multiple of the input's {} "
               "(tensor {} '{}')", filter.index, filter.name(), out_channels_, in_channels_,
               input.index, input.name());
    multiplier_ = out_channels_ / in_channels_;
    range_ = activation_range(options_.activation);
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) {
      const TensorView& bias = ctx.input(2);
      expect_float32(ctx, bias, "bias");
      if (bias.num_elements() != out_channels_)
        ctx.fail("bias tensor {} '{}' has {} elements, expected {} (output channels)",
                 bias.index, bias.name(), bias.num_elements(), out_channels_);
    }
    h_ = window_axis(ctx, "height", options_.padding, input.dim(1), filter.dim(1),
                     options_.stride_h, options_.dilation_h);
    w_ = window_axis(ctx, "width", options_.padding, input.dim(2), filter.dim(2),
                     options_.stride_w, options_.dilation_w);
    ctx.set_output_shape(0, {batches_, h_.out, w_.out, out_channels_});

    all_taps_.clear();
    for (int32_t kx = 0; kx < w_.filter; ++kx)
      for (int32_t ky = 0; ky < h_.filter; ++ky)
        all_taps_.push_back({(int64_t{ky} * h_.dilation * w_.in + int64_t{kx} * w_.dilation) *
                                 in_channels_,
                             (int64_t{ky} * w_.filter + kx) * out_channels_});
    // Each thread lists the taps of border pixels in its own scratch slot.
    threads_ = std::max(1, omp_get_max_threads());
    ctx.request_scratch(static_cast<size_t>(threads_) * all_taps_.size() * sizeof(Tap));
  }

  void eval(const EvalContext& ctx) override {
    const float* input = ctx.inputs[0].data_as<const float>();
    const float* filter = ctx.inputs[1].data_as<const float>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    Tap* scratch = reinterpret_cast<Tap*>(ctx.scratch.data());
    const int64_t rows = int64_t{batches_} * h_.out;
    const int64_t taps = int64_t{h_.filter} * w_.filter;
    const bool parallel = rows > 1 && rows * w_.out * out_channels_ * taps >= kMinParallelMacs;
#pragma omp parallel num_threads(std::min(threads_, omp_get_max_threads())) if (parallel)
    {
      Tap* border_taps = scratch + omp_get_thread_num() * taps;
#pragma omp for schedule(dynamic)
      for (int64_t row = 0; row < rows; ++row) {
        const int64_t b = row / h_.out;
        const int32_t oy = static_cast<int32_t>(row % h_.out);
        const TapRange ty = valid_taps(h_, oy);
        const float* image = input + b * h_.in * w_.in * in_channels_;
        for (int32_t ox = 0; ox < w_.out; ++ox) {
          const TapRange tx = valid_taps(w_, ox);
          // Offset of tap (0, 0), possibly outside the image; every tap in
          // the list adds its own offset and lands inside.
          const int64_t origin =
              (int64_t{oy * h_.stride - h_.pad} * w_.in + (ox * w_.stride - w_.pad)) * in_channels_;
          Window window{image, origin, filter, all_taps_.data(), taps};
          if (ty.end - ty.begin != h_.filter || tx.end - tx.begin != w_.filter) {
            window.taps = border_taps;
            window.count = 0;
            for (int32_t kx = tx.begin; kx < tx.end; ++kx)
              for (int32_t ky = ty.begin; ky < ty.end; ++ky)
                border_taps[window.count++] = all_taps_[kx * h_.filter + ky];
          }
          float* out = output + ((row * w_.out) + ox) * out_channels_;
          if (multiplier_ == 1) {
            pixel_channels(window, bias, out);
          } else {
            pixel_with_multiplier(window, bias, out);
          }
        }
      }
    }
  }

 private:
  // One filter tap: where it reads relative to the window origin, and where
  // its weights start.
  struct Tap {
    int64_t input_offset;
    int64_t filter_offset;
  };
  // One output pixel's window: its origin and the taps that land inside.
  struct Window {
    const float* image;  // this batch's input
    int64_t origin;
    const float* filter;
    const Tap* taps;
    int64_t count;
  };

  // Channels [c0, c0 + 4V) of one pixel with M == 1: V vectors of 4 sums
  // stay in registers over all taps. Written with vector types because the
  // auto-vectorizer keeps these sums in memory once eval is inlined.
  template <int V>
  void block(const Window& win, int64_t c0, const float* bias, float* out) const {
    Float4 acc[V] = {};
    if (bias != nullptr)
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) acc[v] = load4(bias + c0 + 4 * v);
    const float* in = win.image + win.origin + c0;
    const float* f = win.filter + c0;
    for (int64_t t = 0; t < win.count; ++t) {
      const float* x = in + win.taps[t].input_offset;
      const float* w = f + win.taps[t].filter_offset;
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) acc[v] += load4(x + 4 * v) * load4(w + 4 * v);
    }
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) store4(out + c0 + 4 * v, acc[v]);
    finish(c0, 4 * V, bias, out);
  }

  // The last channels (fewer than 4), one at a time.
  void tail(const Window& win, int64_t c, const float* bias, float* out) const {
    float acc = bias != nullptr ? bias[c] : 0.f;
    for (int64_t t = 0; t < win.count; ++t)
      acc += win.image[win.origin + win.taps[t].input_offset + c] *
             win.filter[win.taps[t].filter_offset + c];
    out[c] = acc;
    finish(c, 1, bias, out);
  }

  // The activation, once the sum is complete.
  void finish(int64_t c0, int64_t n, const float* /*bias*/, float* out) const {
    for (int64_t j = c0; j < c0 + n; ++j) out[j] = clamp_to(out[j], range_);
  }

  void pixel_channels(const Window& win, const float* bias, float* out) const {
    int64_t c = 0;
    for (; c + 32 <= out_channels_; c += 32) block<8>(win, c, bias, out);
    switch ((out_channels_ - c) / 4) {  // one more block for what is left of 32
      case 7: block<7>(win, c, bias, out); break;
      case 6: block<6>(win, c, bias, out); break;
      case 5: block<5>(win, c, bias, out); break;
      case 4: block<4>(win, c, bias, out); break;
      case 3: block<3>(win, c, bias, out); break;
      case 2: block<2>(win, c, bias, out); break;
      case 1: block<1>(win, c, bias, out); break;
      default: break;
    }
    for (c += (out_channels_ - c) / 4 * 4; c < out_channels_; ++c) tail(win, c, bias, out);
  }

  // M > 1 (rare in practice): output channel c*M + m reads input channel c.
  void pixel_with_multiplier(const Window& win, const float* bias, float* out) const {
    if (bias != nullptr) std::copy(bias, bias + out_channels_, out);
    else std::fill(out, out + out_channels_, 0.f);
    for (int64_t t = 0; t < win.count; ++t) {
      const float* in = win.image + win.origin + win.taps[t].input_offset;
      const float* f = win.filter + win.taps[t].filter_offset;
      for (int32_t c = 0; c < in_channels_; ++c)
        for (int32_t m = 0; m < multiplier_; ++m)
          out[c * multiplier_ + m] += in[c] * f[c * multiplier_ + m];
    }
    add_bias_and_clamp(out, 1, out_channels_, out_channels_, nullptr, range_);
  }

  opt::DepthwiseConv2D options_;
  WindowAxis h_, w_;
  FloatRange range_;
  std::vector<Tap> all_taps_;  // every tap in (kx, ky) order
  int threads_ = 1;
  int32_t batches_ = 0, in_channels_ = 0, out_channels_ = 0, multiplier_ = 1;
  bool has_bias_ = false;
};

}  // namespace

void register_depthwise_conv_2d(Registry& registry) {
  registry.add(BuiltinOp::DepthwiseConv2d, make_kernel<DepthwiseConv2D>);
}

}  // namespace octet::kernels
