#include "support/process.h"

#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "octet/error.h"

namespace octet::testing {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int run_process(const std::vector<std::string>& argv_strings, const fs::path& out_path,
                const fs::path& err_path, std::chrono::minutes timeout, std::string_view who) {
  std::vector<std::string> args = argv_strings;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  if (err_path == out_path) {
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  }
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) fail("{}: cannot start {}: {}", who, args[0], std::strerror(rc));

  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) fail("{}: waitpid failed: {}", who, std::strerror(errno));
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      fail("{}: {} did not finish in {} minutes; killed (log: {})", who, fmt::join(args, " "),
           timeout.count(), err_path.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<NpyArray> read_described_outputs(const fs::path& model, const fs::path& out_dir,
                                             std::string_view who) {
  const fs::path listing = out_dir / "outputs.json";
  nlohmann::json described;
  try {
    described = nlohmann::json::parse(read_text(listing));
  } catch (const std::exception& e) {
    fail("{} on {}: cannot read {}: {}", who, model.string(), listing.string(), e.what());
  }
  std::vector<NpyArray> outputs;
  for (const auto& entry : described) {
    NpyArray a = read_npy(out_dir / entry.at("file").get<std::string>());
    auto dtype = entry.at("dtype").get<std::string>();
    auto shape = entry.at("shape").get<std::vector<int64_t>>();
    if (dtype != dtype_name(a.dtype) || shape != a.shape) {
      fail("{} on {}: output {} is {} [{}] in outputs.json but {} [{}] in its file", who,
           model.string(), entry.at("index").get<int>(), dtype, fmt::join(shape, ","),
           dtype_name(a.dtype), fmt::join(a.shape, ","));
    }
    outputs.push_back(std::move(a));
  }
  return outputs;
}

}  // namespace octet::testing
