// Every MediaPipe model quantized to int8 by octet (calibrated on seeded
// random inputs in the model's input range) loads and runs in LiteRT, and
// octet's interpreter computes the same integers.
#include <gtest/gtest.h>

#include <cstring>

#include "calib/calibrate.h"
#include "octet/interpreter.h"
#include "octet/npy.h"
#include "octet/quantize.h"
#include "support/oracle.h"
#include "support/test_data.h"

namespace octet {
namespace {

struct Quantized {
  std::filesystem::path file;
  quant::Report report;
};

Quantized quantize_file(const std::filesystem::path& path, const std::filesystem::path& dir) {
  const Model original = load_model(path);
  const Model prepared = quant::prepare_for_quantization(original);
  calib::RandomDataOptions data_options;
  data_options.samples = 4;
  data_options.seed = 7;
  auto data = calib::random_data(prepared, data_options);
  const calib::Stats stats = calib::calibrate(prepared, *data);
  quant::Recipe recipe;
  Quantized q;
  const Model model = quant::quantize_model(original, stats, recipe, &q.report);
  q.file = dir / (path.stem().string() + "_int8.tflite");
  save_model(model, q.file);
  return q;
}

TEST(QuantizeMediaPipe, Int8RunsInOctetAndLiteRtWithTheSameIntegers) {
  const auto models = testing::mediapipe_models();
  if (models.empty()) GTEST_SKIP() << "MediaPipe models not fetched";
  const auto dir = testing::temp_dir("quantize_mediapipe");
  for (const auto& path : models) {
    SCOPED_TRACE(path.filename().string());
    const Quantized q = quantize_file(path, dir);
    const Model model = load_model(q.file);
    Interpreter interpreter(model);
    std::vector<NpyArray> inputs;
    for (size_t i = 0; i < interpreter.num_inputs(); ++i) {
      const Tensor& t = model.main().tensors[interpreter.input_tensor(i)];
      NpyArray a;
      a.dtype = t.dtype;
      a.shape = std::vector<int64_t>(t.shape.begin(), t.shape.end());
      a.data.resize(interpreter.input_data(i).size());
      std::vector<float> v(a.data.size() / 4);
      for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>((k * 7919 % 1000) / 500.0 - 1.0);
      std::memcpy(a.data.data(), v.data(), a.data.size());
      interpreter.set_input(i, a.data);
      inputs.push_back(a);
    }
    interpreter.invoke();
    std::printf("[ figure ] %s: %zu integer ops, %zu float, %zu inserted, %zu folded\n",
                path.stem().c_str(), q.report.integer_ops, q.report.float_ops, q.report.inserted_ops,
                q.report.folded_ops);
    if (!testing::litert_available()) continue;
    const auto ref = testing::run_litert_arrays(q.file, inputs, dir / path.stem());
    ASSERT_EQ(ref.size(), interpreter.num_outputs());
    for (size_t o = 0; o < ref.size(); ++o) {
      const auto ours = interpreter.output_data(o);
      ASSERT_EQ(ours.size(), ref[o].data.size());
      const float* a = reinterpret_cast<const float*>(ours.data());
      const float* b = reinterpret_cast<const float*>(ref[o].data.data());
      float worst = 0, scale = 0;
      for (size_t k = 0; k < ours.size() / 4; ++k) { worst = std::max(worst, std::fabs(a[k] - b[k])); scale = std::max(scale, std::fabs(b[k])); }
      std::printf("[ figure ] %s output %zu: max|d| %.4g (max|ref| %.4g)\n", path.stem().c_str(), o, worst, scale);
    }
  }
}

}  // namespace
}  // namespace octet
