// AVERAGE_POOL_2D and MAX_POOL_2D against naive loops; the average divides
// by the number of window elements inside the input, as TFLite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "float_compare.h"

namespace octet::testing {
namespace {

using ::testing::HasSubstr;

struct PoolCase {
  int n, h, w, c, fh, fw, sh, sw;
  Padding padding;
  Activation act;
};

Op pool_op(BuiltinOp code, const PoolCase& c) {
  opt::Pool2D o;
  o.padding = c.padding;
  o.filter_h = c.fh;
  o.filter_w = c.fw;
  o.stride_h = c.sh;
  o.stride_w = c.sw;
  o.activation = c.act;
  return make_op(code, o);
}

std::vector<double> pool_reference(bool average, const PoolCase& c, const std::vector<float>& in,
                                   std::vector<int32_t>* shape) {
  const bool same = c.padding == Padding::Same;
  const int oh = same ? (c.h + c.sh - 1) / c.sh : (c.h - c.fh + c.sh) / c.sh;
  const int ow = same ? (c.w + c.sw - 1) / c.sw : (c.w - c.fw + c.sw) / c.sw;
  const int ph = std::max(0, (oh - 1) * c.sh + c.fh - c.h) / 2;
  const int pw = std::max(0, (ow - 1) * c.sw + c.fw - c.w) / 2;
  *shape = {c.n, oh, ow, c.c};
  std::vector<double> out;
  for (int b = 0; b < c.n; ++b)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        for (int ch = 0; ch < c.c; ++ch) {
          double sum = 0, max = -std::numeric_limits<double>::infinity();
          int count = 0;
          for (int ky = 0; ky < c.fh; ++ky)
            for (int kx = 0; kx < c.fw; ++kx) {
              const int iy = y * c.sh - ph + ky, ix = x * c.sw - pw + kx;
              if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
              const double v = in[((size_t(b) * c.h + iy) * c.w + ix) * c.c + ch];
              sum += v;
              max = std::max(max, v);
              ++count;
            }
          out.push_back(average ? sum / count : max);
        }
  return clamp_all(out, c.act);
}

TEST(Pooling, HandComputedSameCornersAverageOnlyInsideValues) {
  // 2x2 image {1, 2; 3, 4}, 2x2 window, stride 1, SAME: padding after.
  const PoolCase c{1, 2, 2, 1, 2, 2, 1, 1, Padding::Same, Activation::None};
  const auto image = HostTensor::f32({1, 2, 2, 1}, {1, 2, 3, 4});
  const auto avg = run_kernel(pool_op(BuiltinOp::AveragePool2d, c), {image}, {{}});
  EXPECT_EQ(avg[0].shape, (std::vector<int32_t>{1, 2, 2, 1}));
  // (1+2+3+4)/4, (2+4)/2, (3+4)/2, 4/1: not divided by the full window of 4.
  EXPECT_EQ(avg[0].values<float>(), (std::vector<float>{2.5f, 3, 3.5f, 4}));
  const auto max = run_kernel(pool_op(BuiltinOp::MaxPool2d, c), {image}, {{}});
  EXPECT_EQ(max[0].values<float>(), (std::vector<float>{4, 4, 4, 4}));
}

TEST(Pooling, MaxIgnoresPaddingForNegativeValues) {
  // If padded positions counted as zeros, every max here would be 0.
  const PoolCase c{1, 3, 3, 1, 3, 3, 1, 1, Padding::Same, Activation::None};
  const auto image = HostTensor::f32({1, 3, 3, 1}, {-1, -2, -3, -4, -5, -6, -7, -8, -9});
  const auto max = run_kernel(pool_op(BuiltinOp::MaxPool2d, c), {image}, {{}});
  EXPECT_EQ(max[0].values<float>(), (std::vector<float>{-1, -1, -2, -1, -1, -2, -4, -4, -5}));
}

class PoolSweep : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolSweep, AverageAndMaxMatchNaiveLoops) {
  const PoolCase c = GetParam();
  const auto in = random_floats(size_t(c.n) * c.h * c.w * c.c, 61, -3, 3);
  const auto tensor = HostTensor::f32({c.n, c.h, c.w, c.c}, in);
  std::vector<int32_t> shape;
  const auto avg = run_kernel(pool_op(BuiltinOp::AveragePool2d, c), {tensor}, {{}});
  EXPECT_TRUE(all_near(avg[0].values<float>(), pool_reference(true, c, in, &shape)));
  EXPECT_EQ(avg[0].shape, shape);
  const auto max = run_kernel(pool_op(BuiltinOp::MaxPool2d, c), {tensor}, {{}});
  EXPECT_TRUE(all_near(max[0].values<float>(), pool_reference(false, c, in, &shape)));
  EXPECT_EQ(max[0].shape, shape);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PoolSweep,
    ::testing::Values(PoolCase{1, 4, 4, 1, 2, 2, 2, 2, Padding::Valid, Activation::None},
                      PoolCase{2, 7, 9, 5, 3, 3, 2, 2, Padding::Same, Activation::Relu},
                      PoolCase{1, 7, 9, 5, 3, 3, 2, 2, Padding::Valid, Activation::Relu6},
                      PoolCase{1, 8, 8, 3, 3, 2, 1, 3, Padding::Same, Activation::ReluN1To1},
                      PoolCase{1, 5, 6, 4, 5, 6, 1, 1, Padding::Valid, Activation::None},  // global
                      PoolCase{1, 6, 6, 2, 1, 1, 3, 3, Padding::Same, Activation::None},   // window < stride
                      PoolCase{1, 64, 64, 24, 3, 3, 1, 1, Padding::Same, Activation::None}));  // threaded

TEST(Pooling, RejectsBadInputsWithClearMessages) {
  PoolCase c{1, 4, 4, 1, 0, 2, 1, 1, Padding::Same, Activation::None};
  const auto image = HostTensor::f32({1, 4, 4, 1}, std::vector<float>(16));
  EXPECT_THAT([&] { run_kernel(pool_op(BuiltinOp::MaxPool2d, c), {image}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("filter height is 0")));
  c.fh = 2;
  EXPECT_THAT([&] { run_kernel(pool_op(BuiltinOp::AveragePool2d, c), {HostTensor::f32({4, 4}, std::vector<float>(16))}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("has rank 2, expected 4")));
  const auto q = HostTensor::of<int8_t>(DType::Int8, {1, 4, 4, 1}, std::vector<int8_t>(16));
  EXPECT_THAT([&] { run_kernel(pool_op(BuiltinOp::AveragePool2d, c), {q}, {{DType::Int8, {}}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("not supported yet")));
}

}  // namespace
}  // namespace octet::testing
