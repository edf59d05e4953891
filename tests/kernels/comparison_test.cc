// EQUAL .. GREATER_EQUAL, LOGICAL_AND/OR/NOT, SELECT_V2.
#include <gtest/gtest.h>

#include <limits>

#include "harness.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::OutputSpec;
using testing::run_kernel;

using testing::make_op;

const std::vector<OutputSpec> kBoolOut = {OutputSpec{DType::Bool, {}}};

HostTensor bools(std::vector<int32_t> shape, const std::vector<uint8_t>& v) {
  return HostTensor::of<uint8_t>(DType::Bool, std::move(shape), v);
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Comparison, FloatWithBroadcastAndNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // a is [2,3], b is [3]: row r compares a[r][c] with b[c].
  const auto a = HostTensor::f32({2, 3}, {1.f, 2.f, 3.f, nan, 5.f, -1.f});
  const auto b = HostTensor::f32({3}, {2.f, 2.f, 2.f});
  struct Case {
    BuiltinOp op;
    std::vector<uint8_t> want;
  };
  const std::vector<Case> cases = {
      {BuiltinOp::Equal, {0, 1, 0, 0, 0, 0}},   {BuiltinOp::NotEqual, {1, 0, 1, 1, 1, 1}},
      {BuiltinOp::Less, {1, 0, 0, 0, 0, 1}},    {BuiltinOp::LessEqual, {1, 1, 0, 0, 0, 1}},
      {BuiltinOp::Greater, {0, 0, 1, 0, 1, 0}}, {BuiltinOp::GreaterEqual, {0, 1, 1, 0, 1, 0}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(builtin_op_name(c.op));
    auto out = run_kernel(make_op(c.op), {a, b}, kBoolOut);
    EXPECT_EQ(out[0].shape, (std::vector<int32_t>{2, 3}));
    EXPECT_EQ(out[0].values<uint8_t>(), c.want);
  }
}

TEST(Comparison, IntegerTypesAndScalarFirst) {
  auto lt = run_kernel(
      make_op(BuiltinOp::Less),
      {HostTensor::i32({}, {0}, false), HostTensor::i32({2, 2}, {-1, 0, 1, 2}, false)}, kBoolOut);
  EXPECT_EQ(lt[0].shape, (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(lt[0].values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 1}));
  const int64_t big = int64_t{1} << 40;
  auto ge = run_kernel(make_op(BuiltinOp::GreaterEqual),
                       {HostTensor::of<int64_t>(DType::Int64, {3, 1}, {big, big + 1, -big}),
                        HostTensor::of<int64_t>(DType::Int64, {1, 2}, {big, big + 1})},
                       kBoolOut);
  EXPECT_EQ(ge[0].shape, (std::vector<int32_t>{3, 2}));
  EXPECT_EQ(ge[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0, 1, 1, 0, 0}));
}

TEST(Comparison, BoolEqualityComparesTruthValues) {
  // A byte of 2 is true, so it equals 1.
  auto eq = run_kernel(make_op(BuiltinOp::Equal),
                       {bools({4}, {0, 1, 2, 0}), bools({4}, {0, 1, 1, 1})}, kBoolOut);
  EXPECT_EQ(eq[0].values<uint8_t>(), (std::vector<uint8_t>{1, 1, 1, 0}));
  auto ne = run_kernel(make_op(BuiltinOp::NotEqual), {bools({4}, {0, 1, 2, 0}), bools({1}, {1})},
                       kBoolOut);
  EXPECT_EQ(ne[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0, 0, 1}));
}

TEST(Comparison, BadInputs) {
  const std::string ordering_on_bool = error_of([] {
    run_kernel(make_op(BuiltinOp::Less), {bools({1}, {1}), bools({1}, {0})}, kBoolOut);
  });
  EXPECT_NE(ordering_on_bool.find("is bool, expected float32, int32 or int64"), std::string::npos)
      << ordering_on_bool;
  const std::string float_output = error_of([] {
    run_kernel(make_op(BuiltinOp::Equal), {HostTensor::f32({1}, {1}), HostTensor::f32({1}, {1})},
               {OutputSpec{}});
  });
  EXPECT_NE(float_output.find("output tensor 2 'output0' is float32, expected bool"),
            std::string::npos)
      << float_output;
  EXPECT_THROW(
      run_kernel(make_op(BuiltinOp::Greater),
                 {HostTensor::f32({2}, {1, 2}), HostTensor::f32({3}, {1, 2, 3})}, kBoolOut),
      Error);
}

TEST(Logical, AndOrNotWithBroadcast) {
  const auto a = bools({2, 2}, {0, 1, 0, 3});
  const auto b = bools({2, 1}, {1, 0});
  auto land = run_kernel(make_op(BuiltinOp::LogicalAnd), {a, b}, kBoolOut);
  EXPECT_EQ(land[0].values<uint8_t>(), (std::vector<uint8_t>{0, 1, 0, 0}));
  auto lor = run_kernel(make_op(BuiltinOp::LogicalOr), {a, b}, kBoolOut);
  EXPECT_EQ(lor[0].values<uint8_t>(), (std::vector<uint8_t>{1, 1, 0, 1}));
  auto lnot = run_kernel(make_op(BuiltinOp::LogicalNot), {a}, kBoolOut);
  EXPECT_EQ(lnot[0].shape, (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(lnot[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0, 1, 0}));
  const std::string msg = error_of([] {
    run_kernel(make_op(BuiltinOp::LogicalAnd), {HostTensor::f32({1}, {1}), bools({1}, {1})},
               kBoolOut);
  });
  EXPECT_NE(msg.find("input 0 tensor 0 'input0' is float32, expected bool"), std::string::npos)
      << msg;
}

TEST(SelectV2, BroadcastsAllThreeInputs) {
  // condition [2,1,1], x [1,3,1], y [1,1,2] -> output [2,3,2].
  const auto cond = bools({2, 1, 1}, {1, 0});
  const auto x = HostTensor::f32({1, 3, 1}, {10.f, 20.f, 30.f});
  const auto y = HostTensor::f32({1, 1, 2}, {-1.f, -2.f});
  auto out = run_kernel(make_op(BuiltinOp::SelectV2), {cond, x, y}, {OutputSpec{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{2, 3, 2}));
  EXPECT_EQ(out[0].values<float>(),
            (std::vector<float>{10, 10, 20, 20, 30, 30, -1, -2, -1, -2, -1, -2}));
}

TEST(SelectV2, ElementwiseAndOtherDtypes) {
  auto same = run_kernel(make_op(BuiltinOp::SelectV2),
                         {bools({4}, {1, 0, 0, 1}), HostTensor::i32({4}, {1, 2, 3, 4}, false),
                          HostTensor::i32({4}, {-1, -2, -3, -4}, false)},
                         {OutputSpec{DType::Int32, {}}});
  EXPECT_EQ(same[0].values<int32_t>(), (std::vector<int32_t>{1, -2, -3, 4}));
  // Per-element condition, scalar x, vector y.
  auto mixed =
      run_kernel(make_op(BuiltinOp::SelectV2),
                 {bools({2, 2}, {1, 0, 0, 1}), HostTensor::of<int64_t>(DType::Int64, {}, {7}),
                  HostTensor::of<int64_t>(DType::Int64, {2}, {8, 9})},
                 {OutputSpec{DType::Int64, {}}});
  EXPECT_EQ(mixed[0].values<int64_t>(), (std::vector<int64_t>{7, 9, 8, 7}));
  auto bool_sel =
      run_kernel(make_op(BuiltinOp::SelectV2),
                 {bools({2}, {1, 0}), bools({2}, {1, 1}), bools({2}, {0, 0})}, kBoolOut);
  EXPECT_EQ(bool_sel[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0}));
}

TEST(SelectV2, BadInputs) {
  const std::string cond = error_of([] {
    run_kernel(make_op(BuiltinOp::SelectV2),
               {HostTensor::f32({1}, {1}), HostTensor::f32({1}, {1}), HostTensor::f32({1}, {1})},
               {OutputSpec{}});
  });
  EXPECT_NE(cond.find("condition tensor 0 'input0' is float32, expected bool"), std::string::npos)
      << cond;
  const std::string mismatch = error_of([] {
    run_kernel(make_op(BuiltinOp::SelectV2),
               {bools({1}, {1}), HostTensor::f32({1}, {1}), HostTensor::i32({1}, {1}, false)},
               {OutputSpec{}});
  });
  EXPECT_NE(mismatch.find("input 2 (y) tensor 2 'input2' is int32, expected float32"),
            std::string::npos)
      << mismatch;
  EXPECT_THROW(
      run_kernel(make_op(BuiltinOp::SelectV2),
                 {bools({3}, {1, 0, 1}), HostTensor::f32({2}, {1, 2}), HostTensor::f32({1}, {1})},
                 {OutputSpec{}}),
      Error);
}

}  // namespace
}  // namespace octet
