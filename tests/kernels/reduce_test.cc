// MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, ARG_MAX, ARG_MIN, CUMSUM.
#include <cmath>
#include <limits>
#include <random>

#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;

Op reducer(BuiltinOp code, bool keep_dims) { return op_of(code, opt::Reducer{keep_dims}); }

TEST(Reduce, MeanOverSpatialAxesNHWC) {
  // [1, 4, 3, 2]: channel c of pixel (h, w) holds h·10 + w + c·100.
  std::vector<float> in;
  for (int h = 0; h < 4; ++h)
    for (int w = 0; w < 3; ++w)
      for (int c = 0; c < 2; ++c) in.push_back(static_cast<float>(h * 10 + w + c * 100));
  // Mean over h of h·10 is 15, over w of w is 1.
  auto out = run_kernel(reducer(BuiltinOp::Mean, true),
                        {HostTensor::f32({1, 4, 3, 2}, in), HostTensor::i32({2}, {1, 2})},
                        {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 1, 1, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(16, 116));
  out = run_kernel(reducer(BuiltinOp::Mean, false),
                   {HostTensor::f32({1, 4, 3, 2}, in), HostTensor::i32({2}, {2, -3})},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(16, 116));
}

TEST(Reduce, MeanInt32TruncatesAndEmptyInputIsNaN) {
  auto out =
      run_kernel(reducer(BuiltinOp::Mean, false),
                 {HostTensor::i32({2, 3}, {1, 2, 4, -1, -2, -4}, false), HostTensor::i32({1}, {1})},
                 {spec(DType::Int32)});
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(2, -2));
  out =
      run_kernel(reducer(BuiltinOp::Mean, false),
                 {HostTensor::f32({2, 0}, {}), HostTensor::i32({1}, {1})}, {spec(DType::Float32)});
  ASSERT_EQ(out[0].values<float>().size(), 2u);
  EXPECT_TRUE(std::isnan(out[0].values<float>()[0]));
}

// Brute force: for every output element, fold over every input element that maps to it.
std::vector<double> reduce_reference(const std::vector<float>& in,
                                     const std::vector<int32_t>& shape,
                                     const std::vector<bool>& reduced, BuiltinOp code) {
  std::vector<int32_t> out_shape;
  for (size_t d = 0; d < shape.size(); ++d) out_shape.push_back(reduced[d] ? 1 : shape[d]);
  std::vector<double> acc(static_cast<size_t>(count_of(out_shape)),
                          code == BuiltinOp::ReduceProd  ? 1.0
                          : code == BuiltinOp::ReduceMax ? -1e300
                          : code == BuiltinOp::ReduceMin ? 1e300
                                                         : 0.0);
  std::vector<int64_t> counts(acc.size(), 0);
  for (int64_t i = 0; i < static_cast<int64_t>(in.size()); ++i) {
    std::vector<int64_t> c = coords_of(i, shape);
    for (size_t d = 0; d < shape.size(); ++d)
      if (reduced[d]) c[d] = 0;
    const int64_t o = flat_of(c, out_shape);
    const double v = in[i];
    if (code == BuiltinOp::ReduceProd)
      acc[o] *= v;
    else if (code == BuiltinOp::ReduceMax)
      acc[o] = std::max(acc[o], v);
    else if (code == BuiltinOp::ReduceMin)
      acc[o] = std::min(acc[o], v);
    else
      acc[o] += v;
    ++counts[o];
  }
  if (code == BuiltinOp::Mean)
    for (size_t o = 0; o < acc.size(); ++o) acc[o] /= static_cast<double>(counts[o]);
  return acc;
}

TEST(Reduce, AllKindsMatchBruteForce) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> small(-3, 3);
  const std::vector<std::vector<int32_t>> shapes = {{5}, {2, 3, 4}, {3, 1, 5, 2}, {2, 3, 2, 2, 3}};
  const std::vector<BuiltinOp> codes = {BuiltinOp::Mean, BuiltinOp::Sum, BuiltinOp::ReduceMax,
                                        BuiltinOp::ReduceMin, BuiltinOp::ReduceProd};
  for (const auto& shape : shapes) {
    const int rank = static_cast<int>(shape.size());
    std::vector<float> in(static_cast<size_t>(count_of(shape)));
    for (float& v : in) v = static_cast<float>(small(rng)) * 0.5f;  // exact in float
    for (int mask = 1; mask < (1 << rank); ++mask) {
      std::vector<int32_t> axes;
      std::vector<bool> reduced(shape.size());
      for (int d = 0; d < rank; ++d)
        if (mask & (1 << d)) {
          axes.push_back(d % 2 ? d - rank : d);  // mix negative axes in
          reduced[d] = true;
        }
      axes.push_back(axes.front());  // and a repeat
      for (BuiltinOp code : codes) {
        const auto out = run_kernel(reducer(code, true),
                                    {HostTensor::f32(shape, in),
                                     HostTensor::i32({static_cast<int32_t>(axes.size())}, axes)},
                                    {spec(DType::Float32)});
        const std::vector<double> want = reduce_reference(in, shape, reduced, code);
        const std::vector<float> got = out[0].values<float>();
        ASSERT_EQ(got.size(), want.size());
        for (size_t k = 0; k < want.size(); ++k)
          EXPECT_NEAR(got[k], want[k], 1e-5 * std::max(1.0, std::abs(want[k])))
              << builtin_op_name(code) << " mask " << mask << " rank " << rank << " at " << k;
      }
    }
  }
}

TEST(Reduce, IntegerMaxMinProdAndEmptyAxes) {
  const HostTensor in = HostTensor::i32({2, 3}, {3, -7, 5, 2, 2, -1}, false);
  auto out = run_kernel(reducer(BuiltinOp::ReduceMax, false), {in, HostTensor::i32({1}, {1})},
                        {spec(DType::Int32)});
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(5, 2));
  out = run_kernel(reducer(BuiltinOp::ReduceMin, false), {in, HostTensor::i32({1}, {0})},
                   {spec(DType::Int32)});
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(2, -7, -1));
  out = run_kernel(reducer(BuiltinOp::ReduceProd, false), {in, HostTensor::i32({2}, {0, 1})},
                   {spec(DType::Int32)});
  EXPECT_TRUE(out[0].shape.empty());
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(3 * -7 * 5 * 2 * 2 * -1));
  out = run_kernel(reducer(BuiltinOp::Sum, false), {in, HostTensor::i32({0}, {})},
                   {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 3));
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(3, -7, 5, 2, 2, -1));
  // A max over an empty axis is the lowest value, as LiteRT's init value.
  out =
      run_kernel(reducer(BuiltinOp::ReduceMax, false),
                 {HostTensor::f32({2, 0}, {}), HostTensor::i32({1}, {1})}, {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(std::numeric_limits<float>::lowest(),
                                                  std::numeric_limits<float>::lowest()));
}

TEST(Reduce, Errors) {
  expect_error(
      [] {
        run_kernel(reducer(BuiltinOp::Sum, false),
                   {HostTensor::f32({2, 3}, iota_f(6)), HostTensor::i32({1}, {2})},
                   {spec(DType::Float32)});
      },
      "axis 2 is out of range for rank 2");
  expect_error(
      [] {
        run_kernel(reducer(BuiltinOp::Mean, false),
                   {HostTensor::of<int8_t>(DType::Int8, {2}, {1, 2}), HostTensor::i32({1}, {0})},
                   {spec(DType::Int8)});
      },
      "quantized kernel is not supported yet");
  expect_error(
      [] {
        run_kernel(reducer(BuiltinOp::Mean, false),
                   {HostTensor::f32({2}, {1, 2}), i32_runtime({1}, {0})}, {spec(DType::Float32)});
      },
      "axes tensor 1 'input1' is not known at plan time");
}

// ------------------------------------------------------ ARG_MAX / ARG_MIN

TEST(ArgMinMax, TiesNaNAndOutputTypes) {
  const HostTensor in = HostTensor::f32({2, 4}, {1, 5, 5, 2, NAN, -1, NAN, -1});
  auto out = run_kernel(op_of(BuiltinOp::ArgMax, opt::OutputType{DType::Int32}),
                        {in, HostTensor::i32({1}, {1})}, {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2));
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(1, 1));  // first of the ties; NaN never wins
  out = run_kernel(op_of(BuiltinOp::ArgMin, opt::OutputType{DType::Int64}), {in, i64({}, {-1})},
                   {spec(DType::Int64)});
  EXPECT_THAT(out[0].values<int64_t>(), ElementsAre(0, 1));
  out = run_kernel(op_of(BuiltinOp::ArgMax, opt::OutputType{DType::Int64}),
                   {HostTensor::i32({3, 2}, {1, 9, 7, 9, 7, 0}, false), HostTensor::i32({1}, {0})},
                   {spec(DType::Int64)});
  EXPECT_THAT(out[0].values<int64_t>(), ElementsAre(1, 0));
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::ArgMax, opt::OutputType{DType::Int64}),
                   {in, HostTensor::i32({1}, {1})}, {spec(DType::Int32)});
      },
      "options say output_type int64");
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::ArgMax, opt::OutputType{DType::Int32}),
                   {in, HostTensor::i32({1}, {2})}, {spec(DType::Int32)});
      },
      "axis 2 is out of range");
}

// ---------------------------------------------------------------- CUMSUM

TEST(Cumsum, ExclusiveAndReverse) {
  const HostTensor in = HostTensor::f32({2, 3}, {1, 2, 3, 4, 5, 6});
  const HostTensor axis = HostTensor::i32({}, {1});
  auto run = [&](bool exclusive, bool reverse, const HostTensor& a) {
    return run_kernel(op_of(BuiltinOp::Cumsum, opt::Cumsum{exclusive, reverse}), {in, a},
                      {spec(DType::Float32)})[0]
        .values<float>();
  };
  EXPECT_THAT(run(false, false, axis), ElementsAre(1, 3, 6, 4, 9, 15));
  EXPECT_THAT(run(true, false, axis), ElementsAre(0, 1, 3, 0, 4, 9));
  EXPECT_THAT(run(false, true, axis), ElementsAre(6, 5, 3, 15, 11, 6));
  EXPECT_THAT(run(true, true, axis), ElementsAre(5, 3, 0, 11, 6, 0));
  EXPECT_THAT(run(false, false, HostTensor::i32({}, {-2})), ElementsAre(1, 2, 3, 5, 7, 9));
  const auto ints =
      run_kernel(op_of(BuiltinOp::Cumsum, opt::Cumsum{false, false}),
                 {HostTensor::i32({4}, {1, -2, 3, -4}, false), HostTensor::i32({}, {0})},
                 {spec(DType::Int32)});
  EXPECT_THAT(ints[0].values<int32_t>(), ElementsAre(1, -1, 2, -2));
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Cumsum), {in, HostTensor::i32({}, {2})},
                   {spec(DType::Float32)});
      },
      "axis 2 is out of range for rank 2");
}

}  // namespace
}  // namespace octet::testing
