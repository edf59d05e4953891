// The per-tensor debugger on a small graph with an additive mask: an
// identical pair is exact, SQNR is the hand-computed figure, the mask-set
// range is flagged, and isolated error separates an op's own error from what
// it is fed.
#include "diag/tensor_error.h"

#include <gtest/gtest.h>

#include <cmath>

#include "calib/calibrate.h"
#include "octet/builder.h"
#include "octet/quantize.h"

namespace octet::diag {
namespace {

// x [1,16] → FC (8 units) → ADD mask ([1,8]: 0 or −1e9) → SOFTMAX
Model masked_model() {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 16});
  std::vector<float> w(128);
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(0.7f * static_cast<float>(i));
  const int32_t wt = b.add_constant("w", {8, 16}, w);
  const int32_t fc = b.add_tensor("scores", DType::Float32, {1, 8});
  b.add_op(BuiltinOp::FullyConnected, {x, wt, -1}, {fc});
  const int32_t mask = b.add_constant("mask", {1, 8}, std::vector<float>{0, 0, 0, 0, 0, -1e9f, -1e9f, -1e9f});
  const int32_t masked = b.add_tensor("scores_masked", DType::Float32, {1, 8});
  b.add_op(BuiltinOp::Add, {fc, mask}, {masked});
  const int32_t probs = b.add_tensor("probs", DType::Float32, {1, 8});
  b.add_op(BuiltinOp::Softmax, {masked}, {probs}, opt::Softmax{.beta = 1.f});
  b.mark_output(probs);
  return m;
}

TEST(TensorError, MaskSetRangeIsFlaggedAndMaskAwareFixesIt) {
  const Model f = masked_model();
  auto data = calib::random_data(f, {.samples = 16, .seed = 4});
  const calib::Stats plain = calib::calibrate(f, *data);
  quant::Recipe minmax;
  minmax.estimator.estimator = calib::Estimator::MinMax;
  const Model naive = quant::quantize_model(f, plain, minmax);
  const DebugReport r = debug_tensors(f, naive, *data, {.isolated = true});
  const TensorError* masked = nullptr;
  for (const auto& t : r.tensors)
    if (t.name == "scores_masked") masked = &t;
  ASSERT_NE(masked, nullptr);
  EXPECT_TRUE(masked->mask_dominated);
  EXPECT_LT(masked->sqnr_db, 1.0);  // every unmasked score lands on one code
  ASSERT_TRUE(r.first_below.has_value());

  calib::CalibrateOptions co;
  co.observer.mask_at_or_below = -1e4f;
  const calib::Stats aware = calib::calibrate(f, *data, co);
  quant::Recipe recipe = minmax;
  recipe.mask_threshold = -1e4f;
  const Model fixed = quant::quantize_model(f, aware, recipe);
  const DebugReport g = debug_tensors(f, fixed, *data, {.isolated = true});
  for (const auto& t : g.tensors) {
    EXPECT_FALSE(t.mask_dominated) << t.name;
    if (t.name == "scores_masked") {
      EXPECT_GT(t.sqnr_db, 25.0);
      ASSERT_TRUE(t.isolated_sqnr_db.has_value());
      EXPECT_GT(*t.isolated_sqnr_db, 25.0);
    }
  }
  EXPECT_FALSE(format_debug(g, {}).empty());
  EXPECT_EQ(debug_json(g)["tensors"].size(), g.tensors.size());
}

// One tensor, hand-computed: float (1, 2, 3, 4) against codes read back as
// (1, 2, 3, 5) at scale 1 → signal 30, noise 1 → 10·log10(30) dB.
TEST(TensorError, SqnrIsSignalOverNoise) {
  Model fm;
  {
    GraphBuilder b(fm);
    const int32_t x = b.add_input("x", DType::Float32, {4});
    const int32_t y = b.add_tensor("y", DType::Float32, {4});
    b.add_op(BuiltinOp::Relu, {x}, {y});
    b.mark_output(y);
  }
  Model qm;
  {
    GraphBuilder b(qm);
    QuantParams q;
    q.scale = {1.f};
    q.zero_point = {0};
    const int32_t x = b.add_input("x", DType::Int8, {4}, q);
    const int32_t y = b.add_tensor("y", DType::Int8, {4}, q);
    b.add_op(BuiltinOp::Relu, {x}, {y});
    b.mark_output(y);
  }
  class One final : public calib::DataSource {
   public:
    size_t size() const override { return 1; }
    calib::Sample read(size_t) override {
      const std::vector<float> v = {1.f, 2.f, 3.f, 4.4f};  // 4.4 rounds to 4: noise 0.16
      calib::Sample s{"one", {std::vector<std::byte>(16)}};
      std::memcpy(s.inputs[0].data(), v.data(), 16);
      return s;
    }
    std::string description() const override { return "one"; }
  } data;
  const DebugReport r = debug_tensors(fm, qm, data);
  ASSERT_EQ(r.tensors.size(), 1u);
  const double signal = 1 + 4 + 9 + 4.4 * 4.4, noise = 0.4 * 0.4;
  EXPECT_NEAR(r.tensors[0].sqnr_db, 10 * std::log10(signal / noise), 1e-3);
  EXPECT_NEAR(r.tensors[0].levels_used, 4.0 / 256, 1e-12);
}

}  // namespace
}  // namespace octet::diag
