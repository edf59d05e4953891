// `octet eval` as a user runs it: the lines sacreBLEU prints, JSON, and one
// error line with exit status 1 for files that do not fit together.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "support/test_data.h"

namespace octet {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Result {
  int status;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
}

Result octet_eval(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd =
      std::string(OCTET_BINARY_DIR) + "/octet eval " + args + " >" + out.string() + " 2>" + err.string();
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

// sacreBLEU's README example (test/test_bleu.py's _hyps and _refs); the
// expected lines are what sacreBLEU 2.6.0 prints for them. The hypothesis
// file has Windows line ends and no final newline: sacreBLEU right-strips
// every line, so the scores do not change.
TEST(CliEval, PrintsSacrebleuLinesAndSignatures) {
  const auto dir = testing::temp_dir("cli-eval");
  write(dir / "hyp.txt", "The dog bit the man.\r\nIt wasn't surprising.\r\nThe man had just bitten him.");
  write(dir / "ref1.txt", "The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n");
  write(dir / "ref2.txt", "The dog had bit the man.\nNo one was surprised.\nThe man had bitten the dog.\n");
  const std::string files = "--hyp " + (dir / "hyp.txt").string() + " --ref " + (dir / "ref1.txt").string() +
                            " --ref " + (dir / "ref2.txt").string();
  const Result r = octet_eval(files, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n"
            "  signature: nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0\n"
            "chrF2 = 59.73\n"
            "  signature: nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0\n");

  const Result j = octet_eval(files + " --metrics bleu --json", dir);
  ASSERT_EQ(j.status, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["name"], "BLEU");
  EXPECT_EQ(doc["score"].get<double>(), 48.53);
  EXPECT_EQ(doc["tok"], "13a");
  EXPECT_EQ(doc["nrefs"], "2");
  EXPECT_EQ(doc["verbose_score"], "82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");

  const Result both = octet_eval(files + " --json --chrf-word-order 2", dir);
  ASSERT_EQ(both.status, 0) << both.err;
  const auto arr = nlohmann::json::parse(both.out);
  ASSERT_EQ(arr.size(), 2u);
  EXPECT_EQ(arr[1]["name"], "chrF2++");
  EXPECT_EQ(arr[1]["score"].get<double>(), 59.15);  // sacreBLEU 2.6.0: 59.15310444399262
  fs::remove_all(dir);
}

TEST(CliEval, LineCountMismatchNamesBothFilesAndCounts) {
  const auto dir = testing::temp_dir("cli-eval-count");
  write(dir / "hyp.txt", "a\nb\nc\n");
  write(dir / "ref.txt", "a\nb\n");
  const Result r = octet_eval("--hyp " + (dir / "hyp.txt").string() + " --ref " + (dir / "ref.txt").string(), dir);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "octet: error: " + (dir / "hyp.txt").string() + " has 3 lines but " + (dir / "ref.txt").string() +
                       " has 2: every reference file needs one line per hypothesis\n");
  fs::remove_all(dir);
}

TEST(CliEval, BadInputsGiveOneErrorLine) {
  const auto dir = testing::temp_dir("cli-eval-bad");
  write(dir / "hyp.txt", "gut\nschlecht \xc3\n");
  write(dir / "ref.txt", "gut\nschlecht\n");
  const std::string files = "--hyp " + (dir / "hyp.txt").string() + " --ref " + (dir / "ref.txt").string();
  Result r = octet_eval(files, dir);
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.err, HasSubstr("octet: error: " + (dir / "hyp.txt").string() + ":2: invalid UTF-8"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);

  write(dir / "hyp.txt", "gut\nschlecht\n");
  r = octet_eval(files + " --metrics bleu,ter", dir);
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown metric 'ter'"));
  r = octet_eval("--hyp " + (dir / "missing.txt").string() + " --ref " + (dir / "ref.txt").string(), dir);
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.err, HasSubstr("missing.txt: cannot open"));
  fs::remove_all(dir);
}

// The shipped model's PyTorch greedy translations against the test set:
// the BLEU line sacreBLEU 2.6.0 prints for these files (19.39 is also the
// figure reference_pytorch.json records from training/bleu.py).
TEST(CliEval, ShippedModelGreedyTranslations) {
  const auto dir = testing::temp_dir("cli-eval-fixture");
  std::ifstream in(testing::source_dir() / "models" / "opus-mt-en-de-octet" / "reference_pytorch.json");
  ASSERT_TRUE(in);
  const auto doc = nlohmann::json::parse(in);
  std::string hyp;
  for (const auto& item : doc["splits"]["test"]["greedy"]) hyp += item["text"].get<std::string>() + "\n";
  write(dir / "greedy.de", hyp);
  const Result r = octet_eval("--hyp " + (dir / "greedy.de").string() + " --ref " +
                                  (testing::source_dir() / "models" / "data" / "test.de").string(),
                              dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("BLEU = 19.39 48.9/25.4/15.9/10.6 (BP = 0.908 ratio = 0.912 hyp_len = 13463 "
                               "ref_len = 14766)\n"));
  EXPECT_THAT(r.out, HasSubstr("chrF2 = 40.48\n"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace octet
