// Unicode Character Database facts the metrics need, as tables generated
// from UnicodeData.txt (Unicode 15.0; src/diag/gen_unicode_tables.pl):
// which code points are punctuation, symbols, numbers (sacreBLEU's 'intl'
// tokenizer), cased or case-ignorable (Python's final-sigma rule), and the
// simple lowercase mapping (Python's str.lower()).
#pragma once

#include <cstdint>
#include <vector>

namespace octet::diag {

enum UnicodeProperty : uint8_t {
  kPunctuation = 1,     // general category P*
  kSymbol = 2,          // S*
  kNumber = 4,          // N*
  kCased = 8,           // Lu, Ll, Lt
  kCaseIgnorable = 16,  // Mn, Me, Cf, Lm, Sk and the word-internal quotes and stops
};

struct PropertyRange {
  char32_t first, last;
  uint8_t mask;  // UnicodeProperty bits
};
struct LowercaseRange {
  char32_t first, last;  // uppercase code points first, first + stride, ... last
  int32_t stride;
  int32_t delta;  // lowercase = code point + delta
};

extern const std::vector<PropertyRange> kPropertyRanges;    // sorted, disjoint
extern const std::vector<LowercaseRange> kLowercaseRanges;  // sorted, disjoint

uint8_t unicode_properties(char32_t c);
// Unicode's simple lowercase mapping (UnicodeData.txt field 13).
char32_t simple_lowercase(char32_t c);

}  // namespace octet::diag
