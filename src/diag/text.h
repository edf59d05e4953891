// Text as sacreBLEU sees it: Python strings of code points. BLEU's and chrF's
// figures depend on what counts as one character, as whitespace and as the
// lowercase of a letter, so those rules live here, in one place.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace octet::diag {

// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF). `where` names the line for the error ("hyp.txt:12").
std::u32string decode_utf8(std::string_view bytes, std::string_view where);
std::string encode_utf8(std::u32string_view text);

// Python's str.isspace(): the separators str.split() and str.rstrip() use.
bool is_space(char32_t c);
// Python's str.split() with no argument: runs of whitespace separate, none kept.
std::vector<std::u32string> split_words(std::u32string_view text);
// Python's str.rstrip() with no argument.
std::u32string_view rstrip(std::u32string_view text);
// Python's str.lower(): Unicode's simple lowercase mapping, U+0130 to
// "i" + U+0307, and capital sigma to final sigma at the end of a word.
std::u32string to_lower(std::u32string_view text);

// The lines of a text file as sacreBLEU's command line reads them: split at
// '\n' only, each line right-stripped of whitespace (so "\r\n" ends are fine),
// checked to be UTF-8 (the error names file and line).
std::vector<std::string> read_lines(const std::filesystem::path& path);

}  // namespace octet::diag
