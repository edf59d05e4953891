// Quantized elementwise kernels on hand-made tensors: exact small results and
// the parameters LiteRT's kernels cannot take, which octet refuses at
// prepare with a message naming the tensor. The golden tests compare the
// same kernels with LiteRT on random data.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "harness.h"
#include "kernels/quant_elementwise.h"

namespace octet {
namespace {

using testing::HostTensor;
using testing::make_op;
using testing::OutputSpec;
using testing::run_kernel;

QuantParams qp(float scale, int64_t zero_point) {
  QuantParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

HostTensor i8(std::vector<int32_t> shape, std::vector<int8_t> v, float scale, int64_t zp) {
  HostTensor t = HostTensor::of<int8_t>(DType::Int8, std::move(shape), v);
  t.quant = qp(scale, zp);
  return t;
}
HostTensor i16(std::vector<int32_t> shape, std::vector<int16_t> v, float scale) {
  HostTensor t = HostTensor::of<int16_t>(DType::Int16, std::move(shape), v);
  t.quant = qp(scale, 0);
  return t;
}
OutputSpec out8(float scale, int64_t zp) { return {DType::Int8, qp(scale, zp)}; }
OutputSpec out16(float scale) { return {DType::Int16, qp(scale, 0)}; }

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(QuantizedBinary, AddOfEqualScalesIsExactAndBroadcasts) {
  auto out =
      run_kernel(make_op(BuiltinOp::Add),
                 {i8({2, 3}, {1, 2, 3, -4, -5, 120}, 0.5f, 0), i8({3}, {2, -2, 10}, 0.5f, 0)},
                 {out8(0.5f, 0)});
  EXPECT_EQ(out[0].shape, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(out[0].values<int8_t>(), (std::vector<int8_t>{3, 0, 13, -2, -7, 127}));
  // A fused RELU6 clamps to [zp, zp + 6/scale].
  auto relu6 =
      run_kernel(make_op(BuiltinOp::Sub, opt::FusedActivation{Activation::Relu6, true}),
                 {i8({3}, {30, 1, -1}, 0.25f, 0), i8({3}, {1, 4, 1}, 0.25f, 0)}, {out8(0.25f, 0)});
  EXPECT_EQ(relu6[0].values<int8_t>(), (std::vector<int8_t>{24, 0, 0}));
}

TEST(QuantizedBinary, MaximumMinimumCompareStoredIntegers) {
  // Different parameters are ignored, as LiteRT ignores them.
  auto mx = run_kernel(make_op(BuiltinOp::Maximum),
                       {i8({3}, {-5, 7, 0}, 0.1f, 0), i8({}, {3}, 9.f, -100)}, {out8(1.f, 0)});
  EXPECT_EQ(mx[0].values<int8_t>(), (std::vector<int8_t>{3, 7, 3}));
  auto mn = run_kernel(make_op(BuiltinOp::Minimum),
                       {i16({3}, {-5, 7, 0}, 0.1f), i16({3}, {3, 3, 3}, 0.1f)}, {out16(0.1f)});
  EXPECT_EQ(mn[0].values<int16_t>(), (std::vector<int16_t>{-5, 3, 0}));
}

TEST(QuantizedBinary, Int16PowerOfTwoPathShiftsOneInput) {
  // input 1 at 2^-12 onto the output's 2^-10: a rounding shift by 2.
  auto out = run_kernel(
      make_op(BuiltinOp::Add),
      {i16({4}, {100, 100, 100, -100}, 1.f / 1024), i16({4}, {6, 5, -6, -6}, 1.f / 4096)},
      {out16(1.f / 1024)});
  EXPECT_EQ(out[0].values<int16_t>(), (std::vector<int16_t>{102, 101, 98, -102}));
}

TEST(QuantizedBinary, Int16RoundingDivideByPotWrapsLikeGemmlowp) {
  using kernels::rounding_divide_by_pot_int16;
  EXPECT_EQ(rounding_divide_by_pot_int16(5, 2), 1);
  EXPECT_EQ(rounding_divide_by_pot_int16(6, 2), 2);  // half away from zero
  EXPECT_EQ(rounding_divide_by_pot_int16(-6, 2), -2);
  EXPECT_EQ(rounding_divide_by_pot_int16(-32768, 15), -1);
  // From 16 bits the int16 mask is -1: the result is the sign, 0 counting as +.
  EXPECT_EQ(rounding_divide_by_pot_int16(0, 18), 1);
  EXPECT_EQ(rounding_divide_by_pot_int16(1234, 18), 1);
  EXPECT_EQ(rounding_divide_by_pot_int16(-1234, 18), -1);
}

TEST(QuantizedBinary, ParametersLiteRtCannotTakeAreRefused) {
  // ADD: 2·max(s) / (2^20·s_out) must stay below 1 (LiteRT aborts).
  const std::string tiny_out = error_of([] {
    run_kernel(make_op(BuiltinOp::Add), {i8({2}, {1, 2}, 1.f, 0), i8({2}, {1, 2}, 1.f, 0)},
               {out8(1e-7f, 0)});
  });
  EXPECT_HAS(tiny_out, "output multiplier 2·max(input scales) / (2^20 · output scale)");
  EXPECT_HAS(tiny_out, "ADD");
  const std::string zero_scale = error_of([] {
    run_kernel(make_op(BuiltinOp::Mul), {i8({2}, {1, 2}, 0.1f, 0), i8({2}, {1, 2}, 0.f, 0)},
               {out8(0.1f, 0)});
  });
  EXPECT_HAS(zero_scale, "input 1 tensor 1 'input1' has scale 0");
  const std::string nan_scale = error_of([] {
    run_kernel(make_op(BuiltinOp::Sub), {i8({2}, {1, 2}, 0.1f, 0), i8({2}, {1, 2}, 0.1f, 0)},
               {out8(std::nanf(""), 0)});
  });
  EXPECT_HAS(nan_scale, "output tensor 2 'output0' has scale nan");
  const std::string pot_broadcast = error_of([] {
    run_kernel(make_op(BuiltinOp::Add),
               {i16({2, 2}, {1, 2, 3, 4}, 1.f / 1024), i16({2}, {1, 2}, 1.f / 1024)},
               {out16(1.f / 1024)});
  });
  EXPECT_HAS(pot_broadcast, "cannot broadcast");
  const std::string pot_shifts = error_of([] {
    run_kernel(make_op(BuiltinOp::Sub),
               {i16({2}, {1, 2}, 1.f / 4096), i16({2}, {1, 2}, 1.f / 4096)}, {out16(1.f / 1024)});
  });
  EXPECT_HAS(pot_shifts, "pot_scale_int16 false");
  const std::string sqdiff16 = error_of([] {
    run_kernel(make_op(BuiltinOp::SquaredDifference),
               {i16({2}, {1, 2}, 0.01f), i16({2}, {1, 2}, 0.01f)}, {out16(0.01f)});
  });
  EXPECT_HAS(sqdiff16, "input 0 tensor 0 'input0' is int16, expected int8");
  const std::string mul_to8 = error_of([] {
    run_kernel(make_op(BuiltinOp::Mul),
               {i16({2, 2}, {1, 2, 3, 4}, 1.f / 32768), i16({2}, {1, 2}, 1.f / 32768)},
               {out8(1.f / 128, 0)});
  });
  EXPECT_HAS(mul_to8, "cannot broadcast");
  const std::string tanh = error_of([] {
    run_kernel(make_op(BuiltinOp::Add, opt::FusedActivation{Activation::Tanh, true}),
               {i8({1}, {1}, 0.1f, 0), i8({1}, {1}, 0.1f, 0)}, {out8(0.1f, 0)});
  });
  EXPECT_HAS(tanh, "fused activation");
}

TEST(QuantizedComparison, RescalesBothInputsBeforeComparing) {
  const OutputSpec bools{DType::Bool, {}};
  // 0.5 = (2, scale 0.25) = (4 - 3, scale 0.5); 1.0 = (4, scale 0.25) != 1.5.
  auto eq = run_kernel(make_op(BuiltinOp::Equal),
                       {i8({2}, {2, 4}, 0.25f, 0), i8({2}, {4, 6}, 0.5f, 3)}, {bools});
  EXPECT_EQ(eq[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0}));
  // With a tiny scale, 0 and 1 are both 0 in units of 2^-8: EQUAL is true.
  auto tiny = run_kernel(make_op(BuiltinOp::Equal),
                         {i8({2}, {0, 0}, 0.001f, 0), i8({2}, {1, 2}, 0.001f, 0)}, {bools});
  EXPECT_EQ(tiny[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0}));
  // int16 ordering ops compare stored integers.
  auto less = run_kernel(make_op(BuiltinOp::Less),
                         {i16({2}, {3, 3}, 0.001f), i16({2}, {2, 4}, 1.5f)}, {bools});
  EXPECT_EQ(less[0].values<uint8_t>(), (std::vector<uint8_t>{0, 1}));
  const std::string big = error_of([] {
    run_kernel(make_op(BuiltinOp::Greater), {i8({1}, {1}, 1.f, 0), i8({1}, {1}, 0.5f, 0)},
               {OutputSpec{DType::Bool, {}}});
  });
  EXPECT_HAS(big, "input 0 tensor 0 'input0' has scale 1");
  EXPECT_HAS(big, "below 1");
}

TEST(QuantizedRelu, RequantizesThenClamps) {
  // in (0.5, zp 10) -> out (0.25, zp -20): q_out = -20 + 2·(q - 10), RELU6 to [-20, 4].
  auto out = run_kernel(make_op(BuiltinOp::Relu6), {i8({4}, {0, 10, 12, 40}, 0.5f, 10)},
                        {out8(0.25f, -20)});
  EXPECT_EQ(out[0].values<int8_t>(), (std::vector<int8_t>{-20, -20, -16, 4}));
  const std::string n1 = error_of(
      [] { run_kernel(make_op(BuiltinOp::ReluN1To1), {i16({1}, {1}, 0.01f)}, {out16(0.01f)}); });
  EXPECT_HAS(n1, "input tensor 0 'input0' is int16, expected int8");
  auto leaky = run_kernel(make_op(BuiltinOp::LeakyRelu, opt::LeakyRelu{-0.5f}),
                          {i8({3}, {-8, 0, 8}, 1.f, 0)}, {out8(1.f, 0)});
  EXPECT_EQ(leaky[0].values<int8_t>(), (std::vector<int8_t>{4, 0, 8}));
}

TEST(QuantizedPrelu, AlphaBroadcastsAndMustKeepTheInputShape) {
  // alpha per channel: 0.5 and 0.25 (scale 0.25, zp 0).
  auto out =
      run_kernel(make_op(BuiltinOp::Prelu),
                 {i8({2, 2}, {-8, -8, 8, 8}, 1.f, 0), i8({2}, {2, 1}, 0.25f, 0)}, {out8(1.f, 0)});
  EXPECT_EQ(out[0].values<int8_t>(), (std::vector<int8_t>{-4, -2, 8, 8}));
  const std::string grows = error_of([] {
    run_kernel(make_op(BuiltinOp::Prelu), {i8({2}, {1, 2}, 1.f, 0), i8({3, 1}, {1, 2, 3}, 0.1f, 0)},
               {out8(1.f, 0)});
  });
  EXPECT_HAS(grows, "PRELU keeps the input's shape");
}

TEST(QuantizedAbsNeg, Values) {
  auto abs = run_kernel(make_op(BuiltinOp::Abs), {i8({3}, {-128, 5, 0}, 0.1f, 0)}, {out8(0.1f, 0)});
  EXPECT_EQ(abs[0].values<int8_t>(), (std::vector<int8_t>{127, 5, 0}));
  auto neg = run_kernel(make_op(BuiltinOp::Neg), {i8({3}, {-128, 5, 0}, 0.1f, 3)}, {out8(0.1f, 3)});
  EXPECT_EQ(neg[0].values<int8_t>(), (std::vector<int8_t>{-128, -5, 0}));
}

TEST(QuantizedSelect, RowConditionAndBadShapes) {
  HostTensor cond = HostTensor::of<uint8_t>(DType::Bool, {2}, {1, 0});
  auto out =
      run_kernel(make_op(BuiltinOp::Select),
                 {cond, i8({2, 2}, {1, 2, 3, 4}, 0.1f, 0), i8({2, 2}, {5, 6, 7, 8}, 0.1f, 0)},
                 {out8(0.1f, 0)});
  EXPECT_EQ(out[0].values<int8_t>(), (std::vector<int8_t>{1, 2, 7, 8}));
  const std::string bad = error_of([&] {
    run_kernel(make_op(BuiltinOp::Select),
               {HostTensor::of<uint8_t>(DType::Bool, {2}, {1, 0}),
                i8({2, 2}, {1, 2, 3, 4}, 0.1f, 0), i8({2}, {5, 6}, 0.1f, 0)},
               {out8(0.1f, 0)});
  });
  EXPECT_HAS(bad, "SELECT needs them equal");
  auto v2 = run_kernel(make_op(BuiltinOp::SelectV2),
                       {HostTensor::of<uint8_t>(DType::Bool, {2, 1}, {1, 0}),
                        i16({2}, {1, 2}, 0.1f), i16({}, {9}, 0.1f)},
                       {out16(0.1f)});
  EXPECT_EQ(v2[0].values<int16_t>(), (std::vector<int16_t>{1, 2, 9, 9}));
}

TEST(QuantizedQuantize, Requantizes) {
  auto out = run_kernel(make_op(BuiltinOp::Quantize), {i8({4}, {-128, -1, 3, 127}, 0.5f, -1)},
                        {out8(0.25f, 2)});
  EXPECT_EQ(out[0].values<int8_t>(), (std::vector<int8_t>{-128, 2, 10, 127}));
  auto to_u8 = run_kernel(make_op(BuiltinOp::Quantize), {i8({3}, {-128, 0, 127}, 0.5f, 0)},
                          {OutputSpec{DType::UInt8, qp(0.5f, 128)}});
  EXPECT_EQ(to_u8[0].values<uint8_t>(), (std::vector<uint8_t>{0, 128, 255}));
  const std::string pair = error_of([] {
    run_kernel(make_op(BuiltinOp::Quantize), {i16({1}, {1}, 0.5f)},
               {OutputSpec{DType::UInt8, qp(0.5f, 0)}});
  });
  EXPECT_HAS(pair, "not a pair LiteRT's QUANTIZE takes");
  const std::string per_channel = error_of([] {
    HostTensor in = i8({2}, {1, 2}, 0.5f, 0);
    in.quant.scale = {0.5f, 0.25f};
    in.quant.zero_point = {0, 0};
    run_kernel(make_op(BuiltinOp::Quantize), {in}, {out8(0.5f, 0)});
  });
  EXPECT_HAS(per_channel, "input tensor 0 'input0' has 2 scales");
}

}  // namespace
}  // namespace octet
