// FULLY_CONNECTED and BATCH_MATMUL against naive loops (in double).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "float_compare.h"

namespace octet::testing {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------- FULLY_CONNECTED

Op fc_op(Activation act = Activation::None, bool keep_num_dims = false) {
  opt::FullyConnected o;
  o.activation = act;
  o.keep_num_dims = keep_num_dims;
  return make_op(BuiltinOp::FullyConnected, o);
}

std::vector<double> fc_reference(const std::vector<float>& in, const std::vector<float>& w,
                                 const std::vector<float>* bias, int64_t rows, int64_t units,
                                 int64_t depth, Activation act) {
  std::vector<double> out(static_cast<size_t>(rows * units));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t u = 0; u < units; ++u) {
      double acc = 0;
      for (int64_t k = 0; k < depth; ++k) acc += double(in[r * depth + k]) * w[u * depth + k];
      out[r * units + u] = acc + (bias ? (*bias)[u] : 0.0);
    }
  return clamp_all(out, act);
}

TEST(FullyConnected, HandComputedWithBiasAndRelu) {
  const auto out = run_kernel(
      fc_op(Activation::Relu),
      {HostTensor::f32({2, 3}, {1, 2, 3, 4, 5, 6}),
       HostTensor::f32({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f}, true),
       HostTensor::f32({2}, {1, -1}, true)},
      {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{2, 2}));
  // Row 0: 1-3+1 = -1 -> 0, 3-1 = 2; row 1: 4-6+1 = -1 -> 0, 7.5-1 = 6.5.
  EXPECT_EQ(out[0].values<float>(), (std::vector<float>{0, 2, 0, 6.5f}));
}

struct FcCase {
  int rows, depth, units;
  bool bias;
  Activation act;
};

class FullyConnectedSweep : public ::testing::TestWithParam<FcCase> {};

TEST_P(FullyConnectedSweep, MatchesNaiveLoop) {
  const FcCase c = GetParam();
  const auto in = random_floats(size_t(c.rows) * c.depth, 1);
  const auto w = random_floats(size_t(c.units) * c.depth, 2);
  const auto b = random_floats(size_t(c.units), 3, -2, 2);
  std::vector<HostTensor> inputs = {HostTensor::f32({c.rows, c.depth}, in),
                                    HostTensor::f32({c.units, c.depth}, w, true)};
  std::vector<bool> omitted;
  if (c.bias) {
    inputs.push_back(HostTensor::f32({c.units}, b, true));
  } else {
    inputs.push_back(omitted_tensor());
    omitted = {false, false, true};
  }
  const auto out = run_kernel(fc_op(c.act), inputs, {{}}, omitted);
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{c.rows, c.units}));
  EXPECT_TRUE(all_near(out[0].values<float>(),
                       fc_reference(in, w, c.bias ? &b : nullptr, c.rows, c.units, c.depth, c.act)));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, FullyConnectedSweep,
    ::testing::Values(FcCase{1, 1, 1, true, Activation::None},
                      FcCase{1, 256, 256, true, Activation::None},   // one row: GEMV
                      FcCase{3, 7, 5, false, Activation::Relu},      // few rows: per-row GEMV
                      FcCase{4, 300, 700, true, Activation::Relu6},  // few rows, split columns
                      FcCase{9, 33, 17, true, Activation::ReluN1To1},
                      FcCase{64, 256, 1024, true, Activation::None},  // threaded GEMM
                      FcCase{130, 3, 1, false, Activation::None}));

TEST(FullyConnected, FlattensHigherRankInputAndKeepsDimsWhenAsked) {
  const auto in = random_floats(2 * 3 * 4, 4);
  const auto w = random_floats(5 * 4, 5);
  const auto expected = fc_reference(in, w, nullptr, 6, 5, 4, Activation::None);
  const std::vector<HostTensor> inputs = {HostTensor::f32({2, 3, 4}, in),
                                          HostTensor::f32({5, 4}, w, true)};
  const auto flat = run_kernel(fc_op(), inputs, {{}});
  EXPECT_EQ(flat[0].shape, (std::vector<int32_t>{6, 5}));
  EXPECT_TRUE(all_near(flat[0].values<float>(), expected));
  const auto kept = run_kernel(fc_op(Activation::None, true), inputs, {{}});
  EXPECT_EQ(kept[0].shape, (std::vector<int32_t>{2, 3, 5}));
  EXPECT_TRUE(all_near(kept[0].values<float>(), expected));
}

TEST(FullyConnected, FlattensByTotalElementsNotLastDimension) {
  // TFLite divides the element count by the weights' depth: [1, 4, 6] with
  // depth 8 is 3 rows, although the last dimension is 6.
  const auto in = random_floats(24, 6);
  const auto w = random_floats(5 * 8, 7);
  const auto out = run_kernel(fc_op(), {HostTensor::f32({1, 4, 6}, in), HostTensor::f32({5, 8}, w, true)},
                              {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{3, 5}));
  EXPECT_TRUE(all_near(out[0].values<float>(), fc_reference(in, w, nullptr, 3, 5, 8, Activation::None)));
}

TEST(FullyConnected, RejectsBadInputsWithClearMessages) {
  const auto w = HostTensor::f32({5, 8}, std::vector<float>(40), true);
  EXPECT_THAT([&] { run_kernel(fc_op(), {HostTensor::f32({3, 7}, std::vector<float>(21)), w}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("not a multiple of the weights' depth 8")));
  EXPECT_THAT([&] {
    run_kernel(fc_op(), {HostTensor::f32({2, 8}, std::vector<float>(16)), w,
                         HostTensor::f32({4}, std::vector<float>(4), true)}, {{}});
  }, ::testing::ThrowsMessage<Error>(HasSubstr("bias tensor 2 'input2' has 4 elements, expected 5")));
  EXPECT_THAT([&] {
    run_kernel(fc_op(Activation::None, true), {HostTensor::f32({4, 4}, std::vector<float>(16)), w}, {{}});
  }, ::testing::ThrowsMessage<Error>(HasSubstr("keep_num_dims")));
  auto int8_input = HostTensor::of<int8_t>(DType::Int8, {2, 8}, std::vector<int8_t>(16));
  EXPECT_THAT([&] { run_kernel(fc_op(), {int8_input, w}, {{DType::Int8, {}}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("not supported yet")));
  EXPECT_THAT([&] { run_kernel(fc_op(Activation::Tanh), {HostTensor::f32({1, 8}, std::vector<float>(8)), w}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("fused activation")));
}

// ---------------------------------------------------------------- BATCH_MATMUL

Op bmm_op(bool adj_x, bool adj_y) {
  opt::BatchMatMul o;
  o.adj_x = adj_x;
  o.adj_y = adj_y;
  return make_op(BuiltinOp::BatchMatmul, o);
}

// Naive broadcast batch matmul over shapes padded to the same rank.
std::vector<double> bmm_reference(const std::vector<float>& lhs, std::vector<int32_t> ls,
                                  const std::vector<float>& rhs, std::vector<int32_t> rs,
                                  bool adj_x, bool adj_y, std::vector<int32_t>* out_shape) {
  const size_t rank = std::max(ls.size(), rs.size());
  ls.insert(ls.begin(), rank - ls.size(), 1);
  rs.insert(rs.begin(), rank - rs.size(), 1);
  const int64_t R = adj_x ? ls[rank - 1] : ls[rank - 2], D = adj_x ? ls[rank - 2] : ls[rank - 1];
  const int64_t C = adj_y ? rs[rank - 2] : rs[rank - 1];
  std::vector<int32_t> os(rank);
  int64_t batches = 1;
  for (size_t i = 0; i + 2 < rank; ++i) {
    os[i] = std::max(ls[i], rs[i]);
    batches *= os[i];
  }
  os[rank - 2] = int32_t(R);
  os[rank - 1] = int32_t(C);
  *out_shape = os;
  std::vector<double> out(static_cast<size_t>(batches * R * C));
  for (int64_t b = 0; b < batches; ++b) {
    // Decompose b over the output batch dims, map to lhs/rhs batch indices.
    int64_t rem = b, lb = 0, rb = 0, lmul = 1, rmul = 1;
    for (int i = int(rank) - 3; i >= 0; --i) {
      const int64_t idx = rem % os[i];
      rem /= os[i];
      lb += (ls[i] == 1 ? 0 : idx) * lmul;
      rb += (rs[i] == 1 ? 0 : idx) * rmul;
      lmul *= ls[i];
      rmul *= rs[i];
    }
    for (int64_t r = 0; r < R; ++r)
      for (int64_t c = 0; c < C; ++c) {
        double acc = 0;
        for (int64_t d = 0; d < D; ++d) {
          const float l = adj_x ? lhs[lb * R * D + d * R + r] : lhs[lb * R * D + r * D + d];
          const float x = adj_y ? rhs[rb * D * C + c * D + d] : rhs[rb * D * C + d * C + c];
          acc += double(l) * x;
        }
        out[(b * R + r) * C + c] = acc;
      }
  }
  return out;
}

struct BmmCase {
  std::vector<int32_t> lhs, rhs;
  bool adj_x, adj_y;
};

class BatchMatMulSweep : public ::testing::TestWithParam<BmmCase> {};

TEST_P(BatchMatMulSweep, MatchesNaiveLoop) {
  const BmmCase c = GetParam();
  auto count = [](const std::vector<int32_t>& s) {
    size_t n = 1;
    for (int32_t d : s) n *= size_t(d);
    return n;
  };
  const auto lhs = random_floats(count(c.lhs), 11);
  const auto rhs = random_floats(count(c.rhs), 12);
  std::vector<int32_t> expected_shape;
  const auto expected = bmm_reference(lhs, c.lhs, rhs, c.rhs, c.adj_x, c.adj_y, &expected_shape);
  const auto out = run_kernel(bmm_op(c.adj_x, c.adj_y),
                              {HostTensor::f32(c.lhs, lhs), HostTensor::f32(c.rhs, rhs)}, {{}});
  EXPECT_EQ(out[0].shape, expected_shape);
  EXPECT_TRUE(all_near(out[0].values<float>(), expected));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, BatchMatMulSweep,
    ::testing::Values(BmmCase{{2, 3}, {3, 4}, false, false},
                      BmmCase{{3, 2}, {3, 4}, true, false},
                      BmmCase{{2, 3}, {4, 3}, false, true},
                      BmmCase{{3, 2}, {4, 3}, true, true},
                      BmmCase{{2, 9, 5}, {5, 7}, false, false},     // shared rhs: stacked batches
                      BmmCase{{2, 9, 5}, {7, 5}, false, true},      // stacked, rhs transposed
                      BmmCase{{2, 5, 9}, {5, 7}, true, false},      // shared rhs, lhs transposed
                      BmmCase{{1, 3, 4}, {2, 4, 5}, false, false},  // lhs broadcast
                      BmmCase{{2, 1, 3, 2, 4}, {3, 1, 4, 5}, false, false},  // rank 5, both broadcast
                      BmmCase{{4, 1, 6, 5}, {1, 3, 6, 7}, true, false},
                      BmmCase{{8, 33, 64}, {8, 33, 64}, false, true},  // attention: Q K^T, threads
                      BmmCase{{8, 33, 33}, {8, 33, 64}, false, false},
                      BmmCase{{1, 4, 300}, {300, 700}, false, false},  // few rows, split columns
                      BmmCase{{1, 4, 300}, {700, 300}, false, true},
                      BmmCase{{2, 0, 3}, {3, 4}, false, false}));      // empty batch rows

TEST(BatchMatMul, RejectsBadShapes) {
  const auto a = HostTensor::f32({2, 3, 4}, std::vector<float>(24));
  EXPECT_THAT([&] { run_kernel(bmm_op(false, false), {a, HostTensor::f32({2, 5, 6}, std::vector<float>(60))}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("inner dimensions 4 and 5")));
  EXPECT_THAT([&] { run_kernel(bmm_op(false, false), {a, HostTensor::f32({3, 4, 6}, std::vector<float>(72))}, {{}}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("batch dimension 0 does not broadcast")));
  EXPECT_THAT([&] {
    run_kernel(bmm_op(false, false), {HostTensor::f32({1, 1, 1, 1, 2, 3}, std::vector<float>(6)),
                                      HostTensor::f32({3, 4}, std::vector<float>(12))}, {{}});
  }, ::testing::ThrowsMessage<Error>(HasSubstr("has rank 6, expected 2 to 5")));
}

}  // namespace
}  // namespace octet::testing
