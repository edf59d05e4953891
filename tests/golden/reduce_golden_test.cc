// MEAN, SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_PROD on int8 and int16
// against LiteRT.
//
// Where they run: XNNPACK's VisitReduceNode takes int8 MEAN, SUM,
// REDUCE_MAX and REDUCE_MIN with constant, non-empty axes; int16 and
// REDUCE_PROD run in LiteRT's builtin kernels. Every int8 case XNNPACK takes
// has a twin it declines (a per-tensor parameter with quantized_dimension 1:
// CheckTensorFloat32OrQUInt8Type wants 0; the builtin kernels ignore the
// field for one scale), which must be bit-exact.
#include "golden.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

GTensor declined_by_xnnpack(GTensor t) {
  t.quant.quantized_dimension = t.shape.size() > 1 ? 1 : 0;
  return t;
}

struct Reduction {
  std::vector<int32_t> shape;
  std::vector<int32_t> axes;
  bool keep_dims;
};

std::vector<int32_t> reduced_shape(const Reduction& r) {
  const int rank = static_cast<int>(r.shape.size());
  std::vector<bool> reduced(r.shape.size(), false);
  for (int32_t a : r.axes) reduced[static_cast<size_t>(a < 0 ? a + rank : a)] = true;
  std::vector<int32_t> out;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[static_cast<size_t>(d)])
      out.push_back(r.shape[static_cast<size_t>(d)]);
    else if (r.keep_dims)
      out.push_back(1);
  }
  return out;
}

std::string describe(const Reduction& r) {
  return fmt::format("[{}] axes [{}]{}", fmt::join(r.shape, ","), fmt::join(r.axes, ","),
                     r.keep_dims ? " keep_dims" : "");
}

const char* op_name(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Mean: return "MEAN";
    case BuiltinOp::Sum: return "SUM";
    case BuiltinOp::ReduceMax: return "REDUCE_MAX";
    case BuiltinOp::ReduceMin: return "REDUCE_MIN";
    default: return "REDUCE_PROD";
  }
}

int32_t version_of(BuiltinOp op, DType dtype) {
  if (op == BuiltinOp::Sum) return dtype == DType::Int8 ? 2 : 1;
  if (op == BuiltinOp::ReduceProd) return 2;
  return dtype == DType::Int16 ? 3 : 2;
}

GoldenCase reduce_case(BuiltinOp op, const std::string& name, const Reduction& r, GTensor in,
                       GTensor out) {
  const DType dtype = in.dtype;
  const auto axes = constant_of<int32_t>(DType::Int32, {static_cast<int32_t>(r.axes.size())}, r.axes);
  return golden_case(op_name(op), name + " " + describe(r), op, opt::Reducer{r.keep_dims},
                     {std::move(in), axes}, {std::move(out)}, version_of(op, dtype));
}

const std::vector<Reduction> kReductions = {
    {{1, 5, 7, 3}, {1, 2}, true},   // the int8 global-average-pool path of MEAN
    {{2, 4, 3, 6}, {2, 1}, true},   // the same, axes given in the other order
    {{2, 4, 3, 6}, {1, 2}, false},  // not keep_dims: the reference path
    {{2, 3, 5}, {1}, false},
    {{3, 4, 5}, {0, 2}, true},
    {{3, 4, 5}, {-1}, false},
    {{2, 3, 4}, {0, 1, 2}, false},  // everything
    {{4, 1, 7}, {1, 1}, false},     // repeated axis, size-1 dimension
    {{5, 9}, {0}, true},
    {{2, 3, 2, 3, 2}, {0, 2, 4}, false},
};

struct Scales {
  float in, out;
  int64_t in_zp, out_zp;
};
// Equal, shrinking, growing; zero points at both ends.
const std::vector<Scales> kInt8Scales = {
    {0.05f, 0.05f, 3, 3}, {0.05f, 0.02f, -128, 127}, {0.0037f, 0.09f, 127, -128},
    {1e-3f, 0.5f, -7, 0}, {2.5f, 0.8f, 0, -100},
};
const std::vector<std::pair<float, float>> kInt16Scales = {
    {0.001f, 0.001f}, {0.002f, 0.0007f}, {0.5f, 3.0f}, {1e-5f, 4e-5f}};

// Why the int8 MEAN and SUM that XNNPACK runs may differ by one: its qs8
// reduce (operators/reduce-nd.c) converts the int32 sum to float, scales it
// by the float product (s_in/s_out)·(1/n) and rounds to nearest-even in its
// f32→qs8 conversion; the builtin MEAN uses a Q31 multiplier with 1/n folded
// in by integer division, and the builtin SUM rounds half away from zero.
// The builtin twins are bit-exact.
constexpr const char* kXnnpackMeanSum =
    "XNNPACK qs8 reduce: float scale (s_in/s_out)*(1/n), round-to-nearest-even vs the builtin "
    "Q31 multiplier (MEAN) / round-half-away (SUM)";

// Mean and sum: int8 (XNNPACK and builtin twins) and int16.
void mean_or_sum(BuiltinOp op, float sum_growth) {
  std::vector<GoldenCase> cases;
  for (size_t i = 0; i < kReductions.size(); ++i) {
    const Reduction& r = kReductions[i];
    Scales s = kInt8Scales[i % kInt8Scales.size()];
    if (op == BuiltinOp::Sum) s.out *= sum_growth;  // room for the sum
    const auto out = reduced_shape(r);
    const std::string name =
        fmt::format("int8 s={}->{} zp={}->{}", s.in, s.out, s.in_zp, s.out_zp);
    cases.push_back(reduce_case(op, name, r, int8_tensor(r.shape, s.in, s.in_zp),
                                int8_tensor(out, s.out, s.out_zp)));
    cases.back().tolerance = 1;
    cases.back().reason = kXnnpackMeanSum;
    cases.push_back(reduce_case(op, name + " builtin (XNNPACK declines)", r,
                                declined_by_xnnpack(int8_tensor(r.shape, s.in, s.in_zp)),
                                declined_by_xnnpack(int8_tensor(out, s.out, s.out_zp))));
    const auto [s16_in, s16_out] = kInt16Scales[i % kInt16Scales.size()];
    const float s16 = op == BuiltinOp::Sum ? s16_out * sum_growth : s16_out;
    cases.push_back(reduce_case(op, fmt::format("int16 s={}->{}", s16_in, s16), r,
                                int16_tensor(r.shape, s16_in), int16_tensor(out, s16)));
  }
  expect_golden(cases);
}

TEST(GoldenReduce, MeanInt8AndInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  mean_or_sum(BuiltinOp::Mean, 1.f);
}

TEST(GoldenReduce, SumInt8AndInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  mean_or_sum(BuiltinOp::Sum, 4.f);
}

TEST(GoldenReduce, MaxAndMinInt8AndInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  std::vector<GoldenCase> cases;
  for (BuiltinOp op : {BuiltinOp::ReduceMax, BuiltinOp::ReduceMin}) {
    for (size_t i = 0; i < kReductions.size(); ++i) {
      const Reduction& r = kReductions[i];
      const Scales s = kInt8Scales[(i + 1) % kInt8Scales.size()];
      const auto out = reduced_shape(r);
      const std::string name = fmt::format("int8 s={} zp={}", s.in, s.in_zp);
      cases.push_back(reduce_case(op, name, r, int8_tensor(r.shape, s.in, s.in_zp),
                                  int8_tensor(out, s.in, s.in_zp)));
      cases.push_back(reduce_case(op, name + " builtin (XNNPACK declines)", r,
                                  declined_by_xnnpack(int8_tensor(r.shape, s.in, s.in_zp)),
                                  declined_by_xnnpack(int8_tensor(out, s.in, s.in_zp))));
      const float s16 = kInt16Scales[i % kInt16Scales.size()].first;
      cases.push_back(reduce_case(op, fmt::format("int16 s={}", s16), r,
                                  int16_tensor(r.shape, s16), int16_tensor(out, s16)));
    }
  }
  expect_golden(cases);
}

TEST(GoldenReduce, ProdInt8AndInt16) {
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh";
  // Real values near ±1 so that products of a handful stay in range; the
  // output scale decides how far the rescaled product reaches.
  const std::vector<Reduction> prods = {
      {{2, 3, 4}, {1}, false}, {{3, 5}, {1}, true}, {{2, 2, 3}, {0, 2}, false},
      {{4, 3}, {0}, false},    {{1, 6, 2}, {-2}, true},
      // (No axes, where LiteRT copies the bytes, is a unit test: an empty
      // axes tensor cannot be a constant in a model and LiteRT.js refuses
      // an empty input buffer.)
  };
  struct P {
    float in, out;
    int64_t in_zp, out_zp;
    int64_t lo, hi;
  };
  const std::vector<P> params = {{0.02f, 1.f / 127, 0, 0, -60, 60},
                                 {0.03f, 0.02f, -20, 10, -80, 40},
                                 {0.05f, 0.004f, 100, -128, 70, 127},
                                 {0.01f, 0.1f, -128, 127, -128, -20}};
  std::vector<GoldenCase> cases;
  for (size_t i = 0; i < prods.size(); ++i) {
    const Reduction& r = prods[i];
    const P p = params[i % params.size()];
    const auto out = reduced_shape(r);
    cases.push_back(reduce_case(
        BuiltinOp::ReduceProd, fmt::format("int8 s={}->{} zp={}->{}", p.in, p.out, p.in_zp, p.out_zp),
        r, int8_tensor(r.shape, p.in, p.in_zp).range(p.lo, p.hi), int8_tensor(out, p.out, p.out_zp)));
    cases.push_back(reduce_case(BuiltinOp::ReduceProd,
                                fmt::format("int16 s={}->{}", p.in / 256, p.out / 256), r,
                                int16_tensor(r.shape, p.in / 256).range(p.lo * 256, p.hi * 256),
                                int16_tensor(out, p.out / 256)));
  }
  expect_golden(cases);
}

}  // namespace
}  // namespace octet::testing
