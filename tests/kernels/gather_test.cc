// GATHER: axis, batch_dims, index dtypes and out-of-range indices.
#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;

TEST(Gather, RowsAlongAxis0) {
  const auto out =
      run_kernel(op_of(BuiltinOp::Gather, opt::Gather{0, 0}),
                 {HostTensor::f32({3, 2}, {1, 2, 3, 4, 5, 6}), i32_runtime({2}, {2, 0})},
                 {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(5, 6, 1, 2));
}

TEST(Gather, Axis1WithMatrixOfInt64Indices) {
  // params [2,3], indices [2,2] along axis 1 → [2, 2, 2].
  const auto out = run_kernel(
      op_of(BuiltinOp::Gather, opt::Gather{1, 0}),
      {HostTensor::i32({2, 3}, {10, 11, 12, 20, 21, 22}, false), i64({2, 2}, {2, 2, 0, 1}, false)},
      {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 2, 2));
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(12, 12, 10, 11, 22, 22, 20, 21));
}

TEST(Gather, BatchDims) {
  // Each batch row picks with its own indices: out[b][k] = params[b][idx[b][k]].
  const auto out = run_kernel(op_of(BuiltinOp::Gather, opt::Gather{1, 1}),
                              {HostTensor::f32({2, 4}, {0, 1, 2, 3, 10, 11, 12, 13}),
                               i32_runtime({2, 3}, {3, 0, 0, 1, 1, 2})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 3));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(3, 0, 0, 11, 11, 12));
}

TEST(Gather, EmbeddingLookupShapeWithInt16Indices) {
  // An embedding table [5, 3] and token ids [1, 4] → [1, 4, 3].
  std::vector<float> table(15);
  for (int i = 0; i < 15; ++i) table[i] = static_cast<float>(i);
  const auto out = run_kernel(op_of(BuiltinOp::Gather, opt::Gather{0, 0}),
                              {HostTensor::f32({5, 3}, table, true),
                               HostTensor::of<int16_t>(DType::Int16, {1, 4}, {4, 0, 4, 2})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 4, 3));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(12, 13, 14, 0, 1, 2, 12, 13, 14, 6, 7, 8));
}

TEST(Gather, OutOfRangeIndexAtEval) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Gather, opt::Gather{0, 0}),
                   {HostTensor::f32({3, 2}, {1, 2, 3, 4, 5, 6}), i32_runtime({2}, {0, 3})},
                   {spec(DType::Float32)});
      },
      "index 3 at position 1 of indices tensor 1 'input1' is out of range [0, 3)");
  // Negative indices are errors too (LiteRT does not wrap them).
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Gather, opt::Gather{0, 0}),
                   {HostTensor::f32({3, 2}, {1, 2, 3, 4, 5, 6}), i32_runtime({1}, {-1})},
                   {spec(DType::Float32)});
      },
      "index -1 at position 0");
}

TEST(Gather, ConstantIndicesCheckedAtPrepareAndBadOptions) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Gather, opt::Gather{0, 0}),
                   {HostTensor::f32({3}, {1, 2, 3}), HostTensor::i32({1}, {9})},
                   {spec(DType::Float32)});
      },
      "index 9");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Gather, opt::Gather{2, 0}),
                   {HostTensor::f32({3, 2}, {1, 2, 3, 4, 5, 6}), i32_runtime({1}, {0})},
                   {spec(DType::Float32)});
      },
      "axis 2 is out of range for rank 2");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Gather, opt::Gather{0, 0}),
                   {HostTensor::f32({3}, {1, 2, 3}), HostTensor::f32({1}, {0})},
                   {spec(DType::Float32)});
      },
      "expected int16, int32 or int64");
}

}  // namespace
}  // namespace octet::testing
