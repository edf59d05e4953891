// Fuzzes what happens after loading: planning the interpreter (every
// kernel's prepare, constant folding, the arena) and one invoke on zeros.
// Any bytes must load-and-run or throw octet::Error.
#include <cstdint>
#include <span>

#include "octet/interpreter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const octet::Model model = octet::load_model_from_bytes(bytes, "fuzz input");
    // Keep executions fast: skip models whose tensors are large.
    for (const octet::Tensor& t : model.main().tensors) {
      uint64_t n = 1;
      for (int32_t d : t.shape) n *= static_cast<uint64_t>(d);
      if (n > (1u << 20)) return 0;
    }
    octet::Interpreter interp(model, 0, octet::InterpreterOptions{.num_threads = 1});
    interp.invoke();
  } catch (const octet::Error&) {
  }
  return 0;
}
