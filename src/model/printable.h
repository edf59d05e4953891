// Internal to model/: names read from a file go into error messages, which
// must stay one line; a name may hold any bytes, so control characters are
// shown escaped.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace octet {

inline std::string printable(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  return out;
}

}  // namespace octet
