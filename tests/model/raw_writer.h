// Writes a Model to .tflite bytes WITHOUT validating it, so tests can make
// files that break one rule at a time (serialize_model refuses them). Fields
// are written as given, out-of-range indices and unknown enum values included;
// RawEdits reach what the IR cannot express.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "octet/model.h"

namespace octet::testing {

struct RawEdits {
  // op index (subgraph 0) → the opcode index written instead of its own.
  std::map<size_t, uint32_t> opcode_index;
  // Buffers appended after the model's, each stored as (offset, size) from
  // the file's start instead of inline data.
  std::vector<std::pair<uint64_t, uint64_t>> external_buffers;
  // op index (subgraph 0) → (offset, size) of its large custom options.
  std::map<size_t, std::pair<uint64_t, uint64_t>> large_custom_options;
  // tensor indices (subgraph 0) that get a CustomQuantization details table.
  std::set<size_t> custom_quantization;
};

std::vector<std::byte> write_unchecked(const Model& model, const RawEdits& edits = {});

}  // namespace octet::testing
