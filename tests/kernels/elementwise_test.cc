// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, POW, and the
// broadcast plan they share. Expected values come from a per-element loop
// with explicit index arithmetic, independent of the kernels' row walker.
#include "kernels/elementwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "harness.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::OutputSpec;
using testing::run_kernel;

Op make_op(BuiltinOp b, Activation act = Activation::None) {
  Op op;
  op.code.builtin = b;
  op.options.value = opt::FusedActivation{act, true};
  return op;
}

std::vector<OutputSpec> int32_out() { return {OutputSpec{DType::Int32, {}}}; }

int64_t count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Flat index into `in` of output element `flat`, numpy broadcasting.
int64_t source_index(const std::vector<int32_t>& in, const std::vector<int32_t>& out,
                     int64_t flat) {
  int64_t index = 0, stride = 1;
  for (int d = static_cast<int>(out.size()) - 1; d >= 0; --d) {
    const int64_t coord = flat % out[d];
    flat /= out[d];
    const int k = d - static_cast<int>(out.size() - in.size());
    if (k < 0) continue;
    if (in[k] != 1) index += coord * stride;
    stride *= in[k];
  }
  return index;
}

std::vector<float> pattern(int64_t n, int seed, float lo, float step) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = lo + step * static_cast<float>((i * 7 + seed * 3) % 13);
  return v;
}

struct FloatCase {
  BuiltinOp op;
  std::function<float(float, float)> expected;
  float b_lo;  // keeps DIV divisors and POW bases away from zero
};

const std::vector<FloatCase>& float_cases() {
  static const std::vector<FloatCase> cases = {
      {BuiltinOp::Add, [](float a, float b) { return a + b; }, -3.f},
      {BuiltinOp::Sub, [](float a, float b) { return a - b; }, -3.f},
      {BuiltinOp::Mul, [](float a, float b) { return a * b; }, -3.f},
      {BuiltinOp::Div, [](float a, float b) { return a / b; }, 0.5f},
      {BuiltinOp::SquaredDifference, [](float a, float b) { return (a - b) * (a - b); }, -3.f},
      {BuiltinOp::Maximum, [](float a, float b) { return a > b ? a : b; }, -3.f},
      {BuiltinOp::Minimum, [](float a, float b) { return a < b ? a : b; }, -3.f},
      {BuiltinOp::Pow, [](float a, float b) { return std::pow(a, b); }, -3.f},
  };
  return cases;
}

struct ShapeCase {
  std::vector<int32_t> a, b, out;
};

const std::vector<ShapeCase> kShapes = {
    {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}},                             // equal shapes
    {{2, 3, 4}, {}, {2, 3, 4}},                                    // rank-0 scalar
    {{1}, {3, 5}, {3, 5}},                                         // scalar first
    {{2, 3, 4}, {4}, {2, 3, 4}},                                   // trailing vector
    {{2, 3, 4}, {3, 1}, {2, 3, 4}},                                // middle vector
    {{5, 1}, {1, 7}, {5, 7}},                                      // outer product
    {{2, 1, 4}, {1, 3, 1}, {2, 3, 4}},                             // both broadcast
    {{7}, {3, 1, 7}, {3, 1, 7}},                                   // size-1 output dim
    {{2, 3, 1, 5, 1, 2}, {3, 4, 1, 1, 2}, {2, 3, 4, 5, 1, 2}},     // rank 6 against rank 5
    {{2, 1, 3, 1, 2, 1}, {1, 2, 1, 3, 1, 2}, {2, 2, 3, 3, 2, 2}},  // rank 6, alternating
};

TEST(ElementwiseBinary, FloatOpsMatchElementLoopOverBroadcastShapes) {
  for (const FloatCase& fc : float_cases()) {
    for (const ShapeCase& sc : kShapes) {
      SCOPED_TRACE(fmt::format("{} [{}] x [{}]", builtin_op_name(fc.op), fmt::join(sc.a, ","),
                               fmt::join(sc.b, ",")));
      // POW needs positive bases for real results.
      const float a_lo = fc.op == BuiltinOp::Pow ? 0.25f : -2.f;
      const std::vector<float> a = pattern(count(sc.a), 1, a_lo, 0.375f);
      const std::vector<float> b = pattern(count(sc.b), 2, fc.b_lo, 0.5f);
      auto out =
          run_kernel(make_op(fc.op), {HostTensor::f32(sc.a, a), HostTensor::f32(sc.b, b)}, {{}});
      ASSERT_EQ(out[0].shape, sc.out);
      const std::vector<float> got = out[0].values<float>();
      ASSERT_EQ(static_cast<int64_t>(got.size()), count(sc.out));
      for (int64_t i = 0; i < count(sc.out); ++i) {
        const float want =
            fc.expected(a[source_index(sc.a, sc.out, i)], b[source_index(sc.b, sc.out, i)]);
        ASSERT_EQ(got[i], want) << "element " << i;
      }
    }
  }
}

TEST(ElementwiseBinary, FusedActivationClamps) {
  const std::vector<float> a = {-8.f, -0.5f, 0.25f, 3.f, 9.f};
  const std::vector<float> b = {1.f};
  auto add6 = run_kernel(make_op(BuiltinOp::Add, Activation::Relu6),
                         {HostTensor::f32({5}, a), HostTensor::f32({1}, b)}, {{}});
  EXPECT_EQ(add6[0].values<float>(), (std::vector<float>{0.f, 0.5f, 1.25f, 4.f, 6.f}));
  auto sub_relu = run_kernel(make_op(BuiltinOp::Sub, Activation::Relu),
                             {HostTensor::f32({5}, a), HostTensor::f32({1}, b)}, {{}});
  EXPECT_EQ(sub_relu[0].values<float>(), (std::vector<float>{0.f, 0.f, 0.f, 2.f, 8.f}));
  auto mul_n1 = run_kernel(make_op(BuiltinOp::Mul, Activation::ReluN1To1),
                           {HostTensor::f32({5}, a), HostTensor::f32({1}, {0.5f})}, {{}});
  EXPECT_EQ(mul_n1[0].values<float>(), (std::vector<float>{-1.f, -0.25f, 0.125f, 1.f, 1.f}));
  auto div_relu = run_kernel(make_op(BuiltinOp::Div, Activation::Relu),
                             {HostTensor::f32({5}, a), HostTensor::f32({1}, {-2.f})}, {{}});
  EXPECT_EQ(div_relu[0].values<float>(), (std::vector<float>{4.f, 0.25f, 0.f, 0.f, 0.f}));
}

TEST(ElementwiseBinary, FloatSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto div = run_kernel(make_op(BuiltinOp::Div),
                        {HostTensor::f32({3}, {1.f, -1.f, 0.f}), HostTensor::f32({}, {0.f})}, {{}});
  const auto d = div[0].values<float>();
  EXPECT_EQ(d[0], inf);
  EXPECT_EQ(d[1], -inf);
  EXPECT_TRUE(std::isnan(d[2]));
  // TFLite's MaximumOp is `a > b ? a : b`: NaN in a yields b, NaN in b yields NaN.
  auto mx = run_kernel(make_op(BuiltinOp::Maximum),
                       {HostTensor::f32({2}, {nan, 1.f}), HostTensor::f32({2}, {2.f, nan})}, {{}});
  EXPECT_EQ(mx[0].values<float>()[0], 2.f);
  EXPECT_TRUE(std::isnan(mx[0].values<float>()[1]));
  // An activation clamp keeps NaN (min(max(NaN, 0), 6) is NaN).
  auto relu_nan = run_kernel(make_op(BuiltinOp::Add, Activation::Relu6),
                             {HostTensor::f32({1}, {nan}), HostTensor::f32({1}, {1.f})}, {{}});
  EXPECT_TRUE(std::isnan(relu_nan[0].values<float>()[0]));
}

TEST(ElementwiseBinary, Int32Arithmetic) {
  auto i32 = [](std::vector<int32_t> shape, std::vector<int32_t> v) {
    return HostTensor::i32(std::move(shape), v, false);
  };
  const int32_t kMin = std::numeric_limits<int32_t>::min(),
                kMax = std::numeric_limits<int32_t>::max();
  // DIV truncates toward zero, like C++ and TFLite's reference.
  auto div =
      run_kernel(make_op(BuiltinOp::Div),
                 {i32({6}, {7, -7, 7, -7, kMin, 1}), i32({6}, {2, 2, -2, -2, -1, 3})}, int32_out());
  EXPECT_EQ(div[0].values<int32_t>(), (std::vector<int32_t>{3, -3, -3, 3, kMin, 0}));
  // ADD/MUL wrap instead of being undefined.
  auto add = run_kernel(make_op(BuiltinOp::Add), {i32({2}, {kMax, 5}), i32({}, {1})}, int32_out());
  EXPECT_EQ(add[0].values<int32_t>(), (std::vector<int32_t>{kMin, 6}));
  auto mul = run_kernel(make_op(BuiltinOp::Mul, Activation::Relu6),
                        {i32({2, 2}, {1, 2, 3, -4}), i32({2}, {2, 3})}, int32_out());
  EXPECT_EQ(mul[0].values<int32_t>(), (std::vector<int32_t>{2, 6, 6, 0}));
  auto sub = run_kernel(make_op(BuiltinOp::Sub, Activation::ReluN1To1),
                        {i32({3}, {5, 0, -5}), i32({3, 1}, {0, 1, 2})}, int32_out());
  EXPECT_EQ(sub[0].shape, (std::vector<int32_t>{3, 3}));
  EXPECT_EQ(sub[0].values<int32_t>(), (std::vector<int32_t>{1, 0, -1, 1, -1, -1, 1, -1, -1}));
  auto mx =
      run_kernel(make_op(BuiltinOp::Maximum), {i32({3}, {5, 0, -5}), i32({1}, {-1})}, int32_out());
  EXPECT_EQ(mx[0].values<int32_t>(), (std::vector<int32_t>{5, 0, -1}));
  auto mn =
      run_kernel(make_op(BuiltinOp::Minimum), {i32({3}, {5, 0, -5}), i32({1}, {-1})}, int32_out());
  EXPECT_EQ(mn[0].values<int32_t>(), (std::vector<int32_t>{-1, -1, -5}));
  auto sq = run_kernel(make_op(BuiltinOp::SquaredDifference),
                       {i32({2}, {3, -4}), i32({2}, {-2, 1})}, int32_out());
  EXPECT_EQ(sq[0].values<int32_t>(), (std::vector<int32_t>{25, 25}));
  auto pw = run_kernel(make_op(BuiltinOp::Pow), {i32({4}, {2, -3, 0, 7}), i32({4}, {10, 3, 0, 1})},
                       int32_out());
  EXPECT_EQ(pw[0].values<int32_t>(), (std::vector<int32_t>{1024, -27, 1, 7}));
}

TEST(ElementwiseBinary, Int64Arithmetic) {
  const int64_t big = int64_t{1} << 40;
  auto a = HostTensor::of<int64_t>(DType::Int64, {3}, {big, -big, 3});
  auto b = HostTensor::of<int64_t>(DType::Int64, {1}, {2});
  auto mul = run_kernel(make_op(BuiltinOp::Mul), {a, b}, {OutputSpec{DType::Int64, {}}});
  EXPECT_EQ(mul[0].values<int64_t>(), (std::vector<int64_t>{2 * big, -2 * big, 6}));
  auto sub = run_kernel(make_op(BuiltinOp::Sub), {b, a}, {OutputSpec{DType::Int64, {}}});
  EXPECT_EQ(sub[0].values<int64_t>(), (std::vector<int64_t>{2 - big, 2 + big, -1}));
}

TEST(ElementwiseBinary, EmptyTensorGivesEmptyOutput) {
  auto out = run_kernel(make_op(BuiltinOp::Add),
                        {HostTensor::f32({0, 3}, {}), HostTensor::f32({3}, {1, 2, 3})}, {{}});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{0, 3}));
  EXPECT_TRUE(out[0].bytes.empty());
}

TEST(ElementwiseBinary, IntegerDivisionByZeroThrowsAtEval) {
  try {
    run_kernel(make_op(BuiltinOp::Div),
               {HostTensor::i32({3}, {1, 2, 3}, false), HostTensor::i32({3}, {1, 0, 2}, false)},
               int32_out());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("division by zero"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("element 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      run_kernel(make_op(BuiltinOp::Pow),
                 {HostTensor::i32({2}, {2, 2}, false), HostTensor::i32({2}, {1, -1}, false)},
                 int32_out()),
      Error);
}

TEST(ElementwiseBinary, BadInputsFailInPrepareWithClearMessages) {
  auto message = [](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string shapes = message([] {
    run_kernel(make_op(BuiltinOp::Add),
               {HostTensor::f32({2, 3}, std::vector<float>(6)),
                HostTensor::f32({4}, std::vector<float>(4))},
               {{}});
  });
  EXPECT_NE(shapes.find("do not broadcast"), std::string::npos) << shapes;
  const std::string dtypes = message([] {
    run_kernel(make_op(BuiltinOp::Mul),
               {HostTensor::f32({2}, {1, 2}), HostTensor::i32({2}, {1, 2})}, {{}});
  });
  EXPECT_NE(dtypes.find("input 1 tensor 1 'input1' is int32, expected float32"), std::string::npos)
      << dtypes;
  // LiteRT has no quantized POW, so neither does octet.
  const std::string quantized = message([] {
    auto q = HostTensor::of<int8_t>(DType::Int8, {2}, {1, 2});
    q.quant.scale = {0.5f};
    q.quant.zero_point = {0};
    run_kernel(make_op(BuiltinOp::Pow), {q, q}, {OutputSpec{DType::Int8, {}}});
  });
  EXPECT_NE(quantized.find("no integer kernel for POW"), std::string::npos)
      << quantized;
  const std::string int64_div = message([] {
    auto t = HostTensor::of<int64_t>(DType::Int64, {1}, {1});
    run_kernel(make_op(BuiltinOp::Div), {t, t}, {OutputSpec{DType::Int64, {}}});
  });
  EXPECT_NE(int64_div.find("expected float32 or int32"), std::string::npos) << int64_div;
  const std::string tanh_act = message([] {
    run_kernel(make_op(BuiltinOp::Add, Activation::Tanh),
               {HostTensor::f32({1}, {1}), HostTensor::f32({1}, {1})}, {{}});
  });
  EXPECT_NE(tanh_act.find("fused activation"), std::string::npos) << tanh_act;
  const std::string out_dtype = message([] {
    run_kernel(make_op(BuiltinOp::Sub), {HostTensor::f32({1}, {1}), HostTensor::f32({1}, {1})},
               int32_out());
  });
  EXPECT_NE(out_dtype.find("output tensor 2 'output0' is int32, expected float32"),
            std::string::npos)
      << out_dtype;
}

// The plan merges dimensions so hot cases are long contiguous rows.
TEST(BroadcastPlan, MergesDimensionsIntoLongRows) {
  using kernels::plan_broadcast;
  using Span = std::span<const int32_t>;
  const std::vector<int32_t> nhwc = {1, 64, 64, 16}, c = {16}, scalar = {}, n11c = {1, 1, 1, 16};
  auto same = plan_broadcast<2>({Span(nhwc), Span(nhwc)}, nhwc);
  EXPECT_EQ(same.rank, 1);
  EXPECT_EQ(same.row_length(), 64 * 64 * 16);
  auto vec = plan_broadcast<2>({Span(nhwc), Span(c)}, nhwc);
  EXPECT_EQ(vec.rank, 2);
  EXPECT_EQ(vec.row_length(), 16);
  EXPECT_TRUE(vec.row_varies(0) && vec.row_varies(1));
  auto vec4 = plan_broadcast<2>({Span(n11c), Span(nhwc)}, nhwc);
  EXPECT_EQ(vec4.rank, 2);
  auto sc = plan_broadcast<2>({Span(nhwc), Span(scalar)}, nhwc);
  EXPECT_EQ(sc.rank, 1);
  EXPECT_TRUE(sc.row_varies(0));
  EXPECT_FALSE(sc.row_varies(1));
  EXPECT_EQ(sc.size, 64 * 64 * 16);
}

}  // namespace
}  // namespace octet
