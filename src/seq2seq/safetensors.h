// A reader of the safetensors format (Hugging Face's checkpoint files): an
// 8-byte little-endian header length, a JSON header {name: {dtype, shape,
// data_offsets}} with an optional "__metadata__", then the raw tensor bytes.
// Files are untrusted: every inconsistency is an octet::Error naming the file
// and the tensor key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace octet::seq2seq {

struct SafetensorEntry {
  std::string dtype;           // as written: "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;
  size_t begin = 0, end = 0;   // offsets into the data section
};

class SafetensorsFile {
 public:
  static SafetensorsFile open(const std::filesystem::path& path);
  // `origin` names the bytes in errors (normally the file's path).
  static SafetensorsFile parse(std::vector<std::byte> bytes, std::string origin);

  bool contains(const std::string& key) const { return entries_.count(key) != 0; }
  // Throws naming the file and key when the tensor is absent.
  const SafetensorEntry& entry(const std::string& key) const;
  // The tensor as float32 (F32, F16 and BF16 are converted); throws when the
  // key is missing, its shape differs from `expected_shape`, or its dtype is
  // not a float type.
  std::vector<float> floats(const std::string& key, const std::vector<int64_t>& expected_shape) const;
  std::vector<std::string> keys() const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
  std::vector<std::byte> bytes_;
  size_t data_start_ = 0;
  std::map<std::string, SafetensorEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace octet::seq2seq
