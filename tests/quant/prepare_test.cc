// The preparation passes (constant folding by the interpreter, MediaPipe's
// Convolution2DTransposeBias → TRANSPOSE_CONV, unused tensors dropped) keep
// every MediaPipe model's float outputs: same inputs, outputs within 1e-6
// relative, and no DEQUANTIZE, DENSIFY or custom op left.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "octet/interpreter.h"
#include "octet/quantize.h"
#include "support/test_data.h"

namespace octet {
namespace {

std::vector<std::vector<float>> run_float(const Model& model, const std::vector<std::vector<float>>& inputs) {
  Interpreter interpreter(model);
  for (size_t i = 0; i < inputs.size(); ++i) interpreter.set_input(i, std::as_bytes(std::span(inputs[i])));
  interpreter.invoke();
  std::vector<std::vector<float>> outs;
  for (size_t o = 0; o < interpreter.num_outputs(); ++o) {
    auto bytes = interpreter.output_data(o);
    outs.emplace_back(bytes.size() / 4);
    std::memcpy(outs.back().data(), bytes.data(), bytes.size());
  }
  return outs;
}

TEST(QuantPrepare, KeepsEveryMediaPipeModelsFloatOutputs) {
  const auto models = testing::mediapipe_models();
  if (models.empty()) GTEST_SKIP() << "MediaPipe models not fetched";
  for (const auto& path : models) {
    SCOPED_TRACE(path.filename().string());
    const Model original = load_model(path);
    size_t folded = 0;
    const Model prepared =
        load_model_from_bytes(serialize_model(quant::prepare_for_quantization(original, &folded)), "prepared");
    EXPECT_GT(folded, 0u);
    for (const Op& op : prepared.main().ops) {
      EXPECT_FALSE(op.code.is_custom()) << op.code.custom_name;
      EXPECT_NE(op.code.builtin, BuiltinOp::Dequantize);
      EXPECT_NE(op.code.builtin, BuiltinOp::Densify);
    }
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    std::vector<std::vector<float>> inputs;
    for (int32_t t : original.main().inputs) {
      size_t n = 1;
      for (int32_t d : original.main().tensors[t].shape) n *= d;
      inputs.emplace_back(n);
      for (float& x : inputs.back()) x = u(rng);
    }
    const auto a = run_float(original, inputs), b = run_float(prepared, inputs);
    ASSERT_EQ(a.size(), b.size());
    for (size_t o = 0; o < a.size(); ++o) {
      ASSERT_EQ(a[o].size(), b[o].size());
      for (size_t i = 0; i < a[o].size(); ++i)
        ASSERT_NEAR(a[o][i], b[o][i], 1e-6 * std::max(1.f, std::fabs(a[o][i]))) << "output " << o << " element " << i;
    }
  }
}

}  // namespace
}  // namespace octet
