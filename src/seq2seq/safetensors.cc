#include "seq2seq/safetensors.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "kernels/float16.h"
#include "octet/error.h"

namespace octet::seq2seq {

namespace {

using nlohmann::json;

// Element sizes of the dtypes the format defines; anything else is refused.
size_t dtype_size(const std::string& dtype) {
  static const std::map<std::string, size_t> sizes = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"U64", 8}, {"I32", 4},
      {"U32", 4}, {"I16", 2}, {"U16", 2}, {"I8", 1},   {"U8", 1},   {"BOOL", 1}};
  const auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

std::string shape_str(const std::vector<int64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ",")); }

SafetensorEntry parse_entry(const std::string& origin, const std::string& key, const json& v,
                            size_t data_size) {
  if (!v.is_object()) fail("{}: tensor {}: header entry is not an object", origin, key);
  SafetensorEntry e;
  const auto dt = v.find("dtype");
  if (dt == v.end() || !dt->is_string()) fail("{}: tensor {}: missing or non-string dtype", origin, key);
  e.dtype = dt->get<std::string>();
  const size_t elem = dtype_size(e.dtype);
  if (elem == 0) fail("{}: tensor {}: unknown dtype '{}'", origin, key, e.dtype);
  const auto sh = v.find("shape");
  if (sh == v.end() || !sh->is_array()) fail("{}: tensor {}: missing or non-array shape", origin, key);
  // Element count with overflow checks: a hostile header may claim anything.
  uint64_t count = 1;
  for (const json& d : *sh) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0)
      fail("{}: tensor {}: shape {} has a dimension that is not a non-negative integer", origin, key, sh->dump());
    const uint64_t n = d.get<uint64_t>();
    if (n != 0 && count > std::numeric_limits<uint64_t>::max() / n / elem)
      fail("{}: tensor {}: shape {} is too large", origin, key, sh->dump());
    count *= n;
    e.shape.push_back(static_cast<int64_t>(n));
  }
  const auto off = v.find("data_offsets");
  if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned())
    fail("{}: tensor {}: data_offsets must be two non-negative integers", origin, key);
  const uint64_t begin = (*off)[0].get<uint64_t>(), end = (*off)[1].get<uint64_t>();
  if (begin > end || end > data_size)
    fail("{}: tensor {}: data_offsets [{},{}] lie outside the data section of {} bytes", origin, key, begin,
         end, data_size);
  if (end - begin != count * elem)
    fail("{}: tensor {}: data_offsets [{},{}] hold {} bytes but shape {} of {} needs {}", origin, key, begin,
         end, end - begin, shape_str(e.shape), e.dtype, count * elem);
  e.begin = static_cast<size_t>(begin);
  e.end = static_cast<size_t>(end);
  return e;
}

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path.string());
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail("{}: read error", path.string());
  std::vector<std::byte> bytes(raw.size());
  if (!raw.empty()) std::memcpy(bytes.data(), raw.data(), raw.size());
  return parse(std::move(bytes), path.string());
}

SafetensorsFile SafetensorsFile::parse(std::vector<std::byte> bytes, std::string origin) {
  SafetensorsFile f;
  f.origin_ = std::move(origin);
  f.bytes_ = std::move(bytes);
  const std::string& o = f.origin_;
  if (f.bytes_.size() < 8) fail("{}: {} bytes is too short for a safetensors file (8-byte header length)", o, f.bytes_.size());
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(f.bytes_[i]);
  if (header_len > f.bytes_.size() - 8)
    fail("{}: header length {} goes beyond the file's {} bytes (truncated file?)", o, header_len, f.bytes_.size());
  f.data_start_ = 8 + static_cast<size_t>(header_len);
  const size_t data_size = f.bytes_.size() - f.data_start_;
  const char* text = reinterpret_cast<const char*>(f.bytes_.data() + 8);
  json header = json::parse(text, text + header_len, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded()) fail("{}: header is not valid JSON", o);
  if (!header.is_object()) fail("{}: header is not a JSON object", o);

  for (const auto& [key, v] : header.items()) {
    if (key == "__metadata__") {
      if (!v.is_object()) fail("{}: __metadata__ is not an object", o);
      for (const auto& [mk, mv] : v.items()) {
        if (!mv.is_string()) fail("{}: __metadata__ key {}: value is not a string", o, mk);
        f.metadata_[mk] = mv.get<std::string>();
      }
      continue;
    }
    f.entries_[key] = parse_entry(o, key, v, data_size);
  }
  // No two tensors may share bytes (zero-sized tensors occupy none).
  std::vector<std::pair<const SafetensorEntry*, const std::string*>> sorted;
  for (const auto& [key, e] : f.entries_)
    if (e.end > e.begin) sorted.emplace_back(&e, &key);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first->begin < b.first->begin; });
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i].first->begin < sorted[i - 1].first->end)
      fail("{}: tensor {}: data_offsets [{},{}] overlap tensor {} [{},{}]", o, *sorted[i].second,
           sorted[i].first->begin, sorted[i].first->end, *sorted[i - 1].second, sorted[i - 1].first->begin,
           sorted[i - 1].first->end);
  return f;
}

const SafetensorEntry& SafetensorsFile::entry(const std::string& key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) fail("{}: missing tensor {}", origin_, key);
  return it->second;
}

std::vector<float> SafetensorsFile::floats(const std::string& key,
                                           const std::vector<int64_t>& expected_shape) const {
  const SafetensorEntry& e = entry(key);
  if (e.shape != expected_shape)
    fail("{}: tensor {}: shape {} but the config implies {}", origin_, key, shape_str(e.shape),
         shape_str(expected_shape));
  const std::byte* p = bytes_.data() + data_start_ + e.begin;
  const size_t elem = dtype_size(e.dtype);
  const size_t n = (e.end - e.begin) / elem;
  std::vector<float> out(n);
  if (e.dtype == "F32") {
    if (n) std::memcpy(out.data(), p, n * 4);
  } else if (e.dtype == "F16" || e.dtype == "BF16") {
    const bool bf16 = e.dtype == "BF16";
    for (size_t i = 0; i < n; ++i) {
      const uint16_t h = static_cast<uint16_t>(static_cast<uint8_t>(p[2 * i]) |
                                               (static_cast<uint8_t>(p[2 * i + 1]) << 8));
      if (bf16) {
        // bfloat16 is the top half of a float32.
        const uint32_t bits = static_cast<uint32_t>(h) << 16;
        std::memcpy(&out[i], &bits, 4);
      } else {
        out[i] = kernels::half_to_float(h);
      }
    }
  } else {
    fail("{}: tensor {}: dtype {} is not a float type (F32, F16 or BF16 expected)", origin_, key, e.dtype);
  }
  return out;
}

std::vector<std::string> SafetensorsFile::keys() const {
  std::vector<std::string> k;
  for (const auto& [key, e] : entries_) k.push_back(key);
  return k;
}

}  // namespace octet::seq2seq
