// Quantized ADD, SUB, MUL, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM against
// LiteRT: int8 and int16, same shapes and numpy broadcasting, scales tiny,
// huge and far apart, zero points at both ends, every fused activation.
//
// XNNPACK (always on in LiteRT.js) takes int8 ADD and SUB when both
// input/output scale ratios lie in [2^-10, 2^8), and int8 MUL when
// s1·s2/s_out lies in [2^-16, 2^8) (xnnpack_delegate.cc, VisitBinaryNode);
// it declines int16, SQUARED_DIFFERENCE, MAXIMUM and MINIMUM. Each op has
// int8 variants outside those bounds, which run in LiteRT's builtin kernels
// and must be bit-exact.
#include <cmath>

#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

struct Q {
  float scale;
  int64_t zero_point;
};

std::string shape_str(const std::vector<int32_t>& s) {
  return fmt::format("[{}]", fmt::join(s, ","));
}

const char* act_name(Activation a) {
  switch (a) {
    case Activation::Relu:
      return "relu";
    case Activation::Relu6:
      return "relu6";
    case Activation::ReluN1To1:
      return "relu_n1_to_1";
    default:
      return "none";
  }
}

struct Shapes {
  std::vector<int32_t> a, b, out;
};
const std::vector<Shapes> kShapes = {
    {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
    {{2, 3, 4}, {4}, {2, 3, 4}},
    {{1, 3, 1}, {2, 1, 5}, {2, 3, 5}},
    {{3, 5, 7}, {}, {3, 5, 7}},                                    // scalar second input
    {{1}, {3, 5, 7}, {3, 5, 7}},                                   // one-element first input
    {{2, 1, 3, 1, 2, 3}, {1, 2, 1, 4, 1, 3}, {2, 2, 3, 4, 2, 3}},  // rank 6
};

const std::vector<Activation> kActivations = {Activation::None, Activation::Relu, Activation::Relu6,
                                              Activation::ReluN1To1};

// XNNPACK's qs8 ADD/SUB rounds differently from TFLite's double rounding.
constexpr const char* kXnnAddReason =
    "XNNPACK runs int8 ADD/SUB (scale ratios inside its bounds) with its own fixed-point "
    "requantization (one multiply per input into an int32 accumulator, one rounding shift), not "
    "TFLite's three double-rounded multipliers";
constexpr const char* kXnnMulReason =
    "XNNPACK runs int8 MUL (product scale ratio inside its bounds) with an fp32 requantization of "
    "the int32 product, not TFLite's double-rounded fixed-point multiplier";

// True when XNNPACK would take an int8 ADD/SUB with these parameters.
bool xnn_takes_add(Q a, Q b, Q out) {
  auto in = [&](float s) {
    const float r = s / out.scale;
    return r >= 1.f / 1024 && r < 256.f;
  };
  return in(a.scale) && in(b.scale);
}
bool xnn_takes_mul(Q a, Q b, Q out) {
  const float r = a.scale * b.scale / out.scale;
  return r >= 1.f / 65536 && r < 256.f;
}

GoldenCase int8_binary(const char* op_name, BuiltinOp op, const Shapes& s, Q a, Q b, Q out,
                       OptionsValue options, int32_t version, const std::string& extra) {
  return golden_case(
      op_name,
      fmt::format("int8 {}x{} s=({},{})->{} zp=({},{})->{} {}", shape_str(s.a), shape_str(s.b),
                  a.scale, b.scale, out.scale, a.zero_point, b.zero_point, out.zero_point, extra),
      op, std::move(options),
      {int8_tensor(s.a, a.scale, a.zero_point), int8_tensor(s.b, b.scale, b.zero_point)},
      {int8_tensor(s.out, out.scale, out.zero_point)}, version);
}

GoldenCase int16_binary(const char* op_name, BuiltinOp op, const Shapes& s, float a, float b,
                        float out, OptionsValue options, int32_t version,
                        const std::string& extra) {
  return golden_case(
      op_name,
      fmt::format("int16 {}x{} s=({},{})->{} {}", shape_str(s.a), shape_str(s.b), a, b, out, extra),
      op, std::move(options), {int16_tensor(s.a, a), int16_tensor(s.b, b)},
      {int16_tensor(s.out, out)}, version);
}

// ADD and SUB share their cases: same parameters, same paths.
void add_sub_cases(std::vector<GoldenCase>& cases, const char* name, BuiltinOp op) {
  const bool sub = op == BuiltinOp::Sub;
  // int8: (input 0, input 1, output) parameters.
  struct P {
    Q a, b, out;
  };
  const std::vector<P> params = {
      {{0.05f, -3}, {0.02f, 10}, {0.08f, 5}},       // ordinary: XNNPACK
      {{0.1f, -128}, {0.1f, 127}, {0.15f, -128}},   // zero points at both ends: XNNPACK
      {{1e-4f, -128}, {3.0f, 127}, {2.5f, 0}},      // tiny vs huge: s1/s_out < 2^-10
      {{0.5f, 127}, {0.4f, -128}, {0.0015f, 127}},  // huge ratio: s/s_out >= 256
      {{0.002f, 20}, {0.9f, -60}, {0.003f, -100}},  // s2/s_out = 300
  };
  for (const Shapes& s : kShapes) {
    // Broadcasting beyond rank 4 needs version 3 of SUB.
    const int32_t version = sub && s.out.size() > 4 ? 3 : 2;
    for (const P& p : params) {
      const bool xnn = xnn_takes_add(p.a, p.b, p.out);
      for (Activation act : kActivations) {
        GoldenCase c = int8_binary(name, op, s, p.a, p.b, p.out, opt::FusedActivation{act, true},
                                   version, act_name(act));
        if (xnn) {
          c.tolerance = 1;
          c.reason = kXnnAddReason;
        }
        cases.push_back(std::move(c));
      }
    }
  }
  // int16, general scales (pot_scale_int16 false: version 3 ADD, 5 SUB).
  const int32_t v_general = sub ? 5 : 3;
  for (const Shapes& s : kShapes)
    for (Activation act : kActivations)
      cases.push_back(int16_binary(name, op, s, 0.0011f, 0.0004f, 0.0023f,
                                   opt::FusedActivation{act, false}, v_general,
                                   fmt::format("general {}", act_name(act))));
  cases.push_back(int16_binary(name, op, kShapes[1], 3e-5f, 0.9f, 0.5f,
                               opt::FusedActivation{Activation::None, false}, v_general,
                               "general tiny vs huge"));
  // int16 whose scales are not all powers of two take the general path even
  // with pot_scale_int16 (the schema default; version 1).
  cases.push_back(int16_binary(name, op, kShapes[2], 0.0011f, 0.0004f, 0.0023f,
                               opt::FusedActivation{Activation::Relu, true}, 1,
                               "pot_scale_int16 but scales not powers of two"));
  // int16 with power-of-two scales: LiteRT's LSTM path. One input on the
  // output's scale, the other rounded-shifted right onto it; ADD has no
  // broadcast there (only equal element counts).
  struct Pot {
    float a, b, out;
    const char* what;
  };
  const std::vector<Pot> pots = {
      {1.f / 1024, 1.f / 4096, 1.f / 1024, "input 1 shifted 2"},
      {1.f / 65536, 1.f / 1024, 1.f / 1024, "input 0 shifted 6"},
      {1.f / 512, 1.f / 512, 1.f / 512, "no shift"},
      {1.f / 1024, std::ldexp(1.f, -28), 1.f / 1024, "input 1 shifted 18 (int16 mask wraps)"},
  };
  const std::vector<Shapes> pot_shapes =
      sub ? std::vector<Shapes>{kShapes[0], kShapes[1], kShapes[2]}
          : std::vector<Shapes>{kShapes[0], {{6}, {1, 6}, {1, 6}}};
  for (const Shapes& s : pot_shapes)
    for (const Pot& p : pots)
      for (Activation act : {Activation::None, Activation::Relu, Activation::ReluN1To1})
        cases.push_back(int16_binary(name, op, s, p.a, p.b, p.out, opt::FusedActivation{act, true},
                                     1, fmt::format("power-of-two {} {}", p.what, act_name(act))));
}

TEST(GoldenElementwise, Add) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  add_sub_cases(cases, "ADD", BuiltinOp::Add);
  expect_golden(cases);
}

TEST(GoldenElementwise, Sub) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  add_sub_cases(cases, "SUB", BuiltinOp::Sub);
  expect_golden(cases);
}

TEST(GoldenElementwise, Mul) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct P {
    Q a, b, out;
  };
  const std::vector<P> params = {
      {{0.05f, -3}, {0.02f, 10}, {0.004f, 5}},      // ordinary: XNNPACK
      {{0.1f, -128}, {0.1f, 127}, {0.3f, -128}},    // zero points at both ends: XNNPACK
      {{0.5f, 127}, {0.6f, -128}, {0.001f, 0}},     // product ratio 300 >= 256
      {{0.001f, -128}, {0.002f, 127}, {1.0f, -5}},  // product ratio 2e-6 < 2^-16
      {{3.0f, 0}, {2.0f, 0}, {0.02f, 127}},         // ratio 300, multiplier > 1 (version 3)
  };
  for (const Shapes& s : kShapes)
    for (const P& p : params) {
      const bool xnn = xnn_takes_mul(p.a, p.b, p.out);
      const int32_t version = p.a.scale * p.b.scale / p.out.scale >= 1.f ? 3 : 2;
      for (Activation act : kActivations) {
        GoldenCase c = int8_binary("MUL", BuiltinOp::Mul, s, p.a, p.b, p.out,
                                   opt::FusedActivation{act, true}, version, act_name(act));
        if (xnn) {
          c.tolerance = 1;
          c.reason = kXnnMulReason;
        }
        cases.push_back(std::move(c));
      }
    }
  for (const Shapes& s : kShapes)
    for (Activation act : kActivations) {
      cases.push_back(int16_binary("MUL", BuiltinOp::Mul, s, 0.0011f, 0.0004f, 1.5e-5f,
                                   opt::FusedActivation{act, true}, 4, act_name(act)));
    }
  cases.push_back(int16_binary("MUL", BuiltinOp::Mul, kShapes[1], 0.02f, 0.03f, 1e-6f,
                               opt::FusedActivation{Activation::None, true}, 4, "multiplier > 1"));
  // int16 x int16 -> int8 (LiteRT's LSTM gate product: Q0.15 inputs, scales unused).
  for (const Q out : {Q{1.f / 128, 0}, Q{0.02f, -128}, Q{0.01f, 127}})
    for (Activation act : {Activation::None, Activation::Relu})
      cases.push_back(
          golden_case("MUL",
                      fmt::format("int16xint16->int8 [3,5] out=({},{}) {}", out.scale,
                                  out.zero_point, act_name(act)),
                      BuiltinOp::Mul, opt::FusedActivation{act, true},
                      {int16_tensor({3, 5}, 1.f / 32768), int16_tensor({3, 5}, 1.f / 32768)},
                      {int8_tensor({3, 5}, out.scale, out.zero_point)}, 4));
  expect_golden(cases);
}

TEST(GoldenElementwise, SquaredDifference) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct P {
    Q a, b, out;
  };
  const std::vector<P> params = {
      {{0.05f, -3}, {0.03f, 10}, {0.02f, -128}},
      {{0.1f, -128}, {0.1f, 127}, {0.5f, -128}},
      {{1e-4f, 0}, {0.02f, 127}, {1e-5f, -128}},  // input scales 200x apart
      {{2.0f, 127}, {3.0f, -128}, {900.f, -128}},
  };
  for (const Shapes& s : kShapes)
    for (const P& p : params)
      cases.push_back(int8_binary("SQUARED_DIFFERENCE", BuiltinOp::SquaredDifference, s, p.a, p.b,
                                  p.out, opt::None{}, 2, ""));
  expect_golden(cases);
}

TEST(GoldenElementwise, MaximumMinimum) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const auto& [name, op] :
       {std::pair{"MAXIMUM", BuiltinOp::Maximum}, std::pair{"MINIMUM", BuiltinOp::Minimum}})
    for (const Shapes& s : kShapes) {
      const int32_t version = s.out.size() > 4 ? 3 : 2;
      cases.push_back(int8_binary(name, op, s, {0.05f, -3}, {0.05f, -3}, {0.05f, -3}, opt::None{},
                                  version, "same parameters"));
      // LiteRT compares the stored integers whatever the parameters.
      cases.push_back(int8_binary(name, op, s, {0.05f, -128}, {0.3f, 127}, {0.1f, 0}, opt::None{},
                                  version, "different parameters"));
      cases.push_back(int16_binary(name, op, s, 0.001f, 0.001f, 0.001f, opt::None{}, 4, ""));
    }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
