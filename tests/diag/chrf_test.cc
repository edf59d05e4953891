// chrF against sacreBLEU's published test values (test/test_chrf.py of
// github.com/mjpost/sacrebleu, tag v2.6.0; EPSILON 1e-4 there and here),
// plus figures from running sacreBLEU 2.6.0's code from its repository on
// the shipped model's test set and on Unicode strings.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "diag/chrf.h"
#include "diag/text.h"
#include "octet/error.h"
#include "support/test_data.h"

namespace octet::diag {
namespace {

using Lines = std::vector<std::string>;
using Streams = std::vector<Lines>;

struct Case {
  Lines hyps, refs;
  double expected;
};

// sacrebleu.corpus_chrf(hyps, [refs], char_order=6, word_order=0, beta=3, ...)
double chrf_beta3(const Case& c, bool eps_smoothing, bool whitespace) {
  ChrfOptions o;
  o.beta = 3;
  o.eps_smoothing = eps_smoothing;
  o.whitespace = whitespace;
  return corpus_chrf(c.hyps, Streams{c.refs}, o).score;
}

// test_chrf.py::test_chrf (test_cases): eps_smoothing=True.
TEST(Chrf, SacrebleuEpsSmoothing) {
  const Case cases[] = {
      {{"abcdefg"}, {"hijklmnop"}, 0.0},
      {{"a"}, {"b"}, 0.0},
      {{""}, {"b"}, 0.0},
      {{""}, {"ref"}, 0.0},
      {{""}, {"reference"}, 0.0},
      {{"aa"}, {"ab"}, 8.3333},
      {{"a", "b"}, {"a", "c"}, 8.3333},
      {{"a"}, {"a"}, 16.6667},
      {{"a b c"}, {"a b c"}, 50.0},
      {{"a b c"}, {"abc"}, 50.0},
      {{" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
       {"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."},
       63.361730},
      {{" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "},
       {"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
       64.1302698},
      {{"Niemand hat die Absicht, eine Mauer zu errichten"}, {"Niemand hat die Absicht, eine Mauer zu errichten"}, 100.0},
  };
  for (const Case& c : cases) EXPECT_NEAR(chrf_beta3(c, true, false), c.expected, 1e-4) << c.hyps[0];
}

// test_chrf.py::test_chrf_eff_order (test_cases_effective_order):
// eps_smoothing=False, sacreBLEU's default.
TEST(Chrf, SacrebleuEffectiveOrder) {
  const Case cases[] = {
      {{"a"}, {"a"}, 100.0},     {{""}, {"reference"}, 0.0}, {{"a b c"}, {"a b c"}, 100.0},
      {{"a b c"}, {"abc"}, 100.0}, {{""}, {"c"}, 0.0},       {{"a", "b"}, {"a", "c"}, 50.0},
      {{"aa"}, {"ab"}, 25.0},
  };
  for (const Case& c : cases) EXPECT_NEAR(chrf_beta3(c, false, false), c.expected, 1e-4) << c.hyps[0];
}

// test_chrf.py::test_chrf_keep_whitespace (test_cases_keep_whitespace):
// remove_whitespace=False.
TEST(Chrf, SacrebleuKeepWhitespace) {
  const Case cases[] = {
      {{"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."},
       {"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
       67.3481606},
      {{"risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
       {"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."},
       65.2414427},
  };
  for (const Case& c : cases) EXPECT_NEAR(chrf_beta3(c, false, true), c.expected, 1e-4) << c.hyps[0];
}

// test_chrf.py::test_chrf_sentence_level (test_sentence_level_chrf):
// sentence_chrf with eps_smoothing=True, beta 2.
TEST(Chrf, SacrebleuSentenceLevel) {
  const std::tuple<const char*, const char*, double> cases[] = {
      {"Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
       "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509},
      {"Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
       "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079},
      {"Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
       "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367},
  };
  ChrfOptions o;
  o.eps_smoothing = true;
  for (const auto& [hyp, ref, expected] : cases) {
    const std::string refs[] = {ref};
    EXPECT_NEAR(sentence_chrf(hyp, refs, o).score, expected, 1e-4) << hyp;
  }
}

// Figures from sacreBLEU 2.6.0 run on the same strings: an umlaut is one
// character (counting UTF-8 bytes gives another score), lowercasing is
// Unicode-aware, chrF++ splits punctuation off words, several references
// pick the best one per segment.
TEST(Chrf, UnicodeChrfPlusPlusAndMultiReferenceAsSacrebleu) {
  EXPECT_NEAR(corpus_chrf(Lines{"Fähre"}, Streams{{"Fahre"}}).score, 32.666666666666664, 1e-9);
  EXPECT_NEAR(corpus_chrf(Lines{"Die Größe ändert sich."}, Streams{{"Die Grösse ändert sich."}}).score,
              73.90720961510117, 1e-9);
  ChrfOptions lc;
  lc.lowercase = true;
  EXPECT_NEAR(corpus_chrf(Lines{"ÜBER DIE BRÜCKE"}, Streams{{"über die Brücke"}}, lc).score, 100.0, 1e-9);
  EXPECT_NEAR(corpus_chrf(Lines{"ÜBER DIE BRÜCKE"}, Streams{{"über die Brücke"}}).score, 1.2820512820512822, 1e-9);

  ChrfOptions plus;
  plus.word_order = 2;
  const ChrfScore pp = corpus_chrf(Lines{"Lapali po dechu, jejich životy skončily dřív, než skutečně začaly."},
                                   Streams{{"Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli."}},
                                   plus);
  EXPECT_EQ(pp.name, "chrF2++");
  EXPECT_NEAR(pp.score, 54.134581828446215, 1e-9);

  // test_bleu.py's README example with its two reference streams.
  const Lines hyps = {"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."};
  const Streams refs = {{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
                        {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."}};
  EXPECT_NEAR(corpus_chrf(hyps, refs).score, 59.72751782684763, 1e-9);
  EXPECT_NEAR(corpus_chrf(hyps, refs, plus).score, 59.15310444399262, 1e-9);
  EXPECT_EQ(chrf_signature(ChrfOptions{}, 2), "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0");
  EXPECT_EQ(chrf_signature(plus, 2), "nrefs:2|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0");
  EXPECT_EQ(format_chrf(corpus_chrf(hyps, refs)), "chrF2 = 59.73");
}

// The shipped model's test set (PyTorch greedy and beam-4 texts of
// reference_pytorch.json vs models/data/test.de): chrF2 and chrF2++ as
// sacreBLEU 2.6.0 computes them (run from its repository on these files).
TEST(ChrfFixture, ShippedModelTestSetAsSacrebleu) {
  const auto folder = testing::source_dir() / "models";
  std::ifstream in(folder / "opus-mt-en-de-octet" / "reference_pytorch.json");
  ASSERT_TRUE(in);
  const auto doc = nlohmann::json::parse(in);
  const Lines ref = read_lines(folder / "data" / "test.de");
  const std::tuple<const char*, double, double> cases[] = {
      {"greedy", 40.47969342317439, 38.22507388683064},
      {"beam4", 41.764411812489556, 39.43226749313183},
  };
  ChrfOptions plus;
  plus.word_order = 2;
  for (const auto& [mode, chrf2, chrf2pp] : cases) {
    Lines hyp;
    for (const auto& item : doc["splits"]["test"][mode]) hyp.push_back(item["text"].get<std::string>());
    EXPECT_NEAR(corpus_chrf(hyp, Streams{ref}).score, chrf2, 1e-9) << mode;
    EXPECT_NEAR(corpus_chrf(hyp, Streams{ref}, plus).score, chrf2pp, 1e-9) << mode;
  }
}

}  // namespace
}  // namespace octet::diag
