#include "diag/text.h"

#include <fstream>
#include <iterator>

#include "diag/unicode_tables.h"
#include "octet/error.h"

namespace octet::diag {

namespace {

[[noreturn]] void invalid_utf8(std::string_view bytes, size_t at, std::string_view where) {
  fail("{}: invalid UTF-8 at byte {} of the line (0x{:02x}); octet reads text as UTF-8", where, at + 1,
       static_cast<unsigned char>(bytes[at]));
}

}  // namespace

std::u32string decode_utf8(std::string_view bytes, std::string_view where) {
  std::u32string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    // The lead byte gives the length and the smallest code point that needs
    // it (anything smaller is an overlong form). 0xC0, 0xC1 and 0xF5.. never lead.
    size_t length = 0;
    char32_t c = 0, min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2, c = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3, c = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4, c = b0 & 0x07, min = 0x10000;
    } else {
      invalid_utf8(bytes, i, where);
    }
    if (i + length > bytes.size()) invalid_utf8(bytes, i, where);
    for (size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(bytes[i + k]);
      if ((b & 0xC0) != 0x80) invalid_utf8(bytes, i + k, where);
      c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) invalid_utf8(bytes, i, where);
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

// Unicode's Final_Sigma condition (Unicode 15, table 3-17): capital sigma
// ends a word when a cased letter precedes it and none follows, skipping
// case-ignorable characters both ways. Python's str.lower() applies it.
bool is_final_sigma(std::u32string_view text, size_t i) {
  auto props = [&](size_t k) { return unicode_properties(text[k]); };
  size_t j = i;
  while (j > 0 && (props(j - 1) & kCaseIgnorable)) --j;
  if (j == 0 || !(props(j - 1) & kCased)) return false;
  j = i + 1;
  while (j < text.size() && (props(j) & kCaseIgnorable)) ++j;
  return j == text.size() || !(props(j) & kCased);
}

}  // namespace

std::u32string to_lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == 0x130) {  // the one unconditional multi-character lowercase (SpecialCasing.txt)
      out += U"i\u0307";
    } else if (c == 0x3A3) {
      out.push_back(is_final_sigma(text, i) ? 0x3C2 : 0x3C3);
    } else {
      out.push_back(simple_lowercase(c));
    }
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
