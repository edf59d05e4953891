// CONV_2D, NHWC input [N, H, W, C], filter [O, KH, KW, C / groups], optional
// bias [O], stride, dilation, SAME/VALID padding (TFLite's formulas), fused
// activation. Grouped convolution as TFLite defines it: groups = C divided by
// the filter's input channels, output channel o reads input channels of
// group o / (O / groups).
//
// The arithmetic is im2col + GEMM (gemm.h, bias first, taps in order): the input patches of a block of output
// pixels are copied into rows [pixels, KH*KW*Cg] that line up with the
// filter's rows, and one product gives the block's outputs. A 1x1 stride-1
// convolution needs no copy: the input already is [pixels, C]. Blocks are
// sized to stay in L2 and are spread over threads, each with its own
// scratch slot.
#include <omp.h>

#include <algorithm>
#include <cstring>

#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

// Bytes of im2col rows a thread fills before multiplying them; with the
// filter this stays within the 512 KiB - 1 MiB L2 of current x86 cores.
constexpr int64_t kIm2colBlockBytes = 256 * 1024;
constexpr int64_t kMinBlockPixels = 32;

class Conv2D final : public Kernel {
 public:
  explicit Conv2D(const Op& op) : options_(op.options.get_or_default<opt::Conv2D>()) {}

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

    batches_ = input.dim(0);
    in_channels_ = input.dim(3);
    out_channels_ = filter.dim(0);
    group_channels_ = filter.dim(3);
    if (group_channels_ <= 0 || in_channels_ % group_channels_ != 0)
      ctx.fail("filter tensor {} '{}' [{}] has {} input channels, which do not divide the "
               "input's {} channels (tensor {} '{}') into groups", filter.index, filter.name(),
               fmt::join(filter.shape, ","), group_channels_, in_channels_, input.index,
               input.name());
    groups_ = in_channels_ / group_channels_;
    if (out_channels_ <= 0 || out_channels_ % groups_ != 0)
      ctx.fail("filter tensor {} '{}' has {} output channels, not a positive multiple of the {} "
               "groups", filter.index, filter.name(), out_channels_, groups_);
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

    patch_ = int64_t{h_.filter} * w_.filter * group_channels_;
    pixels_ = int64_t{batches_} * h_.out * w_.out;
    // 1x1, stride 1: SAME and VALID both mean no padding, output = input grid.
    direct_ = h_.filter == 1 && w_.filter == 1 && h_.stride == 1 && w_.stride == 1 && groups_ == 1;
    block_pixels_ = std::min(std::max(kIm2colBlockBytes / (patch_ * 4), kMinBlockPixels),
                             std::max<int64_t>(pixels_, 1));
    const int64_t blocks = (pixels_ + block_pixels_ - 1) / block_pixels_;
    threads_ = static_cast<int>(std::clamp<int64_t>(blocks, 1, omp_get_max_threads()));
    // Each group's filter rows, packed with its bias as the starting value
    // of every output: once here when both are constant, else per eval.
    const int64_t group_out = out_channels_ / groups_;
    group_packed_ = packed_size(patch_, group_out);
    const float* bias = has_bias_ ? ctx.input(2).data_as<const float>() : nullptr;
    packed_.clear();
    int64_t pack_floats = 0;
    if (filter.data != nullptr && (!has_bias_ || bias != nullptr)) {
      packed_.resize(static_cast<size_t>(groups_ * group_packed_));
      pack(filter.data_as<const float>(), bias, packed_.data());
    } else {
      pack_floats = groups_ * group_packed_;
    }
    ctx.request_scratch(static_cast<size_t>(pack_floats + (direct_ ? 0 : threads_ * block_pixels_ * patch_)) *
                        sizeof(float));
  }

  void eval(const EvalContext& ctx) override {
    const float* input = ctx.inputs[0].data_as<const float>();
    const float* filter = ctx.inputs[1].data_as<const float>();
    const float* bias = has_bias_ ? ctx.inputs[2].data_as<const float>() : nullptr;
    float* output = ctx.outputs[0].data_as<float>();
    float* scratch = reinterpret_cast<float*>(ctx.scratch.data());
    const float* packed = packed_.data();
    if (packed_.empty()) {
      pack(filter, bias, scratch);
      packed = scratch;
      scratch += groups_ * group_packed_;
    }
    const int64_t blocks = (pixels_ + block_pixels_ - 1) / block_pixels_;
    const FloatRange range = activation_range(options_.activation);
    auto run_block = [&](int64_t block, float* cols) {
      const int64_t p0 = block * block_pixels_;
      const int64_t count = std::min(block_pixels_, pixels_ - p0);
      const int64_t group_out = out_channels_ / groups_;
      for (int32_t g = 0; g < groups_; ++g) {
        ConstMatrix a{input + p0 * in_channels_, in_channels_, false};
        if (!direct_) {
          im2col(input, p0, count, g, cols);
          a = {cols, patch_, false};
        }
        gemm_packed(count, group_out, patch_, a, packed + g * group_packed_,
                    {output + p0 * out_channels_ + g * group_out, out_channels_}, range);
      }
    };
    // One block: let the product itself use the threads.
    if (blocks == 1 || pixels_ * patch_ * out_channels_ < kMinParallelMacs) {
      for (int64_t b = 0; b < blocks; ++b) run_block(b, scratch);
      return;
    }
    // The runtime may have lowered the thread count since prepare.
#pragma omp parallel num_threads(std::min(threads_, omp_get_max_threads()))
    {
      float* cols = scratch + omp_get_thread_num() * block_pixels_ * patch_;
#pragma omp for schedule(dynamic)
      for (int64_t b = 0; b < blocks; ++b) run_block(b, cols);
    }
  }

 private:
  // Rows [count, KH*KW*Cg] for output pixels p0.. (flattened over batch, y,
  // x), channels of group g; taps outside the input (padding) are zeros.
  void im2col(const float* input, int64_t p0, int64_t count, int32_t g, float* cols) const {
    const int64_t out_hw = int64_t{h_.out} * w_.out;
    const size_t tap_bytes = static_cast<size_t>(group_channels_) * sizeof(float);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = p0 + i;
      const int64_t b = p / out_hw;
      const int32_t oy = static_cast<int32_t>((p % out_hw) / w_.out);
      const int32_t ox = static_cast<int32_t>(p % w_.out);
      float* row = cols + i * patch_;
      for (int32_t ky = 0; ky < h_.filter; ++ky) {
        const int32_t iy = oy * h_.stride - h_.pad + ky * h_.dilation;
        for (int32_t kx = 0; kx < w_.filter; ++kx) {
          const int32_t ix = ox * w_.stride - w_.pad + kx * w_.dilation;
          float* dst = row + (int64_t{ky} * w_.filter + kx) * group_channels_;
          if (iy < 0 || iy >= h_.in || ix < 0 || ix >= w_.in) {
            std::memset(dst, 0, tap_bytes);
          } else {
            const float* src =
                input + ((b * h_.in + iy) * w_.in + ix) * in_channels_ + int64_t{g} * group_channels_;
            std::memcpy(dst, src, tap_bytes);
          }
        }
      }
    }
  }

  // Filter [O, KH, KW, Cg] rows of group g are its output channels; an
  // im2col row is (ky, kx, c) in the same order, so the product sums the taps
  // in (ky, kx, c) order, bias first, as XNNPACK's convolution does.
  void pack(const float* filter, const float* bias, float* packed) const {
    const int64_t group_out = out_channels_ / groups_;
    for (int32_t g = 0; g < groups_; ++g)
      pack_rhs(patch_, group_out, {filter + g * group_out * patch_, patch_, true},
               bias != nullptr ? bias + g * group_out : nullptr, packed + g * group_packed_);
  }

  opt::Conv2D options_;
  WindowAxis h_, w_;
  int32_t batches_ = 0, in_channels_ = 0, out_channels_ = 0, group_channels_ = 0, groups_ = 1;
  int64_t patch_ = 0, pixels_ = 0, block_pixels_ = 1, group_packed_ = 0;
  std::vector<float> packed_;  // filter and bias, when both are constant
  int threads_ = 1;
  bool direct_ = false, has_bias_ = false;
};

}  // namespace

void register_conv_2d(Registry& registry) {
  registry.add(BuiltinOp::Conv2d, make_kernel<Conv2D>);
}

}  // namespace octet::kernels
