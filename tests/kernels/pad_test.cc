// PAD, PADV2, MIRROR_PAD.
#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;

TEST(Pad, ZeroPadding2D) {
  const auto out =
      run_kernel(op_of(BuiltinOp::Pad),
                 {HostTensor::f32({2, 2}, {1, 2, 3, 4}), HostTensor::i32({2, 2}, {1, 0, 0, 2})},
                 {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(3, 4));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(0, 0, 0, 0,  //
                                                  1, 2, 0, 0,  //
                                                  3, 4, 0, 0));
}

TEST(Pad, V2ConstantValueInt64Paddings4D) {
  const auto out = run_kernel(op_of(BuiltinOp::Padv2),
                              {HostTensor::f32({1, 1, 2, 1}, {5, 6}),
                               i64({4, 2}, {0, 0, 1, 1, 0, 1, 0, 0}), HostTensor::f32({}, {-1})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 3, 3, 1));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(-1, -1, -1, 5, 6, -1, -1, -1, -1));
}

TEST(Pad, QuantizedZeroIsZeroPoint) {
  HostTensor in = HostTensor::of<int8_t>(DType::Int8, {2}, {10, 20});
  in.quant.scale = {0.5f};
  in.quant.zero_point = {-5};
  const OutputSpec same{DType::Int8, in.quant};
  const auto out = run_kernel(op_of(BuiltinOp::Pad), {in, HostTensor::i32({1, 2}, {1, 2})}, {same});
  EXPECT_THAT(out[0].values<int8_t>(), ElementsAre(-5, 10, 20, -5, -5));
  // As LiteRT, PAD copies the integers whatever the output's parameters and
  // pads with the output's zero point; MIRROR_PAD insists on equal ones.
  OutputSpec other{DType::Int8, in.quant};
  other.quant.scale = {0.25f};
  other.quant.zero_point = {4};
  const auto copied =
      run_kernel(op_of(BuiltinOp::Pad), {in, HostTensor::i32({1, 2}, {1, 2})}, {other});
  EXPECT_THAT(copied[0].values<int8_t>(), ElementsAre(4, 10, 20, 4, 4));
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::MirrorPad, opt::MirrorPad{0}),
                   {in, HostTensor::i32({1, 2}, {1, 1})}, {other});
      },
      "different quantization");
}

TEST(Pad, Errors) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Pad),
                   {HostTensor::f32({2, 2}, {1, 2, 3, 4}), HostTensor::i32({2}, {1, 1})},
                   {spec(DType::Float32)});
      },
      "expected [2,2]");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Pad),
                   {HostTensor::f32({2}, {1, 2}), HostTensor::i32({1, 2}, {-1, 0})},
                   {spec(DType::Float32)});
      },
      "paddings (-1, 0) of dimension 0 are invalid");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Padv2),
                   {HostTensor::f32({2}, {1, 2}), HostTensor::i32({1, 2}, {1, 0}),
                    HostTensor::i32({}, {0})},
                   {spec(DType::Float32)});
      },
      "expected one float32 value");
}

TEST(MirrorPad, ReflectAndSymmetric1D) {
  const HostTensor in = HostTensor::f32({3}, {1, 2, 3});
  auto out = run_kernel(op_of(BuiltinOp::MirrorPad, opt::MirrorPad{0}),
                        {in, HostTensor::i32({1, 2}, {2, 2})}, {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(3, 2, 1, 2, 3, 2, 1));
  out = run_kernel(op_of(BuiltinOp::MirrorPad, opt::MirrorPad{1}),
                   {in, HostTensor::i32({1, 2}, {2, 3})}, {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(2, 1, 1, 2, 3, 3, 2, 1));
}

TEST(MirrorPad, Reflect2DInt32) {
  // [[1,2,3],[4,5,6]] padded (1,1) rows and (2,0) columns, REFLECT.
  const auto out =
      run_kernel(op_of(BuiltinOp::MirrorPad, opt::MirrorPad{0}),
                 {HostTensor::i32({2, 3}, {1, 2, 3, 4, 5, 6}, false), i64({2, 2}, {1, 1, 2, 0})},
                 {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(4, 5));
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(6, 5, 4, 5, 6,  //
                                                    3, 2, 1, 2, 3,  //
                                                    6, 5, 4, 5, 6,  //
                                                    3, 2, 1, 2, 3));
}

TEST(MirrorPad, PaddingTooLarge) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::MirrorPad, opt::MirrorPad{0}),
                   {HostTensor::f32({3}, {1, 2, 3}), HostTensor::i32({1, 2}, {3, 0})},
                   {spec(DType::Float32)});
      },
      "exceed what REFLECT allows for size 3");
  // SYMMETRIC reaches one further.
  const auto out = run_kernel(op_of(BuiltinOp::MirrorPad, opt::MirrorPad{1}),
                              {HostTensor::f32({3}, {1, 2, 3}), HostTensor::i32({1, 2}, {3, 0})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(3, 2, 1, 1, 2, 3));
}

}  // namespace
}  // namespace octet::testing
