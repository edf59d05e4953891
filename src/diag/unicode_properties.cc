#include <algorithm>

#include "diag/unicode_tables.h"

namespace octet::diag {

uint8_t unicode_properties(char32_t c) {
  auto it = std::upper_bound(kPropertyRanges.begin(), kPropertyRanges.end(), c,
                             [](char32_t x, const PropertyRange& r) { return x < r.first; });
  if (it == kPropertyRanges.begin()) return 0;
  --it;
  return c <= it->last ? it->mask : 0;
}

char32_t simple_lowercase(char32_t c) {
  auto it = std::upper_bound(kLowercaseRanges.begin(), kLowercaseRanges.end(), c,
                             [](char32_t x, const LowercaseRange& r) { return x < r.first; });
  if (it == kLowercaseRanges.begin()) return c;
  --it;
  if (c > it->last || (c - it->first) % static_cast<char32_t>(it->stride) != 0) return c;
  return static_cast<char32_t>(static_cast<int32_t>(c) + it->delta);
}

}  // namespace octet::diag
