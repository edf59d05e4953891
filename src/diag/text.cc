#include "diag/text.h"

#include <fstream>
#include <iterator>

#include "octet/error.h"

namespace octet::diag {

std::u32string decode_utf8(std::string_view bytes, std::string_view where) {
  std::u32string out;
  out.reserve(bytes.size());
  size_t i = 0;
  auto bad = [&](size_t at) {
    fail("{}: invalid UTF-8 at byte {} (0x{:02x}); octet reads text as UTF-8", where, at,
         static_cast<unsigned char>(bytes[at]));
  };
  while (i < bytes.size()) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    size_t length;
    char32_t c, min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2, c = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3, c = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4, c = b0 & 0x07, min = 0x10000;
    } else {
      bad(i);
    }
    if (i + length > bytes.size()) bad(i);
    for (size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(bytes[i + k]);
      if ((b & 0xC0) != 0x80) bad(i + k);
      c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) bad(i);
    out.push_back(c);
    i += length;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool is_space(char32_t c) {
  // Python: bidirectional class WS, B or S, or general category Zs.
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

std::vector<std::u32string> split_words(std::u32string_view text) {
  std::vector<std::u32string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::u32string_view rstrip(std::u32string_view text) {
  size_t end = text.size();
  while (end > 0 && is_space(text[end - 1])) --end;
  return text.substr(0, end);
}

namespace {

// Unicode's simple lowercase mapping (UnicodeData.txt) for the blocks that
// European test sets use; pairs laid out upper/lower alternately are handled
// by parity.
char32_t lower_char(char32_t c) {
  auto even_pair = [](char32_t x) { return (x % 2 == 0) ? x + 1 : x; };
  auto odd_pair = [](char32_t x) { return (x % 2 == 1) ? x + 1 : x; };
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x12F) return even_pair(c);
  if (c >= 0x132 && c <= 0x137) return even_pair(c);
  if (c >= 0x139 && c <= 0x148) return odd_pair(c);
  if (c >= 0x14A && c <= 0x177) return even_pair(c);
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E) return odd_pair(c);
  if (c >= 0x1CD && c <= 0x1DC) return odd_pair(c);
  if (c >= 0x1DE && c <= 0x1EF) return even_pair(c);
  if (c >= 0x1F8 && c <= 0x21F) return even_pair(c);
  if (c >= 0x222 && c <= 0x233) return even_pair(c);
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if ((c >= 0x391 && c <= 0x3A1) || (c >= 0x3A3 && c <= 0x3AB)) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x460 && c <= 0x481) return even_pair(c);
  if (c >= 0x48A && c <= 0x4BF) return even_pair(c);
  if (c == 0x4C0) return 0x4CF;
  if (c >= 0x4C1 && c <= 0x4CE) return odd_pair(c);
  if (c >= 0x4D0 && c <= 0x52F) return even_pair(c);
  if (c >= 0x1E00 && c <= 0x1E95) return even_pair(c);
  if (c == 0x1E9E) return 0xDF;  // capital sharp s
  if (c >= 0x1EA0 && c <= 0x1EFF) return even_pair(c);
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;  // fullwidth Latin
  return c;
}

}  // namespace

std::u32string to_lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c == 0x130) {  // Python: 'İ'.lower() == 'i̇' (SpecialCasing.txt)
      out += U"i\u0307";
      continue;
    }
    out.push_back(lower_char(c));
  }
  return out;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path.string());
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail("{}: read error", path.string());
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    const std::string where = fmt::format("{}:{}", path.string(), lines.size() + 1);
    const std::u32string line = decode_utf8(std::string_view(bytes).substr(start, end - start), where);
    lines.push_back(encode_utf8(rstrip(line)));
    start = end + 1;
  }
  return lines;
}

}  // namespace octet::diag
