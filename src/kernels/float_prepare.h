// Prepare-time checks shared by the float matrix-product, convolution and
// pooling kernels: the dtype check (with a clear word for quantized tensors,
// whose kernels are a later step) and the geometry of a sliding window.
#pragma once

#include <string_view>

#include "kernels/common.h"

namespace octet::kernels {

inline bool is_quantized_dtype(DType t) {
  return t == DType::Int8 || t == DType::UInt8 || t == DType::Int16 || t == DType::Int4;
}

// Fails unless `t` is float32; quantized tensors get "not supported yet".
inline void expect_float32(const PrepareContext& ctx, const TensorView& t, std::string_view role) {
  if (is_quantized_dtype(t.dtype))
    ctx.fail("{} tensor {} '{}' is {}: quantized kernels are not supported yet (float32 only)",
             role, t.index, t.name(), dtype_name(t.dtype));
  ctx.expect_dtype(t, DType::Float32, role);
}

// One spatial axis of a convolution or pooling window, as TFLite's
// ComputePaddingHeightWidth computes it: output size, then the padding
// before the first element (the odd extra padding goes after the last).
struct WindowAxis {
  int32_t in = 0, filter = 0, stride = 1, dilation = 1;
  int32_t out = 0;
  int32_t pad = 0;
};

inline WindowAxis window_axis(const PrepareContext& ctx, std::string_view axis, Padding padding,
                              int32_t in, int32_t filter, int32_t stride, int32_t dilation) {
  if (stride <= 0) ctx.fail("stride_{} is {}, expected > 0", axis, stride);
  if (dilation <= 0) ctx.fail("dilation_{} factor is {}, expected > 0", axis, dilation);
  if (filter <= 0) ctx.fail("filter {} is {}, expected > 0", axis, filter);
  if (padding != Padding::Same && padding != Padding::Valid)
    ctx.fail("padding {} is not SAME (0) or VALID (1)", static_cast<int>(padding));
  // conv_output_size works in int32; refuse values a hostile file could use
  // to overflow it.
  const int64_t effective = int64_t{filter - 1} * dilation + 1;
  if (effective > std::numeric_limits<int32_t>::max() / 2 ||
      int64_t{in} + stride > std::numeric_limits<int32_t>::max() / 2)
    ctx.fail("{} window is too large (size {}, filter {}, stride {}, dilation {})", axis, in,
             filter, stride, dilation);
  WindowAxis w{in, filter, stride, dilation, 0, 0};
  w.out = conv_output_size(padding, in, filter, stride, dilation);
  // TFLite's ComputeOutSizeChecked rejects a negative size (a VALID window
  // larger than the input); zero is a legal, empty output.
  if (w.out < 0)
    ctx.fail("{} {} is smaller than the {} window {} (dilation {}) with VALID padding", axis, in,
             axis, filter, dilation);
  w.pad = conv_padding(stride, dilation, in, filter, w.out).before;
  return w;
}

// TFLite's padding for TRANSPOSE_CONV: the conv padding of a convolution
// whose *input* is the transpose conv's output (ComputePaddingHeightWidth
// called with the output size); zero when that formula fails, as TFLite
// ignores its status there.
inline int32_t transpose_conv_padding(Padding padding, int32_t out, int32_t filter,
                                      int32_t stride) {
  const int32_t conv_out = conv_output_size(padding, out, filter, stride, 1);
  if (conv_out < 0) return 0;
  return conv_padding(stride, 1, out, filter, conv_out).before;
}

// What a CONV_2D's input [N, H, W, I] and filter [O, KH, KW, I/groups] make
// of it, as TFLite reads them: channels, groups (a filter with fewer input
// channels than the input is a grouped convolution), both windows, and the
// output shape [N, OH, OW, O], set on output 0. The float, int8 and hybrid
// kernels share it; each adds the limits of its own arithmetic.
struct ConvShape {
  WindowAxis h, w;
  int32_t batches = 0, in_channels = 0, out_channels = 0, group_channels = 0, groups = 1;
  int64_t patch = 0;   // taps summed for one output: KH·KW·(I/groups)
  int64_t pixels = 0;  // output pixels over the batch
};

inline ConvShape conv_shape(PrepareContext& ctx, const TensorView& input, const TensorView& filter,
                            const opt::Conv2D& options) {
  ConvShape s;
  s.batches = input.dim(0);
  s.in_channels = input.dim(3);
  s.out_channels = filter.dim(0);
  s.group_channels = filter.dim(3);
  if (s.group_channels <= 0 || s.in_channels % s.group_channels != 0)
    ctx.fail(
        "filter tensor {} '{}' [{}] has {} input channels, which do not divide the "
        "input's {} channels (tensor {} '{}') into groups",
        filter.index, filter.name(), fmt::join(filter.shape, ","), s.group_channels, s.in_channels,
        input.index, input.name());
  s.groups = s.in_channels / s.group_channels;
  if (s.out_channels <= 0 || s.out_channels % s.groups != 0)
    ctx.fail(
        "filter tensor {} '{}' has {} output channels, not a positive multiple of the {} "
        "groups",
        filter.index, filter.name(), s.out_channels, s.groups);
  s.h = window_axis(ctx, "height", options.padding, input.dim(1), filter.dim(1), options.stride_h,
                    options.dilation_h);
  s.w = window_axis(ctx, "width", options.padding, input.dim(2), filter.dim(2), options.stride_w,
                    options.dilation_w);
  ctx.set_output_shape(0, {s.batches, s.h.out, s.w.out, s.out_channels});
  s.patch = int64_t{s.h.filter} * s.w.filter * s.group_channels;
  s.pixels = int64_t{s.batches} * s.h.out * s.w.out;
  return s;
}

}  // namespace octet::kernels
