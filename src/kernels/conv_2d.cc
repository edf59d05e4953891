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

    s_ = conv_shape(ctx, input, filter, options_);
    has_bias_ = ctx.num_inputs() > 2 && ctx.input(2).present();
    if (has_bias_) {
      const TensorView& bias = ctx.input(2);
      expect_float32(ctx, bias, "bias");
      if (bias.num_elements() != s_.out_channels)
        ctx.fail("bias tensor {} '{}' has {} elements, expected {} (output channels)", bias.index,
                 bias.name(), bias.num_elements(), s_.out_channels);
    }

    // 1x1, stride 1: SAME and VALID both mean no padding, output = input grid.
    direct_ = s_.h.filter == 1 && s_.w.filter == 1 && s_.h.stride == 1 && s_.w.stride == 1 &&
              s_.groups == 1;
    block_pixels_ = std::min(std::max(kIm2colBlockBytes / (s_.patch * 4), kMinBlockPixels),
                             std::max<int64_t>(s_.pixels, 1));
    const int64_t blocks = (s_.pixels + block_pixels_ - 1) / block_pixels_;
    threads_ = static_cast<int>(std::clamp<int64_t>(blocks, 1, omp_get_max_threads()));
    // Each group's filter rows, packed with its bias as the starting value
    // of every output: once here when both are constant, else per eval.
    const int64_t group_out = s_.out_channels / s_.groups;
    group_packed_ = packed_size(s_.patch, group_out);
    const float* bias = has_bias_ ? ctx.input(2).data_as<const float>() : nullptr;
    packed_.clear();
    int64_t pack_floats = 0;
    if (filter.data != nullptr && (!has_bias_ || bias != nullptr)) {
      packed_.resize(static_cast<size_t>(s_.groups * group_packed_));
      pack(filter.data_as<const float>(), bias, packed_.data());
    } else {
      pack_floats = s_.groups * group_packed_;
    }
    ctx.request_scratch(
        static_cast<size_t>(pack_floats + (direct_ ? 0 : threads_ * block_pixels_ * s_.patch)) *
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
      scratch += s_.groups * group_packed_;
    }
    const int64_t blocks = (s_.pixels + block_pixels_ - 1) / block_pixels_;
    const FloatRange range = activation_range(options_.activation);
    auto run_block = [&](int64_t block, float* cols) {
      const int64_t p0 = block * block_pixels_;
      const int64_t count = std::min(block_pixels_, s_.pixels - p0);
      const int64_t group_out = s_.out_channels / s_.groups;
      for (int32_t g = 0; g < s_.groups; ++g) {
        ConstMatrix a{input + p0 * s_.in_channels, s_.in_channels, false};
        if (!direct_) {
          im2col(input, p0, count, g, cols);
          a = {cols, s_.patch, false};
        }
        gemm_packed(count, group_out, s_.patch, a, packed + g * group_packed_,
                    {output + p0 * s_.out_channels + g * group_out, s_.out_channels}, range);
      }
    };
    // One block: let the product itself use the threads.
    if (blocks == 1 || s_.pixels * s_.patch * s_.out_channels < kMinParallelMacs) {
      for (int64_t b = 0; b < blocks; ++b) run_block(b, scratch);
      return;
    }
    // The runtime may have lowered the thread count since prepare.
#pragma omp parallel num_threads(std::min(threads_, omp_get_max_threads()))
    {
      float* cols = scratch + omp_get_thread_num() * block_pixels_ * s_.patch;
#pragma omp for schedule(dynamic)
      for (int64_t b = 0; b < blocks; ++b) run_block(b, cols);
    }
  }

 private:
  // Rows [count, KH*KW*Cg] for output pixels p0.. (flattened over batch, y,
  // x), channels of group g; taps outside the input (padding) are zeros.
  void im2col(const float* input, int64_t p0, int64_t count, int32_t g, float* cols) const {
    const int64_t out_hw = int64_t{s_.h.out} * s_.w.out;
    const size_t tap_bytes = static_cast<size_t>(s_.group_channels) * sizeof(float);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = p0 + i;
      const int64_t b = p / out_hw;
      const int32_t oy = static_cast<int32_t>((p % out_hw) / s_.w.out);
      const int32_t ox = static_cast<int32_t>(p % s_.w.out);
      float* row = cols + i * s_.patch;
      for (int32_t ky = 0; ky < s_.h.filter; ++ky) {
        const int32_t iy = oy * s_.h.stride - s_.h.pad + ky * s_.h.dilation;
        for (int32_t kx = 0; kx < s_.w.filter; ++kx) {
          const int32_t ix = ox * s_.w.stride - s_.w.pad + kx * s_.w.dilation;
          float* dst = row + (int64_t{ky} * s_.w.filter + kx) * s_.group_channels;
          if (iy < 0 || iy >= s_.h.in || ix < 0 || ix >= s_.w.in) {
            std::memset(dst, 0, tap_bytes);
          } else {
            const float* src = input + ((b * s_.h.in + iy) * s_.w.in + ix) * s_.in_channels +
                               int64_t{g} * s_.group_channels;
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
    const int64_t group_out = s_.out_channels / s_.groups;
    for (int32_t g = 0; g < s_.groups; ++g)
      pack_rhs(s_.patch, group_out, {filter + g * group_out * s_.patch, s_.patch, true},
               bias != nullptr ? bias + g * group_out : nullptr, packed + g * group_packed_);
  }

  opt::Conv2D options_;
  ConvShape s_;
  int64_t block_pixels_ = 1, group_packed_ = 0;
  std::vector<float> packed_;  // filter and bias, when both are constant
  int threads_ = 1;
  bool direct_ = false, has_bias_ = false;
};

}  // namespace

void register_conv_2d(Registry& registry) {
  registry.add(BuiltinOp::Conv2d, make_kernel<Conv2D>);
}

}  // namespace octet::kernels
