// How far one array is from a reference: the figure every octet-vs-LiteRT
// check and every per-tensor error starts from.
#pragma once

#include <string>

#include "octet/npy.h"

namespace octet {

struct ArrayDiff {
  bool comparable = true;  // same dtype and shape
  std::string mismatch;    // why not comparable
  size_t elements = 0;
  double max_abs = 0;      // max |a - r|
  double max_scaled = 0;   // max |a - r| / max(1, |r|): the oracle tolerance's measure
  size_t worst_index = 0;  // where max_scaled is reached
  double worst_actual = 0, worst_reference = 0;
  size_t unequal = 0;      // elements that differ at all (exact for integers)
  size_t nonfinite = 0;    // NaN/Inf in `actual` where reference is finite
};

ArrayDiff compare_arrays(const NpyArray& actual, const NpyArray& reference);
std::string format_diff(const ArrayDiff& d);

}  // namespace octet
