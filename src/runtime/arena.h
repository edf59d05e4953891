// Internal to runtime/: lays out tensors in one arena so that tensors whose
// lifetimes do not overlap share bytes (greedy by size, first fit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace octet::runtime {

struct Lifetime {
  size_t bytes;
  int32_t first;  // step that writes it (-1: before the first step)
  int32_t last;   // last step that reads it
};

inline constexpr size_t kArenaAlignment = 64;

// Offsets for each tensor, and the arena size they need.
struct ArenaLayout {
  std::vector<size_t> offsets;
  size_t size = 0;
};
ArenaLayout plan_arena(const std::vector<Lifetime>& tensors);

}  // namespace octet::runtime
