// AVERAGE_POOL_2D and MAX_POOL_2D on int8 and int16 against LiteRT.
//
// Where they run: XNNPACK takes float AVERAGE_POOL_2D only (its visitor
// calls CheckTensorFloatType), so int8 and int16 average pools run in
// LiteRT's builtin kernels. It takes int8 MAX_POOL_2D; a max and a clamp are
// exact in any arithmetic, so those cases must be bit-exact too, and each
// has a variant XNNPACK declines (a per-tensor parameter with
// quantized_dimension 1: CheckTensorFloat32OrQUInt8Type wants 0; LiteRT's
// builtin kernels ignore the field for one scale).
#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

struct Pool {
  std::vector<int32_t> shape;  // NHWC input
  int32_t fh, fw, sh, sw;
  Padding padding;
  Activation activation;
};

std::string describe(const Pool& p) {
  return fmt::format("[{}] f{}x{} s{}x{} {} act={}", fmt::join(p.shape, ","), p.fh, p.fw, p.sh,
                     p.sw, p.padding == Padding::Same ? "SAME" : "VALID",
                     static_cast<int>(p.activation));
}

std::vector<int32_t> out_shape(const Pool& p) {
  auto size = [&](int32_t in, int32_t f, int32_t s) {
    return p.padding == Padding::Same ? (in + s - 1) / s : (in - f + s) / s;
  };
  return {p.shape[0], size(p.shape[1], p.fh, p.sh), size(p.shape[2], p.fw, p.sw), p.shape[3]};
}

// XNNPACK's quantized-tensor checks require quantized_dimension 0.
GTensor declined_by_xnnpack(GTensor t) {
  t.quant.quantized_dimension = 1;
  return t;
}

GoldenCase pool_case(BuiltinOp op, const std::string& name, const Pool& p, GTensor in,
                     GTensor out) {
  const int32_t version = in.dtype == DType::Int16 ? 3 : 2;
  const opt::Pool2D options{p.padding, p.sw, p.sh, p.fw, p.fh, p.activation};
  return golden_case(op == BuiltinOp::MaxPool2d ? "MAX_POOL_2D" : "AVERAGE_POOL_2D",
                     name + " " + describe(p), op, options, {std::move(in)}, {std::move(out)},
                     version);
}

const std::vector<Pool> kPools = {
    {{1, 7, 9, 5}, 3, 3, 2, 2, Padding::Same, Activation::None},
    {{2, 5, 6, 3}, 2, 2, 2, 2, Padding::Valid, Activation::Relu},
    {{1, 5, 7, 4}, 5, 7, 1, 1, Padding::Valid, Activation::None},  // global
    {{1, 6, 7, 2}, 1, 1, 3, 3, Padding::Same, Activation::None},   // window < stride
    {{1, 4, 5, 3}, 3, 2, 1, 1, Padding::Same, Activation::Relu6},
    {{1, 3, 3, 300}, 3, 3, 1, 2, Padding::Same, Activation::ReluN1To1},  // > 256 channels
    {{3, 1, 9, 1}, 1, 4, 1, 3, Padding::Same, Activation::None},   // size-1 dims
};

struct Q {
  float scale;
  int64_t zero_point;
};
const std::vector<Q> kInt8Params = {{0.05f, 0}, {0.0037f, -128}, {3.1f, 127}, {1e-6f, 5}};
const std::vector<float> kInt16Scales = {0.001f, 0.7f, 1e-6f};

TEST(GoldenPooling, AveragePoolInt8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (size_t i = 0; i < kPools.size(); ++i) {
    const Pool& p = kPools[i];
    const Q q = kInt8Params[i % kInt8Params.size()];
    cases.push_back(pool_case(BuiltinOp::AveragePool2d,
                              fmt::format("int8 s={} zp={}", q.scale, q.zero_point), p,
                              int8_tensor(p.shape, q.scale, q.zero_point),
                              int8_tensor(out_shape(p), q.scale, q.zero_point)));
  }
  // Values near the ends, where the half-away-from-zero division and the
  // activation clamp decide.
  const Pool relu6{{1, 6, 6, 4}, 2, 2, 2, 2, Padding::Valid, Activation::Relu6};
  cases.push_back(pool_case(BuiltinOp::AveragePool2d, "int8 s=0.05 zp=-128 values at the top",
                            relu6, int8_tensor(relu6.shape, 0.05f, -128).range(90, 127),
                            int8_tensor(out_shape(relu6), 0.05f, -128)));
  expect_golden(cases);
}

TEST(GoldenPooling, AveragePoolInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (size_t i = 0; i < kPools.size(); ++i) {
    const Pool& p = kPools[i];
    const float s = kInt16Scales[i % kInt16Scales.size()];
    cases.push_back(pool_case(BuiltinOp::AveragePool2d, fmt::format("int16 s={}", s), p,
                              int16_tensor(p.shape, s), int16_tensor(out_shape(p), s)));
  }
  expect_golden(cases);
}

TEST(GoldenPooling, MaxPoolInt8InXnnpackAndBuiltin) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (size_t i = 0; i < kPools.size(); ++i) {
    const Pool& p = kPools[i];
    const Q q = kInt8Params[i % kInt8Params.size()];
    const std::string name = fmt::format("int8 s={} zp={}", q.scale, q.zero_point);
    cases.push_back(pool_case(BuiltinOp::MaxPool2d, name, p,
                              int8_tensor(p.shape, q.scale, q.zero_point),
                              int8_tensor(out_shape(p), q.scale, q.zero_point)));
    cases.push_back(pool_case(
        BuiltinOp::MaxPool2d, name + " builtin (XNNPACK declines)", p,
        declined_by_xnnpack(int8_tensor(p.shape, q.scale, q.zero_point)),
        declined_by_xnnpack(int8_tensor(out_shape(p), q.scale, q.zero_point))));
  }
  expect_golden(cases);
}

TEST(GoldenPooling, MaxPoolInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (size_t i = 0; i < kPools.size(); ++i) {
    const Pool& p = kPools[i];
    const float s = kInt16Scales[i % kInt16Scales.size()];
    cases.push_back(pool_case(BuiltinOp::MaxPool2d, fmt::format("int16 s={}", s), p,
                              int16_tensor(p.shape, s), int16_tensor(out_shape(p), s)));
  }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
