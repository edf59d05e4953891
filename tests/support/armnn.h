// Arm NN (CpuRef backend) from C++: a second runtime, independent of LiteRT
// and of octet, run through tests/tools/armnn_run (built only when CMake
// finds Arm NN). Same conventions as the LiteRT oracle (support/oracle.h).
#pragma once

#include <filesystem>
#include <vector>

#include "octet/npy.h"

namespace octet::testing {

// True when armnn_run was built (CMake found Arm NN) and exists. Tests
// GTEST_SKIP when it is false.
bool armnn_available();

// Runs `model` in Arm NN CpuRef on the given .npy inputs (model input order)
// and returns its outputs in the model's output order. out_dir receives
// output_<i>.npy, outputs.json and armnn.log. Throws octet::Error carrying
// armnn_run's one-line message (what Arm NN rejected and why) if it fails.
std::vector<NpyArray> run_armnn(const std::filesystem::path& model,
                                const std::vector<std::filesystem::path>& input_npys,
                                const std::filesystem::path& out_dir);

// The same with in-memory inputs, written first to out_dir/input_<i>.npy.
std::vector<NpyArray> run_armnn_arrays(const std::filesystem::path& model,
                                       const std::vector<NpyArray>& inputs,
                                       const std::filesystem::path& out_dir);

}  // namespace octet::testing
