// Quantized SOFTMAX (int8 → int8, int8 → int16, int16 → int16) and
// LOG_SOFTMAX (int8) against LiteRT: rows of 1, 7, 64 and 300, beta 1 and
// 0.5, input scales from tiny to huge, zero points at both ends, inputs over
// the whole range and over a narrow one (where the outputs spread out
// instead of being one-hot). XNNPACK takes only float SOFTMAX and no
// LOG_SOFTMAX, so every case runs in the builtin kernels: all bit-exact.
#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

struct Q {
  float scale;
  int64_t zero_point;
};

std::vector<std::vector<int32_t>> row_shapes() { return {{3, 1}, {2, 7}, {2, 2, 64}, {2, 300}}; }

std::string shape_name(const std::vector<int32_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ",")); }

TEST(GoldenSoftmax, Int8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  const Q out{1.f / 256, -128};
  for (const auto& shape : row_shapes()) {
    for (const float beta : {1.0f, 0.5f}) {
      for (const Q in : {Q{0.0003f, 0}, Q{0.1f, -128}, Q{0.05f, 127}, Q{4.0f, 10}}) {
        for (const bool narrow : {false, true}) {
          GTensor x = int8_tensor(shape, in.scale, in.zero_point);
          if (narrow) { x.lo = -12; x.hi = 9; }
          cases.push_back(golden_case(
              "SOFTMAX", fmt::format("int8 {} beta={} in {}/{}{}", shape_name(shape), beta, in.scale,
                                     in.zero_point, narrow ? " narrow" : ""),
              BuiltinOp::Softmax, opt::Softmax{beta}, {x}, {int8_tensor(shape, out.scale, out.zero_point)}, 2));
        }
      }
    }
  }
  // The 0.1% LiteRT allows around 1/256.
  cases.push_back(golden_case("SOFTMAX", "int8 [2,64] out scale 1/256·1.0009", BuiltinOp::Softmax,
                              opt::Softmax{1.0f}, {int8_tensor({2, 64}, 0.06f, 0).range(-30, 30)},
                              {int8_tensor({2, 64}, 1.0009f / 256, -128)}, 2));
  expect_golden(cases);
}

TEST(GoldenSoftmax, Int8ToInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const auto& shape : row_shapes()) {
    for (const float beta : {1.0f, 0.5f}) {
      for (const Q out : {Q{1.f / 32768, 0}, Q{1.f / 65536, -32768}}) {
        for (const Q in : {Q{0.0003f, -128}, Q{0.08f, 0}, Q{3.0f, 127}}) {
          GTensor y{DType::Int16, shape, qparams(out.scale, out.zero_point)};
          cases.push_back(golden_case(
              "SOFTMAX", fmt::format("int8->int16 {} beta={} in {}/{} out {}/{}", shape_name(shape), beta,
                                     in.scale, in.zero_point, out.scale, out.zero_point),
              BuiltinOp::Softmax, opt::Softmax{beta},
              {int8_tensor(shape, in.scale, in.zero_point).range(-40, 40)}, {y}, 2));
        }
      }
    }
  }
  // p/1e-10 leaves int32: saturated by the wasm conversion, then the zero
  // point added with int32 wrap-around (INT32_MAX + 5 turns negative).
  for (const int64_t zero_point : {0, 5}) {
    GTensor y{DType::Int16, {2, 7}, qparams(1e-10f, zero_point)};
    cases.push_back(golden_case("SOFTMAX", fmt::format("int8->int16 [2,7] out 1e-10/{}", zero_point),
                                BuiltinOp::Softmax, opt::Softmax{1.0f},
                                {int8_tensor({2, 7}, 0.1f, 0).range(-20, 20)}, {y}, 2));
  }
  expect_golden(cases);
}

TEST(GoldenSoftmax, Int16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const auto& shape : row_shapes()) {
    for (const float beta : {1.0f, 0.5f}) {
      for (const float in : {1e-5f, 0.0004f, 0.01f, 0.3f}) {
        for (const bool narrow : {false, true}) {
          GTensor x = int16_tensor(shape, in);
          if (narrow) { x.lo = -3000; x.hi = 2000; }
          cases.push_back(golden_case(
              "SOFTMAX", fmt::format("int16 {} beta={} in {}{}", shape_name(shape), beta, in,
                                     narrow ? " narrow" : ""),
              BuiltinOp::Softmax, opt::Softmax{beta}, {x}, {int16_tensor(shape, 1.f / 32768)}, 3));
        }
      }
    }
  }
  expect_golden(cases);
}

TEST(GoldenSoftmax, LogSoftmaxInt8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const auto& shape : row_shapes()) {
    for (const Q in : {Q{0.0003f, 0}, Q{0.05f, -128}, Q{0.1f, 127}, Q{2.0f, 0}}) {
      for (const bool narrow : {false, true}) {
        GTensor x = int8_tensor(shape, in.scale, in.zero_point);
        if (narrow) { x.lo = -20; x.hi = 20; }
        cases.push_back(golden_case(
            "LOG_SOFTMAX", fmt::format("int8 {} in {}/{}{}", shape_name(shape), in.scale, in.zero_point,
                                       narrow ? " narrow" : ""),
            BuiltinOp::LogSoftmax, opt::None{}, {x}, {int8_tensor(shape, 16.f / 256, 127)}, 2));
      }
    }
  }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
