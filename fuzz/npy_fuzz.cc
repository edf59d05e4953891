// Fuzzes the .npy reader (inputs of `octet run`, calibration data later):
// any bytes must parse or throw octet::Error; a parsed array must write back
// and parse to the same array.
#include <cstdio>
#include <cstdlib>
#include <span>

#include "octet/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  octet::NpyArray a;
  try {
    a = octet::parse_npy(bytes, "fuzz input");
  } catch (const octet::Error&) {
    return 0;
  }
  const auto again = octet::parse_npy(octet::npy_bytes(a), "rewritten");
  if (again.dtype != a.dtype || again.shape != a.shape || again.data != a.data) {
    std::fprintf(stderr, "npy_fuzz: rewritten array differs\n");
    std::abort();
  }
  return 0;
}
