// The .npy format (numpy's NEP 1): the magic "\x93NUMPY", a version byte pair,
// a little-endian header length (uint16 for 1.0, uint32 for 2.0 and 3.0), then
// a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), }
// padded with spaces and a newline, then the raw elements.
#include "octet/npy.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <system_error>

namespace octet {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

// The dtypes octet exchanges, with the little-endian .npy descriptor numpy writes.
struct DescrEntry {
  std::string_view kind_and_size;  // descriptor without its byte-order character
  DType dtype;
};
constexpr DescrEntry kDescrs[] = {
    {"f4", DType::Float32}, {"f2", DType::Float16}, {"f8", DType::Float64}, {"i1", DType::Int8},
    {"u1", DType::UInt8},   {"i2", DType::Int16},   {"u2", DType::UInt16},  {"i4", DType::Int32},
    {"u4", DType::UInt32},  {"i8", DType::Int64},   {"u8", DType::UInt64},  {"b1", DType::Bool},
};

std::optional<std::string_view> descr_of(DType dtype) {
  for (const auto& e : kDescrs) {
    if (e.dtype == dtype) return e.kind_and_size;
  }
  return std::nullopt;
}

// A reader of the header's dict literal. numpy writes a fixed form, but other
// writers vary spacing, quotes and trailing commas, so this parses the small
// Python subset the format allows instead of matching one spelling.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view origin) : text_(text), origin_(origin) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
  };

  Header parse() {
    Header h;
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        skip_space();
        if (peek() == '[') bad("structured dtypes (a list 'descr') are not supported");
        h.descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        have_order = true;
      } else if (key == "shape") {
        h.shape = tuple_of_ints();
        have_shape = true;
      } else {
        bad(fmt::format("unexpected key '{}' (a .npy header has descr, fortran_order and shape)",
                        key));
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') bad("expected ',' or '}'");
    }
    ++pos_;
    skip_space();
    if (pos_ != text_.size()) bad("unexpected text after the header's closing '}'");
    if (!have_descr || !have_order || !have_shape) {
      bad("the header must give 'descr', 'fortran_order' and 'shape'");
    }
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    fail("{}: bad .npy header at character {}: {}", origin_, pos_, what);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) bad(fmt::format("expected '{}'", c));
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    char quote = peek();
    if (quote != '\'' && quote != '"') bad("expected a quoted string");
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    bad("expected True or False");
  }
  std::vector<int64_t> tuple_of_ints() {
    expect('(');
    std::vector<int64_t> dims;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      dims.push_back(non_negative_int());
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') bad("expected ',' or ')' in the shape");
    }
    ++pos_;
    return dims;
  }
  int64_t non_negative_int() {
    if (peek() < '0' || peek() > '9') bad("expected a non-negative dimension");
    int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      int digit = peek() - '0';
      if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) bad("dimension too large");
      v = v * 10 + digit;
      ++pos_;
    }
    // Python 2 era writers spell long integers "3L".
    if (peek() == 'L') ++pos_;
    return v;
  }

  std::string_view text_;
  std::string_view origin_;
  size_t pos_ = 0;
};

DType dtype_from_descr(const std::string& descr, std::string_view origin) {
  if (descr.size() == 3) {
    char order = descr[0];
    std::string_view rest = std::string_view(descr).substr(1);
    for (const auto& e : kDescrs) {
      if (e.kind_and_size != rest) continue;
      bool one_byte = dtype_size(e.dtype) == 1;
      // '|' (not applicable) is what numpy writes for one-byte types; '<' is
      // little-endian; '=' (native) is little-endian on every machine octet runs on.
      if (order == '<' || order == '=' || (one_byte && order == '|')) return e.dtype;
      if (order == '>' && !one_byte) {
        fail("{}: big-endian dtype '{}' is not supported; save the array little-endian", origin,
             descr);
      }
    }
  }
  fail(
      "{}: unsupported dtype '{}' (supported: little-endian f2 f4 f8 i1 u1 i2 u2 i4 u4 i8 u8, "
      "b1)",
      origin, descr);
}

uint32_t read_le(std::span<const std::byte> bytes, size_t offset, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) {
    v |= static_cast<uint32_t>(bytes[offset + i]) << (8 * i);
  }
  return v;
}

}  // namespace

void NpyArray::check_type(DType wanted) const {
  if (wanted != dtype) {
    fail("NpyArray: the array holds {}, it was read as {}", dtype_name(dtype), dtype_name(wanted));
  }
}

NpyArray NpyArray::zeros(DType dtype, std::vector<int64_t> shape) {
  if (!descr_of(dtype)) fail("NpyArray: dtype {} has no .npy form here", dtype_name(dtype));
  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  int64_t n = 1;
  for (int64_t d : a.shape) {
    if (d < 0) fail("NpyArray: negative dimension in shape [{}]", fmt::join(a.shape, ","));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) {
      fail("NpyArray: shape [{}] has too many elements", fmt::join(a.shape, ","));
    }
    n *= d;
  }
  a.data.assign(static_cast<size_t>(n) * dtype_size(dtype), std::byte{0});
  return a;
}

NpyArray parse_npy(std::span<const std::byte> bytes, std::string_view origin) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    fail("{}: not a .npy file (it does not start with \\x93NUMPY)", origin);
  }
  auto major = static_cast<unsigned>(bytes[6]);
  auto minor = static_cast<unsigned>(bytes[7]);
  size_t length_width = 0;
  if (major == 1 && minor == 0) {
    length_width = 2;
  } else if ((major == 2 || major == 3) && minor == 0) {
    length_width = 4;
  } else {
    fail("{}: unsupported .npy version {}.{} (supported: 1.0, 2.0, 3.0)", origin, major, minor);
  }
  size_t header_start = 8 + length_width;
  if (bytes.size() < header_start) fail("{}: truncated .npy file (no header length)", origin);
  size_t header_length = read_le(bytes, 8, length_width);
  if (header_length > bytes.size() - header_start) {
    fail("{}: truncated .npy header: it declares {} bytes, the file has {} after the prefix",
         origin, header_length, bytes.size() - header_start);
  }
  // Versions 1.0 and 2.0 are latin-1, 3.0 is UTF-8; the keys and values octet
  // reads are ASCII in all three, so the bytes are read as they are.
  std::string_view header_text(reinterpret_cast<const char*>(bytes.data() + header_start),
                               header_length);
  auto header = HeaderParser(header_text, origin).parse();
  if (header.fortran_order) {
    fail(
        "{}: Fortran-ordered arrays are not supported; save it in C order "
        "(numpy.ascontiguousarray)",
        origin);
  }
  DType dtype = dtype_from_descr(header.descr, origin);

  size_t data_start = header_start + header_length;
  size_t available = bytes.size() - data_start;
  size_t element_size = dtype_size(dtype);
  // Checked shape × size: a hostile header must not overflow into a small number.
  uint64_t needed = element_size;
  for (int64_t d : header.shape) {
    auto ud = static_cast<uint64_t>(d);
    if (ud != 0 && needed > std::numeric_limits<uint64_t>::max() / ud) {
      fail("{}: shape ({}) is too large", origin, fmt::join(header.shape, ", "));
    }
    needed *= ud;
  }
  if (needed != available) {
    fail("{}: shape ({}) of {} needs {} data bytes, the file has {}{}", origin,
         fmt::join(header.shape, ", "), dtype_name(dtype), needed, available,
         available < needed ? " (truncated?)" : "");
  }

  NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(header.shape);
  a.data.assign(bytes.begin() + static_cast<ptrdiff_t>(data_start), bytes.end());
  // A bool other than 0 or 1 would be undefined behaviour once read as bool.
  if (dtype == DType::Bool) {
    for (size_t i = 0; i < a.data.size(); ++i) {
      if (static_cast<unsigned>(a.data[i]) > 1) {
        fail("{}: bool element {} has byte value {} (expected 0 or 1)", origin, i,
             static_cast<unsigned>(a.data[i]));
      }
    }
  }
  return a;
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open: {}", path.string(), std::strerror(errno));
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail("{}: read error", path.string());
  return parse_npy(std::as_bytes(std::span<const char>(raw)), path.string());
}

std::vector<std::byte> npy_bytes(const NpyArray& array) {
  auto kind = descr_of(array.dtype);
  if (!kind) fail("write_npy: dtype {} has no .npy form here", dtype_name(array.dtype));
  size_t element_size = dtype_size(array.dtype);
  uint64_t count = 1;
  for (int64_t d : array.shape) {
    if (d < 0) fail("write_npy: negative dimension in shape [{}]", fmt::join(array.shape, ","));
    count *= static_cast<uint64_t>(d);
  }
  if (count * element_size != array.data.size()) {
    fail("write_npy: shape [{}] of {} needs {} bytes, the array holds {}",
         fmt::join(array.shape, ","), dtype_name(array.dtype), count * element_size,
         array.data.size());
  }

  std::string shape_text;
  if (array.shape.size() == 1) {
    shape_text = fmt::format("({},)", array.shape[0]);
  } else {
    shape_text = fmt::format("({})", fmt::join(array.shape, ", "));
  }
  std::string header = fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}",
                                   element_size == 1 ? '|' : '<', *kind, shape_text);
  // Pad with spaces so the data starts at a multiple of 64 bytes, newline last, as numpy does.
  size_t prefix = header.size() + 1 + 10;
  bool version2 = false;
  size_t padded = header.size() + 1 + (64 - prefix % 64) % 64;
  if (padded > std::numeric_limits<uint16_t>::max()) {
    version2 = true;
    prefix = header.size() + 1 + 12;
    padded = header.size() + 1 + (64 - prefix % 64) % 64;
  }
  header.append(padded - header.size() - 1, ' ');
  header.push_back('\n');

  std::vector<std::byte> out;
  out.reserve(12 + header.size() + array.data.size());
  auto put = [&](auto c) { out.push_back(static_cast<std::byte>(c)); };
  for (char c : kMagic) put(c);
  put(version2 ? 2 : 1);
  put(0);
  size_t length = header.size();
  for (size_t i = 0; i < (version2 ? 4u : 2u); ++i) put((length >> (8 * i)) & 0xff);
  for (char c : header) put(c);
  out.insert(out.end(), array.data.begin(), array.data.end());
  return out;
}

void write_npy(const std::filesystem::path& path, const NpyArray& array) {
  std::vector<std::byte> bytes = npy_bytes(array);
  // A name unique to this process and call, in the target's folder so the
  // rename stays on one file system and is atomic.
  static std::atomic<unsigned> counter{0};
  std::filesystem::path tmp = path;
  tmp += fmt::format(".{}.{}.tmp", ::getpid(), counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail("{}: cannot write {}: {}", path.string(), tmp.string(), std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      fail("{}: write failed (disk full?)", path.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    fail("{}: cannot rename the finished file into place: {}", path.string(), ec.message());
  }
}

}  // namespace octet
