#include "support/armnn.h"

#include <unistd.h>

#include <chrono>
#include <string>

#include "octet/error.h"
#include "support/process.h"

namespace octet::testing {

namespace fs = std::filesystem;

namespace {

#ifdef OCTET_ARMNN_RUN
const fs::path kRunner = OCTET_ARMNN_RUN;
#else
const fs::path kRunner;
#endif
// CpuRef is a reference backend (100–300× slower than LiteRT): a pose model
// takes tens of seconds. This only stops a hung run.
constexpr auto kTimeout = std::chrono::minutes(15);

// The runner's one error line (its last stderr line; Arm NN may log before it).
std::string last_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

}  // namespace

bool armnn_available() { return !kRunner.empty() && ::access(kRunner.c_str(), X_OK) == 0; }

std::vector<NpyArray> run_armnn(const fs::path& model, const std::vector<fs::path>& input_npys,
                                const fs::path& out_dir) {
  if (!armnn_available()) fail("Arm NN: armnn_run was not built (CMake did not find Arm NN)");
  fs::create_directories(out_dir);
  std::vector<std::string> argv_s = {kRunner.string(), "--model", model.string()};
  for (const auto& in : input_npys) {
    argv_s.push_back("--input");
    argv_s.push_back(in.string());
  }
  argv_s.push_back("--output-dir");
  argv_s.push_back(out_dir.string());
  const fs::path log = out_dir / "armnn.log";
  const int exit_status = run_process(argv_s, log, log, kTimeout, "Arm NN");
  if (exit_status != 0) {
    std::string msg = last_line(read_text(log));
    const std::string prefix = "armnn_run: error: ";
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    fail("{}", msg.empty() ? fmt::format("Arm NN: armnn_run on {} exited with {}", model.string(),
                                         exit_status)
                           : msg);
  }

  return read_described_outputs(model, out_dir, "Arm NN");
}

std::vector<NpyArray> run_armnn_arrays(const fs::path& model, const std::vector<NpyArray>& inputs,
                                       const fs::path& out_dir) {
  fs::create_directories(out_dir);
  std::vector<fs::path> paths;
  for (size_t i = 0; i < inputs.size(); ++i) {
    paths.push_back(out_dir / fmt::format("input_{}.npy", i));
    write_npy(paths.back(), inputs[i]);
  }
  return run_armnn(model, paths, out_dir);
}

}  // namespace octet::testing
