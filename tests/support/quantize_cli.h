// `octet quantize` from the tests, through the built binary (the quantizer
// is another branch's work; this is its command-line contract:
// octet quantize MODEL OUT --data DIR --mode int8 [--estimator E] [--io float|int8]).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace octet::testing {

// True when the built `octet` has a `quantize` subcommand.
bool quantize_cli_available();

// Writes calibration samples as `octet calibrate` reads a folder:
// dir/input_0/000.npy, 001.npy, ... (float32, the model's input shape).
void write_calibration_data(const std::filesystem::path& dir, const std::vector<int64_t>& shape,
                            const std::vector<std::vector<float>>& samples);

// Runs `octet quantize model out --data data_dir --mode M --estimator E
// --io io`; throws octet::Error with the tool's last output line on failure.
void quantize_int8(const std::filesystem::path& model, const std::filesystem::path& out,
                   const std::filesystem::path& data_dir, const std::string& estimator,
                   const std::string& io = "float", const std::string& mode = "int8");

}  // namespace octet::testing
