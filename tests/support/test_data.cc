#include "support/test_data.h"

#include <algorithm>
#include <unistd.h>

namespace octet::testing {

std::filesystem::path source_dir() { return OCTET_SOURCE_DIR; }
std::filesystem::path cache_dir() { return source_dir() / ".cache"; }

std::vector<std::filesystem::path> mediapipe_models() {
  std::vector<std::filesystem::path> out;
  const auto dir = cache_dir() / "models";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".tflite") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("octet-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace octet::testing
