// The foundation's end-to-end figure: every .tflite in MediaPipe's npm
// packages runs in octet with outputs within 1e-4·max(1,|ref|) of LiteRT's,
// for 3 seeded random inputs and real photos; and octet's rewrite of each
// file gives LiteRT bit-identical outputs to the original.
#include <gtest/gtest.h>

#include <random>

#include "diag/compare.h"
#include "octet/interpreter.h"
#include "octet/npy.h"
#include "support/oracle.h"
#include "support/photos.h"
#include "support/test_data.h"

namespace octet {
namespace {

namespace fs = std::filesystem;

constexpr double kTolerance = 1e-4;

const char* const kModels[] = {
    "selfie_segmentation",   "selfie_segmentation_landscape", "face_detection_short_range",
    "face_detection_full_range", "face_detection_full_range_sparse", "hand_landmark_lite",
    "hand_landmark_full",    "pose_landmark_lite",            "pose_landmark_full",
    "pose_landmark_heavy",
};

// The input range each model family was trained on (MediaPipe's graphs).
std::pair<float, float> photo_range(const std::string& model) {
  if (model.starts_with("face_detection")) return {-1.f, 1.f};
  return {0.f, 1.f};
}

struct InputSet {
  std::string label;
  std::vector<NpyArray> arrays;
};

std::vector<InputSet> input_sets(const std::string& name, const Interpreter& interp) {
  std::vector<InputSet> sets;
  for (uint64_t seed : {1, 2, 3}) {
    InputSet s{"seed " + std::to_string(seed), {}};
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> dist(-1.f, 1.f);
    for (size_t i = 0; i < interp.num_inputs(); ++i) {
      const auto shape = interp.tensor_shape(interp.input_tensor(i));
      NpyArray a = NpyArray::zeros(DType::Float32, std::vector<int64_t>(shape.begin(), shape.end()));
      for (float& v : a.as<float>()) v = dist(rng);
      s.arrays.push_back(std::move(a));
    }
    sets.push_back(std::move(s));
  }
  const auto shape = interp.tensor_shape(interp.input_tensor(0));
  if (interp.num_inputs() == 1 && shape.size() == 4 && shape[3] == 3) {
    const auto [lo, hi] = photo_range(name);
    for (const char* photo : {"astronaut.png", "chelsea.png", "coffee.png"}) {
      const fs::path path = testing::photo_path(photo);
      if (!fs::exists(path)) continue;
      std::vector<float> pixels = testing::load_photo_nhwc(path, shape[1], shape[2], 3, lo, hi);
      sets.push_back({std::string("photo ") + photo,
                      {NpyArray::of<float>(pixels, {1, shape[1], shape[2], 3})}});
    }
  }
  return sets;
}

class MediaPipeOracle : public ::testing::TestWithParam<const char*> {};

TEST_P(MediaPipeOracle, OctetMatchesLiteRtAndRewriteIsBitIdentical) {
  const std::string name = GetParam();
  const fs::path model_path = testing::model_path(name + ".tflite");
  if (!fs::exists(model_path)) GTEST_SKIP() << model_path << " missing: run scripts/setup.sh";
  if (!testing::litert_available()) GTEST_SKIP() << "LiteRT oracle missing: run scripts/setup.sh";

  const Model model = load_model(model_path);
  Interpreter interp(model);
  const fs::path dir = testing::temp_dir("mediapipe-" + name);
  const fs::path rewritten = dir / "rewritten.tflite";
  save_model(model, rewritten);

  const std::vector<InputSet> sets = input_sets(name, interp);
  ASSERT_GE(sets.size(), 3u);
  std::vector<std::vector<NpyArray>> octet_outputs;
  std::vector<testing::LiteRtJob> jobs;
  for (size_t s = 0; s < sets.size(); ++s) {
    std::vector<fs::path> inputs;
    for (size_t i = 0; i < sets[s].arrays.size(); ++i) {
      inputs.push_back(dir / fmt::format("set{}_input_{}.npy", s, i));
      write_npy(inputs.back(), sets[s].arrays[i]);
      interp.set_input(i, sets[s].arrays[i].data);
    }
    interp.invoke();
    std::vector<NpyArray> outs;
    for (size_t o = 0; o < interp.num_outputs(); ++o) {
      const auto shape = interp.tensor_shape(interp.output_tensor(o));
      NpyArray a;
      a.dtype = model.main().tensors[interp.output_tensor(o)].dtype;
      a.shape.assign(shape.begin(), shape.end());
      const auto bytes = interp.output_data(o);
      a.data.assign(bytes.begin(), bytes.end());
      outs.push_back(std::move(a));
    }
    octet_outputs.push_back(std::move(outs));
    jobs.push_back({model_path, inputs, dir / fmt::format("set{}_original", s)});
    jobs.push_back({rewritten, inputs, dir / fmt::format("set{}_rewritten", s)});
  }
  const auto results = testing::run_litert_batch(jobs, dir / "jobs.json");
  ASSERT_EQ(results.size(), jobs.size());

  double worst = 0;
  for (size_t s = 0; s < sets.size(); ++s) {
    SCOPED_TRACE(sets[s].label);
    const auto& original = results[2 * s];
    const auto& again = results[2 * s + 1];
    ASSERT_TRUE(original.ok()) << original.error;
    ASSERT_TRUE(again.ok()) << again.error;
    ASSERT_EQ(original.outputs.size(), octet_outputs[s].size());
    for (size_t o = 0; o < original.outputs.size(); ++o) {
      const ArrayDiff d = compare_arrays(octet_outputs[s][o], original.outputs[o]);
      EXPECT_TRUE(d.comparable && d.max_scaled <= kTolerance)
          << "output " << o << ": " << format_diff(d);
      worst = std::max(worst, d.max_scaled);
      const ArrayDiff same = compare_arrays(again.outputs[o], original.outputs[o]);
      EXPECT_TRUE(same.comparable && same.unequal == 0)
          << "rewritten file, output " << o << ": " << format_diff(same);
    }
  }
  RecordProperty("max_scaled_error", fmt::format("{:.3g}", worst));
  std::printf("[ figure ] %s: %zu input sets, max |d|/max(1,|ref|) vs LiteRT = %.3g\n", name.c_str(),
              sets.size(), worst);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(All, MediaPipeOracle, ::testing::ValuesIn(kModels),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace octet
