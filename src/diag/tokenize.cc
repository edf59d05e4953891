#include "diag/tokenize.h"

#include "diag/text.h"
#include "diag/unicode_tables.h"
#include "octet/error.h"

namespace octet::diag {

namespace {

// Python's str.replace: left to right, non-overlapping, one pass.
std::u32string replace_all(std::u32string_view text, std::u32string_view from, std::u32string_view to) {
  std::u32string out;
  size_t start = 0;
  for (size_t hit; (hit = text.find(from, start)) != std::u32string_view::npos; start = hit + from.size()) {
    out.append(text.substr(start, hit - start));
    out.append(to);
  }
  out.append(text.substr(start));
  return out;
}

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char32_t c) { return c == '.' || c == ','; }

// 13a's first rule, the class [\{-\~\[-\` -\&\(-\+\:-\@\/]: all ASCII
// punctuation and symbols except the apostrophe, ',', '-' and '.' (which
// have their own rules), plus the space. ASCII only: letters and
// punctuation outside ASCII stay glued to their words, as in sacreBLEU.
bool is_13a_punctuation(char32_t c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

// One re.sub pass of a two-character pattern "(A)(B)": Python scans left to
// right and resumes after each match, so "a.." gives one match, not two.
template <class First, class Second, class Emit>
std::u32string substitute_pairs(std::u32string_view text, First first, Second second, Emit emit) {
  std::u32string out;
  out.reserve(text.size() + text.size() / 4);
  size_t i = 0;
  while (i < text.size()) {
    if (i + 1 < text.size() && first(text[i]) && second(text[i + 1])) {
      emit(out, text[i], text[i + 1]);
      i += 2;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

std::u32string join_words(std::u32string_view text) {
  std::u32string out;
  for (const std::u32string& w : split_words(text)) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

}  // namespace

std::string_view tokenizer_name(Tokenizer tokenizer) {
  switch (tokenizer) {
    case Tokenizer::k13a: return "13a";
    case Tokenizer::kNone: return "none";
    case Tokenizer::kChar: return "char";
    case Tokenizer::kIntl: return "intl";
  }
  return "?";
}

Tokenizer parse_tokenizer(std::string_view name) {
  for (Tokenizer t : {Tokenizer::k13a, Tokenizer::kIntl, Tokenizer::kNone, Tokenizer::kChar})
    if (tokenizer_name(t) == name) return t;
  fail("unknown tokenizer '{}' (known: 13a, intl, none, char)", name);
}

std::u32string tokenize_13a(std::u32string_view line) {
  // mteval-v13a's language-independent part.
  std::u32string s = replace_all(line, U"<skipped>", U"");
  s = replace_all(s, U"-\n", U"");
  s = replace_all(s, U"\n", U" ");
  if (s.find(U'&') != std::u32string::npos) {
    // In this order: "&amp;lt;" becomes "<", as in sacreBLEU.
    s = replace_all(s, U"&quot;", U"\"");
    s = replace_all(s, U"&amp;", U"&");
    s = replace_all(s, U"&lt;", U"<");
    s = replace_all(s, U"&gt;", U">");
  }

  // The regexp part, on the line padded with a space on each side.
  std::u32string padded;
  padded.reserve(s.size() * 2 + 2);
  padded.push_back(' ');
  for (char32_t c : s) {
    if (is_13a_punctuation(c)) {
      padded.push_back(' ');
      padded.push_back(c);
      padded.push_back(' ');
    } else {
      padded.push_back(c);
    }
  }
  padded.push_back(' ');

  auto not_digit = [](char32_t c) { return !is_digit(c); };
  auto is_dash = [](char32_t c) { return c == '-'; };
  // Period and comma unless preceded by a digit: "\1 \2 ".
  s = substitute_pairs(padded, not_digit, is_period_or_comma, [](std::u32string& o, char32_t a, char32_t b) {
    o += a, o += ' ', o += b, o += ' ';
  });
  // Period and comma unless followed by a digit: " \1 \2".
  s = substitute_pairs(s, is_period_or_comma, not_digit, [](std::u32string& o, char32_t a, char32_t b) {
    o += ' ', o += a, o += ' ', o += b;
  });
  // Dash after a digit: "\1 \2 ".
  s = substitute_pairs(s, is_digit, is_dash, [](std::u32string& o, char32_t a, char32_t b) {
    o += a, o += ' ', o += b, o += ' ';
  });
  return join_words(s);
}

std::u32string tokenize_intl(std::u32string_view line) {
  auto punctuation = [](char32_t c) { return (unicode_properties(c) & kPunctuation) != 0; };
  auto not_number = [](char32_t c) { return (unicode_properties(c) & kNumber) == 0; };
  // Punctuation preceded by a non-number: "\1 \2 ".
  std::u32string s = substitute_pairs(line, not_number, punctuation, [](std::u32string& o, char32_t a, char32_t b) {
    o += a, o += ' ', o += b, o += ' ';
  });
  // Punctuation followed by a non-number: " \1 \2". A number ending the
  // line keeps its period: the line is not padded, as in mteval-v14.
  s = substitute_pairs(s, punctuation, not_number, [](std::u32string& o, char32_t a, char32_t b) {
    o += ' ', o += a, o += ' ', o += b;
  });
  // Every symbol on its own.
  std::u32string out;
  for (char32_t c : s) {
    if (unicode_properties(c) & kSymbol) {
      out += ' ', out += c, out += ' ';
    } else {
      out += c;
    }
  }
  return join_words(out);
}

std::u32string tokenize(Tokenizer tokenizer, std::u32string_view line) {
  switch (tokenizer) {
    case Tokenizer::k13a: return tokenize_13a(line);
    case Tokenizer::kIntl: return tokenize_intl(line);
    case Tokenizer::kNone: return std::u32string(line);
    case Tokenizer::kChar: {
      // " ".join(line): every character, spaces included, its own token.
      std::u32string out;
      for (char32_t c : line) {
        if (!out.empty()) out.push_back(' ');
        out.push_back(c);
      }
      return out;
    }
  }
  return std::u32string(line);
}

}  // namespace octet::diag
