// The word tokenizers BLEU runs before counting n-grams, as sacreBLEU 2.x
// defines them (sacrebleu/tokenizers/): 13a (its default, mteval-v13a.pl's
// rules), intl (mteval-v14's international rules on Unicode categories),
// none, and char.
#pragma once

#include <string>
#include <string_view>

namespace octet::diag {

enum class Tokenizer { k13a, kNone, kChar, kIntl };

// The name sacreBLEU's signature uses ("13a", "intl", "none", "char").
std::string_view tokenizer_name(Tokenizer tokenizer);
// Throws octet::Error naming the known tokenizers for an unknown name.
Tokenizer parse_tokenizer(std::string_view name);

// Returns the tokens of `line` separated by single spaces.
std::u32string tokenize(Tokenizer tokenizer, std::u32string_view line);
std::u32string tokenize_13a(std::u32string_view line);
std::u32string tokenize_intl(std::u32string_view line);

}  // namespace octet::diag
