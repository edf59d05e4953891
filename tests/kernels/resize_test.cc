// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR with align_corners and
// half_pixel_centers. Small cases are worked by hand; a larger one is checked
// against a direct double-precision evaluation of the defining formula.
#include <cmath>

#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::Pointwise;

Op resize(BuiltinOp code, bool align_corners, bool half_pixel_centers) {
  return op_of(code, opt::Resize{align_corners, half_pixel_centers});
}

TEST(ResizeBilinear, HandWorked2x2To3x3) {
  const HostTensor in = HostTensor::f32({1, 2, 2, 1}, {3, 6, 9, 12});
  const HostTensor size = HostTensor::i32({2}, {3, 3});
  // Plain: source = out·2/3, so rows/cols sample 0, 2/3, 4/3 (clamped to 1).
  auto out = run_kernel(resize(BuiltinOp::ResizeBilinear, false, false), {in, size},
                        {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 3, 3, 1));
  EXPECT_THAT(out[0].values<float>(),
              Pointwise(FloatNear(1e-5), std::vector<float>{3, 5, 6, 7, 9, 10, 9, 11, 12}));
  // align_corners: source = out·1/2.
  out = run_kernel(resize(BuiltinOp::ResizeBilinear, true, false), {in, size},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(),
              Pointwise(FloatNear(1e-5), std::vector<float>{3, 4.5, 6, 6, 7.5, 9, 9, 10.5, 12}));
  // half_pixel_centers: source = (out + ½)·2/3 − ½ = −1/6, 1/2, 7/6.
  out = run_kernel(resize(BuiltinOp::ResizeBilinear, false, true), {in, size},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(),
              Pointwise(FloatNear(1e-5), std::vector<float>{3, 4.5, 6, 6, 7.5, 9, 9, 10.5, 12}));
}

TEST(ResizeBilinear, Downscale) {
  // 1x4 → 1x2 plain: columns sample 0 and 2 exactly.
  const auto out =
      run_kernel(resize(BuiltinOp::ResizeBilinear, false, false),
                 {HostTensor::f32({1, 1, 4, 1}, {1, 2, 4, 8}), HostTensor::i32({2}, {1, 2})},
                 {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(1, 4));
}

// The defining formula in double precision, with TFLite's clamping.
std::vector<double> bilinear_reference(const std::vector<float>& in, int b, int h, int w, int c,
                                       int oh, int ow, bool align, bool half) {
  auto source = [&](int o, int in_size, int out_size, double& pos, int& lo, int& hi) {
    const double scale =
        align && out_size > 1 ? double(in_size - 1) / (out_size - 1) : double(in_size) / out_size;
    pos = half ? (o + 0.5) * scale - 0.5 : o * scale;
    lo = std::max(0, static_cast<int>(std::floor(pos)));
    hi = std::min(static_cast<int>(std::ceil(pos)), in_size - 1);
  };
  std::vector<double> out;
  for (int n = 0; n < b; ++n)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        double py, px;
        int y0, y1, x0, x1;
        source(y, h, oh, py, y0, y1);
        source(x, w, ow, px, x0, x1);
        const double dy = py - y0, dx = px - x0;
        for (int k = 0; k < c; ++k) {
          auto at = [&](int yy, int xx) { return double(in[((n * h + yy) * w + xx) * c + k]); };
          out.push_back(at(y0, x0) * (1 - dy) * (1 - dx) + at(y0, x1) * (1 - dy) * dx +
                        at(y1, x0) * dy * (1 - dx) + at(y1, x1) * dy * dx);
        }
      }
  return out;
}

TEST(ResizeBilinear, BatchedChannelsMatchFormula) {
  const int b = 2, h = 5, w = 3, c = 3;
  std::vector<float> in(b * h * w * c);
  for (size_t i = 0; i < in.size(); ++i) in[i] = std::sin(static_cast<float>(i)) * 10.f;
  for (const auto& [align, half] :
       std::vector<std::pair<bool, bool>>{{false, false}, {true, false}, {false, true}})
    for (const auto& [oh, ow] : std::vector<std::pair<int, int>>{{7, 8}, {2, 2}, {10, 6}, {1, 1}}) {
      const auto out =
          run_kernel(resize(BuiltinOp::ResizeBilinear, align, half),
                     {HostTensor::f32({b, h, w, c}, in), HostTensor::i32({2}, {oh, ow})},
                     {spec(DType::Float32)});
      ASSERT_THAT(out[0].shape, ElementsAre(b, oh, ow, c));
      const std::vector<double> want = bilinear_reference(in, b, h, w, c, oh, ow, align, half);
      const std::vector<float> got = out[0].values<float>();
      for (size_t i = 0; i < want.size(); ++i)
        EXPECT_NEAR(got[i], want[i], 1e-4)
            << "align " << align << " half " << half << " " << oh << "x" << ow << " at " << i;
    }
}

TEST(ResizeBilinear, Errors) {
  const HostTensor in = HostTensor::f32({1, 2, 2, 1}, {3, 6, 9, 12});
  expect_error(
      [&] {
        run_kernel(resize(BuiltinOp::ResizeBilinear, true, true),
                   {in, HostTensor::i32({2}, {3, 3})}, {spec(DType::Float32)});
      },
      "cannot both be true");
  expect_error(
      [&] {
        run_kernel(resize(BuiltinOp::ResizeBilinear, false, false),
                   {in, HostTensor::i32({2}, {0, 3})}, {spec(DType::Float32)});
      },
      "size [0,3] must be two positive values");
  expect_error(
      [] {
        run_kernel(
            resize(BuiltinOp::ResizeBilinear, false, false),
            {HostTensor::of<int8_t>(DType::Int8, {1, 1, 1, 1}, {1}), HostTensor::i32({2}, {2, 2})},
            {spec(DType::Int8)});
      },
      "not supported yet");
  expect_error(
      [] {
        run_kernel(resize(BuiltinOp::ResizeBilinear, false, false),
                   {HostTensor::f32({2, 2, 1}, {1, 2, 3, 4}), HostTensor::i32({2}, {2, 2})},
                   {spec(DType::Float32)});
      },
      "has rank 3, expected 4");
}

TEST(ResizeNearestNeighbor, ModesHandWorked) {
  const HostTensor in = HostTensor::f32({1, 2, 2, 1}, {3, 6, 9, 12});
  const HostTensor size = HostTensor::i32({2}, {3, 3});
  // Plain: floor(out·2/3) = 0, 0, 1.
  auto out = run_kernel(resize(BuiltinOp::ResizeNearestNeighbor, false, false), {in, size},
                        {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(3, 3, 6, 3, 3, 6, 9, 9, 12));
  // align_corners: round(out·1/2) with halves away from zero = 0, 1, 1.
  out = run_kernel(resize(BuiltinOp::ResizeNearestNeighbor, true, false), {in, size},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(3, 6, 6, 9, 12, 12, 9, 12, 12));
  // half_pixel_centers: floor((out + ½)·2/3) = 0, 1, 1.
  out = run_kernel(resize(BuiltinOp::ResizeNearestNeighbor, false, true), {in, size},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(3, 6, 6, 9, 12, 12, 9, 12, 12));
}

TEST(ResizeNearestNeighbor, Upsample2xInt32MultiChannel) {
  // Each pixel (two channels) becomes a 2x2 block.
  const auto out =
      run_kernel(resize(BuiltinOp::ResizeNearestNeighbor, false, false),
                 {HostTensor::i32({1, 1, 2, 2}, {1, 2, 3, 4}, false), HostTensor::i32({2}, {2, 4})},
                 {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 2, 4, 2));
  EXPECT_THAT(out[0].values<int32_t>(),
              ElementsAre(1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4));
  expect_error(
      [] {
        run_kernel(resize(BuiltinOp::ResizeNearestNeighbor, false, false),
                   {HostTensor::f32({1, 1, 1, 1}, {1}), i32_runtime({2}, {2, 2})},
                   {spec(DType::Float32)});
      },
      "size tensor 1 'input1' is not known at plan time");
}

}  // namespace
}  // namespace octet::testing
