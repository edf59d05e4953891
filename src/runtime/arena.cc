#include "runtime/arena.h"

#include <algorithm>
#include <numeric>

namespace octet::runtime {

namespace {
size_t align_up(size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }
}  // namespace

ArenaLayout plan_arena(const std::vector<Lifetime>& tensors) {
  ArenaLayout layout;
  layout.offsets.assign(tensors.size(), 0);
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first, then earliest: big tensors get the low offsets.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (tensors[a].bytes != tensors[b].bytes) return tensors[a].bytes > tensors[b].bytes;
    return tensors[a].first < tensors[b].first;
  });
  struct Placed {
    size_t offset, end;
    int32_t first, last;
  };
  std::vector<Placed> placed;
  placed.reserve(tensors.size());
  for (size_t i : order) {
    const Lifetime& t = tensors[i];
    const size_t size = align_up(std::max<size_t>(t.bytes, 1));
    // Intervals of placed tensors alive at the same time, by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (const Placed& p : placed)
      if (p.first <= t.last && t.first <= p.last) busy.emplace_back(p.offset, p.end);
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [b, e] : busy) {
      if (offset + size <= b) break;
      offset = std::max(offset, e);
    }
    layout.offsets[i] = offset;
    layout.size = std::max(layout.size, offset + size);
    placed.push_back({offset, offset + size, t.first, t.last});
  }
  return layout;
}

}  // namespace octet::runtime
