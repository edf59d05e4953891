// Where the tests find their data: the models and photos scripts/setup.sh
// fetches into .cache/, and the repo's own fixtures.
#pragma once

#include <filesystem>
#include <vector>

namespace octet::testing {

std::filesystem::path source_dir();
std::filesystem::path cache_dir();  // <source>/.cache
// The MediaPipe .tflite files (sorted); empty when setup has not fetched them.
std::vector<std::filesystem::path> mediapipe_models();
// A fresh empty temporary folder for one test.
std::filesystem::path temp_dir(const std::string& name);

}  // namespace octet::testing
