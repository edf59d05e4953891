// The 13a tokenizer against sacreBLEU 2.6.0's own Tokenizer13a. Expected
// strings were produced by running sacreBLEU's code from its repository
// (sacrebleu/tokenizers/tokenizer_13a.py at tag v2.6.0, imported from the
// local mirror with /usr/bin/python3), not by octet.
#include <gtest/gtest.h>

#include "diag/text.h"
#include "octet/error.h"
#include "diag/tokenize.h"

namespace octet::diag {
namespace {

std::string tok13a(const std::string& s) { return encode_utf8(tokenize_13a(decode_utf8(s, "test"))); }

TEST(Tokenize13a, MatchesSacrebleu) {
  const std::pair<const char*, const char*> cases[] = {
      {"Hello, world.", "Hello , world ."},
      {"It costs $3.50, or 3,000 yen.", "It costs $ 3.50 , or 3,000 yen ."},
      // One regex pass: "a." matches, the second '.' then pairs with 'b'.
      {"a..b", "a . . b"},
      // A dash after a digit is split off, inside words it stays.
      {"1990-2000 and well-known", "1990 - 2000 and well-known"},
      // Unescapes run in order, so "&amp;lt;" ends as "<".
      {"&amp;lt;tag&gt; &quot;x&quot;", "< tag > \" x \""},
      {"<skipped>skip me", "skip me"},
      {"line-\nbreak\nhere", "linebreak here"},
      {"Größe: 5.", "Größe : 5 ."},
      // Non-ASCII punctuation is not in 13a's classes: » stays on its word.
      {"»Wir müssen die Exemplare vernichten.«", "»Wir müssen die Exemplare vernichten . «"},
      {"(hi) [x] {y} a/b @c #d", "( hi ) [ x ] { y } a / b @ c # d"},
      {"don't stop'", "don't stop'"},
      {"3.-4. x,y 5,", "3 . -4 . x , y 5 ,"},
      {"e.g. U.S.A.", "e . g . U . S . A ."},
  };
  for (const auto& [in, expected] : cases) EXPECT_EQ(tok13a(in), expected) << "input: " << in;
}

// sacreBLEU's TokenizerV14International docstring: a number ending the line
// keeps its period (the line is not padded), separators inside numbers stay,
// symbols of any script stand alone.
TEST(TokenizeIntl, Mteval14Rules) {
  auto intl = [](const std::string& s) { return encode_utf8(tokenize_intl(decode_utf8(s, "test"))); };
  EXPECT_EQ(intl("It happened in 2019."), "It happened in 2019.");
  EXPECT_EQ(intl("Hello, world!"), "Hello , world !");
  EXPECT_EQ(intl("3,000.50€ »gut«"), "3,000.50 € » gut «");
}

TEST(Tokenize, NoneAndChar) {
  EXPECT_EQ(encode_utf8(tokenize(Tokenizer::kNone, U"a,b  c")), "a,b  c");
  // sacreBLEU's TokenizerChar: " ".join(line); an umlaut is one character.
  EXPECT_EQ(encode_utf8(tokenize(Tokenizer::kChar, U"Mä b")), "M ä   b");
  EXPECT_EQ(parse_tokenizer("13a"), Tokenizer::k13a);
  EXPECT_EQ(parse_tokenizer("intl"), Tokenizer::kIntl);
  EXPECT_THROW(parse_tokenizer("zh"), Error);
}

TEST(Text, Utf8DecoderRejectsInvalidBytesNamingTheLine) {
  EXPECT_EQ(decode_utf8("F\xc3\xa4hre \xe2\x82\xac \xf0\x9f\x98\x80", "x"), U"Fähre € 😀");
  for (const char* bad : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x28\xa1"}) {
    try {
      decode_utf8(bad, "hyp.txt:7");
      ADD_FAILURE() << "accepted invalid UTF-8";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("hyp.txt:7: invalid UTF-8"), std::string::npos) << e.what();
    }
  }
}

TEST(Text, PythonWhitespaceAndLowercase) {
  // str.split() splits at U+00A0 and U+3000 too, not at U+200B.
  const auto words = split_words(U" a\u00a0b\u3000c\u200bd\t");
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[2], U"c\u200bd");
  EXPECT_EQ(to_lower(U"ÄÖÜẞ ŁÓDŹ ΑΘΗΝΑ МОСКВА İ"), U"äöüß łódź αθηνα москва i\u0307");
}

}  // namespace
}  // namespace octet::diag
