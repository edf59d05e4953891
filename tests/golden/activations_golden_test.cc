// Quantized LOGISTIC, TANH, ELU, GELU, HARD_SWISH, EXP and RSQRT against
// LiteRT, int8 and (where LiteRT has it) int16, over input scales from tiny
// to huge and zero points at both ends.
//
// Where XNNPACK runs the op (int8 LOGISTIC, TANH, ELU: see
// xnnpack_delegate.cc, VisitUnaryNode) it builds its own table, and a
// "builtin" twin of each such case gives the input tensor a
// quantized_dimension of 1 (one scale, so per-tensor for the runtime): the
// delegate declines tensors whose quantized_dimension is not 0
// (CheckTensorFloat32OrQUInt8Type / CheckTensorFloatOrQInt8Type), the
// builtin kernel runs, and octet must match it bit for bit.
#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

struct Q {
  float scale;
  int64_t zero_point;
};

std::string describe(const char* dtype, Q in, Q out) {
  return fmt::format("{} in {}/{} out {}/{}", dtype, in.scale, in.zero_point, out.scale, out.zero_point);
}

// The same tensor, declined by XNNPACK (see the file comment).
GTensor builtin_only(GTensor t) {
  t.quant.quantized_dimension = 1;
  return t;
}

// 1030 elements: each sample covers nearly all 256 int8 values; odd sizes.
const std::vector<int32_t> kShape = {2, 5, 103};

// int8 cases of a unary op for each (input, output) quantization, each also
// as a builtin-only twin. `xnnpack` says whether the plain case runs there.
void add_int8_cases(std::vector<GoldenCase>& cases, const char* op_name, BuiltinOp op,
                    OptionsValue options, const std::vector<std::pair<Q, Q>>& quants, int version,
                    bool xnnpack, int tolerance = 0, std::string reason = {}) {
  for (const auto& [qi, qo] : quants) {
    const GTensor in = int8_tensor(kShape, qi.scale, qi.zero_point);
    const GTensor out = int8_tensor(kShape, qo.scale, qo.zero_point);
    GoldenCase plain = golden_case(op_name, describe("int8", qi, qo), op, options, {in}, {out}, version);
    if (xnnpack) {
      plain.name += " (XNNPACK)";
      plain.tolerance = tolerance;
      plain.reason = reason;
      cases.push_back(std::move(plain));
      cases.push_back(golden_case(op_name, describe("int8", qi, qo) + " builtin", op, options,
                                  {builtin_only(in)}, {out}, version));
    } else {
      cases.push_back(std::move(plain));
    }
  }
}

void add_int16_cases(std::vector<GoldenCase>& cases, const char* op_name, BuiltinOp op,
                     OptionsValue options, const std::vector<std::pair<float, float>>& scales,
                     int version, int64_t lo = -32768) {
  for (const auto& [si, so] : scales) {
    cases.push_back(golden_case(op_name, describe("int16", {si, 0}, {so, 0}), op, options,
                                {int16_tensor({3, 1000}, si).range(lo, 32767)},
                                {int16_tensor({3, 1000}, so)}, version));
  }
}

// Input quantizations every int8 op sees: tiny, normal and huge scales,
// zero points at both ends and in the middle.
std::vector<Q> int8_inputs() {
  return {{0.0005f, 0}, {0.02f, -128}, {0.05f, 127}, {0.1f, 3}, {0.7f, -20}, {8.0f, 0}};
}

TEST(GoldenActivations, Logistic) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  std::vector<std::pair<Q, Q>> quants;
  for (Q qi : int8_inputs()) quants.push_back({qi, {1.f / 256, -128}});
  // LiteRT's LUT path checks only the scale: other zero points are legal.
  quants.push_back({{0.05f, 0}, {1.f / 256, 0}});
  quants.push_back({{0.05f, 0}, {1.f / 256, 127}});
  add_int8_cases(cases, "LOGISTIC", BuiltinOp::Logistic, opt::None{}, quants, 2, true);
  // The input quantization of selfie_segmentation's int8 op 68 (quantized as in
  // QuantizedLayerwiseSlow), where XNNPACK's table was seen one unit off the
  // builtin kernel's: its sigmoid table comes from float exp rounded to nearest
  // even, the builtin's rounds half away from zero. The builtin twin is exact.
  add_int8_cases(cases, "LOGISTIC", BuiltinOp::Logistic, opt::None{},
                 {{{0.105456941f, -66}, {1.f / 256, -128}}}, 2, true, 1,
                 "XNNPACK's own sigmoid table (rounding of the float exp)");
  // int16: 2^-12 runs gemmlowp's fixed point; other scales the table.
  add_int16_cases(cases, "LOGISTIC", BuiltinOp::Logistic, opt::None{},
                  {{1.f / 4096, 1.f / 32768}, {1.f / 2048, 1.f / 32768}, {0.001f, 1.f / 32768},
                   {3e-5f, 1.f / 32768}, {1e-7f, 1.f / 32768}, {0.5f, 1.f / 32768},
                   {40.f, 1.f / 32768}},
                  3);
  expect_golden(cases);
}

TEST(GoldenActivations, Tanh) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  std::vector<std::pair<Q, Q>> quants;
  for (Q qi : int8_inputs()) quants.push_back({qi, {1.f / 128, 0}});
  // LiteRT checks nothing for int8: any output quantization runs.
  quants.push_back({{0.03f, -5}, {0.01f, 10}});
  quants.push_back({{0.03f, 100}, {1e-5f, -128}});
  // tanh/1e-10 leaves int32: the float → int conversion saturates in
  // LiteRT.js's wasm (i32.trunc_sat), so positive inputs give 127.
  quants.push_back({{0.05f, 0}, {1e-10f, 0}});
  add_int8_cases(cases, "TANH", BuiltinOp::Tanh, opt::None{}, quants, 2, true);
  // int16: 2^-12 and 2^-11 run the fixed point, others the table.
  add_int16_cases(cases, "TANH", BuiltinOp::Tanh, opt::None{},
                  {{1.f / 4096, 1.f / 32768}, {1.f / 2048, 1.f / 32768}, {1.f / 1024, 1.f / 32768},
                   {0.001f, 1.f / 32768}, {2e-6f, 1.f / 32768}, {0.9f, 1.f / 32768},
                   {60.f, 1.f / 32768}},
                  3);
  expect_golden(cases);
}

TEST(GoldenActivations, Elu) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  std::vector<std::pair<Q, Q>> quants;
  for (Q qi : int8_inputs()) quants.push_back({qi, {qi.scale, qi.zero_point}});
  quants.push_back({{0.05f, 127}, {0.1f, 127}});
  quants.push_back({{2.0f, -128}, {0.0001f, 5}});
  add_int8_cases(cases, "ELU", BuiltinOp::Elu, opt::None{}, quants, 1, true);
  // s_in/s_out = 2.5 puts half the positive inputs on a .5 tie. XNNPACK's
  // table is rint(f(x)·(1/s_out) + zp_out), zero point added in float and
  // ties to even; LiteRT's LUTPopulate is round(f(x)·(1/s_out)) + zp_out,
  // ties away from zero. Both formulas, simulated, reproduce their outputs
  // on every input; they differ on 23 of the 256.
  add_int8_cases(cases, "ELU", BuiltinOp::Elu, opt::None{}, {{{0.05f, 0}, {0.02f, -128}}}, 1, true, 1,
                 "XNNPACK rounds its table's .5 ties to even after adding the zero point; "
                 "LiteRT's LUTPopulate rounds them away from zero before");
  expect_golden(cases);
}

TEST(GoldenActivations, Gelu) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const bool approximate : {false, true}) {
    std::vector<std::pair<Q, Q>> quants;
    for (Q qi : int8_inputs()) quants.push_back({qi, {qi.scale, qi.zero_point}});
    quants.push_back({{0.05f, 0}, {0.02f, -128}});
    quants.push_back({{0.02f, -128}, {0.05f, 127}});
    const std::string name = approximate ? "GELU approximate" : "GELU";
    add_int8_cases(cases, name.c_str(), BuiltinOp::Gelu, opt::Gelu{approximate}, quants, 2, false);
    add_int16_cases(cases, name.c_str(), BuiltinOp::Gelu, opt::Gelu{approximate},
                    {{0.0003f, 0.0003f}, {1.f / 4096, 1.f / 8192}, {1e-6f, 1e-6f}, {0.01f, 0.005f}},
                    1);
  }
  expect_golden(cases);
}

TEST(GoldenActivations, HardSwish) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  std::vector<std::pair<Q, Q>> quants;
  for (Q qi : int8_inputs()) quants.push_back({qi, {qi.scale, qi.zero_point}});
  quants.push_back({{0.05f, 0}, {0.03f, -128}});
  quants.push_back({{0.05f, -128}, {0.2f, 127}});
  quants.push_back({{0.02f, 0}, {0.0002f, 0}});  // output multiplier just below 1
  quants.push_back({{1e-7f, 0}, {0.1f, -3}});    // reluish multiplier shifts right by 16+
  add_int8_cases(cases, "HARD_SWISH", BuiltinOp::HardSwish, opt::None{}, quants, 1, false);
  expect_golden(cases);
}

TEST(GoldenActivations, Exp) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  std::vector<std::pair<Q, Q>> quants = {
      {{0.02f, 0}, {0.05f, -128}},  {{0.01f, 127}, {1.f / 256, -128}}, {{0.0005f, -128}, {0.01f, -128}},
      {{0.05f, -128}, {1.f, -128}}, {{0.5f, 0}, {1e6f, -128}},         {{0.1f, 10}, {0.001f, 0}}};
  add_int8_cases(cases, "EXP", BuiltinOp::Exp, opt::None{}, quants, 2, false);
  add_int16_cases(cases, "EXP", BuiltinOp::Exp, opt::None{},
                  {{0.0001f, 0.001f}, {1e-5f, 1.f / 32768}, {0.001f, 0.5f}, {0.01f, 1e30f}}, 2);
  expect_golden(cases);
}

TEST(GoldenActivations, Rsqrt) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  // Inputs at or above the zero point (below it LiteRT fails the invoke).
  for (const auto& [qi, qo] : std::vector<std::pair<Q, Q>>{{{0.02f, -128}, {0.05f, -128}},
                                                           {{0.01f, 0}, {0.1f, 0}},
                                                           {{1.f, -100}, {0.004f, -128}},
                                                           {{0.0005f, -128}, {2.f, -128}},
                                                           {{30.f, 120}, {0.001f, 7}}}) {
    cases.push_back(golden_case("RSQRT", describe("int8", qi, qo), BuiltinOp::Rsqrt, opt::None{},
                                {int8_tensor(kShape, qi.scale, qi.zero_point).range(qi.zero_point, 127)},
                                {int8_tensor(kShape, qo.scale, qo.zero_point)}, 2));
  }
  add_int16_cases(cases, "RSQRT", BuiltinOp::Rsqrt, opt::None{},
                  {{0.0001f, 0.01f}, {0.01f, 0.001f}, {1e-6f, 0.05f}}, 3, 0);
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
