// QUANTIZE and DEQUANTIZE against LiteRT: float → int8/int16 and back.
#include <cmath>
#include <cstring>

#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

TEST(GoldenQuantize, FloatToIntegerAndBack) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct Q {
    float scale;
    int64_t zp;
  };
  for (const Q q : {Q{0.05f, 0}, Q{0.0037f, -128}, Q{3.1f, 127}, Q{1e-6f, 5}}) {
    GTensor in{DType::Float32, {3, 7}};
    in.lo = -200;
    in.hi = 200;
    cases.push_back(golden_case("QUANTIZE", fmt::format("float->int8 scale={} zp={}", q.scale, q.zp),
                                BuiltinOp::Quantize, opt::None{}, {in},
                                {int8_tensor({3, 7}, q.scale, q.zp)}));
    cases.push_back(golden_case("DEQUANTIZE", fmt::format("int8->float scale={} zp={}", q.scale, q.zp),
                                BuiltinOp::Dequantize, opt::None{},
                                {int8_tensor({3, 7}, q.scale, q.zp)}, {GTensor{DType::Float32, {3, 7}}},
                                2));
  }
  for (const float scale : {0.001f, 0.7f}) {
    GTensor in{DType::Float32, {2, 5, 3}};
    in.lo = -40;
    in.hi = 40;
    cases.push_back(golden_case("QUANTIZE", fmt::format("float->int16 scale={}", scale),
                                BuiltinOp::Quantize, opt::None{}, {in},
                                {int16_tensor({2, 5, 3}, scale)}));
    cases.push_back(golden_case("DEQUANTIZE", fmt::format("int16->float scale={}", scale),
                                BuiltinOp::Dequantize, opt::None{}, {int16_tensor({2, 5, 3}, scale)},
                                {GTensor{DType::Float32, {2, 5, 3}}}, 4));
  }
  expect_golden(cases);
}

// Inputs next to half-way points where dividing by the scale in float and in
// double round to different integers: LiteRT's builtin kernel divides a
// per-tensor scale in double (int16 output: XNNPACK does not take it).
TEST(GoldenQuantize, PerTensorInt16DividesInDouble) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const float scale : {0.001f, 0.0037f, 1.f / 3}) {
    std::vector<float> values;
    for (int k = -20000; k < 20000 && values.size() < 24; ++k) {
      float x = (static_cast<float>(k) + 0.5f) * scale;
      for (int step = 0; step < 6; ++step, x = std::nextafter(x, step % 2 ? -1e9f : 1e9f)) {
        if (std::round(static_cast<double>(x) / scale) != std::round(x / scale)) {
          values.push_back(x);
          break;
        }
      }
    }
    ASSERT_GE(values.size(), 8u) << "no distinguishing inputs for scale " << scale;
    GTensor in{DType::Float32, {static_cast<int32_t>(values.size())}};
    in.data.resize(values.size() * sizeof(float));
    std::memcpy(in.data.data(), values.data(), in.data.size());
    cases.push_back(golden_case("QUANTIZE", fmt::format("float->int16 near half-way, scale={}", scale),
                                BuiltinOp::Quantize, opt::None{}, {in},
                                {int16_tensor({static_cast<int32_t>(values.size())}, scale)}));
  }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
