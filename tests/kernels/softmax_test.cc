// SOFTMAX over the last axis with beta.
#include <gtest/gtest.h>

#include <cmath>

#include "harness.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::OutputSpec;
using testing::run_kernel;

Op softmax_op(float beta) {
  Op op;
  op.code.builtin = BuiltinOp::Softmax;
  op.options.value = opt::Softmax{beta};
  return op;
}

// Softmax of one row in double, the independent expectation.
std::vector<double> softmax_row(const std::vector<float>& x, double beta) {
  double max = x[0];
  for (float v : x) max = std::max(max, static_cast<double>(v));
  std::vector<double> e(x.size());
  double sum = 0;
  for (size_t i = 0; i < x.size(); ++i) sum += e[i] = std::exp((x[i] - max) * beta);
  for (double& v : e) v /= sum;
  return e;
}

TEST(Softmax, RowsOverLastAxisWithBeta) {
  const std::vector<std::vector<float>> rows = {
      {1.f, 2.f, 3.f, 4.f, 5.f}, {-1.f, 0.f, 0.f, 0.5f, -3.f}, {7.f, 7.f, 7.f, 7.f, 7.f}};
  std::vector<float> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  for (float beta : {1.f, 0.5f, 2.f}) {
    SCOPED_TRACE(beta);
    auto out = run_kernel(softmax_op(beta), {HostTensor::f32({1, 3, 5}, flat)}, {OutputSpec{}});
    EXPECT_EQ(out[0].shape, (std::vector<int32_t>{1, 3, 5}));
    const auto got = out[0].values<float>();
    for (size_t r = 0; r < rows.size(); ++r) {
      const auto want = softmax_row(rows[r], beta);
      for (size_t c = 0; c < 5; ++c)
        EXPECT_NEAR(got[r * 5 + c], want[c], 1e-6) << "row " << r << " col " << c;
    }
  }
}

TEST(Softmax, LargeLogitsDoNotOverflow) {
  auto out = run_kernel(softmax_op(1.f), {HostTensor::f32({2}, {1000.f, 1001.f})}, {OutputSpec{}});
  const auto got = out[0].values<float>();
  EXPECT_NEAR(got[0], 1.0 / (1.0 + std::exp(1.0)), 1e-6);
  EXPECT_NEAR(got[1], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
}

TEST(Softmax, ZeroBetaIsUniform) {
  // The schema default when a file has no options table.
  Op op;
  op.code.builtin = BuiltinOp::Softmax;
  auto out = run_kernel(op, {HostTensor::f32({4}, {1.f, 5.f, -2.f, 0.f})}, {OutputSpec{}});
  EXPECT_EQ(out[0].values<float>(), std::vector<float>(4, 0.25f));
}

TEST(Softmax, ManyRowsTakeTheParallelPath) {
  const int rows = 4096, depth = 33;
  std::vector<float> x(rows * depth);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 13) % 29) * 0.3f - 4.f;
  auto out = run_kernel(softmax_op(1.f), {HostTensor::f32({rows, depth}, x)}, {OutputSpec{}});
  const auto got = out[0].values<float>();
  for (int r = 0; r < rows; r += 511) {
    const auto want =
        softmax_row(std::vector<float>(x.begin() + r * depth, x.begin() + (r + 1) * depth), 1.0);
    for (int c = 0; c < depth; ++c) ASSERT_NEAR(got[r * depth + c], want[c], 1e-6) << r << "," << c;
  }
  double sum = 0;
  for (int c = 0; c < depth; ++c) sum += got[(rows - 1) * depth + c];
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

TEST(Softmax, BadInputs) {
  try {
    run_kernel(softmax_op(1.f), {HostTensor::f32({}, {1.f})}, {OutputSpec{}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("input tensor 0 'input0' has rank 0; softmax needs an axis"),
        std::string::npos)
        << e.what();
  }
  auto q = HostTensor::of<int8_t>(DType::Int8, {2}, {1, 2});
  q.quant.scale = {0.1f};
  q.quant.zero_point = {0};
  EXPECT_THROW(run_kernel(softmax_op(1.f), {q}, {OutputSpec{DType::Int8, {}}}), Error);
}

}  // namespace
}  // namespace octet
