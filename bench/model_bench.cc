// Whole-model float latency of octet's interpreter on the MediaPipe models
// (the peer comparison with LiteRT is scripts/bench_float.sh, which runs both
// on the same inputs in one go).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "octet/interpreter.h"

namespace {

void BM_Invoke(benchmark::State& state, std::filesystem::path path) {
  const octet::Model model = octet::load_model(path);
  octet::Interpreter interp(model);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (size_t i = 0; i < interp.num_inputs(); ++i) {
    auto bytes = interp.input_data(i);
    if (model.main().tensors[interp.input_tensor(i)].dtype != octet::DType::Float32) continue;
    auto* p = reinterpret_cast<float*>(bytes.data());
    for (size_t k = 0; k < bytes.size() / 4; ++k) p[k] = dist(rng);
  }
  for (auto _ : state) interp.invoke();
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = std::filesystem::path(OCTET_SOURCE_DIR) / ".cache" / "models";
  for (const char* name : {"selfie_segmentation", "face_detection_short_range",
                           "face_detection_full_range", "hand_landmark_lite", "pose_landmark_lite"}) {
    const auto path = dir / (std::string(name) + ".tflite");
    if (std::filesystem::exists(path))
      benchmark::RegisterBenchmark(name, BM_Invoke, path)->Unit(benchmark::kMillisecond)->MinTime(2.0);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
