// RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, CONCATENATION, SPLIT, SPLIT_V,
// UNPACK, PACK, TILE, BROADCAST_TO, DEPTH_TO_SPACE, SPACE_TO_DEPTH, SHAPE,
// RANK, FILL on hand-made tensors.
#include <random>

#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// ------------------------------------------------------------ RESHAPE

TEST(ShapeOpsReshape, ShapeTensorWithStretch) {
  const auto out =
      run_kernel(op_of(BuiltinOp::Reshape),
                 {HostTensor::f32({2, 3, 4}, iota_f(24)), HostTensor::i32({2}, {4, -1})},
                 {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(4, 6));
  EXPECT_THAT(out[0].values<float>(), ElementsAreArray(iota_f(24)));
}

TEST(ShapeOpsReshape, OptionsWhenNoShapeInput) {
  opt::Reshape o;
  o.new_shape = {3, 8};
  o.has_new_shape = true;
  const auto out = run_kernel(op_of(BuiltinOp::Reshape, o), {HostTensor::f32({2, 12}, iota_f(24))},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(3, 8));
}

TEST(ShapeOpsReshape, LegacyZeroMeansScalar) {
  opt::Reshape o;
  o.new_shape = {0};
  o.has_new_shape = true;
  const auto out = run_kernel(op_of(BuiltinOp::Reshape, o), {HostTensor::f32({1, 1}, {7.f})},
                              {spec(DType::Float32)});
  EXPECT_TRUE(out[0].shape.empty());
  EXPECT_THAT(out[0].values<float>(), ElementsAre(7.f));
}

TEST(ShapeOpsReshape, RuntimeShapeTensorFallsBackToOptions) {
  opt::Reshape o;
  o.new_shape = {6, -1};
  o.has_new_shape = true;
  const auto out = run_kernel(op_of(BuiltinOp::Reshape, o),
                              {HostTensor::f32({2, 3, 2}, iota_f(12)), i32_runtime({2}, {6, 2})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(6, 2));
}

TEST(ShapeOpsReshape, Int64AndBoolMoveBytes) {
  const auto out = run_kernel(op_of(BuiltinOp::Reshape),
                              {i64({3}, {-1, 1LL << 40, 5}, false), HostTensor::i32({2}, {1, 3})},
                              {spec(DType::Int64)});
  EXPECT_THAT(out[0].values<int64_t>(), ElementsAre(-1, 1LL << 40, 5));
  const auto b = run_kernel(
      op_of(BuiltinOp::Reshape),
      {HostTensor::of<uint8_t>(DType::Bool, {4}, {1, 0, 0, 1}), HostTensor::i32({2}, {2, 2})},
      {spec(DType::Bool)});
  EXPECT_THAT(b[0].shape, ElementsAre(2, 2));
  EXPECT_THAT(b[0].values<uint8_t>(), ElementsAre(1, 0, 0, 1));
}

TEST(ShapeOpsReshape, Errors) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Reshape),
                   {HostTensor::f32({2, 3, 4}, iota_f(24)), HostTensor::i32({2}, {5, -1})},
                   {spec(DType::Float32)});
      },
      "output shape [5,4] has 20");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Reshape),
                   {HostTensor::f32({2, 3, 4}, iota_f(24)), HostTensor::i32({3}, {-1, 2, -1})},
                   {spec(DType::Float32)});
      },
      "more than one -1");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Reshape),
                   {HostTensor::f32({4}, iota_f(4)), i32_runtime({2}, {2, 2})},
                   {spec(DType::Float32)});
      },
      "not known at plan time");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Reshape),
                   {HostTensor::f32({4}, iota_f(4)), HostTensor::i32({2}, {2, 2})},
                   {spec(DType::Int32)});
      },
      "expected float32");
}

// ------------------------------------------------------ SQUEEZE / EXPAND

TEST(ShapeOpsSqueeze, AllOnesOrListed) {
  auto out = run_kernel(op_of(BuiltinOp::Squeeze), {HostTensor::f32({1, 3, 1, 2}, iota_f(6))},
                        {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(3, 2));
  opt::Squeeze o;
  o.squeeze_dims = {-2};
  out = run_kernel(op_of(BuiltinOp::Squeeze, o), {HostTensor::f32({1, 3, 1, 2}, iota_f(6))},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 3, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAreArray(iota_f(6)));
  o.squeeze_dims = {1};
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Squeeze, o), {HostTensor::f32({1, 3, 1, 2}, iota_f(6))},
                   {spec(DType::Float32)});
      },
      "cannot squeeze dimension 1");
}

TEST(ShapeOpsExpandDims, NegativeAndEndAxis) {
  auto out = run_kernel(op_of(BuiltinOp::ExpandDims),
                        {HostTensor::f32({2, 3}, iota_f(6)), HostTensor::i32({1}, {-1})},
                        {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 3, 1));
  out = run_kernel(op_of(BuiltinOp::ExpandDims), {HostTensor::f32({2, 3}, iota_f(6)), i64({}, {0})},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 2, 3));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::ExpandDims),
                   {HostTensor::f32({2, 3}, iota_f(6)), HostTensor::i32({}, {3})},
                   {spec(DType::Float32)});
      },
      "axis 3 is out of range for rank 3");
}

// ---------------------------------------------------------- TRANSPOSE

// The obvious definition: out[c] = in[c permuted back].
template <class T>
std::vector<T> transpose_reference(const std::vector<T>& in, const std::vector<int32_t>& shape,
                                   const std::vector<int32_t>& perm) {
  std::vector<int32_t> out_shape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) out_shape[i] = shape[perm[i]];
  std::vector<T> out(in.size());
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    const std::vector<int64_t> oc = coords_of(o, out_shape);
    std::vector<int64_t> ic(shape.size());
    for (size_t i = 0; i < perm.size(); ++i) ic[perm[i]] = oc[i];
    out[o] = in[flat_of(ic, shape)];
  }
  return out;
}

TEST(ShapeOpsTranspose, Matrix) {
  const auto out =
      run_kernel(op_of(BuiltinOp::Transpose),
                 {HostTensor::f32({2, 3}, {1, 2, 3, 4, 5, 6}), HostTensor::i32({2}, {1, 0})},
                 {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(3, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(1, 4, 2, 5, 3, 6));
}

TEST(ShapeOpsTranspose, MatchesReferenceOnManyPermutations) {
  struct Case {
    std::vector<int32_t> shape, perm;
  };
  const std::vector<Case> cases = {
      {{2, 3, 4}, {2, 0, 1}},
      {{2, 3, 4}, {0, 2, 1}},
      {{1, 37, 29, 19}, {0, 3, 1, 2}},
      {{1, 37, 29, 19}, {0, 2, 3, 1}},
      {{3, 17, 5, 23}, {3, 2, 1, 0}},
      {{64, 48}, {1, 0}},
      {{2, 3, 2, 5, 1, 3}, {5, 3, 1, 0, 4, 2}},
      {{7}, {0}},
      {{}, {}},
  };
  for (const Case& c : cases) {
    const int64_t n = count_of(c.shape);
    const std::vector<float> in = iota_f(n);
    const auto out = run_kernel(op_of(BuiltinOp::Transpose),
                                {HostTensor::f32(c.shape, in),
                                 HostTensor::i32({static_cast<int32_t>(c.perm.size())}, c.perm)},
                                {spec(DType::Float32)});
    EXPECT_EQ(out[0].values<float>(), transpose_reference(in, c.shape, c.perm))
        << "shape [" << fmt::format("{}", fmt::join(c.shape, ",")) << "] perm ["
        << fmt::format("{}", fmt::join(c.perm, ",")) << "]";
  }
  // Byte-sized elements take the same path.
  std::vector<int8_t> bytes(5 * 7 * 9);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<int8_t>(i * 7);
  const auto out = run_kernel(
      op_of(BuiltinOp::Transpose),
      {HostTensor::of<int8_t>(DType::Int8, {5, 7, 9}, bytes), HostTensor::i32({3}, {1, 2, 0})},
      {spec(DType::Int8)});
  EXPECT_EQ(out[0].values<int8_t>(), transpose_reference(bytes, {5, 7, 9}, {1, 2, 0}));
}

TEST(ShapeOpsTranspose, BadPerm) {
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Transpose),
                   {HostTensor::f32({2, 3, 4}, iota_f(24)), HostTensor::i32({3}, {0, 0, 1})},
                   {spec(DType::Float32)});
      },
      "not a permutation");
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Transpose),
                   {HostTensor::f32({2, 3}, iota_f(6)), HostTensor::i32({3}, {0, 1, 2})},
                   {spec(DType::Float32)});
      },
      "perm has 3 entries");
}

// ------------------------------------------------------ CONCATENATION

TEST(ShapeOpsConcatenation, MiddleAxis) {
  opt::Concatenation o;
  o.axis = 1;
  const auto out = run_kernel(op_of(BuiltinOp::Concatenation, o),
                              {HostTensor::f32({2, 1, 2}, {1, 2, 3, 4}),
                               HostTensor::f32({2, 2, 2}, {10, 11, 12, 13, 14, 15, 16, 17})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 3, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17));
}

TEST(ShapeOpsConcatenation, NegativeAxisInt32ThreeInputs) {
  opt::Concatenation o;
  o.axis = -1;
  const auto out = run_kernel(
      op_of(BuiltinOp::Concatenation, o),
      {HostTensor::i32({2, 1}, {1, 2}, false), HostTensor::i32({2, 2}, {3, 4, 5, 6}, false),
       HostTensor::i32({2, 1}, {7, 8}, false)},
      {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 4));
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(1, 3, 4, 7, 2, 5, 6, 8));
}

TEST(ShapeOpsConcatenation, FloatRelu6AndScalars) {
  opt::Concatenation o;
  o.axis = 0;
  o.activation = Activation::Relu6;
  const auto out = run_kernel(op_of(BuiltinOp::Concatenation, o),
                              {HostTensor::f32({2}, {-3, 2}), HostTensor::f32({1}, {9})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(0, 2, 6));
  const auto scalars =
      run_kernel(op_of(BuiltinOp::Concatenation, opt::Concatenation{}),
                 {HostTensor::i32({}, {4}), HostTensor::i32({}, {5})}, {spec(DType::Int32)});
  EXPECT_THAT(scalars[0].shape, ElementsAre(2));
  EXPECT_THAT(scalars[0].values<int32_t>(), ElementsAre(4, 5));
}

TEST(ShapeOpsConcatenation, Errors) {
  opt::Concatenation o;
  o.axis = 1;
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Concatenation, o),
                   {HostTensor::f32({2, 1}, {1, 2}), HostTensor::f32({3, 1}, {1, 2, 3})},
                   {spec(DType::Float32)});
      },
      "input 1 tensor 1 'input1' has shape [3,1], incompatible");
  o.activation = Activation::Relu;
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Concatenation, o),
                   {HostTensor::i32({2, 1}, {1, 2}), HostTensor::i32({2, 1}, {1, 2})},
                   {spec(DType::Int32)});
      },
      "fused activation on int32");
}

// -------------------------------------------------- SPLIT / UNPACK / PACK

TEST(ShapeOpsSplit, EqualPieces) {
  opt::Split o;
  o.num_splits = 2;
  const auto out = run_kernel(op_of(BuiltinOp::Split, o),
                              {HostTensor::i32({}, {1}), HostTensor::f32({2, 4}, iota_f(8))},
                              {spec(DType::Float32), spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 2));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(0, 1, 4, 5));
  EXPECT_THAT(out[1].values<float>(), ElementsAre(2, 3, 6, 7));
  o.num_splits = 3;
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Split, o),
                   {HostTensor::i32({}, {1}), HostTensor::f32({2, 4}, iota_f(8))},
                   {spec(DType::Float32), spec(DType::Float32), spec(DType::Float32)});
      },
      "does not split into 3 equal pieces");
}

TEST(ShapeOpsSplitV, StretchedPiece) {
  opt::Split o;
  o.num_splits = 3;
  const auto out = run_kernel(op_of(BuiltinOp::SplitV, o),
                              {HostTensor::f32({2, 5}, iota_f(10)),
                               HostTensor::i32({3}, {1, -1, 2}), HostTensor::i32({}, {-1})},
                              {spec(DType::Float32), spec(DType::Float32), spec(DType::Float32)});
  EXPECT_THAT(out[0].values<float>(), ElementsAre(0, 5));
  EXPECT_THAT(out[1].shape, ElementsAre(2, 2));
  EXPECT_THAT(out[1].values<float>(), ElementsAre(1, 2, 6, 7));
  EXPECT_THAT(out[2].values<float>(), ElementsAre(3, 4, 8, 9));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::SplitV, opt::Split{2}),
                   {HostTensor::f32({5}, iota_f(5)), HostTensor::i32({2}, {1, 1}),
                    HostTensor::i32({}, {0})},
                   {spec(DType::Float32), spec(DType::Float32)});
      },
      "do not add up to dimension 0");
}

TEST(ShapeOpsUnpack, AlongEachAxis) {
  opt::Unpack o{3, 0};
  auto out = run_kernel(op_of(BuiltinOp::Unpack, o), {HostTensor::f32({3, 2}, iota_f(6))},
                        {spec(DType::Float32), spec(DType::Float32), spec(DType::Float32)});
  EXPECT_THAT(out[2].shape, ElementsAre(2));
  EXPECT_THAT(out[2].values<float>(), ElementsAre(4, 5));
  o = {2, -1};
  out = run_kernel(op_of(BuiltinOp::Unpack, o), {HostTensor::f32({3, 2}, iota_f(6))},
                   {spec(DType::Float32), spec(DType::Float32)});
  EXPECT_THAT(out[1].values<float>(), ElementsAre(1, 3, 5));
  o = {4, 0};
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Unpack, o), {HostTensor::f32({3, 2}, iota_f(6))},
                   {spec(DType::Float32)});
      },
      "num is 4, but dimension 0");
}

TEST(ShapeOpsPack, NewAxisPositions) {
  const HostTensor a = i64({2, 2}, {1, 2, 3, 4}, false), b = i64({2, 2}, {5, 6, 7, 8}, false);
  auto out = run_kernel(op_of(BuiltinOp::Pack, opt::Pack{2, 1}), {a, b}, {spec(DType::Int64)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 2, 2));
  EXPECT_THAT(out[0].values<int64_t>(), ElementsAre(1, 2, 5, 6, 3, 4, 7, 8));
  out = run_kernel(op_of(BuiltinOp::Pack, opt::Pack{2, -1}), {a, b}, {spec(DType::Int64)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 2, 2));
  EXPECT_THAT(out[0].values<int64_t>(), ElementsAre(1, 5, 2, 6, 3, 7, 4, 8));
  out = run_kernel(op_of(BuiltinOp::Pack, opt::Pack{2, 0}), {a, b}, {spec(DType::Int64)});
  EXPECT_THAT(out[0].values<int64_t>(), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
  expect_error(
      [&] {
        run_kernel(op_of(BuiltinOp::Pack, opt::Pack{3, 0}), {a, b}, {spec(DType::Int64)});
      },
      "values_count is 3");
}

// ------------------------------------------------- TILE / BROADCAST_TO

TEST(ShapeOpsTile, RepeatsEachDimension) {
  const auto out = run_kernel(op_of(BuiltinOp::Tile),
                              {HostTensor::f32({2, 2}, {1, 2, 3, 4}), HostTensor::i32({2}, {2, 3})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(4, 6));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,  //
                                                  1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4));
  const auto b =
      run_kernel(op_of(BuiltinOp::Tile),
                 {HostTensor::of<uint8_t>(DType::Bool, {1, 3}, {1, 0, 1}), i64({2}, {2, 1})},
                 {spec(DType::Bool)});
  EXPECT_THAT(b[0].values<uint8_t>(), ElementsAre(1, 0, 1, 1, 0, 1));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Tile),
                   {HostTensor::f32({2}, {1, 2}), HostTensor::i32({1}, {-1})},
                   {spec(DType::Float32)});
      },
      "invalid entry -1");
}

TEST(ShapeOpsBroadcastTo, RightAligned) {
  const auto out = run_kernel(op_of(BuiltinOp::BroadcastTo),
                              {HostTensor::f32({3, 1}, {1, 2, 3}), HostTensor::i32({3}, {2, 3, 4})},
                              {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 3, 4));
  const std::vector<float> v = out[0].values<float>();
  for (int64_t i = 0; i < 24; ++i) EXPECT_EQ(v[i], static_cast<float>((i / 4) % 3 + 1)) << i;
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::BroadcastTo),
                   {HostTensor::f32({3}, {1, 2, 3}), HostTensor::i32({2}, {2, 4})},
                   {spec(DType::Float32)});
      },
      "cannot broadcast input tensor 0 'input0' of shape [3] to [2,4]");
}

// ------------------------------------------ DEPTH_TO_SPACE / SPACE_TO_DEPTH

TEST(ShapeOpsDepthToSpace, TensorFlowDocExamples) {
  // tf.nn.depth_to_space documentation, block_size 2.
  auto out = run_kernel(op_of(BuiltinOp::DepthToSpace, opt::BlockSize{2}),
                        {HostTensor::f32({1, 1, 1, 12}, iota_f(12, 1))}, {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 2, 2, 3));
  EXPECT_THAT(out[0].values<float>(), ElementsAreArray(iota_f(12, 1)));
  const std::vector<float> in = iota_f(16, 1);
  out = run_kernel(op_of(BuiltinOp::DepthToSpace, opt::BlockSize{2}),
                   {HostTensor::f32({1, 2, 2, 4}, in)}, {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(1, 4, 4, 1));
  EXPECT_THAT(out[0].values<float>(),
              ElementsAre(1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16));
  // SPACE_TO_DEPTH undoes it.
  const auto back =
      run_kernel(op_of(BuiltinOp::SpaceToDepth, opt::BlockSize{2}),
                 {HostTensor::f32({1, 4, 4, 1}, out[0].values<float>())}, {spec(DType::Float32)});
  EXPECT_THAT(back[0].shape, ElementsAre(1, 2, 2, 4));
  EXPECT_THAT(back[0].values<float>(), ElementsAreArray(in));
}

TEST(ShapeOpsDepthToSpace, RoundTripBatchedBlock3) {
  const std::vector<float> in = iota_f(2 * 2 * 3 * 18);
  const auto d2s = run_kernel(op_of(BuiltinOp::DepthToSpace, opt::BlockSize{3}),
                              {HostTensor::f32({2, 2, 3, 18}, in)}, {spec(DType::Float32)});
  EXPECT_THAT(d2s[0].shape, ElementsAre(2, 6, 9, 2));
  // Spot check against the defining formula: out(b, h, w, c) =
  // in(b, h/3, w/3, ((h%3)·3 + w%3)·2 + c).
  const std::vector<float> v = d2s[0].values<float>();
  for (int h = 0; h < 6; ++h)
    for (int w = 0; w < 9; ++w)
      for (int c = 0; c < 2; ++c) {
        const int64_t src = (((1 * 2 + h / 3) * 3 + w / 3) * 18) + ((h % 3) * 3 + w % 3) * 2 + c;
        EXPECT_EQ(v[((1 * 6 + h) * 9 + w) * 2 + c], in[src]);
      }
  const auto s2d = run_kernel(op_of(BuiltinOp::SpaceToDepth, opt::BlockSize{3}),
                              {HostTensor::f32({2, 6, 9, 2}, v)}, {spec(DType::Float32)});
  EXPECT_THAT(s2d[0].values<float>(), ElementsAreArray(in));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::DepthToSpace, opt::BlockSize{2}),
                   {HostTensor::f32({1, 1, 1, 6}, iota_f(6))}, {spec(DType::Float32)});
      },
      "not a multiple of block_size");
}

// ------------------------------------------------- SHAPE / RANK / FILL

TEST(ShapeOpsShapeRankFill, Values) {
  auto out = run_kernel(op_of(BuiltinOp::Shape, opt::OutputType{DType::Int32}),
                        {HostTensor::f32({2, 3, 5}, iota_f(30))}, {spec(DType::Int32)});
  EXPECT_THAT(out[0].shape, ElementsAre(3));
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(2, 3, 5));
  out = run_kernel(op_of(BuiltinOp::Shape, opt::OutputType{DType::Int64}),
                   {HostTensor::f32({4}, iota_f(4))}, {spec(DType::Int64)});
  EXPECT_THAT(out[0].values<int64_t>(), ElementsAre(4));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Shape, opt::OutputType{DType::Int64}),
                   {HostTensor::f32({4}, iota_f(4))}, {spec(DType::Int32)});
      },
      "options say out_type int64");

  out = run_kernel(op_of(BuiltinOp::Rank), {HostTensor::f32({2, 1, 2}, iota_f(4))},
                   {spec(DType::Int32)});
  EXPECT_TRUE(out[0].shape.empty());
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(3));

  out = run_kernel(op_of(BuiltinOp::Fill), {i64({2}, {2, 3}), HostTensor::f32({}, {1.5f})},
                   {spec(DType::Float32)});
  EXPECT_THAT(out[0].shape, ElementsAre(2, 3));
  EXPECT_THAT(out[0].values<float>(), ElementsAre(1.5, 1.5, 1.5, 1.5, 1.5, 1.5));
  out = run_kernel(op_of(BuiltinOp::Fill),
                   {HostTensor::i32({3}, {1, 1, 5}), HostTensor::i32({}, {-7}, false)},
                   {spec(DType::Int32)});
  EXPECT_THAT(out[0].values<int32_t>(), ElementsAre(-7, -7, -7, -7, -7));
  expect_error(
      [] {
        run_kernel(op_of(BuiltinOp::Fill),
                   {HostTensor::i32({1}, {2}), HostTensor::f32({2}, {1, 2})},
                   {spec(DType::Float32)});
      },
      "expected one element");
}

}  // namespace
}  // namespace octet::testing
