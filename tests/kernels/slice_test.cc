// SLICE and STRIDED_SLICE, including masks, ellipsis, new axes, offset,
// negative strides and dynamic begin.
#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;

// ---------------------------------------------------------------- SLICE

TEST(Slice, BeginAndSizeWithMinusOne) {
  const auto out = run_kernel(op_of(BuiltinOp::Slice),
                              {HostTensor::f32({3, 4}, iota_f(12)), HostTensor::i32({2}, {1, 1}),
                               HostTensor::i32({2}, {2, -1})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 3));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(5, 6, 7, 9, 10, 11));
}

TEST(Slice, Int64Indices3D) {
  const auto out =
      run_kernel(op_of(BuiltinOp::Slice),
                 {HostTensor::i32({2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, false),
                  i64({3}, {1, 0, 1}), i64({3}, {1, 2, 1})},
                 {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 2, 1));
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(7, 9));
}

TEST(Slice, DynamicBegin) {
  // begin comes from a model input (a decoder step index, say); size fixes the shape.
  const auto out = run_kernel(
      op_of(BuiltinOp::Slice),
      {HostTensor::f32({4, 3}, iota_f(12)), i32_runtime({2}, {2, 1}), HostTensor::i32({2}, {2, 2})},
      {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(7, 8, 10, 11));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Slice),
                   {HostTensor::f32({4, 3}, iota_f(12)), i32_runtime({2}, {3, 0}),
                    HostTensor::i32({2}, {2, 2})},
                   {spec(DType::Float32)});
      },
      "begin 3 with size 2 is outside dimension 0 (size 4)");
}

TEST(Slice, Errors) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Slice),
                   {HostTensor::f32({3, 4}, iota_f(12)), HostTensor::i32({2}, {2, 0}),
                    HostTensor::i32({2}, {2, 4})},
                   {spec(DType::Float32)});
      },
      "begin [2,0] and size [2,4] do not fit");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Slice),
                   {HostTensor::f32({3, 4}, iota_f(12)), HostTensor::i32({1}, {0}),
                    HostTensor::i32({1}, {1})},
                   {spec(DType::Float32)});
      },
      "begin tensor 1 'input1' has shape [1], expected [2]");
  expect_error(
      [] {
        run_kernel(
            op_of(BuiltinOp::Slice),
            {HostTensor::f32({3}, iota_f(3)), i32_runtime({1}, {0}), HostTensor::i32({1}, {-1})},
            {spec(DType::Float32)});
      },
      "output shape unknown");
}

// -------------------------------------------------------- STRIDED_SLICE

struct Spec {
  std::vector<int32_t> begin, end, strides;
  opt::StridedSlice options;
};

std::vector<HostTensor> strided_inputs(HostTensor in, const Spec& s, bool begin_constant = true) {
  const int32_t n = static_cast<int32_t>(s.begin.size());
  return {std::move(in), HostTensor::i32({n}, s.begin, begin_constant), HostTensor::i32({n}, s.end),
          HostTensor::i32({n}, s.strides)};
}

HostTensor run_strided(HostTensor in, const Spec& s, bool begin_constant = true) {
  const DType dtype = in.dtype;
  return run_kernel(op_of(BuiltinOp::StridedSlice, s.options),
                    strided_inputs(std::move(in), s, begin_constant), {spec(dtype)})[0];
}

TEST(StridedSlice, OneDimensionalSteps) {
  const HostTensor in = HostTensor::f32({10}, iota_f(10));
  EXPECT_THAT(run_strided(in, {{1}, {8}, {3}, {}}).values<float>(), ElementsAre(1, 4, 7));
  // Negative steps walk backwards from begin down to (not including) end.
  EXPECT_THAT(run_strided(in, {{8}, {2}, {-2}, {}}).values<float>(), ElementsAre(8, 6, 4));
  // x[::-1]: begin and end masked.
  opt::StridedSlice masks;
  masks.begin_mask = masks.end_mask = 1;
  EXPECT_THAT(run_strided(in, {{0}, {0}, {-1}, masks}).values<float>(),
              ElementsAre(9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
  // Negative indices count from the end; out-of-range ends clamp.
  EXPECT_THAT(run_strided(in, {{-3}, {100}, {1}, {}}).values<float>(), ElementsAre(7, 8, 9));
  EXPECT_THAT(run_strided(in, {{-1}, {-100}, {-4}, {}}).values<float>(), ElementsAre(9, 5, 1));
  // An empty walk gives an empty output.
  EXPECT_THAT(run_strided(in, {{5}, {2}, {1}, {}}).shape, ElementsAre(0));
}

TEST(StridedSlice, TwoDimensionalAndImplicitTrailingDims) {
  const HostTensor in = HostTensor::f32({3, 4}, iota_f(12));
  const HostTensor a = run_strided(in, {{0, 1}, {3, 3}, {2, 1}, {}});
  EXPECT_THAT(a.shape, ElementsAre(2, 2));
  EXPECT_THAT(a.values<float>(), ElementsAre(1, 2, 9, 10));
  // Only the first dimension is specified; the second is taken whole.
  const HostTensor b = run_strided(in, {{1}, {2}, {1}, {}});
  EXPECT_THAT(b.shape, ElementsAre(1, 4));
  EXPECT_THAT(b.values<float>(), ElementsAre(4, 5, 6, 7));
}

TEST(StridedSlice, ShrinkAxis) {
  const HostTensor in = HostTensor::f32({3, 4}, iota_f(12));
  opt::StridedSlice o;
  o.shrink_axis_mask = 1;
  HostTensor r = run_strided(in, {{1, 0}, {2, 4}, {1, 1}, o});
  EXPECT_THAT(r.shape, ElementsAre(4));
  EXPECT_THAT(r.values<float>(), ElementsAre(4, 5, 6, 7));
  // x[-1, 1]: both shrunk, negative index, end ignored.
  o.shrink_axis_mask = 3;
  r = run_strided(in, {{-1, 1}, {0, 0}, {1, 1}, o});
  EXPECT_TRUE(r.shape.empty());
  EXPECT_THAT(r.values<float>(), ElementsAre(9));
  o.shrink_axis_mask = 1;
  expect_error(
      [&] {
        run_strided(in, {{3, 0}, {4, 4}, {1, 1}, o});
      },
      "shrink index 3 is outside dimension 0");
}

TEST(StridedSlice, EllipsisAndNewAxis) {
  const HostTensor in = HostTensor::f32({2, 3, 4}, iota_f(24));
  // x[..., 1:3]
  opt::StridedSlice o;
  o.ellipsis_mask = 1;
  HostTensor r = run_strided(in, {{0, 1}, {0, 3}, {1, 1}, o});
  EXPECT_THAT(r.shape, ElementsAre(2, 3, 2));
  const std::vector<float> v = r.values<float>();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(v[2 * i], static_cast<float>(4 * i + 1));
    EXPECT_EQ(v[2 * i + 1], static_cast<float>(4 * i + 2));
  }
  // x[1, ..., ::-2]: ellipsis in the middle, shrink before it.
  o = {};
  o.ellipsis_mask = 2;
  o.shrink_axis_mask = 1;
  o.begin_mask = o.end_mask = 4;
  r = run_strided(in, {{1, 0, 0}, {2, 0, 0}, {1, 1, -2}, o});
  EXPECT_THAT(r.shape, ElementsAre(3, 2));
  EXPECT_THAT(r.values<float>(), ElementsAre(15, 13, 19, 17, 23, 21));
  // x[:, newaxis, :] on a matrix.
  o = {};
  o.new_axis_mask = 2;
  o.begin_mask = o.end_mask = 5;
  r = run_strided(HostTensor::f32({3, 4}, iota_f(12)), {{0, 0, 0}, {0, 0, 0}, {1, 1, 1}, o});
  EXPECT_THAT(r.shape, ElementsAre(3, 1, 4));
  EXPECT_EQ(r.values<float>(), iota_f(12));
}

TEST(StridedSlice, OffsetWithConstantAndDynamicBegin) {
  // With offset, end holds sizes counted from begin.
  const HostTensor in = HostTensor::f32({3, 4}, iota_f(12));
  opt::StridedSlice o;
  o.offset = true;
  HostTensor r = run_strided(in, {{1, 1}, {2, 2}, {1, 1}, o});
  EXPECT_THAT(r.shape, ElementsAre(2, 2));
  EXPECT_THAT(r.values<float>(), ElementsAre(5, 6, 9, 10));
  r = run_strided(in, {{0, 2}, {2, 2}, {1, 1}, o}, /*begin_constant=*/false);
  EXPECT_THAT(r.values<float>(), ElementsAre(2, 3, 6, 7));
  expect_error(
      [&] {
        run_strided(in, {{2, 0}, {2, 2}, {1, 1}, o}, false);
      },
      "begin 2 with size 2 runs outside dimension 0 of size 3 of input tensor 0 'input0'");
}

TEST(StridedSlice, Int8AndInt64Data) {
  const HostTensor bytes = HostTensor::of<int8_t>(DType::Int8, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_THAT(run_strided(bytes, {{1, 2}, {2, -4}, {1, -1}, {}}).values<int8_t>(),
              ElementsAre(6, 5, 4));
  const HostTensor longs = i64({4}, {10, 20, 30, 40}, false);
  EXPECT_THAT(run_strided(longs, {{0}, {4}, {2}, {}}).values<int64_t>(), ElementsAre(10, 30));
}

TEST(StridedSlice, Errors) {
  const HostTensor in = HostTensor::f32({3, 4}, iota_f(12));
  expect_error([&] { run_strided(in, {{0, 0}, {1, 1}, {1, 0}, {}}); }, "zero step");
  expect_error(
      [&] {
        run_strided(in, {{0, 0}, {1, 1}, {1, 1}, {}}, false);
      },
      "begin tensor 1 'input1' is not known at plan time");
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::StridedSlice, opt::StridedSlice{}),
                   {in, HostTensor::i32({2}, {0, 0}), HostTensor::i32({1}, {1}),
                    HostTensor::i32({2}, {1, 1})},
                   {spec(DType::Float32)});
      },
      "end tensor 2 'input2' has shape [1], expected [2]");
}

}  // namespace
}  // namespace octet::testing
