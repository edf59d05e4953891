// Quantized EQUAL .. GREATER_EQUAL (bool output) and SELECT / SELECT_V2 with
// quantized values, against LiteRT. XNNPACK takes none of these ops, so
// every case runs in LiteRT's builtin kernels and must be bit-exact.
#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

struct Shapes {
  std::vector<int32_t> a, b, out;
};
const std::vector<Shapes> kShapes = {
    {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
    {{2, 3, 4}, {4}, {2, 3, 4}},
    {{1, 3, 1}, {2, 1, 5}, {2, 3, 5}},
    {{3, 5, 7}, {}, {3, 5, 7}},
};

std::string shape_str(const std::vector<int32_t>& s) {
  return fmt::format("[{}]", fmt::join(s, ","));
}

struct CmpOp {
  const char* name;
  BuiltinOp op;
  int32_t v_int8, v_int16;  // op versions (op_version.cc)
};
const std::vector<CmpOp> kOps = {
    {"EQUAL", BuiltinOp::Equal, 2, 5},     {"NOT_EQUAL", BuiltinOp::NotEqual, 2, 4},
    {"LESS", BuiltinOp::Less, 2, 3},       {"LESS_EQUAL", BuiltinOp::LessEqual, 2, 1},
    {"GREATER", BuiltinOp::Greater, 2, 1}, {"GREATER_EQUAL", BuiltinOp::GreaterEqual, 2, 3},
};

GTensor bool_tensor(std::vector<int32_t> shape) { return GTensor{DType::Bool, std::move(shape)}; }

TEST(GoldenComparison, QuantizedInputs) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct P {
    float s1;
    int64_t z1;
    float s2;
    int64_t z2;
    int64_t lo, hi;  // input range: narrow ranges make equal values common
    const char* what;
  };
  const std::vector<P> params = {
      {0.05f, -3, 0.05f, -3, -128, 127, "same parameters"},
      {0.05f, -3, 0.05f, -3, -4, 4, "same parameters, narrow values"},
      {0.05f, -128, 0.1f, 127, -128, 127, "different parameters"},
      {0.02f, 10, 0.04f, 30, 5, 40, "scales 2x apart, narrow values"},
      {0.003f, 0, 0.0011f, -7, -128, 127, "tiny scales (distinct values round together)"},
      {0.9f, 127, 1e-4f, -128, -128, 127, "scales 9000x apart"},
  };
  for (const CmpOp& op : kOps)
    for (const Shapes& s : kShapes)
      for (const P& p : params)
        cases.push_back(
            golden_case(op.name,
                        fmt::format("int8 {}x{} s=({},{}) zp=({},{}) {}", shape_str(s.a),
                                    shape_str(s.b), p.s1, p.s2, p.z1, p.z2, p.what),
                        op.op, opt::None{},
                        {int8_tensor(s.a, p.s1, p.z1).range(p.lo, p.hi),
                         int8_tensor(s.b, p.s2, p.z2).range(p.lo, p.hi)},
                        {bool_tensor(s.out)}, op.v_int8));
  // int16: EQUAL/NOT_EQUAL rescale, the ordering ops compare stored values.
  for (const CmpOp& op : kOps)
    for (const Shapes& s : kShapes) {
      cases.push_back(golden_case(
          op.name, fmt::format("int16 {}x{} same scales narrow", shape_str(s.a), shape_str(s.b)),
          op.op, opt::None{},
          {int16_tensor(s.a, 0.001f).range(-6, 6), int16_tensor(s.b, 0.001f).range(-6, 6)},
          {bool_tensor(s.out)}, op.v_int16));
      cases.push_back(golden_case(
          op.name,
          fmt::format("int16 {}x{} scales 0.003 vs 0.0007", shape_str(s.a), shape_str(s.b)), op.op,
          opt::None{}, {int16_tensor(s.a, 0.003f), int16_tensor(s.b, 0.0007f)},
          {bool_tensor(s.out)}, op.v_int16));
    }
  // uint8 rescales like int8.
  for (const CmpOp& op : kOps) {
    GTensor a{DType::UInt8, {2, 3, 4}, qparams(0.04f, 128)};
    GTensor b{DType::UInt8, {4}, qparams(0.05f, 0)};
    cases.push_back(golden_case(op.name, "uint8 [2,3,4]x[4] zp=(128,0)", op.op, opt::None{}, {a, b},
                                {bool_tensor({2, 3, 4})}, 1));
  }
  expect_golden(cases);
}

TEST(GoldenSelect, QuantizedValues) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct S {
    std::vector<int32_t> cond, x, y, out;
  };
  const std::vector<S> v2_shapes = {
      {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
      {{2, 1, 4}, {1, 3, 1}, {4}, {2, 3, 4}},
      {{}, {3, 5}, {3, 5}, {3, 5}},
      {{3, 1}, {}, {1, 7}, {3, 7}},
  };
  for (const S& s : v2_shapes) {
    cases.push_back(golden_case(
        "SELECT_V2",
        fmt::format("int8 c{} x{} y{}", shape_str(s.cond), shape_str(s.x), shape_str(s.y)),
        BuiltinOp::SelectV2, opt::None{},
        {bool_tensor(s.cond), int8_tensor(s.x, 0.1f, -128), int8_tensor(s.y, 0.1f, -128)},
        {int8_tensor(s.out, 0.1f, -128)}, 1));
    cases.push_back(golden_case(
        "SELECT_V2",
        fmt::format("int16 c{} x{} y{}", shape_str(s.cond), shape_str(s.x), shape_str(s.y)),
        BuiltinOp::SelectV2, opt::None{},
        {bool_tensor(s.cond), int16_tensor(s.x, 0.001f), int16_tensor(s.y, 0.001f)},
        {int16_tensor(s.out, 0.001f)}, 1));
  }
  // SELECT (v1): equal shapes, a scalar condition, or a condition per row.
  const std::vector<S> v1_shapes = {
      {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
      {{}, {3, 5}, {3, 5}, {3, 5}},
      {{3}, {3, 2, 5}, {3, 2, 5}, {3, 2, 5}},
  };
  for (const S& s : v1_shapes) {
    cases.push_back(
        golden_case("SELECT", fmt::format("int8 c{} x{}", shape_str(s.cond), shape_str(s.x)),
                    BuiltinOp::Select, opt::None{},
                    {bool_tensor(s.cond), int8_tensor(s.x, 0.03f, 17), int8_tensor(s.y, 0.03f, 17)},
                    {int8_tensor(s.out, 0.03f, 17)}, 1));
    cases.push_back(
        golden_case("SELECT", fmt::format("int16 c{} x{}", shape_str(s.cond), shape_str(s.x)),
                    BuiltinOp::Select, opt::None{},
                    {bool_tensor(s.cond), int16_tensor(s.x, 0.002f), int16_tensor(s.y, 0.002f)},
                    {int16_tensor(s.out, 0.002f)}, 1));
  }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
