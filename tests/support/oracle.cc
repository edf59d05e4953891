#include "support/oracle.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "octet/error.h"
#include "octet/model.h"
#include "support/process.h"
#include "support/test_data.h"


namespace octet::testing {

namespace fs = std::filesystem;

namespace {

const fs::path kOracleDir = fs::path(OCTET_SOURCE_DIR) / "tests" / "oracle";
const fs::path kScript = kOracleDir / "litert_run.mjs";
const fs::path kTranslateScript = kOracleDir / "litert_translate.mjs";
// A whole-model run takes well under a second; this only stops a hung Node.
constexpr auto kTimeout = std::chrono::minutes(10);

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct NodeRun {
  int exit_status = -1;
  std::string out, err;
};

// Runs `node <args...>` without a shell (no quoting of paths), stdout and
// stderr kept in log_dir/litert.stdout and log_dir/litert.log.
NodeRun run_node(const std::vector<std::string>& args, const fs::path& log_dir, const fs::path& script = kScript,
                 std::chrono::minutes timeout = kTimeout) {
  fs::create_directories(log_dir);
  const fs::path out_path = log_dir / "litert.stdout", err_path = log_dir / "litert.log";
  std::vector<std::string> argv_s = {"node", script.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  NodeRun run;
  run.exit_status = run_process(argv_s, out_path, err_path, timeout, "LiteRT oracle");
  run.out = read_text(out_path);
  run.err = trim(read_text(err_path));
  return run;
}

void clear_results(const fs::path& out_dir) {
  std::error_code ignored;
  fs::remove(out_dir / "outputs.json", ignored);
  fs::remove(out_dir / "error.txt", ignored);
}

std::vector<std::string> single_args(const fs::path& model, const std::vector<fs::path>& inputs,
                                     const fs::path& out_dir) {
  std::vector<std::string> args = {"--model", model.string()};
  for (const auto& in : inputs) {
    args.push_back("--input");
    args.push_back(in.string());
  }
  args.push_back("--output-dir");
  args.push_back(out_dir.string());
  return args;
}

}  // namespace

bool litert_available() {
  if (!fs::exists(kOracleDir / "node_modules" / "@litertjs" / "core" / "wasm" /
                  "litert_wasm_compat_internal.js")) {
    return false;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((fs::path(dir) / "node").c_str(), X_OK) == 0) return true;
  }
  return false;
}

fs::path model_path(std::string_view name) { return cache_dir() / "models" / name; }

std::vector<NpyArray> run_litert(const fs::path& model, const std::vector<fs::path>& input_npys,
                                 const fs::path& out_dir) {
  clear_results(out_dir);
  NodeRun run = run_node(single_args(model, input_npys, out_dir), out_dir);
  if (run.exit_status != 0) {
    fail("LiteRT oracle failed on {} (exit {}): {}", model.string(), run.exit_status, run.err);
  }
  return read_described_outputs(model, out_dir, "LiteRT oracle");
}

std::vector<NpyArray> run_litert_arrays(const fs::path& model, const std::vector<NpyArray>& inputs,
                                        const fs::path& out_dir) {
  fs::create_directories(out_dir);
  std::vector<fs::path> paths;
  for (size_t i = 0; i < inputs.size(); ++i) {
    paths.push_back(out_dir / fmt::format("input_{}.npy", i));
    write_npy(paths.back(), inputs[i]);
  }
  return run_litert(model, paths, out_dir);
}

std::vector<LiteRtJobResult> run_litert_batch(const std::vector<LiteRtJob>& jobs,
                                              const fs::path& jobs_file) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& job : jobs) {
    clear_results(job.out_dir);
    std::vector<std::string> inputs;
    for (const auto& in : job.input_npys) inputs.push_back(fs::absolute(in).string());
    list.push_back({{"model", fs::absolute(job.model).string()},
                    {"inputs", inputs},
                    {"output_dir", fs::absolute(job.out_dir).string()}});
  }
  {
    std::ofstream out(jobs_file);
    out << list.dump(1) << "\n";
    if (!out) fail("LiteRT oracle: cannot write the job list {}", jobs_file.string());
  }
  NodeRun run = run_node({"--batch", jobs_file.string()}, jobs_file.parent_path());

  std::vector<LiteRtJobResult> results(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const auto& dir = jobs[i].out_dir;
    if (fs::exists(dir / "outputs.json")) {
      try {
        results[i].outputs = read_described_outputs(jobs[i].model, dir, "LiteRT oracle");
      } catch (const Error& e) {
        results[i].error = e.what();
      }
    } else if (fs::exists(dir / "error.txt")) {
      results[i].error = trim(read_text(dir / "error.txt"));
    } else {
      results[i].error =
          fmt::format("LiteRT oracle did not run this job (exit {}): {}", run.exit_status, run.err);
    }
  }
  return results;
}

LiteRtLatency time_litert(const fs::path& model, const std::vector<fs::path>& input_npys,
                          const fs::path& out_dir, int repeat) {
  auto args = single_args(model, input_npys, out_dir);
  args.push_back("--repeat");
  args.push_back(std::to_string(repeat));
  clear_results(out_dir);
  NodeRun run = run_node(args, out_dir);
  if (run.exit_status != 0) {
    fail("LiteRT oracle failed on {} (exit {}): {}", model.string(), run.exit_status, run.err);
  }
  LiteRtLatency t;
  if (std::sscanf(run.out.c_str(), "latency_ms median=%lf min=%lf runs=%d", &t.median_ms, &t.min_ms,
                  &t.runs) != 3) {
    fail("LiteRT oracle on {}: no latency line in its output: {}", model.string(), run.out);
  }
  return t;
}

std::vector<std::vector<int32_t>> run_litert_translate(const fs::path& encoder, const fs::path& decoder,
                                                      const std::vector<std::vector<int32_t>>& sources,
                                                      const fs::path& work_dir, int32_t eos, int32_t pad,
                                                      int32_t start) {
  // LiteRT.js runs one thread: two Node processes, each on half the
  // sentences, use both cores.
  const size_t parts = sources.size() > 1 ? 2 : 1;
  auto run_part = [&](size_t part) {
    const size_t begin = sources.size() * part / parts, end = sources.size() * (part + 1) / parts;
    const fs::path dir = work_dir / fmt::format("part{}", part);
    fs::create_directories(dir);
    const fs::path in = dir / "sources.json", out = dir / "litert_outputs.json";
    std::error_code ignored;
    fs::remove(out, ignored);
    const std::string text = nlohmann::json(std::vector<std::vector<int32_t>>(
                                                sources.begin() + static_cast<std::ptrdiff_t>(begin),
                                                sources.begin() + static_cast<std::ptrdiff_t>(end)))
                                 .dump();
    write_file_atomically(in, std::as_bytes(std::span(text)));
    // Uncached decoder steps in wasm: a whole test set takes tens of minutes.
    NodeRun run = run_node({"--encoder", encoder.string(), "--decoder", decoder.string(), "--input", in.string(),
                            "--output", out.string(), "--eos", std::to_string(eos), "--pad", std::to_string(pad),
                            "--start", std::to_string(start)},
                           dir, kTranslateScript, std::chrono::minutes(120));
    if (run.exit_status != 0) fail("LiteRT translate oracle failed (exit {}): {}", run.exit_status, run.err);
    try {
      return nlohmann::json::parse(read_text(out)).at("ids").get<std::vector<std::vector<int32_t>>>();
    } catch (const std::exception& e) {
      fail("LiteRT translate oracle: cannot read {}: {}", out.string(), e.what());
    }
  };
  std::vector<std::future<std::vector<std::vector<int32_t>>>> running;
  for (size_t p = 0; p < parts; ++p) running.push_back(std::async(std::launch::async, run_part, p));
  std::vector<std::vector<int32_t>> ids;
  for (auto& r : running) {
    auto part = r.get();
    ids.insert(ids.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
  }
  if (ids.size() != sources.size())
    fail("LiteRT translate oracle: {} outputs for {} sources", ids.size(), sources.size());
  return ids;
}

}  // namespace octet::testing
