// QUANTIZE of integer inputs (requantization) against LiteRT: int8, uint8,
// int16 and int32 inputs to the outputs LiteRT's quantize.cc accepts.
//
// XNNPACK takes int8 -> int8 and uint8 -> uint8 when s_in/s_out lies in
// [2^-8, 2^7] (xnnpack_delegate.cc, VisitUnaryNode, QUANTIZE); every other
// pair, and those outside the bounds, run in LiteRT's Requantize and must be
// bit-exact.
#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

struct Q {
  float scale;
  int64_t zero_point;
};

GTensor tensor(DType dtype, std::vector<int32_t> shape, Q q) {
  return GTensor{dtype, std::move(shape), qparams(q.scale, q.zero_point)};
}

TEST(GoldenRequantize, IntegerToInteger) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  struct P {
    DType in, out;
    Q qi, qo;
  };
  const std::vector<P> params = {
      {DType::Int8, DType::Int8, {0.05f, -3}, {0.03f, 10}},      // XNNPACK
      {DType::Int8, DType::Int8, {0.1f, 127}, {0.1f, -128}},     // XNNPACK, zero point shift
      {DType::Int8, DType::Int8, {0.5f, 0}, {0.002f, -128}},     // ratio 250: declined
      {DType::Int8, DType::Int8, {1e-4f, -128}, {0.05f, 127}},   // ratio 2e-3: declined
      {DType::Int8, DType::Int8, {3.0f, 5}, {3.0f, 5}},          // identity: XNNPACK
      {DType::UInt8, DType::UInt8, {0.05f, 128}, {0.04f, 100}},  // XNNPACK
      {DType::UInt8, DType::UInt8, {0.05f, 0}, {1e-4f, 255}},    // ratio 500: declined
      {DType::Int8, DType::UInt8, {0.05f, -3}, {0.05f, 125}},    // the 128 bit flip
      {DType::Int8, DType::UInt8, {0.05f, -3}, {0.07f, 200}},
      {DType::UInt8, DType::Int8, {0.05f, 128}, {0.05f, 0}},  // the 128 bit flip
      {DType::UInt8, DType::Int8, {0.01f, 255}, {0.3f, -128}},
      {DType::Int8, DType::Int16, {0.05f, -3}, {0.0004f, 0}},
      {DType::Int8, DType::Int16, {2.0f, 127}, {1e-5f, 0}},  // saturates
      {DType::UInt8, DType::Int16, {0.05f, 100}, {0.001f, 0}},
      {DType::Int16, DType::Int8, {0.001f, 0}, {0.05f, -3}},
      {DType::Int16, DType::Int8, {1e-5f, 0}, {2e-3f, 127}},
      {DType::Int16, DType::Int16, {0.001f, 0}, {0.0007f, 0}},
      {DType::Int16, DType::Int16, {1e-5f, 0}, {0.3f, 0}},
      {DType::Int16, DType::Int32, {0.001f, 0}, {1e-5f, 7}},
      {DType::Int32, DType::Int8, {0.001f, 3}, {0.05f, -3}},
      {DType::Int32, DType::Int16, {0.001f, 0}, {3e-5f, 0}},
  };
  for (const P& p : params) {
    const float ratio = p.qi.scale / p.qo.scale;
    const bool xnn = p.in == p.out && p.in != DType::Int16 && ratio >= 1.f / 256 && ratio <= 128.f;
    for (const std::vector<int32_t>& shape :
         {std::vector<int32_t>{2, 3, 5}, std::vector<int32_t>{7}}) {
      GTensor in = tensor(p.in, shape, p.qi);
      if (p.in == DType::Int32) {
        in.lo = -200000;
        in.hi = 200000;
      }
      GoldenCase c = golden_case("QUANTIZE",
                                 fmt::format("{}->{} [{}] in=({},{}) out=({},{})", dtype_name(p.in),
                                             dtype_name(p.out), fmt::join(shape, ","), p.qi.scale,
                                             p.qi.zero_point, p.qo.scale, p.qo.zero_point),
                                 BuiltinOp::Quantize, opt::None{}, {in},
                                 {tensor(p.out, shape, p.qo)}, p.out == DType::Int16 ? 2 : 1);
      if (xnn) {
        c.tolerance = 1;
        c.reason =
            "XNNPACK converts int8/uint8 -> same type (scale ratio inside its bounds) with a Q8 "
            "multiplier round(256·s_in/s_out) and one arithmetic shift by 8, not TFLite's "
            "double-rounded Q31 Requantize";
      }
      cases.push_back(std::move(c));
    }
  }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
