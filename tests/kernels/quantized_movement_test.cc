// The quantized pooling, reduction and data-movement kernels on hand-made
// tensors: hand-worked integers for the rounding rules, and the errors for
// parameters LiteRT would refuse (each message names the tensor).
#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;

QuantParams qp(float scale, int64_t zero_point) {
  QuantParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

template <class T>
HostTensor quantized(DType dtype, std::vector<int32_t> shape, const std::vector<T>& values,
                     QuantParams q) {
  HostTensor t = HostTensor::of<T>(dtype, std::move(shape), values);
  t.quant = std::move(q);
  return t;
}
HostTensor q8(std::vector<int32_t> shape, const std::vector<int8_t>& v, float s, int64_t zp) {
  return quantized<int8_t>(DType::Int8, std::move(shape), v, qp(s, zp));
}
HostTensor q16(std::vector<int32_t> shape, const std::vector<int16_t>& v, float s) {
  return quantized<int16_t>(DType::Int16, std::move(shape), v, qp(s, 0));
}
OutputSpec out8(float s, int64_t zp) { return {DType::Int8, qp(s, zp)}; }
OutputSpec out16(float s) { return {DType::Int16, qp(s, 0)}; }

Op pool(BuiltinOp code, int32_t f, int32_t stride, Padding padding,
        Activation act = Activation::None) {
  return op_of(code, opt::Pool2D{padding, stride, stride, f, f, act});
}

TEST(QuantizedPooling, AverageRoundsHalfAwayFromZero) {
  // Windows of 2 (VALID 1x2, stride 2): sums 5, -5, 1, -1, 4.
  const auto in = q8({1, 1, 10, 1}, {3, 2, -3, -2, 1, 0, -1, 0, 127, -123}, 0.1f, 0);
  const auto out = run_kernel(op_of(BuiltinOp::AveragePool2d,
                                    opt::Pool2D{Padding::Valid, 2, 1, 2, 1, Activation::None}),
                              {in}, {out8(0.1f, 0)});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(3, -3, 1, -1, 2));
}

TEST(QuantizedPooling, SamePaddingCountsOnlyCoveredValuesAndClamps) {
  // 3x3 SAME over 2x2: every window covers the 4 values; RELU in the output
  // domain clamps at the zero point (-10).
  const auto in = q16({1, 2, 2, 1}, {-100, -200, -300, -401}, 0.5f);
  auto out = run_kernel(pool(BuiltinOp::AveragePool2d, 3, 1, Padding::Same), {in}, {out16(0.5f)});
  EXPECT_THAT(out[0].values<int16_t>(), ElementsAre(-250, -250, -250, -250));  // -1001/4
  const auto relu = q8({1, 2, 2, 1}, {-50, -20, 0, 40}, 0.5f, -10);
  out = run_kernel(pool(BuiltinOp::MaxPool2d, 1, 1, Padding::Valid, Activation::Relu), {relu},
                   {out8(0.5f, -10)});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(-10, -10, 0, 40));
}

TEST(QuantizedPooling, RefusesRequantizationAndBadParameters) {
  const auto in = q8({1, 2, 2, 1}, {1, 2, 3, 4}, 0.5f, 0);
  expect_error([&] { run_kernel(pool(BuiltinOp::MaxPool2d, 2, 1, Padding::Valid), {in}, {out8(0.25f, 0)}); },
               "pooling does not requantize");
  auto bad = in;
  bad.quant.scale = {0.f};
  expect_error([&] { run_kernel(pool(BuiltinOp::AveragePool2d, 2, 1, Padding::Valid), {bad}, {out8(0.5f, 0)}); },
               "input tensor 0 'input0' has scale 0");
  expect_error(
      [&] {
        run_kernel(pool(BuiltinOp::AveragePool2d, 2, 1, Padding::Valid),
                   {quantized<int16_t>(DType::Int16, {1, 2, 2, 1}, {1, 2, 3, 4}, qp(0.5f, 3))},
                   {out16(0.5f)});
      },
      "int16 with zero point 3");
}

Op reducer(BuiltinOp code, bool keep_dims) { return op_of(code, opt::Reducer{keep_dims}); }

TEST(QuantizedReduce, MeanSumAndProdHandWorked) {
  // MEAN over 3 values, s_in/s_out = 1: (1 + 2 + 4 − 3·zp) / 3 with zp = 1 is
  // 4/3 → 1, plus the output zero point 1.
  auto out = run_kernel(reducer(BuiltinOp::Mean, false),
                        {q8({2, 3}, {1, 2, 4, -128, -128, -127}, 0.1f, 1), HostTensor::i32({1}, {1})},
                        {out8(0.1f, 1)});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(2, -128));
  // SUM in float: round(Σq·0.5 − zp·0.5·n) + zp_out = round((7·0.5) − 1.5) + 0 = 2.
  out = run_kernel(reducer(BuiltinOp::Sum, true),
                   {q8({1, 3}, {1, 2, 4}, 0.1f, 1), HostTensor::i32({1}, {-1})}, {out8(0.2f, 0)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 1));
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(2));
  // PROD without axes copies the input bytes, whatever the output scale.
  out = run_kernel(reducer(BuiltinOp::ReduceProd, false),
                   {q8({2}, {-7, 9}, 0.1f, 1), HostTensor::i32({0}, {})}, {out8(0.5f, 3)});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(-7, 9));
  // PROD of (2 − 0)·(3 − 0) with s_in 0.5, s_out 1: the real product 1.5 → 2.
  out = run_kernel(reducer(BuiltinOp::ReduceProd, false),
                   {q8({2}, {2, 3}, 0.5f, 0), HostTensor::i32({1}, {0})}, {out8(1.f, 0)});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(2));
}

TEST(QuantizedReduce, Errors) {
  const auto in = q8({2, 3}, {1, 2, 3, 4, 5, 6}, 0.1f, 0);
  expect_error(
      [&] { run_kernel(reducer(BuiltinOp::ReduceMax, false), {in, HostTensor::i32({1}, {1})}, {out8(0.2f, 0)}); },
      "REDUCE_MAX does not requantize");
  expect_error(
      [&] { run_kernel(reducer(BuiltinOp::Mean, false), {in, i64({1}, {1})}, {out8(0.1f, 0)}); },
      "axes tensor 1 'input1' is int64, expected int32");
  expect_error(
      [&] {
        run_kernel(reducer(BuiltinOp::Sum, false), {in, HostTensor::i32({1}, {1})},
                   {OutputSpec{DType::Int8, qp(std::nanf(""), 0)}});
      },
      "output tensor 2 'output0' has scale nan");
  expect_error(
      [&] {
        run_kernel(reducer(BuiltinOp::ReduceProd, false), {in, HostTensor::i32({1}, {1})},
                   {out8(1e-30f, 0)});
      },
      "too large for the runtime's integer product");
  expect_error(
      [&] {
        run_kernel(reducer(BuiltinOp::Mean, false),
                   {quantized<uint8_t>(DType::UInt8, {2}, {1, 2}, qp(0.1f, 0)), HostTensor::i32({1}, {0})},
                   {OutputSpec{DType::UInt8, qp(0.1f, 0)}});
      },
      "expected int8 or int16");
}

TEST(QuantizedMovement, ConcatenationRules) {
  const Op concat = op_of(BuiltinOp::Concatenation, opt::Concatenation{0, Activation::None});
  // uint8 rescaling: 200 at (0.1, 128) is 7.2 → 7.2 / 0.2 + 100 = 136.
  auto out = run_kernel(
      concat,
      {quantized<uint8_t>(DType::UInt8, {2}, {200, 128}, qp(0.1f, 128)),
       quantized<uint8_t>(DType::UInt8, {1}, {9}, qp(0.2f, 100))},
      {OutputSpec{DType::UInt8, qp(0.2f, 100)}});
  EXPECT_THAT(out[0].values<uint8_t>(), ElementsAre(136, 100, 9));
  // int16: copied whatever the scales.
  out = run_kernel(concat, {q16({1}, {1000}, 0.1f), q16({1}, {-5}, 0.7f)}, {out16(0.3f)});
  EXPECT_THAT(out[0].values<int16_t>(), ElementsAre(1000, -5));
  expect_error([&] { run_kernel(concat, {q8({1}, {1}, 0.1f, 0), q8({1}, {1}, 0.1f, 2)}, {out8(0.1f, 0)}); },
               "input 1 tensor 1 'input1' has scale 0.1 and zero point 2");
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Concatenation, opt::Concatenation{0, Activation::Relu}),
                   {q8({1}, {1}, 0.1f, 0)}, {out8(0.1f, 0)});
      },
      "fused activation on int8 concatenation is not supported");
}

TEST(QuantizedMovement, PadUsesTheOutputZeroPoint) {
  const auto in = q8({2}, {10, 20}, 0.5f, -5);
  auto out = run_kernel(op_of(BuiltinOp::Pad), {in, HostTensor::i32({1, 2}, {1, 1})}, {out8(0.25f, 7)});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(7, 10, 20, 7));
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Padv2),
                   {in, HostTensor::i32({1, 2}, {1, 1}), q8({}, {3}, 0.5f, -4)}, {out8(0.5f, -5)});
      },
      "constant_values tensor 2 'input2' must have the scale and zero point of output");
}

TEST(QuantizedMovement, ResizeBilinearFixedPointHandWorked) {
  // 1x2 → 1x3 (scale Q10 = 683): x = 0, 683, 1366 → weights of the right
  // pixel 0, 683/1024, 342/1024 (from 1); 100·341/1024 + 200·683/1024 = 166.7.
  const auto in = q16({1, 1, 2, 1}, {100, 200}, 0.1f);
  const auto out = run_kernel(op_of(BuiltinOp::ResizeBilinear, opt::Resize{false, false}),
                              {in, HostTensor::i32({2}, {1, 3})}, {out16(0.1f)});
  EXPECT_THAT(out[0].values<int16_t>(), ElementsAre(100, 167, 200));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::ResizeBilinear, opt::Resize{false, false}),
                   {quantized<uint8_t>(DType::UInt8, {1, 1, 1, 1}, {1}, qp(0.1f, 0)),
                    HostTensor::i32({2}, {2, 2})},
                   {OutputSpec{DType::UInt8, qp(0.1f, 0)}});
      },
      "input tensor 0 'input0' is quantized uint8");
}

TEST(QuantizedMovement, OpsLiteRtHasNoInt16KernelFor) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::ArgMax, opt::OutputType{DType::Int32}),
                   {q16({2, 2}, {1, 2, 3, 4}, 0.1f), HostTensor::i32({1}, {1})},
                   {spec(DType::Int32)});
      },
      "input tensor 0 'input0' is quantized int16: LiteRT has no int16 kernel");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::SpaceToDepth, opt::BlockSize{2}),
                   {q16({1, 2, 2, 1}, {1, 2, 3, 4}, 0.1f)}, {out16(0.1f)});
      },
      "LiteRT has no int16 kernel");
  // int8 ARG_MAX compares the integers.
  const auto out = run_kernel(op_of(BuiltinOp::ArgMax, opt::OutputType{DType::Int32}),
                              {q8({2, 3}, {-128, 5, 5, 127, -1, 127}, 0.1f, 3), HostTensor::i32({1}, {1})},
                              {spec(DType::Int32)});
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(1, 0));
}

TEST(QuantizedMovement, CopiesAsLiteRtDoesOrRefusesAsItDoes) {
  const auto in = q8({2, 2}, {1, -2, 3, -4}, 0.1f, 0);
  // TRANSPOSE copies whatever the output's parameters.
  auto out = run_kernel(op_of(BuiltinOp::Transpose), {in, HostTensor::i32({2}, {1, 0})}, {out8(7.f, 5)});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(1, 3, -2, -4));
  // EXPAND_DIMS and PACK insist on equal parameters.
  expect_error(
      [&] { run_kernel(op_of(BuiltinOp::ExpandDims), {in, HostTensor::i32({1}, {0})}, {out8(0.2f, 0)}); },
      "different quantization");
  expect_error(
      [&] { run_kernel(op_of(BuiltinOp::Pack, opt::Pack{1, 0}), {in}, {out8(0.1f, 1)}); },
      "different quantization");
}

}  // namespace
}  // namespace octet::testing
