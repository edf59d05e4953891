// The LiteRT oracle from C++: runs a .tflite model in the real LiteRT runtime
// (tests/oracle/litert_run.mjs under Node) and returns its outputs, so tests
// can compare octet's interpreter with what LiteRT computes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "octet/npy.h"

namespace octet::testing {

// True when `node` is on PATH and tests/oracle/node_modules holds LiteRT.js
// (scripts/setup.sh installs both). Tests GTEST_SKIP when it is false.
bool litert_available();

// cache_dir()/models/<name>: the MediaPipe models scripts/setup.sh unpacks.
std::filesystem::path model_path(std::string_view name);

// Runs `model` on the given .npy inputs (in the order of the model's inputs)
// and returns its outputs in the model's output order. out_dir receives
// output_<i>.npy, outputs.json and litert.log. Throws octet::Error carrying
// the runner's message if LiteRT fails or logs an ERROR.
std::vector<NpyArray> run_litert(const std::filesystem::path& model,
                                 const std::vector<std::filesystem::path>& input_npys,
                                 const std::filesystem::path& out_dir);

// The same with in-memory inputs, written first to out_dir/input_<i>.npy.
std::vector<NpyArray> run_litert_arrays(const std::filesystem::path& model,
                                        const std::vector<NpyArray>& inputs,
                                        const std::filesystem::path& out_dir);

// Many models with one Node start-up (loading LiteRT's wasm costs a fraction
// of a second each time). Each job succeeds or fails on its own.
struct LiteRtJob {
  std::filesystem::path model;
  std::vector<std::filesystem::path> input_npys;
  std::filesystem::path out_dir;
};
struct LiteRtJobResult {
  std::vector<NpyArray> outputs;  // empty when the job failed
  std::string error;              // empty when it succeeded
  bool ok() const { return error.empty(); }
};
// jobs_file: where the job list is written (its folder must exist).
std::vector<LiteRtJobResult> run_litert_batch(const std::vector<LiteRtJob>& jobs,
                                              const std::filesystem::path& jobs_file);

// LiteRT's own speed on the model: one warm-up run, then `repeat` timed runs.
struct LiteRtLatency {
  double median_ms = 0;
  double min_ms = 0;
  int runs = 0;
};
LiteRtLatency time_litert(const std::filesystem::path& model,
                          const std::vector<std::filesystem::path>& input_npys,
                          const std::filesystem::path& out_dir, int repeat);

// Greedy translation in LiteRT (tests/oracle/litert_translate.mjs): both
// models loaded once, the same host loop as seq2seq::Translator (argmax with
// `pad` skipped, lowest index on ties, EOS forced at the limit). Returns the
// generated ids of each source (each ending in EOS).
std::vector<std::vector<int32_t>> run_litert_translate(const std::filesystem::path& encoder,
                                                      const std::filesystem::path& decoder,
                                                      const std::vector<std::vector<int32_t>>& sources,
                                                      const std::filesystem::path& work_dir, int32_t eos,
                                                      int32_t pad, int32_t start);

}  // namespace octet::testing
