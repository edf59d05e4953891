// What the tests' runners of other runtimes share: starting a program
// without a shell and with a time limit, and reading the outputs it
// describes in outputs.json (the LiteRT oracle and armnn_run write the same
// layout as `octet run`).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "octet/npy.h"

namespace octet::testing {

std::string read_text(const std::filesystem::path& path);

// Runs argv[0] (a path, or a name looked up on PATH) with stdin from
// /dev/null, stdout into out_path and stderr into err_path (both into one
// file when they are the same path). Returns the exit status (128 + signal
// when killed by one); kills it and throws octet::Error, prefixed by `who`,
// when it runs longer than `timeout`.
int run_process(const std::vector<std::string>& argv, const std::filesystem::path& out_path,
                const std::filesystem::path& err_path, std::chrono::minutes timeout,
                std::string_view who);

// The outputs a runner described in out_dir/outputs.json
// ([{index, name, dtype, shape, file}]), each checked against its file.
std::vector<NpyArray> read_described_outputs(const std::filesystem::path& model,
                                             const std::filesystem::path& out_dir,
                                             std::string_view who);

}  // namespace octet::testing
