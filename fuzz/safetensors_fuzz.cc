// Fuzzes the safetensors reader (checkpoints of import-marian): any bytes
// must parse or throw octet::Error; every tensor of a parsed file that is a
// float type must convert within its bounds.
#include <cstdint>
#include <vector>

#include "octet/error.h"
#include "seq2seq/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::byte> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = std::byte(data[i]);
  try {
    const auto f = octet::seq2seq::SafetensorsFile::parse(std::move(bytes), "fuzz input");
    for (const std::string& key : f.keys()) {
      const auto& e = f.entry(key);
      if (e.end - e.begin > (size_t(1) << 24)) continue;  // keep executions fast
      try {
        (void)f.floats(key, e.shape);
      } catch (const octet::Error&) {
      }
    }
  } catch (const octet::Error&) {
  }
  return 0;
}
