// FULLY_CONNECTED and BATCH_MATMUL on int8 and int16x8 tensors against
// LiteRT. XNNPACK takes int8 FULLY_CONNECTED with constant weights, and int8
// BATCH_MATMUL whose rhs zero point is 0, and requantizes in float (see
// kXnnpackReason); the same products with the weights given as a model
// input, or with a non-zero rhs zero point, make XNNPACK decline, so
// LiteRT's builtin kernel runs and octet must match it bit for bit. int16
// never runs in XNNPACK. The tie-heavy cases (power-of-two multipliers,
// small operands) fail if a kernel rounds in any other of LiteRT's modes.
#include <cmath>

#include "golden.h"
#include "linear_golden_util.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

GoldenCase fc_case(const std::string& name, const FcSpec& s) {
  opt::FullyConnected o;
  o.activation = s.activation;
  o.keep_num_dims = s.keep_num_dims;
  o.quantized_bias_type = s.declared_bias;
  const int32_t units = s.units, depth = s.input_shape.back();
  const bool int16 = s.dtype == DType::Int16;
  GTensor in = int16 ? int16_tensor(s.input_shape, s.input_scale)
                     : int8_tensor(s.input_shape, s.input_scale, s.input_zp);
  in.lo = s.input_lo;
  in.hi = s.input_hi;
  GTensor w = filter_of({units, depth}, s.per_channel, s.pow2, units, 0, s.weights_scale,
                        s.weights_are_input, s.weights_max, s.seed);
  std::vector<GTensor> inputs = {in, w};
  const QuantParams bq =
      bias_quant(s.input_scale, filter_scales(s.per_channel, s.pow2, units, s.weights_scale));
  if (s.bias == DType::Int32) inputs.push_back(int32_bias({units}, bq, -s.bias_range, s.bias_range, s.seed + 1));
  if (s.bias == DType::Int64) inputs.push_back(int64_bias({units}, bq, -s.bias_range, s.bias_range, s.seed + 1));
  std::vector<int32_t> out_shape = s.input_shape;
  if (s.keep_num_dims) {
    out_shape.back() = units;
  } else {
    int32_t rows = 1;
    for (size_t i = 0; i + 1 < s.input_shape.size(); ++i) rows *= s.input_shape[i];
    out_shape = {rows, units};
  }
  const float out_scale = s.output_scale > 0 ? s.output_scale
                                             : s.input_scale * s.weights_scale * 40.f * std::sqrt(float(depth));
  GTensor out = int16 ? int16_tensor(out_shape, out_scale) : int8_tensor(out_shape, out_scale, s.output_zp);
  const int32_t version = int16 ? (s.declared_bias != DType::Float32 ? 11 : 7)
                                : (s.bias == DType::Float32 ? 6 : s.keep_num_dims ? 5 : 4);
  GoldenCase c = golden_case("FULLY_CONNECTED", name, BuiltinOp::FullyConnected, o, inputs, {out},
                             version);
  if (!int16 && !s.weights_are_input) {
    c.tolerance = 1;
    c.reason = kXnnpackReason;
  }
  return c;
}

TEST(GoldenLinear, FullyConnectedInt8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const bool weights_are_input : {false, true}) {
    const std::string w = weights_are_input ? " weights=input" : "";
    FcSpec s;
    s.weights_are_input = weights_are_input;
    s.input_shape = {1, 256};
    s.units = 64;
    s.input_zp = -128;
    cases.push_back(fc_case("int8 [1,256]x[256,64] zp=-128" + w, s));
    s = FcSpec{};
    s.weights_are_input = weights_are_input;
    s.input_shape = {5, 33};
    s.units = 17;
    s.per_channel = true;
    s.input_zp = 127;
    s.output_zp = -20;
    s.activation = Activation::Relu;
    cases.push_back(fc_case("int8 [5,33]x[33,17] per-channel zp=127 RELU" + w, s));
    s = FcSpec{};
    s.weights_are_input = weights_are_input;
    s.input_shape = {2, 3, 16};
    s.units = 8;
    s.keep_num_dims = true;
    s.activation = Activation::Relu6;
    s.input_scale = 0.05f;
    s.output_scale = 0.03f;
    s.output_zp = -128;
    cases.push_back(fc_case("int8 [2,3,16] keep_num_dims RELU6" + w, s));
    s = FcSpec{};
    s.weights_are_input = weights_are_input;
    s.input_shape = {2, 3, 16};
    s.units = 8;
    s.bias = DType::Float32;  // none
    s.per_channel = true;
    s.activation = Activation::ReluN1To1;
    s.input_scale = 0.01f;
    s.output_scale = 0.01f;
    cases.push_back(fc_case("int8 [2,3,16] flattened no bias per-channel RELU_N1_TO_1" + w, s));
    s = FcSpec{};
    s.weights_are_input = weights_are_input;
    s.input_shape = {3, 40};
    s.units = 9;
    s.input_scale = 2e-5f;
    s.weights_scale = 3e-4f;
    s.output_zp = 127;
    s.bias_range = 50000;
    cases.push_back(fc_case("int8 tiny scales out zp=127" + w, s));
    s.input_scale = 300.f;
    s.weights_scale = 0.02f;
    s.output_zp = 3;
    s.per_channel = true;
    cases.push_back(fc_case("int8 huge scales per-channel" + w, s));
    // Ties: multiplier 2^-2 (per channel 2^-2..2^-4), |x - z_x| <= 3, |w| <= 2.
    s = FcSpec{};
    s.weights_are_input = weights_are_input;
    s.input_shape = {16, 24};
    s.units = 24;
    s.input_scale = s.weights_scale = 0.5f;
    s.output_scale = 1.f;
    s.input_zp = -100;
    s.input_lo = -103;
    s.input_hi = -97;
    s.weights_max = 2;
    s.bias_range = 5;
    cases.push_back(fc_case("int8 tie-heavy (multiplier 1/4)" + w, s));
    s.per_channel = s.pow2 = true;
    s.bias = DType::Float32;
    cases.push_back(fc_case("int8 tie-heavy per-channel pow2" + w, s));
  }
  expect_golden(cases);
}

TEST(GoldenLinear, FullyConnectedInt16x8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (const bool per_channel : {false, true}) {
    const std::string pc = per_channel ? " per-channel" : "";
    FcSpec s;
    s.dtype = DType::Int16;
    s.per_channel = per_channel;
    s.input_shape = {4, 48};
    s.units = 24;
    s.input_scale = 0.0004f;
    s.bias = DType::Int64;
    s.bias_range = 40'000'000;
    cases.push_back(fc_case("int16x8 int64 bias (reference, requant in double)" + pc, s));
    s.declared_bias = DType::Int64;
    s.activation = Activation::Relu;
    cases.push_back(fc_case("int16x8 int64 bias declared RELU" + pc, s));
    s.bias = DType::Int32;
    s.declared_bias = DType::Float32;
    s.bias_range = 2'000'000;
    s.activation = Activation::None;
    cases.push_back(fc_case("int16x8 int32 bias (ruy)" + pc, s));
    s.declared_bias = DType::Int32;
    s.input_shape = {2, 3, 48};
    s.keep_num_dims = true;
    s.activation = Activation::Relu6;
    s.output_scale = 0.0005f;
    cases.push_back(fc_case("int16x8 int32 bias declared keep_num_dims RELU6" + pc, s));
    s = FcSpec{};
    s.dtype = DType::Int16;
    s.per_channel = per_channel;
    s.input_shape = {3, 100};
    s.units = 7;
    s.input_scale = 3e-6f;
    s.weights_scale = 1e-3f;
    s.bias = DType::Float32;
    cases.push_back(fc_case("int16x8 no bias tiny scales (ruy)" + pc, s));
    s.declared_bias = DType::Int64;
    cases.push_back(fc_case("int16x8 no bias declared INT64 (reference)" + pc, s));
    s.weights_are_input = true;
    cases.push_back(fc_case("int16x8 weights=input no bias INT64" + pc, s));
    // Ties: multiplier 2^-2 (per channel 2^-2..2^-4), |x| <= 5, |w| <= 2,
    // on both the double-requant (int64 bias) and the ruy (int32) path.
    s = FcSpec{};
    s.dtype = DType::Int16;
    s.per_channel = s.pow2 = per_channel;
    s.input_shape = {12, 20};
    s.units = 16;
    s.input_scale = s.weights_scale = 0.5f;
    s.output_scale = 1.f;
    s.input_lo = -5;
    s.input_hi = 5;
    s.weights_max = 2;
    s.bias = DType::Int64;
    s.bias_range = 5;
    cases.push_back(fc_case("int16x8 tie-heavy int64 bias" + pc, s));
    s.bias = DType::Int32;
    cases.push_back(fc_case("int16x8 tie-heavy int32 bias" + pc, s));
  }
  expect_golden(cases);
}


// BATCH_MATMUL, both operands model inputs. lhs [.., R, D] (adj_x: [.., D,
// R]) times rhs [.., D, C] (adj_y: [.., C, D]).
struct BmmSpec {
  DType lhs = DType::Int8, rhs = DType::Int8, out = DType::Int8;
  std::vector<int32_t> lhs_shape, rhs_shape, out_shape;
  bool adj_x = false, adj_y = false;
  float lhs_scale = 0.05f, rhs_scale = 0.03f, out_scale = 0.f;
  int64_t lhs_zp = 0, rhs_zp = 0, out_zp = 0;
  int64_t spread = -1;  // >= 0: inputs within zero point ± spread (tie-heavy cases)
};

GoldenCase bmm_case(const std::string& name, const BmmSpec& s) {
  opt::BatchMatMul o;
  o.adj_x = s.adj_x;
  o.adj_y = s.adj_y;
  auto tensor = [](DType d, const std::vector<int32_t>& shape, float scale, int64_t zp) {
    return d == DType::Int16 ? int16_tensor(shape, scale) : int8_tensor(shape, scale, zp);
  };
  const int32_t depth = s.adj_x ? s.lhs_shape[s.lhs_shape.size() - 2] : s.lhs_shape.back();
  const float out_scale =
      s.out_scale > 0 ? s.out_scale : s.lhs_scale * s.rhs_scale * 40.f * std::sqrt(float(depth));
  GTensor out = s.out == DType::Int32 ? GTensor{DType::Int32, s.out_shape}
                                      : tensor(s.out, s.out_shape, out_scale, s.out_zp);
  GTensor lhs = tensor(s.lhs, s.lhs_shape, s.lhs_scale, s.lhs_zp);
  GTensor rhs = tensor(s.rhs, s.rhs_shape, s.rhs_scale, s.rhs_zp);
  if (s.spread >= 0) {
    lhs.lo = s.lhs_zp - s.spread;
    lhs.hi = s.lhs_zp + s.spread;
    rhs.lo = s.rhs_zp - s.spread;
    rhs.hi = s.rhs_zp + s.spread;
  }
  GoldenCase c = golden_case("BATCH_MATMUL", name, BuiltinOp::BatchMatmul, o, {lhs, rhs}, {out},
                             s.lhs == DType::Int16 ? 3 : 2);
  if (s.lhs == DType::Int8 && s.out == DType::Int8 && s.rhs_zp == 0) {
    // XNNPACK takes int8 BATCH_MATMUL unless the rhs zero point is non-zero
    // (xnnpack_delegate.cc, VisitBatchMatMulNode); its ties come out even.
    c.tolerance = 1;
    c.reason = kXnnpackReason;
  }
  return c;
}

TEST(GoldenLinear, BatchMatMulInt8) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  BmmSpec s;
  s.lhs_shape = {4, 8, 16};
  s.rhs_shape = {4, 16, 8};
  s.out_shape = {4, 8, 8};
  s.lhs_zp = -128;
  s.rhs_zp = 5;
  s.out_zp = 10;
  cases.push_back(bmm_case("int8 [4,8,16]x[4,16,8] zp=-128,5", s));
  s.lhs_shape = {4, 16, 8};
  s.adj_x = true;
  s.lhs_zp = 127;
  cases.push_back(bmm_case("int8 adj_x zp=127,5", s));
  s.adj_x = false;
  s.lhs_shape = {4, 8, 16};
  s.rhs_shape = {4, 8, 16};
  s.adj_y = true;
  s.rhs_zp = -7;
  s.out_zp = -128;
  cases.push_back(bmm_case("int8 adj_y out zp=-128", s));
  s.lhs_shape = {4, 16, 8};
  s.adj_x = true;
  cases.push_back(bmm_case("int8 adj_x adj_y", s));
  s = BmmSpec{};
  s.lhs_shape = {1, 8, 16};
  s.rhs_shape = {3, 16, 8};
  s.out_shape = {3, 8, 8};
  s.lhs_zp = 3;
  s.rhs_zp = -2;
  s.out_zp = 127;
  cases.push_back(bmm_case("int8 broadcast [1,8,16]x[3,16,8]", s));
  s.lhs_shape = {2, 3, 5, 7};
  s.rhs_shape = {1, 7, 6};
  s.out_shape = {2, 3, 5, 6};
  cases.push_back(bmm_case("int8 broadcast [2,3,5,7]x[1,7,6] (one rhs)", s));
  s.lhs_shape = {2, 1, 5, 7};
  s.rhs_shape = {3, 7, 6};
  s.out_shape = {2, 3, 5, 6};
  s.lhs_scale = 1e-3f;
  s.rhs_scale = 2e-4f;
  cases.push_back(bmm_case("int8 broadcast [2,1,5,7]x[3,7,6] tiny scales", s));
  s.lhs_shape = {3, 33};
  s.rhs_shape = {33, 17};
  s.out_shape = {3, 17};
  s.lhs_scale = 40.f;
  s.rhs_scale = 3.f;
  cases.push_back(bmm_case("int8 rank 2 [3,33]x[33,17] huge scales", s));
  s.rhs_zp = 0;
  cases.push_back(bmm_case("int8 rank 2 rhs zp=0", s));
  s = BmmSpec{};
  s.lhs_shape = {2, 4, 9};
  s.rhs_shape = {2, 9, 5};
  s.out_shape = {2, 4, 5};
  s.lhs_zp = 12;
  s.rhs_zp = -3;
  s.out = DType::Int32;
  cases.push_back(bmm_case("int8 -> int32 raw sums", s));
  // Ties: multiplier 2^-2, operands within ±3 of their zero points.
  s = BmmSpec{};
  s.lhs_shape = {3, 10, 12};
  s.rhs_shape = {3, 12, 10};
  s.out_shape = {3, 10, 10};
  s.lhs_scale = s.rhs_scale = 0.5f;
  s.out_scale = 1.f;
  s.lhs_zp = -60;
  s.rhs_zp = 9;
  s.spread = 3;
  cases.push_back(bmm_case("int8 tie-heavy (multiplier 1/4)", s));
  s.rhs_zp = 0;
  cases.push_back(bmm_case("int8 tie-heavy rhs zp=0", s));
  expect_golden(cases);
}

TEST(GoldenLinear, BatchMatMulInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  BmmSpec s;
  s.lhs = s.rhs = s.out = DType::Int16;
  s.lhs_scale = 0.001f;
  s.rhs_scale = 0.0005f;
  s.lhs_shape = {4, 8, 16};
  s.rhs_shape = {4, 16, 8};
  s.out_shape = {4, 8, 8};
  cases.push_back(bmm_case("int16 [4,8,16]x[4,16,8]", s));
  s.lhs_shape = {4, 16, 8};
  s.rhs_shape = {4, 8, 16};
  s.adj_x = s.adj_y = true;
  cases.push_back(bmm_case("int16 adj_x adj_y", s));
  s.lhs_shape = {1, 8, 16};
  s.rhs_shape = {3, 16, 8};
  s.out_shape = {3, 8, 8};
  s.adj_x = s.adj_y = false;
  s.out_scale = 1e-4f;
  cases.push_back(bmm_case("int16 broadcast [1,..]x[3,..] small out scale", s));
  s.rhs = DType::Int8;
  s.rhs_scale = 0.02f;
  s.out_scale = 0.f;
  cases.push_back(bmm_case("int16 x int8 broadcast", s));
  s.lhs_shape = {3, 16, 8};
  s.rhs_shape = {8, 16};
  s.adj_x = s.adj_y = true;
  cases.push_back(bmm_case("int16 x int8 adj_x adj_y rank-2 rhs", s));
  s = BmmSpec{};
  s.lhs = s.rhs = s.out = DType::Int16;
  s.lhs_shape = {2, 10, 12};
  s.rhs_shape = {2, 12, 10};
  s.out_shape = {2, 10, 10};
  s.lhs_scale = s.rhs_scale = 0.5f;
  s.out_scale = 1.f;
  s.spread = 3;
  cases.push_back(bmm_case("int16 tie-heavy (multiplier 1/4)", s));
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
