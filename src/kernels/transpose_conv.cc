// TRANSPOSE_CONV and MediaPipe's custom Convolution2DTransposeBias.
//
// Both scatter every input pixel through the filter [O, KH, KW, I]: input
// pixel (y, x) adds input[y, x, :] . filter[o, ky, kx, :] to output pixel
// (y * stride - pad + ky, x * stride - pad + kx), channel o, when that lands
// inside the output. Computed the other way round, as XNNPACK's
// deconvolution does (LiteRT delegates both ops to it), so that the float
// additions happen in its order: each output pixel gathers the taps that
// reach it, starts at the bias and adds the products tap by tap in (ky, kx)
// order, input channels in order (see run()).
//
// The two ops differ in their inputs, their output size and their order of
// additions, and each follows its runtime:
//   TRANSPOSE_CONV (TFLite): inputs (output_shape int32[4], weights, input,
//     optional bias); output size given; padding from TFLite's conv formulas
//     applied to the *output* size; output = clamp(sum + bias), fused
//     activation from the options.
//   Convolution2DTransposeBias (MediaPipe): inputs (input, weights, bias);
//     custom options are the packed C struct TfLiteTransposeConvParams
//     {int32 padding (TfLitePadding: 1 SAME, 2 VALID), int32 stride_width,
//     int32 stride_height}; output size and padding from MediaPipe's own
//     formula (transpose_conv_bias.cc); no activation.
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

#include "kernels/float_prepare.h"
#include "kernels/gemm.h"

namespace octet::kernels {
namespace {

// What both ops share once their inputs are read.
struct TransposeConvShape {
  int32_t batches = 0, in_h = 0, in_w = 0, in_channels = 0;
  int32_t out_h = 0, out_w = 0, out_channels = 0;
  int32_t filter_h = 0, filter_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
};

class TransposeConvBase : public Kernel {
 protected:
  // Checks input and weights, and records their dimensions; the caller fills
  // in output size, strides and padding, then calls finish_prepare.
  void prepare_tensors(PrepareContext& ctx, size_t input, size_t weights) {
    input_ = input;
    weights_ = weights;
    const TensorView& in = ctx.input(input);
    const TensorView& w = ctx.input(weights);
    expect_float32(ctx, in, "input");
    expect_float32(ctx, w, "weights");
    expect_float32(ctx, ctx.output(0), "output");
    ctx.expect_rank(in, 4, 4, "input");
    ctx.expect_rank(w, 4, 4, "weights");
    if (w.dim(3) != in.dim(3))
      ctx.fail("weights tensor {} '{}' [{}] has {} input channels, input tensor {} '{}' has {}",
               w.index, w.name(), fmt::join(w.shape, ","), w.dim(3), in.index, in.name(),
               in.dim(3));
    s_.batches = in.dim(0);
    s_.in_h = in.dim(1);
    s_.in_w = in.dim(2);
    s_.in_channels = in.dim(3);
    s_.out_channels = w.dim(0);
    s_.filter_h = w.dim(1);
    s_.filter_w = w.dim(2);
    if (s_.filter_h <= 0 || s_.filter_w <= 0 || s_.out_channels <= 0)
      ctx.fail("weights tensor {} '{}' has shape [{}], expected positive [O, KH, KW, I]", w.index,
               w.name(), fmt::join(w.shape, ","));
  }

  void expect_bias(const PrepareContext& ctx, size_t index) {
    bias_ = index;
    const TensorView& bias = ctx.input(index);
    expect_float32(ctx, bias, "bias");
    if (bias.num_elements() != s_.out_channels)
      ctx.fail("bias tensor {} '{}' has {} elements, expected {} (output channels)", bias.index,
               bias.name(), bias.num_elements(), s_.out_channels);
  }

  // Output rows come in phases: output y gets taps ky = (y + pad) mod
  // stride, + stride, ... (those whose input row is a whole number), so each
  // phase (ry, rx) is an ordinary convolution with its own taps (a "sub-
  // convolution"). Phases past the filter have no taps: output = bias.
  void finish_prepare(PrepareContext& ctx, FloatRange range) {
    range_ = range;
    ctx.set_output_shape(0, {s_.batches, s_.out_h, s_.out_w, s_.out_channels});
    phases_h_ = std::min(s_.stride_h, s_.filter_h);
    phases_w_ = std::min(s_.stride_w, s_.filter_w);
    phase_offsets_.assign(static_cast<size_t>(phases_h_ * phases_w_ + 1), 0);
    max_patch_ = 0;
    for (int32_t ry = 0; ry < phases_h_; ++ry)
      for (int32_t rx = 0; rx < phases_w_; ++rx) {
        const int64_t patch = phase_taps(ry, rx).size() * int64_t{s_.in_channels};
        max_patch_ = std::max(max_patch_, patch);
        phase_offsets_[ry * phases_w_ + rx + 1] =
            phase_offsets_[ry * phases_w_ + rx] + packed_size(patch, s_.out_channels);
      }
    packed_floats_ = phase_offsets_.back() + packed_size(0, s_.out_channels);
    const float* bias = bias_ ? ctx.input(*bias_).data_as<const float>() : nullptr;
    const TensorView& w = ctx.input(weights_);
    packed_.clear();
    int64_t scratch = 0;
    if (w.data != nullptr && (!bias_ || bias != nullptr)) {
      packed_.resize(static_cast<size_t>(packed_floats_));
      pack_weights(w.data_as<const float>(), bias, packed_.data());
    } else {
      // The phase matrices and their packed copy.
      scratch = packed_floats_ + max_patch_ * s_.out_channels;
    }
    row_pixels_ = (s_.out_w + s_.stride_w - 1) / s_.stride_w;
    threads_ = std::max(1, omp_get_max_threads());
    ctx.request_scratch(static_cast<size_t>(scratch + threads_ * row_pixels_ * max_patch_) *
                        sizeof(float));
  }

  // Output [N, out_h, out_w, O] = clamp(bias + the phase's taps' products,
  // taps in (ky, kx) order, each over the input channels in order): the
  // order of XNNPACK's deconvolution, which LiteRT runs both ops with.
  void run(const EvalContext& ctx, float* output) const {
    float* scratch = reinterpret_cast<float*>(ctx.scratch.data());
    const float* packed = packed_.data();
    if (packed_.empty()) {
      float* dst = scratch + max_patch_ * s_.out_channels;
      pack_weights(ctx.inputs[weights_].data_as<const float>(), bias_data(ctx), dst, scratch);
      packed = dst;
      scratch = dst + packed_floats_;
    }
    const float* input = ctx.inputs[input_].data_as<const float>();
    const int64_t rows = int64_t{s_.batches} * s_.out_h;
    const int32_t oc = s_.out_channels;
    const bool parallel =
        rows > 1 && rows * s_.out_w * oc * (max_patch_ + 1) >= kMinParallelMacs;
#pragma omp parallel num_threads(std::min(threads_, omp_get_max_threads())) if (parallel)
    {
      float* cols = scratch + omp_get_thread_num() * row_pixels_ * max_patch_;
#pragma omp for schedule(dynamic)
      for (int64_t row = 0; row < rows; ++row) {
        const int64_t b = row / s_.out_h;
        const int32_t oy = static_cast<int32_t>(row % s_.out_h);
        const int32_t ry = (oy + s_.pad_h) % s_.stride_h;
        for (int32_t rx = 0; rx < s_.stride_w; ++rx) {
          // Output columns ox >= 0 with (ox + pad_w) mod stride_w == rx.
          int32_t ox0 = (rx - s_.pad_w % s_.stride_w + s_.stride_w) % s_.stride_w;
          if (ox0 >= s_.out_w) continue;
          const int64_t count = (s_.out_w - ox0 + s_.stride_w - 1) / s_.stride_w;
          MutableMatrix c{output + (row * s_.out_w + ox0) * oc, int64_t{s_.stride_w} * oc};
          if (ry >= phases_h_ || rx >= phases_w_) {
            gemm_packed(count, oc, 0, {cols, 0, false}, packed + phase_offsets_.back(), c, range_,
                        false);
            continue;
          }
          const std::vector<std::pair<int32_t, int32_t>> taps = phase_taps(ry, rx);
          const int64_t patch = static_cast<int64_t>(taps.size()) * s_.in_channels;
          const size_t tap_bytes = static_cast<size_t>(s_.in_channels) * sizeof(float);
          for (int64_t i = 0; i < count; ++i) {
            const int32_t ox = ox0 + static_cast<int32_t>(i) * s_.stride_w;
            float* dst = cols + i * patch;
            for (const auto& [ky, kx] : taps) {
              // Exact divisions: the phase makes both numerators multiples.
              const int32_t iy = (oy + s_.pad_h - ky) / s_.stride_h;
              const int32_t ix = (ox + s_.pad_w - kx) / s_.stride_w;
              const bool inside = oy + s_.pad_h - ky >= 0 && iy < s_.in_h &&
                                  ox + s_.pad_w - kx >= 0 && ix < s_.in_w;
              if (inside)
                std::memcpy(dst, input + ((b * s_.in_h + iy) * s_.in_w + ix) * s_.in_channels,
                            tap_bytes);
              else
                std::memset(dst, 0, tap_bytes);
              dst += s_.in_channels;
            }
          }
          gemm_packed(count, oc, patch, {cols, patch, false},
                      packed + phase_offsets_[ry * phases_w_ + rx], c, range_, false);
        }
      }
    }
  }

  const float* bias_data(const EvalContext& ctx) const {
    return bias_ ? ctx.inputs[*bias_].data_as<const float>() : nullptr;
  }

  TransposeConvShape s_;

 private:
  // Taps (ky, kx) of phase (ry, rx), ky-major, ascending.
  std::vector<std::pair<int32_t, int32_t>> phase_taps(int32_t ry, int32_t rx) const {
    std::vector<std::pair<int32_t, int32_t>> taps;
    for (int32_t ky = ry; ky < s_.filter_h; ky += s_.stride_h)
      for (int32_t kx = rx; kx < s_.filter_w; kx += s_.stride_w) taps.emplace_back(ky, kx);
    return taps;
  }

  // Every phase's weights [O, taps * I], packed with the bias; `matrix`
  // holds one phase's unpacked rows (max_patch_ * O floats).
  void pack_weights(const float* w, const float* bias, float* packed,
                    float* matrix = nullptr) const {
    std::vector<float> own;
    if (matrix == nullptr) {
      own.resize(static_cast<size_t>(std::max<int64_t>(max_patch_ * s_.out_channels, 1)));
      matrix = own.data();
    }
    const int64_t in_c = s_.in_channels;
    for (int32_t ry = 0; ry < phases_h_; ++ry)
      for (int32_t rx = 0; rx < phases_w_; ++rx) {
        const auto taps = phase_taps(ry, rx);
        const int64_t patch = static_cast<int64_t>(taps.size()) * in_c;
        for (int64_t o = 0; o < s_.out_channels; ++o)
          for (size_t t = 0; t < taps.size(); ++t)
            std::memcpy(matrix + o * patch + static_cast<int64_t>(t) * in_c,
                        w + ((o * s_.filter_h + taps[t].first) * s_.filter_w + taps[t].second) * in_c,
                        static_cast<size_t>(in_c) * sizeof(float));
        pack_rhs(patch, s_.out_channels, {matrix, patch, true}, bias,
                 packed + phase_offsets_[ry * phases_w_ + rx]);
      }
    pack_rhs(0, s_.out_channels, {matrix, 0, true}, bias, packed + phase_offsets_.back());
  }

  size_t input_ = 0, weights_ = 0;
  std::optional<size_t> bias_;
  FloatRange range_;
  int32_t phases_h_ = 1, phases_w_ = 1;
  std::vector<int64_t> phase_offsets_;  // per phase, then the no-tap phase
  int64_t max_patch_ = 0, packed_floats_ = 0, row_pixels_ = 0;
  int threads_ = 1;
  std::vector<float> packed_;  // weights and bias, when both are constant
};

class TransposeConv final : public TransposeConvBase {
 public:
  explicit TransposeConv(const Op& op)
      : options_(op.options.get_or_default<opt::TransposeConv>()) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 4);
    ctx.expect_outputs(1);
    prepare_tensors(ctx, /*input=*/2, /*weights=*/1);
    if (ctx.num_inputs() > 3 && ctx.input(3).present()) expect_bias(ctx, 3);
    expect_clamp_activation(ctx, options_.activation);
    if (options_.stride_h <= 0 || options_.stride_w <= 0)
      ctx.fail("strides ({}, {}) must be > 0", options_.stride_h, options_.stride_w);
    if (options_.padding != Padding::Same && options_.padding != Padding::Valid)
      ctx.fail("padding {} is not SAME (0) or VALID (1)", static_cast<int>(options_.padding));

    const std::vector<int64_t> shape = ctx.constant_ints(0, "output_shape");
    if (shape.size() != 4)
      ctx.fail("output_shape tensor {} '{}' has {} values, expected 4", ctx.input(0).index,
               ctx.input(0).name(), shape.size());
    if (shape[0] != s_.batches || shape[3] != s_.out_channels || shape[1] < 0 || shape[2] < 0 ||
        shape[1] > std::numeric_limits<int32_t>::max() / 2 ||
        shape[2] > std::numeric_limits<int32_t>::max() / 2)
      ctx.fail("output_shape [{}] does not fit input batch {} and weights' {} output channels",
               fmt::join(shape, ","), s_.batches, s_.out_channels);
    s_.out_h = static_cast<int32_t>(shape[1]);
    s_.out_w = static_cast<int32_t>(shape[2]);
    s_.stride_h = options_.stride_h;
    s_.stride_w = options_.stride_w;
    s_.pad_h = transpose_conv_padding(options_.padding, s_.out_h, s_.filter_h, s_.stride_h);
    s_.pad_w = transpose_conv_padding(options_.padding, s_.out_w, s_.filter_w, s_.stride_w);
    finish_prepare(ctx, activation_range(options_.activation));
  }

  void eval(const EvalContext& ctx) override { run(ctx, ctx.outputs[0].data_as<float>()); }

 private:
  opt::TransposeConv options_;
};

class Convolution2DTransposeBias final : public TransposeConvBase {
 public:
  explicit Convolution2DTransposeBias(const Op& op) : custom_options_(op.custom_options) {}

  void prepare(PrepareContext& ctx) override {
    ctx.expect_inputs(3, 3);
    ctx.expect_outputs(1);
    prepare_tensors(ctx, /*input=*/0, /*weights=*/1);
    expect_bias(ctx, 2);
    // TfLiteTransposeConvParams as MediaPipe's converter writes it: three
    // little-endian int32 (later TFLite fields, if present, are ignored as
    // MediaPipe's kernel ignores them).
    if (custom_options_.size() < 12)
      ctx.fail("custom options are {} bytes, expected at least 12 (TfLiteTransposeConvParams: "
               "padding, stride_width, stride_height)", custom_options_.size());
    int32_t params[3];
    std::memcpy(params, custom_options_.data(), sizeof(params));
    const int32_t padding = params[0];
    s_.stride_w = params[1];
    s_.stride_h = params[2];
    if (padding < 0 || padding > 2)
      ctx.fail("custom options padding is {}, expected 1 (SAME) or 2 (VALID)", padding);
    if (s_.stride_h <= 0 || s_.stride_w <= 0 || s_.stride_h > 4096 || s_.stride_w > 4096)
      ctx.fail("custom options strides (h {}, w {}) must be in 1..4096", s_.stride_h, s_.stride_w);
    // MediaPipe's formula: out = stride * (in - 1) + filter - total padding,
    // total padding (SAME only) = max(0, filter - (in - 1) % stride - 1),
    // the first half of it before. Anything but SAME (1) means no padding.
    const bool same = padding == 1;
    auto axis = [&](int32_t in, int32_t filter, int32_t stride, int32_t& out, int32_t& pad) {
      const int32_t total = same && in > 0 ? std::max(0, filter - (in - 1) % stride - 1) : 0;
      const int64_t size = int64_t{stride} * (in - 1) + filter - total;
      if (in <= 0 || size > std::numeric_limits<int32_t>::max() / 2)
        ctx.fail("input size {} with stride {} and filter {} gives no valid output", in, stride,
                 filter);
      out = static_cast<int32_t>(size);
      pad = total / 2;
    };
    axis(s_.in_h, s_.filter_h, s_.stride_h, s_.out_h, s_.pad_h);
    axis(s_.in_w, s_.filter_w, s_.stride_w, s_.out_w, s_.pad_w);
    finish_prepare(ctx, {});
  }

  void eval(const EvalContext& ctx) override { run(ctx, ctx.outputs[0].data_as<float>()); }

 private:
  std::vector<uint8_t> custom_options_;
};

}  // namespace

void register_transpose_conv(Registry& registry) {
  registry.add(BuiltinOp::TransposeConv, make_kernel<TransposeConv>);
  registry.add_custom("Convolution2DTransposeBias", make_kernel<Convolution2DTransposeBias>);
}

}  // namespace octet::kernels
