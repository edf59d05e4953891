// octet's interpreter next to another runtime's outputs (.npy arrays), for
// tests that run the same file in Arm NN or LiteRT: integer outputs compared
// in units of the last place (LSB), float outputs relative to the output's
// largest magnitude.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "octet/model.h"
#include "octet/npy.h"

namespace octet::testing {

// Random inputs for every graph input: integers over the dtype's full
// range, floats uniform in [lo, hi].
std::vector<NpyArray> random_inputs(const Model& model, uint32_t seed, float lo = -1,
                                    float hi = 1);

// Runs the model's first subgraph in octet's interpreter.
std::vector<NpyArray> run_octet(const Model& model, const std::vector<NpyArray>& inputs);

struct RuntimeDiff {
  bool integer = false;     // every output an integer type: max_diff is in LSB
  double max_diff = 0;      // integer: LSB; float: max |Δ| / max(1, max |ref|)
  int64_t differing = 0;    // elements that are not equal
  int64_t total = 0;
  int worst_output = 0;     // the output where max_diff was found
  double share() const { return total ? static_cast<double>(differing) / total : 0; }
  std::string summary() const;  // "max |d| 1 LSB (output 0), 0.52% of 256 differ"
};
// Fails (octet::Error) when the outputs' count, dtypes or sizes disagree.
RuntimeDiff diff_outputs(const std::vector<NpyArray>& reference,
                         const std::vector<NpyArray>& other);

}  // namespace octet::testing
