// The data-movement ops on int8 and int16 (uint8 where LiteRT requantizes)
// against LiteRT: CONCATENATION, PAD, PADV2, MIRROR_PAD, RESIZE_BILINEAR,
// RESIZE_NEAREST_NEIGHBOR, ARG_MAX, ARG_MIN and the byte movers (RESHAPE,
// SQUEEZE, EXPAND_DIMS, TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V,
// PACK, UNPACK, GATHER, TILE, BROADCAST_TO, DEPTH_TO_SPACE, SPACE_TO_DEPTH).
//
// XNNPACK takes int8 CONCATENATION, PAD, RESIZE_BILINEAR, RESHAPE,
// EXPAND_DIMS, TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, DEPTH_TO_SPACE and
// SPACE_TO_DEPTH. Every such case has a twin XNNPACK declines (a per-tensor
// parameter with quantized_dimension 1: its CheckTensor*QUInt8Type wants 0;
// LiteRT's builtin kernels ignore the field for one scale), bit-exact.
//
// Cases whose output parameters differ from the input's run only as builtin
// twins (or int16): for int8 TRANSPOSE, SLICE, PAD, SPLIT, DEPTH_TO_SPACE and
// RESIZE_BILINEAR XNNPACK accepts the node and then fails to define it
// ("ERROR: failed to delegate TRANSPOSE node #0"), which the oracle treats
// as a failure.
//
// Where LiteRT's Prepare refuses parameters that differ (EXPAND_DIMS, PACK,
// UNPACK, MIRROR_PAD, int8 CONCATENATION, a PADV2 value) both octet and
// LiteRT must refuse the model; where LiteRT copies the integers without
// looking (RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, ...) octet copies too.
#include <gmock/gmock.h>

#include <filesystem>
#include <functional>

#include "golden.h"
#include "octet/error.h"
#include "octet/interpreter.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

GTensor declined_by_xnnpack(GTensor t) {
  t.quant.quantized_dimension = t.shape.size() > 1 ? 1 : 0;
  return t;
}

// A tensor with t's dtype and parameters and another shape.
GTensor like(const GTensor& t, std::vector<int32_t> shape) {
  GTensor out{t.dtype, std::move(shape), t.quant};
  return out;
}

GTensor ints(std::vector<int32_t> shape, const std::vector<int32_t>& values) {
  return constant_of<int32_t>(DType::Int32, std::move(shape), values);
}

GTensor uint8_tensor(std::vector<int32_t> shape, float scale, int64_t zero_point) {
  return GTensor{DType::UInt8, std::move(shape), qparams(scale, zero_point)};
}

// One int8 case as given (XNNPACK runs it: `tolerance` and `reason` say
// what may differ), plus its builtin twin, which must be bit-exact.
void add_with_twin(std::vector<GoldenCase>& cases, const std::string& op_name,
                   const std::string& name, BuiltinOp op, const OptionsValue& options,
                   const std::vector<GTensor>& inputs, const std::vector<GTensor>& outputs,
                   int32_t version, int tolerance = 0, const std::string& reason = {}) {
  cases.push_back(golden_case(op_name, name, op, options, inputs, outputs, version));
  cases.back().tolerance = tolerance;
  cases.back().reason = reason;
  std::vector<GTensor> in2 = inputs, out2 = outputs;
  for (GTensor& t : in2)
    if (!t.quant.empty()) t = declined_by_xnnpack(std::move(t));
  for (GTensor& t : out2)
    if (!t.quant.empty()) t = declined_by_xnnpack(std::move(t));
  cases.push_back(golden_case(op_name, name + " builtin (XNNPACK declines)", op, options, in2,
                              out2, version));
}

// octet refuses the model with `message`; LiteRT refuses it too.
void expect_both_refuse(const GoldenCase& c, const std::string& message) {
  SCOPED_TRACE(c.op + " " + c.name);
  EXPECT_THAT([&] { Interpreter interp(c.model); },
              ::testing::ThrowsMessage<Error>(HasSubstr(message)));
  const fs::path dir = fs::path(OCTET_BINARY_DIR) / "test_scratch" / "golden" / "refused" /
                       fmt::format("{}_{}", c.op, std::hash<std::string>{}(c.name));
  fs::create_directories(dir);
  save_model(c.model, dir / "model.tflite");
  std::vector<NpyArray> inputs;
  const Graph& g = c.model.main();
  for (int32_t i : g.inputs) {
    const Tensor& t = g.tensors[static_cast<size_t>(i)];
    NpyArray a;
    a.dtype = t.dtype;
    a.shape.assign(t.shape.begin(), t.shape.end());
    size_t n = 1;
    for (int32_t d : t.shape) n *= static_cast<size_t>(d);
    a.data.assign(n * dtype_size(t.dtype), std::byte{0});
    inputs.push_back(std::move(a));
  }
  EXPECT_THROW(run_litert_arrays(dir / "model.tflite", inputs, dir / "out"), Error)
      << "LiteRT accepted a model octet refuses";
}

#define REQUIRE_LITERT() \
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh"

// ------------------------------------------------------------ CONCATENATION

TEST(GoldenMovement, ConcatenationInt8Int16AndRescaledUint8) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  for (const auto& [s, zp] : {std::pair{0.05f, int64_t{-128}}, std::pair{3.1f, int64_t{127}}}) {
    const GTensor a = int8_tensor({2, 3, 4}, s, zp);
    add_with_twin(cases, "CONCATENATION", fmt::format("int8 axis 1 s={} zp={}", s, zp),
                  BuiltinOp::Concatenation, opt::Concatenation{1, Activation::None},
                  {a, like(a, {2, 1, 4}), like(a, {2, 5, 4})}, {like(a, {2, 9, 4})}, 2);
    add_with_twin(cases, "CONCATENATION", fmt::format("int8 axis -1 s={} zp={}", s, zp),
                  BuiltinOp::Concatenation, opt::Concatenation{-1, Activation::None},
                  {a, like(a, {2, 3, 1})}, {like(a, {2, 3, 5})}, 2);
  }
  // int16: LiteRT checks only the zero points (0) and copies values whatever
  // the scales.
  cases.push_back(golden_case("CONCATENATION", "int16 axis 0, same scales",
                              BuiltinOp::Concatenation, opt::Concatenation{0, Activation::None},
                              {int16_tensor({1, 3}, 0.01f), int16_tensor({4, 3}, 0.01f)},
                              {int16_tensor({5, 3}, 0.01f)}, 3));
  cases.push_back(golden_case("CONCATENATION", "int16 axis 2, scales differ (copied as is)",
                              BuiltinOp::Concatenation, opt::Concatenation{2, Activation::None},
                              {int16_tensor({2, 2, 3}, 0.01f), int16_tensor({2, 2, 1}, 0.5f)},
                              {int16_tensor({2, 2, 4}, 0.02f)}, 3));
  // uint8: the one dtype LiteRT requantizes (ConcatenationWithScaling);
  // XNNPACK declines uint8 inputs whose parameters differ from the output's.
  cases.push_back(golden_case(
      "CONCATENATION", "uint8 rescaled: 3 inputs, scales 0.1/0.037/0.5 -> 0.2",
      BuiltinOp::Concatenation, opt::Concatenation{1, Activation::None},
      {uint8_tensor({2, 3, 2}, 0.1f, 128), uint8_tensor({2, 1, 2}, 0.037f, 0),
       uint8_tensor({2, 2, 2}, 0.5f, 255)},
      {uint8_tensor({2, 6, 2}, 0.2f, 100)}, 1));
  cases.push_back(golden_case("CONCATENATION", "uint8 one input as is, one rescaled",
                              BuiltinOp::Concatenation, opt::Concatenation{0, Activation::None},
                              {uint8_tensor({3, 5}, 0.02f, 7), uint8_tensor({1, 5}, 0.0031f, 250)},
                              {uint8_tensor({4, 5}, 0.02f, 7)}, 1));
  expect_golden(cases);

  // int8 with other parameters: LiteRT's Prepare insists on equal ones.
  const GTensor a = declined_by_xnnpack(int8_tensor({2, 3}, 0.05f, 0));
  expect_both_refuse(golden_case("CONCATENATION", "int8 scales differ", BuiltinOp::Concatenation,
                                 opt::Concatenation{0, Activation::None},
                                 {a, declined_by_xnnpack(int8_tensor({2, 3}, 0.1f, 0))},
                                 {like(a, {4, 3})}, 2),
                     "int8 CONCATENATION does not rescale");
}

// ------------------------------------------------------------------- PAD

TEST(GoldenMovement, PadPadV2AndMirrorPad) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  for (const auto& [s, zp] : {std::pair{0.05f, int64_t{-128}}, std::pair{0.7f, int64_t{127}},
                             std::pair{0.01f, int64_t{3}}}) {
    const GTensor in = int8_tensor({1, 3, 4, 2}, s, zp);
    // Image style ({0,0} on batch and channels) and general.
    add_with_twin(cases, "PAD", fmt::format("int8 image-style s={} zp={}", s, zp), BuiltinOp::Pad,
                  opt::None{}, {in, ints({4, 2}, {0, 0, 1, 2, 2, 0, 0, 0})},
                  {like(in, {1, 6, 6, 2})}, 2);
    add_with_twin(cases, "PAD", fmt::format("int8 all dims s={} zp={}", s, zp), BuiltinOp::Pad,
                  opt::None{}, {in, ints({4, 2}, {1, 0, 0, 1, 1, 1, 0, 3})},
                  {like(in, {2, 4, 6, 5})}, 2);
    // PADV2: the value must carry the output's parameters.
    const GTensor value = constant_of<int8_t>(DType::Int8, {}, {static_cast<int8_t>(zp == 127 ? -100 : 99)},
                                              qparams(s, zp));
    add_with_twin(cases, "PADV2", fmt::format("int8 value s={} zp={}", s, zp), BuiltinOp::Padv2,
                  opt::None{}, {in, ints({4, 2}, {0, 0, 2, 0, 0, 1, 1, 1}), value},
                  {like(in, {1, 5, 5, 4})}, 2);
  }
  // Output parameters other than the input's: LiteRT copies the integers and
  // pads with the output's zero point.
  cases.push_back(golden_case(
      "PAD", "int8 output params differ (values copied, output zero point padded) builtin",
      BuiltinOp::Pad, opt::None{},
      {declined_by_xnnpack(int8_tensor({2, 3}, 0.05f, -20)), ints({2, 2}, {1, 1, 0, 2})},
      {declined_by_xnnpack(int8_tensor({4, 5}, 0.1f, 77))}, 2));
  const GTensor in16 = int16_tensor({2, 3, 3}, 0.002f);
  cases.push_back(golden_case("PAD", "int16", BuiltinOp::Pad, opt::None{},
                              {in16, ints({3, 2}, {0, 1, 2, 0, 1, 1})}, {like(in16, {3, 5, 5})},
                              3));
  cases.push_back(golden_case(
      "PADV2", "int16 value -32768", BuiltinOp::Padv2, opt::None{},
      {in16, ints({3, 2}, {1, 1, 0, 0, 0, 2}),
       constant_of<int16_t>(DType::Int16, {1}, {int16_t{-32768}}, qparams(0.002f, 0))},
      {like(in16, {4, 3, 5})}, 3));
  cases.push_back(golden_case("PAD", "int16 rank 5", BuiltinOp::Pad, opt::None{},
                              {int16_tensor({1, 2, 1, 2, 3}, 0.5f),
                               ints({5, 2}, {0, 0, 1, 0, 0, 2, 1, 1, 0, 1})},
                              {int16_tensor({1, 3, 3, 4, 4}, 0.5f)}, 4));
  for (int8_t mode : {int8_t{0}, int8_t{1}}) {
    const char* m = mode == 0 ? "REFLECT" : "SYMMETRIC";
    const GTensor a = int8_tensor({2, 4, 5}, 0.04f, -128);
    cases.push_back(golden_case("MIRROR_PAD", fmt::format("int8 {}", m), BuiltinOp::MirrorPad,
                                opt::MirrorPad{mode}, {a, ints({3, 2}, {1, 1, 3, 0, 2, 3})},
                                {like(a, {4, 7, 10})}, 2));
    const GTensor b = int16_tensor({3, 3}, 0.3f);
    cases.push_back(golden_case("MIRROR_PAD", fmt::format("int16 {}", m), BuiltinOp::MirrorPad,
                                opt::MirrorPad{mode}, {b, ints({2, 2}, {0, 2, 2, 1})},
                                {like(b, {5, 6})}, 3));
  }
  expect_golden(cases);

  expect_both_refuse(
      golden_case("PADV2", "int8 value with other params", BuiltinOp::Padv2, opt::None{},
                  {declined_by_xnnpack(int8_tensor({2, 3}, 0.05f, 0)), ints({2, 2}, {1, 0, 0, 1}),
                   constant_of<int8_t>(DType::Int8, {}, {int8_t{5}}, qparams(0.1f, 0))},
                  {declined_by_xnnpack(int8_tensor({3, 4}, 0.05f, 0))}, 2),
      "must have the scale and zero point of output");
  expect_both_refuse(golden_case("MIRROR_PAD", "int8 output params differ", BuiltinOp::MirrorPad,
                                 opt::MirrorPad{0},
                                 {int8_tensor({3, 3}, 0.05f, 0), ints({2, 2}, {1, 1, 1, 1})},
                                 {int8_tensor({5, 5}, 0.05f, 1)}, 2),
                     "different quantization");
}

// ---------------------------------------------------------------- RESIZE

struct Resize {
  std::vector<int32_t> in;  // NHWC
  int32_t out_h, out_w;
  bool align_corners, half_pixel_centers;
};

std::string describe(const Resize& r) {
  return fmt::format("[{}] -> {}x{}{}{}", fmt::join(r.in, ","), r.out_h, r.out_w,
                     r.align_corners ? " align_corners" : "",
                     r.half_pixel_centers ? " half_pixel_centers" : "");
}

const std::vector<Resize> kResizes = {
    {{1, 3, 4, 2}, 6, 8, false, false},  // 2x
    {{1, 3, 4, 2}, 7, 5, false, false},  // odd
    {{2, 5, 7, 3}, 3, 4, false, false},  // down
    {{1, 3, 4, 2}, 7, 9, true, false},
    {{1, 4, 4, 1}, 2, 3, true, false},
    {{1, 3, 4, 2}, 7, 9, false, true},
    {{2, 5, 7, 3}, 2, 3, false, true},
    {{1, 1, 1, 5}, 3, 2, false, true},   // one pixel
    {{1, 2, 3, 1}, 17, 1, false, false}, // one column
};

int32_t resize_version(BuiltinOp op, const Resize& r, DType dtype) {
  if (dtype == DType::Int16) return 4;
  if (r.half_pixel_centers || (op == BuiltinOp::ResizeNearestNeighbor && r.align_corners)) return 3;
  return 2;
}

// Why int8 RESIZE_BILINEAR in XNNPACK may differ by one: its s8 ibilinear
// kernel takes Q11 weights rounded from float source coordinates and rounds
// (Σ + 2^21) >> 22; LiteRT's ResizeBilinearInteger has Q10 integer
// coordinates and rounds half away from zero. The builtin twins are exact.
constexpr const char* kXnnpackBilinear =
    "XNNPACK s8 ibilinear: Q11 weights from float coordinates, (acc + 2^21) >> 22, vs LiteRT's "
    "Q10 integer coordinates, half away from zero";

TEST(GoldenMovement, ResizeBilinear) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  for (size_t i = 0; i < kResizes.size(); ++i) {
    const Resize& r = kResizes[i];
    const opt::Resize options{r.align_corners, r.half_pixel_centers};
    const std::vector<int32_t> out = {r.in[0], r.out_h, r.out_w, r.in[3]};
    const int64_t zp = i % 2 == 0 ? -128 : 127;
    const GTensor a = int8_tensor(r.in, 0.05f, zp);
    add_with_twin(cases, "RESIZE_BILINEAR", fmt::format("int8 zp={} {}", zp, describe(r)),
                  BuiltinOp::ResizeBilinear, options, {a, ints({2}, {r.out_h, r.out_w})},
                  {like(a, out)}, resize_version(BuiltinOp::ResizeBilinear, r, DType::Int8), 1,
                  kXnnpackBilinear);
    const GTensor b = int16_tensor(r.in, 0.001f);
    cases.push_back(golden_case("RESIZE_BILINEAR", "int16 " + describe(r),
                                BuiltinOp::ResizeBilinear, options,
                                {b, ints({2}, {r.out_h, r.out_w})}, {like(b, out)},
                                resize_version(BuiltinOp::ResizeBilinear, r, DType::Int16)));
  }
  expect_golden(cases);
}

TEST(GoldenMovement, ResizeNearestNeighbor) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  std::vector<Resize> resizes = kResizes;
  resizes.push_back({{1, 7, 11, 2}, 10, 29, false, false});  // the Q16 scale of the int8 kernel
  resizes.push_back({{1, 7, 11, 2}, 10, 29, true, false});
  for (size_t i = 0; i < resizes.size(); ++i) {
    const Resize& r = resizes[i];
    const opt::Resize options{r.align_corners, r.half_pixel_centers};
    const std::vector<int32_t> out = {r.in[0], r.out_h, r.out_w, r.in[3]};
    const GTensor a = int8_tensor(r.in, 0.05f, i % 2 == 0 ? -128 : 127);
    cases.push_back(golden_case("RESIZE_NEAREST_NEIGHBOR", "int8 " + describe(r),
                                BuiltinOp::ResizeNearestNeighbor, options,
                                {a, ints({2}, {r.out_h, r.out_w})}, {like(a, out)},
                                resize_version(BuiltinOp::ResizeNearestNeighbor, r, DType::Int8)));
    const GTensor b = int16_tensor(r.in, 0.3f);
    cases.push_back(golden_case("RESIZE_NEAREST_NEIGHBOR", "int16 " + describe(r),
                                BuiltinOp::ResizeNearestNeighbor, options,
                                {b, ints({2}, {r.out_h, r.out_w})}, {like(b, out)},
                                resize_version(BuiltinOp::ResizeNearestNeighbor, r, DType::Int16)));
  }
  expect_golden(cases);
}

// ------------------------------------------------------- ARG_MAX, ARG_MIN

TEST(GoldenMovement, ArgMaxArgMinInt8) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  struct A {
    std::vector<int32_t> shape;
    int32_t axis;
    DType out;
    int64_t lo, hi;  // narrow ranges force ties (the first index wins)
  };
  const std::vector<A> args = {{{3, 17}, 1, DType::Int32, -128, 127},
                               {{3, 17}, -1, DType::Int64, -2, 2},
                               {{4, 5, 6}, 1, DType::Int32, -128, -126},
                               {{4, 5, 6}, 0, DType::Int64, -128, 127},
                               {{2, 1, 33}, 2, DType::Int32, 126, 127}};
  for (BuiltinOp op : {BuiltinOp::ArgMax, BuiltinOp::ArgMin}) {
    const char* name = op == BuiltinOp::ArgMax ? "ARG_MAX" : "ARG_MIN";
    for (const A& a : args) {
      std::vector<int32_t> out = a.shape;
      out.erase(out.begin() + (a.axis < 0 ? a.axis + static_cast<int32_t>(a.shape.size()) : a.axis));
      cases.push_back(golden_case(
          name,
          fmt::format("int8 [{}] axis {} -> {} values [{}, {}]", fmt::join(a.shape, ","), a.axis,
                      dtype_name(a.out), a.lo, a.hi),
          op, opt::OutputType{a.out},
          {int8_tensor(a.shape, 0.1f, -3).range(a.lo, a.hi), ints({1}, {a.axis})},
          {GTensor{a.out, out}}, 2));
    }
  }
  expect_golden(cases);

  expect_both_refuse(golden_case("ARG_MAX", "int16", BuiltinOp::ArgMax,
                                 opt::OutputType{DType::Int32},
                                 {int16_tensor({2, 5}, 0.1f), ints({1}, {1})},
                                 {GTensor{DType::Int32, {2}}}, 1),
                     "LiteRT has no int16 kernel");
}

// ----------------------------------------------------- the byte movers

TEST(GoldenMovement, ReshapeSqueezeExpandDims) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  const GTensor a = int8_tensor({2, 3, 4}, 0.05f, -128);
  add_with_twin(cases, "RESHAPE", "int8 [2,3,4] -> [4,-1]", BuiltinOp::Reshape,
                opt::Reshape{{4, 6}, true}, {a, ints({2}, {4, -1})}, {like(a, {4, 6})}, 1);
  add_with_twin(cases, "EXPAND_DIMS", "int8 axis -1", BuiltinOp::ExpandDims, opt::None{},
                {a, ints({1}, {-1})}, {like(a, {2, 3, 4, 1})}, 1);
  const GTensor b = int8_tensor({1, 5, 1, 3}, 2.f, 127);
  cases.push_back(golden_case("SQUEEZE", "int8 all size-1 dims", BuiltinOp::Squeeze,
                              opt::Squeeze{}, {b}, {like(b, {5, 3})}, 1));
  cases.push_back(golden_case("SQUEEZE", "int8 dim 2", BuiltinOp::Squeeze, opt::Squeeze{{2}}, {b},
                              {like(b, {1, 5, 3})}, 1));
  const GTensor c = int16_tensor({3, 1, 7}, 0.004f);
  cases.push_back(golden_case("RESHAPE", "int16 [3,1,7] -> [7,3]", BuiltinOp::Reshape,
                              opt::Reshape{{7, 3}, true}, {c, ints({2}, {7, 3})},
                              {like(c, {7, 3})}, 1));
  cases.push_back(golden_case("SQUEEZE", "int16", BuiltinOp::Squeeze, opt::Squeeze{{1}}, {c},
                              {like(c, {3, 7})}, 1));
  cases.push_back(golden_case("EXPAND_DIMS", "int16 axis 0", BuiltinOp::ExpandDims, opt::None{},
                              {c, ints({1}, {0})}, {like(c, {1, 3, 1, 7})}, 1));
  // Output parameters other than the input's: the integers are copied.
  cases.push_back(golden_case("RESHAPE", "int16 output scale differs (copied as is)",
                              BuiltinOp::Reshape, opt::Reshape{{21}, true},
                              {c, ints({1}, {21})}, {int16_tensor({21}, 0.5f)}, 1));
  cases.push_back(golden_case(
      "RESHAPE", "int8 output params differ (copied as is) builtin", BuiltinOp::Reshape,
      opt::Reshape{{4, 6}, true}, {declined_by_xnnpack(a), ints({2}, {4, 6})},
      {declined_by_xnnpack(int8_tensor({4, 6}, 0.3f, 9))}, 1));
  cases.push_back(golden_case("SQUEEZE", "int8 output params differ (copied as is)",
                              BuiltinOp::Squeeze, opt::Squeeze{}, {b},
                              {int8_tensor({5, 3}, 0.01f, -1)}, 1));
  expect_golden(cases);

  expect_both_refuse(golden_case("EXPAND_DIMS", "int8 output params differ",
                                 BuiltinOp::ExpandDims, opt::None{},
                                 {declined_by_xnnpack(a), ints({1}, {0})},
                                 {declined_by_xnnpack(int8_tensor({1, 2, 3, 4}, 0.1f, -128))}, 1),
                     "different quantization");
}

TEST(GoldenMovement, TransposeSliceStridedSlice) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  const GTensor a = int8_tensor({2, 3, 4}, 0.05f, 127);
  add_with_twin(cases, "TRANSPOSE", "int8 [2,3,4] perm [2,0,1]", BuiltinOp::Transpose,
                opt::None{}, {a, ints({3}, {2, 0, 1})}, {like(a, {4, 2, 3})}, 2);
  const GTensor a5 = int8_tensor({2, 1, 3, 2, 3}, 0.05f, -128);
  add_with_twin(cases, "TRANSPOSE", "int8 rank 5", BuiltinOp::Transpose, opt::None{},
                {a5, ints({5}, {4, 2, 0, 3, 1})}, {like(a5, {3, 3, 2, 2, 1})}, 4);
  const GTensor b = int16_tensor({3, 5, 2}, 0.01f);
  cases.push_back(golden_case("TRANSPOSE", "int16 perm [1,2,0]", BuiltinOp::Transpose,
                              opt::None{}, {b, ints({3}, {1, 2, 0})}, {like(b, {5, 2, 3})}, 5));
  cases.push_back(golden_case("TRANSPOSE", "int16 output scale differs (copied as is)",
                              BuiltinOp::Transpose, opt::None{}, {b, ints({3}, {2, 1, 0})},
                              {int16_tensor({2, 5, 3}, 0.02f)}, 5));

  add_with_twin(cases, "SLICE", "int8 begin [1,0,1] size [1,-1,2]", BuiltinOp::Slice, opt::None{},
                {a, ints({3}, {1, 0, 1}), ints({3}, {1, -1, 2})}, {like(a, {1, 3, 2})}, 2);
  cases.push_back(golden_case("SLICE", "int16", BuiltinOp::Slice, opt::None{},
                              {b, ints({3}, {2, 1, 0}), ints({3}, {1, 3, 2})},
                              {like(b, {1, 3, 2})}, 4));

  // begin/end/strides, masks, negative strides, shrink.
  add_with_twin(cases, "STRIDED_SLICE", "int8 stride 2, negative end", BuiltinOp::StridedSlice,
                opt::StridedSlice{},
                {a, ints({3}, {0, 0, 1}), ints({3}, {2, -1, 4}), ints({3}, {1, 1, 2})},
                {like(a, {2, 2, 2})}, 2);
  add_with_twin(cases, "STRIDED_SLICE", "int8 reversed, begin/end masks, shrink axis 0",
                BuiltinOp::StridedSlice, opt::StridedSlice{2, 6, 0, 0, 1, false},
                {a, ints({3}, {1, 0, 3}), ints({3}, {2, 3, 0}), ints({3}, {1, -1, -1})},
                {like(a, {3, 4})}, 2);
  cases.push_back(golden_case(
      "STRIDED_SLICE", "int16 strides [2,3,1]", BuiltinOp::StridedSlice,
      opt::StridedSlice{}, {b, ints({3}, {0, 1, 0}), ints({3}, {3, 5, 2}), ints({3}, {2, 3, 1})},
      {like(b, {2, 2, 2})}, 1));
  expect_golden(cases);
}

TEST(GoldenMovement, SplitSplitVPackUnpack) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  const GTensor a = int8_tensor({2, 6, 3}, 0.05f, -128);
  add_with_twin(cases, "SPLIT", "int8 axis 1 into 3", BuiltinOp::Split, opt::Split{3},
                {ints({}, {1}), a}, {like(a, {2, 2, 3}), like(a, {2, 2, 3}), like(a, {2, 2, 3})},
                2);
  cases.push_back(golden_case("SPLIT_V", "int8 sizes [1,-1,2] axis 1", BuiltinOp::SplitV,
                              opt::Split{3}, {a, ints({3}, {1, -1, 2}), ints({}, {1})},
                              {like(a, {2, 1, 3}), like(a, {2, 3, 3}), like(a, {2, 2, 3})}, 2));
  const GTensor b = int16_tensor({4, 3}, 0.02f);
  cases.push_back(golden_case("SPLIT", "int16 axis -1 into 3", BuiltinOp::Split, opt::Split{3},
                              {ints({}, {-1}), b}, {like(b, {4, 1}), like(b, {4, 1}), like(b, {4, 1})},
                              4));
  cases.push_back(golden_case("SPLIT_V", "int16 sizes [3,1] axis 0", BuiltinOp::SplitV,
                              opt::Split{2}, {b, ints({2}, {3, 1}), ints({}, {0})},
                              {like(b, {3, 3}), like(b, {1, 3})}, 1));
  const GTensor c = int8_tensor({3, 2}, 1.5f, 127);
  cases.push_back(golden_case("PACK", "int8 3 inputs axis 1", BuiltinOp::Pack, opt::Pack{3, 1},
                              {c, c, c}, {like(c, {3, 3, 2})}, 2));
  cases.push_back(golden_case("PACK", "int16 2 inputs axis 0", BuiltinOp::Pack, opt::Pack{2, 0},
                              {b, b}, {like(b, {2, 4, 3})}, 3));
  cases.push_back(golden_case("UNPACK", "int8 axis 0", BuiltinOp::Unpack, opt::Unpack{3, 0}, {c},
                              {like(c, {2}), like(c, {2}), like(c, {2})}, 2));
  cases.push_back(golden_case("UNPACK", "int16 axis -1", BuiltinOp::Unpack, opt::Unpack{3, -1},
                              {b}, {like(b, {4}), like(b, {4}), like(b, {4})}, 4));
  expect_golden(cases);

  expect_both_refuse(golden_case("PACK", "int8 input params differ", BuiltinOp::Pack,
                                 opt::Pack{2, 0}, {c, int8_tensor({3, 2}, 1.5f, 0)},
                                 {like(c, {2, 3, 2})}, 2),
                     "different quantization");
  expect_both_refuse(golden_case("UNPACK", "int8 output params differ", BuiltinOp::Unpack,
                                 opt::Unpack{2, 1}, {c},
                                 {like(c, {3}), int8_tensor({3}, 0.5f, 127)}, 2),
                     "different quantization");
}

TEST(GoldenMovement, GatherTileBroadcastTo) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  const GTensor table = int8_tensor({7, 5}, 0.05f, -128);
  cases.push_back(golden_case("GATHER", "int8 table [7,5], int32 indices [2,3]", BuiltinOp::Gather,
                              opt::Gather{0, 0}, {table, int32_input({2, 3}, 0, 6)},
                              {like(table, {2, 3, 5})}, 2));
  cases.push_back(golden_case("GATHER", "int8 axis 1, constant indices", BuiltinOp::Gather,
                              opt::Gather{1, 0}, {table, ints({4}, {4, 0, 0, 2})},
                              {like(table, {7, 4})}, 2));
  const GTensor t16 = int16_tensor({3, 4, 2}, 0.003f);
  cases.push_back(golden_case("GATHER", "int16 batch_dims 1", BuiltinOp::Gather, opt::Gather{1, 1},
                              {t16, int32_input({3, 5}, 0, 3)}, {like(t16, {3, 5, 2})}, 5));
  cases.push_back(golden_case("GATHER", "int8 output params differ (copied as is)",
                              BuiltinOp::Gather, opt::Gather{0, 0},
                              {table, int32_input({3}, 0, 6)},
                              {int8_tensor({3, 5}, 0.2f, 1)}, 2));

  const GTensor a = int8_tensor({2, 1, 3}, 0.5f, 127);
  cases.push_back(golden_case("TILE", "int8 multiples [2,3,1]", BuiltinOp::Tile, opt::None{},
                              {a, ints({3}, {2, 3, 1})}, {like(a, {4, 3, 3})}, 3));
  cases.push_back(golden_case("TILE", "int16 multiples [1,2]", BuiltinOp::Tile, opt::None{},
                              {int16_tensor({3, 2}, 0.1f), ints({2}, {1, 2})},
                              {int16_tensor({3, 4}, 0.1f)}, 1));
  cases.push_back(golden_case("BROADCAST_TO", "int8 [2,1,3] -> [2,2,4,3]", BuiltinOp::BroadcastTo,
                              opt::None{}, {a, ints({4}, {2, 2, 4, 3})},
                              {like(a, {2, 2, 4, 3})}, 3));
  cases.push_back(golden_case("BROADCAST_TO", "int16 [3] -> [2,3]", BuiltinOp::BroadcastTo,
                              opt::None{}, {int16_tensor({3}, 0.01f), ints({2}, {2, 3})},
                              {int16_tensor({2, 3}, 0.01f)}, 3));
  expect_golden(cases);
}

TEST(GoldenMovement, DepthToSpaceSpaceToDepth) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  const GTensor a = int8_tensor({2, 2, 3, 8}, 0.05f, -128);
  add_with_twin(cases, "DEPTH_TO_SPACE", "int8 block 2", BuiltinOp::DepthToSpace,
                opt::BlockSize{2}, {a}, {like(a, {2, 4, 6, 2})}, 2);
  const GTensor b = int8_tensor({1, 6, 9, 2}, 2.f, 127);
  add_with_twin(cases, "SPACE_TO_DEPTH", "int8 block 3", BuiltinOp::SpaceToDepth,
                opt::BlockSize{3}, {b}, {like(b, {1, 2, 3, 18})}, 2);
  cases.push_back(golden_case("DEPTH_TO_SPACE", "int8 output params differ (copied as is) builtin",
                              BuiltinOp::DepthToSpace, opt::BlockSize{2}, {declined_by_xnnpack(a)},
                              {declined_by_xnnpack(int8_tensor({2, 4, 6, 2}, 0.01f, 0))}, 2));
  expect_golden(cases);

  expect_both_refuse(golden_case("DEPTH_TO_SPACE", "int16", BuiltinOp::DepthToSpace,
                                 opt::BlockSize{2}, {int16_tensor({1, 1, 1, 4}, 0.1f)},
                                 {int16_tensor({1, 2, 2, 1}, 0.1f)}, 1),
                     "LiteRT has no int16 kernel");
}

}  // namespace
}  // namespace octet::testing

namespace octet::testing {
namespace {

// CAST between integers and quantized tensors converts values and ignores
// the quantization: an int32 0/1 mask cast to int8 at scale 1 (what octet's
// quantizer writes for masks), int32 → int16, and int8 → int32 back.
TEST(GoldenMovement, CastIntoAndOutOfQuantizedTensors) {
  REQUIRE_LITERT();
  std::vector<GoldenCase> cases;
  GTensor mask = int32_input({2, 7}, 0, 1);
  GTensor small = int32_input({3, 5}, -128, 127);
  GTensor q8 = int8_tensor({2, 7}, 1.f, 0);
  cases.push_back(golden_case("CAST", "int32 0/1 -> int8 scale 1", BuiltinOp::Cast,
                              opt::Cast{.in_type = DType::Int32, .out_type = DType::Int8}, {mask}, {q8}, 1));
  cases.push_back(golden_case("CAST", "int32 [-128,127] -> int16 scale 1", BuiltinOp::Cast,
                              opt::Cast{.in_type = DType::Int32, .out_type = DType::Int16}, {small},
                              {int16_tensor({3, 5}, 1.f)}, 1));
  cases.push_back(golden_case("CAST", "int8 scale 0.5 -> int32 (raw values)", BuiltinOp::Cast,
                              opt::Cast{.in_type = DType::Int8, .out_type = DType::Int32},
                              {int8_tensor({2, 7}, 0.5f, 3)}, {GTensor{DType::Int32, {2, 7}}}, 1));
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
