// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on NHWC tensors, size
// [new_height, new_width] from a constant int32 input. Source coordinates
// are computed exactly as LiteRT does, once per output row and column in
// prepare; eval only blends or copies:
//   float bilinear: XNNPACK's resize-bilinear, which LiteRT delegates float
//     RESIZE_BILINEAR to;
//   int8/int16 bilinear: reference ResizeBilinearInteger (LiteRT's int8
//     "optimized" kernel is the same function), 10-bit fixed-point
//     coordinates and weights, a 20-bit product rounded half away from zero
//     (double-rounding build);
//   nearest: reference GetNearestNeighbor (float), except for 1-byte
//     elements without align_corners/half_pixel_centers, where LiteRT's
//     optimized kernel uses 16-bit fixed-point coordinates.
// Quantized values are not rescaled: LiteRT resizes the integers and does
// not compare the output's parameters with the input's.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/common.h"
#include "kernels/movement.h"

namespace octet::kernels {
namespace {

struct ResizeShape {
  int32_t batches, in_h, in_w, depth, out_h, out_w;
};

ResizeShape read_resize_shape(PrepareContext& ctx) {
  ctx.expect_inputs(2, 2);
  ctx.expect_outputs(1);
  const TensorView& in = ctx.input(0);
  ctx.expect_rank(in, 4, 4, "input");
  const TensorView& size = ctx.input(1);
  ctx.expect_dtype(size, DType::Int32, "size");
  const std::vector<int64_t> hw = ctx.constant_ints(1, "size");
  if (hw.size() != 2 || hw[0] <= 0 || hw[1] <= 0 || hw[0] > INT32_MAX || hw[1] > INT32_MAX)
    ctx.fail("size [{}] must be two positive values [height, width]", fmt::join(hw, ","));
  const ResizeShape s{in.dim(0),
                      in.dim(1),
                      in.dim(2),
                      in.dim(3),
                      static_cast<int32_t>(hw[0]),
                      static_cast<int32_t>(hw[1])};
  ctx.set_output_shape(0, {s.batches, s.out_h, s.out_w, s.depth});
  return s;
}

// Source position of an output index: its two neighbours and the weight of
// the upper one.
struct Interpolation {
  int32_t lower = 0, upper = 0;
  float frac = 0.f;  // weight of `upper`
};
// Source position of output index `value` as LiteRT's XNNPACK computes it
// for RESIZE_BILINEAR (its float rounding differs from TFLite's reference:
// the half-pixel offset is one constant added after the multiply, and the
// position is clamped into the input before it is split).
Interpolation bilinear_source(int32_t value, float scale, bool half_pixel_centers,
                              int32_t in_size) {
  const float last = static_cast<float>(in_size - 1);
  float pos = static_cast<float>(value) * scale;
  if (half_pixel_centers) pos = std::min(std::max(pos + (0.5f * scale - 0.5f), 0.f), last);
  Interpolation r;
  r.lower = static_cast<int32_t>(pos);
  r.upper = std::min(r.lower + 1, in_size - 1);
  r.frac = pos - static_cast<float>(r.lower);
  return r;
}

float resize_scale(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1)
    return static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1);
  return static_cast<float>(in_size) / static_cast<float>(out_size);
}

class ResizeBilinear : public Kernel {
 public:
  explicit ResizeBilinear(const Op& op) : options_(op.options.get_or_default<opt::Resize>()) {}

  void prepare(PrepareContext& ctx) override {
    s_ = read_resize_shape(ctx);
    const TensorView& in = ctx.input(0);
    expect_not_quantized(ctx, in, "input");
    ctx.expect_dtype(in, DType::Float32, "input");
    ctx.expect_dtype(ctx.output(0), DType::Float32, "output");
    if (options_.align_corners && options_.half_pixel_centers)
      ctx.fail("align_corners and half_pixel_centers cannot both be true");
    ys_.clear();
    xs_.clear();
    const float hs = resize_scale(s_.in_h, s_.out_h, options_.align_corners);
    const float ws = resize_scale(s_.in_w, s_.out_w, options_.align_corners);
    for (int32_t y = 0; y < s_.out_h; ++y)
      ys_.push_back(bilinear_source(y, hs, options_.half_pixel_centers, s_.in_h));
    for (int32_t x = 0; x < s_.out_w; ++x)
      xs_.push_back(bilinear_source(x, ws, options_.half_pixel_centers, s_.in_w));
  }

  void eval(const EvalContext& ctx) override {
    const float* in = ctx.inputs[0].data_as<const float>();
    float* out = ctx.outputs[0].data_as<float>();
    const int64_t c = s_.depth, row = static_cast<int64_t>(s_.in_w) * c;
    const int64_t image = static_cast<int64_t>(s_.in_h) * row;
    for (int32_t b = 0; b < s_.batches; ++b) {
      const float* base = in + b * image;
      for (const Interpolation& y : ys_) {
        for (const Interpolation& x : xs_) {
          // Two horizontal interpolations, then a vertical one, each as
          // a + (b - a) * t: XNNPACK's formula (LiteRT runs this op there).
          const float ax = x.frac, ay = y.frac;
          const float* p00 = base + y.lower * row + x.lower * c;
          const float* p01 = base + y.lower * row + x.upper * c;
          const float* p10 = base + y.upper * row + x.lower * c;
          const float* p11 = base + y.upper * row + x.upper * c;
          for (int64_t k = 0; k < c; ++k) {
            const float top = p00[k] + (p01[k] - p00[k]) * ax;
            const float bottom = p10[k] + (p11[k] - p10[k]) * ax;
            out[k] = top + (bottom - top) * ay;
          }
          out += c;
        }
      }
    }
  }

 private:
  opt::Resize options_;
  ResizeShape s_{};
  std::vector<Interpolation> ys_, xs_;
};

// One output coordinate of ResizeBilinearInteger: the two source indices and
// their weights in 1/1024ths (w0 + w1 = 1024).
struct FixedInterpolation {
  int32_t lower = 0, upper = 0;
  int32_t w_lower = 1024, w_upper = 0;
};

// ComputeInterpolationValuesInteger. `scale_10` is in/out in Q10.
FixedInterpolation fixed_source(int32_t value, int32_t scale_10, bool half_pixel_centers,
                                int32_t in_size) {
  const int32_t scaled =
      half_pixel_centers ? value * scale_10 + scale_10 / 2 - (1 << 9) : value * scale_10;
  FixedInterpolation r;
  const int32_t lower = std::max(scaled / (1 << 10), 0);
  r.upper = std::min((scaled + (1 << 10) - 1) / (1 << 10), in_size - 1);
  r.w_upper = scaled - (1 << 10) * lower;
  r.w_lower = (1 << 10) - r.w_upper;
  // LiteRT leaves `lower` unclamped; it only passes the last index when the
  // rounded Q10 scale overshoots on extreme upscales (in 2, out 3000), where
  // LiteRT reads outside the input. octet stays inside.
  r.lower = std::min(lower, in_size - 1);
  return r;
}

int32_t fixed_scale(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1)
    return ((1 << 10) * (in_size - 1) + (out_size - 1) / 2) / (out_size - 1);
  return ((1 << 10) * in_size + out_size / 2) / out_size;
}

class ResizeBilinearInteger : public Kernel {
 public:
  explicit ResizeBilinearInteger(const Op& op)
      : options_(op.options.get_or_default<opt::Resize>()) {}

  void prepare(PrepareContext& ctx) override {
    s_ = read_resize_shape(ctx);
    const TensorView& in = ctx.input(0);
    if (in.dtype != DType::Int8 && in.dtype != DType::Int16)
      ctx.fail("input tensor {} '{}' is quantized {}; octet resizes int8 and int16 (LiteRT's "
               "uint8 kernel is a float one)", in.index, in.name(), dtype_name(in.dtype));
    expect_same_element_type(ctx, in, "input", ctx.output(0));
    if (options_.align_corners && options_.half_pixel_centers)
      ctx.fail("align_corners and half_pixel_centers cannot both be true");
    // The Q10 coordinates (about 1024·in + out) are int32 in the runtime.
    constexpr int32_t kMaxSize = 1 << 20;
    if (s_.in_h > kMaxSize || s_.in_w > kMaxSize || s_.out_h > kMaxSize || s_.out_w > kMaxSize)
      ctx.fail("resize from {}x{} to {}x{} overflows the runtime's 10-bit fixed-point "
               "coordinates", s_.in_h, s_.in_w, s_.out_h, s_.out_w);
    ys_.clear();
    xs_.clear();
    const int32_t hs = fixed_scale(s_.in_h, s_.out_h, options_.align_corners);
    const int32_t ws = fixed_scale(s_.in_w, s_.out_w, options_.align_corners);
    for (int32_t y = 0; y < s_.out_h; ++y)
      ys_.push_back(fixed_source(y, hs, options_.half_pixel_centers, s_.in_h));
    for (int32_t x = 0; x < s_.out_w; ++x)
      xs_.push_back(fixed_source(x, ws, options_.half_pixel_centers, s_.in_w));
  }

  void eval(const EvalContext& ctx) override {
    if (ctx.inputs[0].dtype == DType::Int8)
      run(ctx.inputs[0].data_as<const int8_t>(), ctx.outputs[0].data_as<int8_t>());
    else
      run(ctx.inputs[0].data_as<const int16_t>(), ctx.outputs[0].data_as<int16_t>());
  }

 private:
  template <class T>
  void run(const T* in, T* out) const {
    const int64_t c = s_.depth, row = static_cast<int64_t>(s_.in_w) * c;
    const int64_t image = static_cast<int64_t>(s_.in_h) * row;
    for (int32_t b = 0; b < s_.batches; ++b) {
      const T* base = in + b * image;
      for (const FixedInterpolation& y : ys_) {
        for (const FixedInterpolation& x : xs_) {
          const T* p00 = base + y.lower * row + x.lower * c;
          const T* p01 = base + y.lower * row + x.upper * c;
          const T* p10 = base + y.upper * row + x.lower * c;
          const T* p11 = base + y.upper * row + x.upper * c;
          const int64_t w00 = int64_t{y.w_lower} * x.w_lower, w01 = int64_t{y.w_lower} * x.w_upper;
          const int64_t w10 = int64_t{y.w_upper} * x.w_lower, w11 = int64_t{y.w_upper} * x.w_upper;
          for (int64_t k = 0; k < c; ++k) {
            const int64_t v = p00[k] * w00 + p10[k] * w10 + p01[k] * w01 + p11[k] * w11;
            // Half away from zero, then C division (TFLITE_SINGLE_ROUNDING=0).
            const int64_t round = v > 0 ? (1 << 19) : -(1 << 19);
            out[k] = static_cast<T>((v + round) / (1 << 20));
          }
          out += c;
        }
      }
    }
  }

  opt::Resize options_;
  ResizeShape s_{};
  std::vector<FixedInterpolation> ys_, xs_;
};

// LiteRT's GetNearestNeighbor: floor of the scaled position, or round
// (half away from zero) with align_corners; half_pixel_centers adds 0.5
// before scaling.
int32_t nearest(int32_t value, int32_t in_size, int32_t out_size, bool align_corners,
                bool half_pixel_centers) {
  const float scale = resize_scale(in_size, out_size, align_corners);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float scaled = (static_cast<float>(value) + offset) * scale;
  int32_t v = std::min(align_corners ? static_cast<int32_t>(std::round(scaled))
                                     : static_cast<int32_t>(std::floor(scaled)),
                       in_size - 1);
  if (half_pixel_centers) v = std::max(v, 0);
  return v;
}

// optimized_ops::ResizeNearestNeighbor for 8-bit types: the scale in Q16,
// plus one so it never rounds to zero, and the index truncated.
int32_t nearest_fixed(int32_t value, int32_t in_size, int32_t out_size) {
  const int64_t scale = (int64_t{in_size} << 16) / out_size + 1;
  return static_cast<int32_t>(std::min<int64_t>((value * scale) >> 16, in_size - 1));
}

// A pure copy, so any fixed-size dtype works.
class ResizeNearestNeighbor : public Kernel {
 public:
  explicit ResizeNearestNeighbor(const Op& op)
      : options_(op.options.get_or_default<opt::Resize>()) {}

  void prepare(PrepareContext& ctx) override {
    s_ = read_resize_shape(ctx);
    const TensorView& in = ctx.input(0);
    elem_ = element_size(ctx, in, "input");
    expect_same_element_type(ctx, in, "input", ctx.output(0));  // LiteRT copies as is
    ys_.clear();
    xs_.clear();
    const bool fixed = elem_ == 1 && !options_.align_corners && !options_.half_pixel_centers;
    for (int32_t y = 0; y < s_.out_h; ++y)
      ys_.push_back(fixed ? nearest_fixed(y, s_.in_h, s_.out_h)
                          : nearest(y, s_.in_h, s_.out_h, options_.align_corners,
                                    options_.half_pixel_centers));
    for (int32_t x = 0; x < s_.out_w; ++x)
      xs_.push_back(fixed ? nearest_fixed(x, s_.in_w, s_.out_w)
                          : nearest(x, s_.in_w, s_.out_w, options_.align_corners,
                                    options_.half_pixel_centers));
  }

  void eval(const EvalContext& ctx) override {
    const std::byte* in = ctx.inputs[0].data;
    std::byte* out = ctx.outputs[0].data;
    const size_t pixel = static_cast<size_t>(s_.depth) * elem_;
    if (pixel == 0) return;
    const size_t row = static_cast<size_t>(s_.in_w) * pixel;
    const size_t image = static_cast<size_t>(s_.in_h) * row;
    for (int32_t b = 0; b < s_.batches; ++b)
      for (int32_t y : ys_) {
        const std::byte* src_row = in + b * image + static_cast<size_t>(y) * row;
        for (int32_t x : xs_) {
          std::memcpy(out, src_row + static_cast<size_t>(x) * pixel, pixel);
          out += pixel;
        }
      }
  }

 private:
  opt::Resize options_;
  ResizeShape s_{};
  size_t elem_ = 0;
  std::vector<int32_t> ys_, xs_;
};

}  // namespace

void register_resize(Registry& r) {
  r.add(BuiltinOp::ResizeBilinear, make_kernel<ResizeBilinear>);
  r.add(BuiltinOp::ResizeBilinear, make_kernel<ResizeBilinearInteger>, Arithmetic::Integer);
  r.add_any(BuiltinOp::ResizeNearestNeighbor, make_kernel<ResizeNearestNeighbor>);
}

}  // namespace octet::kernels
