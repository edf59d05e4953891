// BLEU against sacreBLEU's published test values. Each case names the file
// and test of sacreBLEU's repository (github.com/mjpost/sacrebleu, tag
// v2.6.0) it comes from, with that test's tolerance.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "diag/bleu.h"
#include "diag/text.h"
#include "octet/error.h"
#include "support/test_data.h"

namespace octet::diag {
namespace {

using Lines = std::vector<std::string>;
using Streams = std::vector<Lines>;

// test/test_bleu.py: _refs and _hyps (the README example).
const Streams kRefs = {
    {"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
    {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
};
const Lines kHyps = {"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."};

// sacrebleu.raw_corpus_bleu (sacrebleu/compat.py): no tokenization, floor
// smoothing, effective order.
BleuOptions raw_options(std::optional<double> floor_value) {
  BleuOptions o;
  o.tokenizer = Tokenizer::kNone;
  o.smoothing = Smoothing::kFloor;
  o.smooth_value = floor_value;
  o.effective_order = true;
  return o;
}

BleuStats make_stats(std::vector<int64_t> correct, std::vector<int64_t> total, int64_t sys_len, int64_t ref_len) {
  return {sys_len, ref_len, std::move(correct), std::move(total)};
}

// test_bleu.py::test_raw_bleu (test_raw_bleu_cases), EPSILON 1e-8 on score/100.
TEST(Bleu, SacrebleuRawBleu) {
  EXPECT_NEAR(corpus_bleu(Lines{"this is a test", "another test"}, Streams{{"ref1", "ref2"}}, raw_options(0.01)).score / 100,
              0.0, 1e-8);
  EXPECT_NEAR(corpus_bleu(Lines{"this is a test"}, Streams{{"this is a test"}}, raw_options(0.01)).score / 100, 1.0, 1e-8);
  EXPECT_NEAR(corpus_bleu(Lines{"this is a fest"}, Streams{{"this is a test"}}, raw_options(0.01)).score / 100,
              0.223606797749979, 1e-8);
}

// test_bleu.py::test_corpus_bleu (test_corpus_bleu_cases), EPSILON 1e-8.
TEST(Bleu, SacrebleuCorpusBleu) {
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs).score, 48.530827, 1e-8);  // default settings
  EXPECT_NEAR(corpus_bleu(Lines{"", "", ""}, kRefs).score, 0.0, 1e-8);  // empty hypotheses kept
  BleuOptions none;
  none.tokenizer = Tokenizer::kNone;
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs, none).score, 49.1919566, 1e-8);
  BleuOptions tok13a;
  tok13a.tokenizer = Tokenizer::k13a;
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs, tok13a).score, 48.530827, 1e-8);
  BleuOptions no_smoothing;
  no_smoothing.smoothing = Smoothing::kNone;
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs, no_smoothing).score, 48.530827, 1e-8);
  BleuOptions intl;
  intl.tokenizer = Tokenizer::kIntl;
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs, intl).score, 43.91623493, 1e-8);
}

// test_bleu.py::test_effective_order (test_case_effective_order), EPSILON 1e-8.
TEST(Bleu, SacrebleuEffectiveOrder) {
  EXPECT_NEAR(corpus_bleu(Lines{"test"}, Streams{{"a test"}}, raw_options(0.01)).score / 100, 0.3678794411714425, 1e-8);
  EXPECT_NEAR(corpus_bleu(Lines{"a test"}, Streams{{"a test"}}, raw_options(0.01)).score / 100, 1.0, 1e-8);
  EXPECT_NEAR(corpus_bleu(Lines{"a little test"}, Streams{{"a test"}}, raw_options(0.01)).score / 100,
              0.03218297948685433, 1e-8);
}

// test_bleu.py::test_statistics (test_case_statistics).
TEST(Bleu, SacrebleuStatistics) {
  const BleuScore s =
      corpus_bleu(Lines{"am I am a character sequence"}, Streams{{"I am a symbol string sequence a a"}}, raw_options(0.01));
  EXPECT_EQ(s.counts, (std::vector<int64_t>{4, 2, 1, 0}));
  EXPECT_EQ(s.totals, (std::vector<int64_t>{6, 5, 4, 3}));
}

// test_bleu.py::test_scoring (test_case_scoring): compute_bleu's default
// smoothing is 'none'.
TEST(Bleu, SacrebleuScoring) {
  BleuOptions o;
  o.smoothing = Smoothing::kNone;
  EXPECT_NEAR(compute_bleu(make_stats({9, 7, 5, 3}, {10, 8, 6, 4}, 11, 11), o).score / 100, 0.8375922397, 1e-8);
}

// test_bleu.py::test_offset (test_case_offset).
TEST(Bleu, SacrebleuOffset) {
  const Lines hyp = {"am I am a character sequence"};
  const Streams ref = {{"I am a symbol string sequence a a"}};
  EXPECT_NEAR(corpus_bleu(hyp, ref, raw_options(0.0)).score / 100, 0.0, 1e-8);
  EXPECT_NEAR(corpus_bleu(hyp, ref, raw_options(std::nullopt)).score / 100, 0.1555722182, 1e-8);  // default 0.1
  EXPECT_NEAR(corpus_bleu(hyp, ref, raw_options(0.1)).score / 100, 0.1555722182, 1e-8);
}

// test_bleu.py::test_degenerate_statistics (test_case_degenerate_stats):
// floor smoothing, the score must be exactly 0.
TEST(Bleu, SacrebleuDegenerateStatistics) {
  struct Case {
    BleuStats stats;
    double offset;
  };
  const Case cases[] = {
      {make_stats({0, 0, 0, 0}, {4, 4, 2, 1}, 0, 1), 0.0},  {make_stats({0, 0, 0, 0}, {10, 11, 12, 0}, 14, 10), 0.0},
      {make_stats({0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0), 0.0},  {make_stats({6, 5, 4, 0}, {6, 5, 4, 3}, 6, 6), 0.0},
      {make_stats({0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0), 0.1},  {make_stats({0, 0, 0, 0}, {0, 0, 0, 0}, 1, 5), 0.01},
  };
  for (const Case& c : cases) {
    BleuOptions o;
    o.smoothing = Smoothing::kFloor;
    o.smooth_value = c.offset;
    EXPECT_EQ(compute_bleu(c.stats, o).score, 0.0);
  }
}

// test_bleu.py::test_max_ngram_order (test_bleu_max_order): compared as
// the two-decimal strings sacreBLEU prints.
TEST(Bleu, SacrebleuMaxNgramOrder) {
  const std::pair<int, const char*> cases[] = {{1, "77.65"}, {2, "60.50"}, {3, "53.93"},
                                               {4, "48.53"}, {5, "46.14"}, {6, "43.28"}};
  for (const auto& [order, expected] : cases) {
    BleuOptions o;
    o.max_order = order;
    EXPECT_EQ(fmt::format("{:.2f}", corpus_bleu(kHyps, kRefs, o).score), expected) << "order " << order;
  }
}

// test/test_sentence_bleu.py (example from sacreBLEU issue #98):
// test_compat_sentence_bleu and test_api_sentence_bleu compute the same
// thing (effective order on), EPSILON 1e-3.
TEST(Bleu, SacrebleuSentenceBleu) {
  const std::string ref = "producţia de zahăr brut se exprimă în zahăr alb;";
  const std::string sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
  struct Case {
    Smoothing smoothing;
    std::optional<double> value;
    bool lowercase;
    Tokenizer tokenizer;
    double expected;
  };
  const Case cases[] = {
      {Smoothing::kExp, std::nullopt, false, Tokenizer::k13a, 8.493},
      {Smoothing::kNone, std::nullopt, false, Tokenizer::k13a, 0.0},
      {Smoothing::kFloor, std::nullopt, false, Tokenizer::k13a, 4.51688},  // defaults to 0.1
      {Smoothing::kFloor, 0.1, false, Tokenizer::k13a, 4.51688},
      {Smoothing::kFloor, 0.5, false, Tokenizer::k13a, 10.10},
      {Smoothing::kAddK, std::nullopt, false, Tokenizer::k13a, 14.882},  // defaults to 1
      {Smoothing::kAddK, 1, false, Tokenizer::k13a, 14.882},
      {Smoothing::kAddK, 2, false, Tokenizer::k13a, 21.389},
      {Smoothing::kExp, std::nullopt, false, Tokenizer::kNone, 7.347},
      {Smoothing::kExp, std::nullopt, false, Tokenizer::kIntl, 8.493},
      {Smoothing::kExp, std::nullopt, false, Tokenizer::kChar, 40.8759},
      {Smoothing::kExp, std::nullopt, true, Tokenizer::kChar, 42.0267},
  };
  for (const Case& c : cases) {
    BleuOptions o = sentence_bleu_options();
    o.smoothing = c.smoothing;
    o.smooth_value = c.value;
    o.lowercase = c.lowercase;
    o.tokenizer = c.tokenizer;
    const std::string refs[] = {ref};
    EXPECT_NEAR(sentence_bleu(sys, refs, o).score, c.expected, 1e-3)
        << bleu_signature(o, 1);
  }
}

// test_sentence_bleu.py::test_api_sentence_bleu_zero (issue #141): no
// match at any order is 0 whatever the smoothing.
TEST(Bleu, SacrebleuSentenceBleuZero) {
  const std::string refs[] = {"okay thanks"};
  for (Smoothing sm : {Smoothing::kExp, Smoothing::kNone, Smoothing::kFloor, Smoothing::kAddK}) {
    for (std::optional<double> value : {std::optional<double>(), std::optional<double>(sm == Smoothing::kFloor ? 0.1 : 1)}) {
      BleuOptions o = sentence_bleu_options();
      o.smoothing = sm;
      o.smooth_value = value;
      EXPECT_NEAR(sentence_bleu("this is a cat", refs, o).score, 0.0, 1e-3);
    }
  }
}

// The text line and the signature as sacreBLEU prints them. Expected text
// from running sacreBLEU 2.6.0 (the repository mirror) on test_bleu.py's
// README example and on "The cat sat on the mat." (sacreBLEU's README).
TEST(Bleu, FormatAndSignatureAsSacrebleu) {
  EXPECT_EQ(format_bleu(corpus_bleu(kHyps, kRefs)),
            "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
  EXPECT_EQ(bleu_signature(BleuOptions{}, 2), "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  BleuOptions floor;
  floor.smoothing = Smoothing::kFloor;
  EXPECT_EQ(bleu_signature(floor, 2), "nrefs:2|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:2.6.0");
  const std::string refs[] = {"The cat is on the mat."};
  EXPECT_EQ(format_bleu(sentence_bleu("The cat sat on the mat.", refs)),
            "BLEU = 48.89 85.7/66.7/40.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)");
}

// Unicode and lowercasing, expected figures from sacreBLEU 2.6.0 run on
// the same strings.
TEST(Bleu, UnicodeAndLowercaseAsSacrebleu) {
  BleuOptions lc;
  lc.lowercase = true;
  EXPECT_EQ(format_bleu(corpus_bleu(Lines{"DIE GRÖSSE ÄNDERT SICH."}, Streams{{"Die Größe ändert sich."}}, lc)),
            "BLEU = 42.73 80.0/50.0/33.3/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 5 ref_len = 5)");
  EXPECT_EQ(format_bleu(corpus_bleu(Lines{"Die Größe ändert sich."}, Streams{{"Die Größe ändert sich nicht."}})),
            "BLEU = 57.89 100.0/75.0/66.7/50.0 (BP = 0.819 ratio = 0.833 hyp_len = 5 ref_len = 6)");
}

TEST(Bleu, ErrorsNameTheLine) {
  try {
    corpus_bleu(Lines{"ok", "bad \xff"}, Streams{{"ok", "ok"}});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hypothesis line 2: invalid UTF-8"), std::string::npos) << e.what();
  }
  EXPECT_THROW(corpus_bleu(Lines{"a", "b"}, Streams{{"a"}}), Error);
}

// The shipped model's test set: PyTorch greedy and beam-4 texts recorded in
// reference_pytorch.json against models/data/test.de. The file records the
// corpus BLEU of training/bleu.py (19.39 greedy, 20.41 beam 4); the n-gram
// counts and lengths were printed by training/bleu.py on the same files and
// agree with sacreBLEU 2.6.0 run from its repository.
struct FixtureCase {
  const char* mode;
  const char* recorded_key;
  int64_t sys_len, ref_len;
  std::vector<int64_t> counts, totals;
};

TEST(BleuFixture, ShippedModelTestSetAsTrainingBleuPy) {
  const auto folder = testing::source_dir() / "models";
  const auto json_path = folder / "opus-mt-en-de-octet" / "reference_pytorch.json";
  std::ifstream in(json_path);
  ASSERT_TRUE(in) << json_path;
  const auto doc = nlohmann::json::parse(in);
  const Lines ref = read_lines(folder / "data" / "test.de");
  const FixtureCase cases[] = {
      {"greedy", "bleu_greedy", 13463, 14766, {6584, 3046, 1688, 982}, {13463, 12005, 10610, 9303}},
      {"beam4", "bleu_beam4", 13153, 14766, {6687, 3192, 1799, 1047}, {13153, 11695, 10281, 8962}},
  };
  for (const FixtureCase& c : cases) {
    const auto& split = doc["splits"]["test"];
    Lines hyp;
    for (const auto& item : split[c.mode]) hyp.push_back(item["text"].get<std::string>());
    ASSERT_EQ(hyp.size(), ref.size());
    const BleuScore s = corpus_bleu(hyp, Streams{ref});
    const double recorded = split[c.recorded_key].get<double>();
    EXPECT_EQ(fmt::format("{:.2f}", s.score), fmt::format("{:.2f}", recorded)) << c.mode;
    EXPECT_EQ(s.sys_len, c.sys_len) << c.mode;
    EXPECT_EQ(s.ref_len, c.ref_len) << c.mode;
    EXPECT_EQ(s.counts, c.counts) << c.mode;
    EXPECT_EQ(s.totals, c.totals) << c.mode;
  }
}

}  // namespace
}  // namespace octet::diag
