#include <cstring>

#include "octet/model.h"

namespace octet {

Buffer Buffer::copy_of(std::span<const std::byte> bytes) {
  auto owned = std::make_shared<std::vector<std::byte>>(bytes.begin(), bytes.end());
  std::span<const std::byte> view(owned->data(), owned->size());
  return Buffer(std::move(owned), view);
}

bool operator==(const Buffer& a, const Buffer& b) {
  return a.size() == b.size() &&
         (a.size() == 0 || std::memcmp(a.bytes().data(), b.bytes().data(), a.size()) == 0);
}

std::span<const std::byte> Model::data_of(const Tensor& t) const {
  if (t.buffer <= 0 || static_cast<size_t>(t.buffer) >= buffers.size()) return {};
  return buffers[static_cast<size_t>(t.buffer)].bytes();
}

}  // namespace octet
