#include "support/armnn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "octet/error.h"

extern char** environ;

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

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

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
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  const fs::path log = out_dir / "armnn.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, kRunner.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) fail("Arm NN: cannot start {}: {}", kRunner.string(), std::strerror(rc));

  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) fail("Arm NN: waitpid failed: {}", std::strerror(errno));
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      fail("Arm NN: armnn_run on {} did not finish in 15 minutes; killed", model.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (exit_status != 0) {
    std::string msg = last_line(read_text(log));
    const std::string prefix = "armnn_run: error: ";
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    fail("{}", msg.empty() ? fmt::format("Arm NN: armnn_run on {} exited with {}", model.string(),
                                         exit_status)
                           : msg);
  }

  const fs::path listing = out_dir / "outputs.json";
  nlohmann::json described;
  try {
    described = nlohmann::json::parse(read_text(listing));
  } catch (const std::exception& e) {
    fail("Arm NN on {}: cannot read {}: {}", model.string(), listing.string(), e.what());
  }
  std::vector<NpyArray> outputs;
  for (const auto& entry : described) {
    NpyArray a = read_npy(out_dir / entry.at("file").get<std::string>());
    if (entry.at("dtype").get<std::string>() != dtype_name(a.dtype) ||
        entry.at("shape").get<std::vector<int64_t>>() != a.shape) {
      fail("Arm NN on {}: output {} in outputs.json does not match its file", model.string(),
           entry.at("index").get<int>());
    }
    outputs.push_back(std::move(a));
  }
  return outputs;
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
