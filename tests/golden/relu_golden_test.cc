// Quantized RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, PRELU, ABS and NEG
// against LiteRT, int8 and int16.
//
// XNNPACK takes int8 LEAKY_RELU when alpha is normal and non-zero, s_in/s_out
// lies in [2^-8, 2^7] and alpha·s_in/s_out in [-128, 128] but not below 2^-8
// in magnitude (xnnpack_delegate.cc, VisitUnaryNode); it declines every other
// case here (the RELU family, ABS and NEG are float-only there, PRELU too),
// which therefore runs in LiteRT's builtin kernels and must be bit-exact.
#include <cmath>
#include <tuple>

#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

struct Q {
  float scale;
  int64_t zero_point;
};

const std::vector<std::vector<int32_t>> kShapes = {{2, 3, 4}, {7}, {1, 5, 1, 3}};

std::string shape_str(const std::vector<int32_t>& s) {
  return fmt::format("[{}]", fmt::join(s, ","));
}

TEST(GoldenRelu, ReluFamily) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct ReluOp {
    const char* name;
    BuiltinOp op;
    int32_t v_int8, v_int16;  // 0: no int16 kernel in LiteRT
  };
  const ReluOp ops[] = {{"RELU", BuiltinOp::Relu, 2, 3},
                        {"RELU6", BuiltinOp::Relu6, 2, 3},
                        {"RELU_N1_TO_1", BuiltinOp::ReluN1To1, 1, 0}};
  struct P {
    Q in, out;
  };
  const std::vector<P> params = {
      {{0.05f, -3}, {0.05f, -3}},       // same parameters
      {{0.05f, -20}, {0.03f, -128}},    // requantized
      {{0.1f, 127}, {0.02f, -128}},     // zero points at both ends
      {{0.004f, -128}, {0.0125f, 10}},  // output coarser
      {{1e-4f, 0}, {1e-6f, -128}},      // tiny scales, multiplier 100
      {{3.0f, 0}, {7.0f, -100}},        // huge scales
  };
  for (const ReluOp& op : ops)
    for (const auto& shape : kShapes)
      for (const P& p : params)
        cases.push_back(
            golden_case(op.name,
                        fmt::format("int8 {} in=({},{}) out=({},{})", shape_str(shape), p.in.scale,
                                    p.in.zero_point, p.out.scale, p.out.zero_point),
                        op.op, opt::None{}, {int8_tensor(shape, p.in.scale, p.in.zero_point)},
                        {int8_tensor(shape, p.out.scale, p.out.zero_point)}, op.v_int8));
  for (const ReluOp& op : ops) {
    if (op.v_int16 == 0) continue;
    for (const auto& [si, so] : {std::pair{0.001f, 0.001f}, std::pair{0.001f, 0.0004f},
                                 std::pair{2e-4f, 1e-3f}, std::pair{1e-5f, 3e-6f}})
      cases.push_back(golden_case(op.name, fmt::format("int16 [2,3,4] in={} out={}", si, so), op.op,
                                  opt::None{}, {int16_tensor({2, 3, 4}, si)},
                                  {int16_tensor({2, 3, 4}, so)}, op.v_int16));
  }
  expect_golden(cases);
}

TEST(GoldenRelu, LeakyRelu) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct P {
    float alpha;
    Q in, out;
  };
  const std::vector<P> params = {
      {0.2f, {0.05f, -3}, {0.05f, -3}},      // XNNPACK
      {0.01f, {0.05f, -20}, {0.03f, -128}},  // XNNPACK
      {-0.3f, {0.1f, 127}, {0.02f, -128}},   // negative alpha: XNNPACK
      {1.5f, {0.04f, 0}, {0.08f, 5}},        // alpha > 1: XNNPACK
      {0.f, {0.05f, -3}, {0.05f, -3}},       // alpha 0: XNNPACK declines
      {0.2f, {0.5f, 0}, {0.002f, -128}},     // s_in/s_out 250 > 128: declines
      {0.1f, {1e-4f, 10}, {0.05f, 0}},       // s_in/s_out 2e-3 < 2^-8: declines
      {-0.7f, {0.9f, -128}, {0.005f, 127}},  // ratio 180, negative alpha: declines
  };
  for (const auto& shape : kShapes)
    for (const P& p : params) {
      const float ratio = p.in.scale / p.out.scale;
      const float negative = ratio * p.alpha;
      const bool xnn = p.alpha != 0.f && ratio >= 1.f / 256 && ratio <= 128.f &&
                       negative >= -127.99609375f && negative <= 128.f &&
                       std::abs(negative) >= 1.f / 256;
      GoldenCase c = golden_case(
          "LEAKY_RELU",
          fmt::format("int8 {} alpha={} in=({},{}) out=({},{})", shape_str(shape), p.alpha,
                      p.in.scale, p.in.zero_point, p.out.scale, p.out.zero_point),
          BuiltinOp::LeakyRelu, opt::LeakyRelu{p.alpha},
          {int8_tensor(shape, p.in.scale, p.in.zero_point)},
          {int8_tensor(shape, p.out.scale, p.out.zero_point)}, 1);
      if (xnn) {
        c.tolerance = 1;
        c.reason =
            "XNNPACK runs int8 LEAKY_RELU with its own fixed-point multipliers (positive and "
            "negative slopes rounded to Q8 or Q16), not TFLite's double-rounded ones";
      }
      cases.push_back(std::move(c));
    }
  for (const float alpha : {0.2f, -0.3f, 0.f, 2.5f})
    for (const auto& [si, so] :
         {std::pair{0.001f, 0.001f}, std::pair{0.001f, 0.0004f}, std::pair{2e-4f, 1e-3f}})
      cases.push_back(golden_case("LEAKY_RELU",
                                  fmt::format("int16 [2,3,4] alpha={} in={} out={}", alpha, si, so),
                                  BuiltinOp::LeakyRelu, opt::LeakyRelu{alpha},
                                  {int16_tensor({2, 3, 4}, si)}, {int16_tensor({2, 3, 4}, so)}, 2));
  expect_golden(cases);
}

TEST(GoldenRelu, Prelu) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct S {
    std::vector<int32_t> in, alpha;
  };
  const std::vector<S> shapes = {
      {{1, 4, 4, 3}, {3}},        // per channel, the common case
      {{2, 3, 5}, {2, 3, 5}},     // same shape
      {{2, 4, 3}, {4, 1}},        // alpha broadcast over the last axis
      {{3, 7}, {}},               // one alpha
      {{1, 2, 3, 2, 3}, {1, 3}},  // rank 5
  };
  struct P {
    Q in, alpha, out;
  };
  const std::vector<P> params = {
      {{0.05f, -3}, {0.01f, 0}, {0.05f, -3}},
      {{0.1f, 127}, {0.004f, -128}, {0.02f, -128}},  // alpha zero point -128
      {{0.02f, -128}, {0.05f, 100}, {0.3f, 127}},    // alphas up to ~11
      {{1e-4f, 0}, {0.02f, -20}, {1e-6f, 5}},        // multipliers 100 and 2
  };
  for (const S& s : shapes)
    for (const P& p : params) {
      const std::string name =
          fmt::format("{}x{} in=({},{}) alpha=({},{}) out=({},{})", shape_str(s.in),
                      shape_str(s.alpha), p.in.scale, p.in.zero_point, p.alpha.scale,
                      p.alpha.zero_point, p.out.scale, p.out.zero_point);
      // alpha as a constant (the usual model) and as a model input.
      GTensor alpha_const = int8_weights(s.alpha, qparams(p.alpha.scale, p.alpha.zero_point), 7);
      cases.push_back(golden_case("PRELU", "int8 " + name + " constant alpha", BuiltinOp::Prelu,
                                  opt::None{},
                                  {int8_tensor(s.in, p.in.scale, p.in.zero_point), alpha_const},
                                  {int8_tensor(s.in, p.out.scale, p.out.zero_point)}, 1));
      cases.push_back(golden_case("PRELU", "int8 " + name + " alpha input", BuiltinOp::Prelu,
                                  opt::None{},
                                  {int8_tensor(s.in, p.in.scale, p.in.zero_point),
                                   int8_tensor(s.alpha, p.alpha.scale, p.alpha.zero_point)},
                                  {int8_tensor(s.in, p.out.scale, p.out.zero_point)}, 1));
    }
  // int16 input and output, int8 alpha.
  for (const S& s : shapes)
    for (const auto& [si, sa, za, so] : {std::tuple{0.001f, 0.01f, int64_t{0}, 0.001f},
                                         std::tuple{0.0005f, 0.004f, int64_t{-128}, 0.002f},
                                         std::tuple{1e-5f, 0.05f, int64_t{30}, 4e-6f}})
      cases.push_back(
          golden_case("PRELU",
                      fmt::format("int16 {}x{} in={} alpha=({},{}) out={}", shape_str(s.in),
                                  shape_str(s.alpha), si, sa, za, so),
                      BuiltinOp::Prelu, opt::None{},
                      {int16_tensor(s.in, si), int8_weights(s.alpha, qparams(sa, za), 11)},
                      {int16_tensor(s.in, so)}, 1));
  expect_golden(cases);
}

TEST(GoldenRelu, AbsNeg) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  const std::vector<std::pair<Q, Q>> params = {
      {{0.05f, -3}, {0.05f, -3}},     // same parameters: no rescale
      {{0.05f, -128}, {0.05f, 127}},  // same scale, zero points at both ends
      {{0.05f, 20}, {0.03f, -128}},   // rescaled
      {{1e-4f, 0}, {3e-6f, -100}},    // multiplier 33
      {{2.0f, 127}, {0.5f, -128}},
  };
  for (const auto& shape : kShapes)
    for (const auto& [in, out] : params)
      cases.push_back(golden_case("ABS",
                                  fmt::format("int8 {} in=({},{}) out=({},{})", shape_str(shape),
                                              in.scale, in.zero_point, out.scale, out.zero_point),
                                  BuiltinOp::Abs, opt::None{},
                                  {int8_tensor(shape, in.scale, in.zero_point)},
                                  {int8_tensor(shape, out.scale, out.zero_point)}, 2));
  for (const auto& [si, so] :
       {std::pair{0.001f, 0.001f}, std::pair{0.001f, 0.0004f}, std::pair{2e-4f, 1e-3f}})
    cases.push_back(golden_case("ABS", fmt::format("int16 [2,3,4] in={} out={}", si, so),
                                BuiltinOp::Abs, opt::None{}, {int16_tensor({2, 3, 4}, si)},
                                {int16_tensor({2, 3, 4}, so)}, 3));
  for (const auto& shape : kShapes) {
    cases.push_back(golden_case("NEG", fmt::format("int8 {} zp 0", shape_str(shape)),
                                BuiltinOp::Neg, opt::None{}, {int8_tensor(shape, 0.05f, 0)},
                                {int8_tensor(shape, 0.05f, 0)}, 1));
    // LiteRT negates the stored integers whatever the parameters.
    cases.push_back(golden_case("NEG", fmt::format("int8 {} zp -128 -> 30", shape_str(shape)),
                                BuiltinOp::Neg, opt::None{}, {int8_tensor(shape, 0.05f, -128)},
                                {int8_tensor(shape, 0.02f, 30)}, 1));
    cases.push_back(golden_case("NEG", fmt::format("int16 {}", shape_str(shape)), BuiltinOp::Neg,
                                opt::None{}, {int16_tensor(shape, 0.001f)},
                                {int16_tensor(shape, 0.001f)}, 1));
  }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
