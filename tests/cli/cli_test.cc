// The CLI as a user runs it: exit codes, one-line errors, files written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "octet/npy.h"
#include "support/test_data.h"

namespace octet {
namespace {

namespace fs = std::filesystem;

struct Result {
  int status;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result octet_cli(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd = std::string(OCTET_BINARY_DIR) + "/octet " + args + " >" + out.string() +
                          " 2>" + err.string();
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

fs::path selfie() { return testing::cache_dir() / "models" / "selfie_segmentation.tflite"; }

TEST(Cli, InspectShowsSignatureOpsAndPrecision) {
  if (!fs::exists(selfie())) GTEST_SKIP() << "run scripts/setup.sh";
  const auto dir = testing::temp_dir("cli-inspect");
  const Result r = octet_cli("inspect " + selfie().string(), dir);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("input_1"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("[1,256,256,3]"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("CUSTOM:Convolution2DTransposeBias v1"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("float16-weights"));

  const Result j = octet_cli("inspect --json " + selfie().string(), dir);
  ASSERT_EQ(j.status, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["op_histogram"]["DEQUANTIZE v2"].get<int>(), 110);
  EXPECT_EQ(doc["signature"]["outputs"][0]["shape"], nlohmann::json({1, 256, 256, 1}));
  fs::remove_all(dir);
}

// Quantize with a recipe file plus a flag that overrides it, then list every
// op's precision: the int16 island and the float edges are where the recipe put them.
TEST(Cli, QuantizeWithARecipeThenInspectEveryOp) {
  if (!fs::exists(selfie())) GTEST_SKIP() << "run scripts/setup.sh";
  const auto dir = testing::temp_dir("cli-quantize-recipe");
  std::ofstream(dir / "r.json") << R"({"mode": "dynamic", "int16": ["conv2d_1"], "estimator": "ema"})";
  const fs::path out = dir / "mixed.tflite";
  const Result q = octet_cli("quantize " + selfie().string() + " " + out.string() + " --random 2 --recipe " +
                                 (dir / "r.json").string() + " --mode int8 --save-recipe " +
                                 (dir / "used.json").string(), dir);
  ASSERT_EQ(q.status, 0) << q.err;
  const auto used = nlohmann::json::parse(slurp(dir / "used.json"));
  EXPECT_EQ(used["mode"], "int8");  // the flag wins over the file
  EXPECT_EQ(used["estimator"], "ema");
  const Result j = octet_cli("inspect --ops --json " + out.string(), dir);
  ASSERT_EQ(j.status, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  std::map<std::string, std::string> precision;
  for (const auto& op : doc["op_list"]) precision[op["output"]["name"]] = op["precision"];
  EXPECT_EQ(precision["conv2d_1"], "int16x8");
  EXPECT_EQ(precision["conv2d"], "int8");
  EXPECT_EQ(precision["conv2d_1/int8"], "int16x8");  // int16 → int8 QUANTIZE after the island
  EXPECT_EQ(precision["activation_10"], "mixed");    // DEQUANTIZE to the float output
  const Result text = octet_cli("inspect --ops " + out.string(), dir);
  EXPECT_THAT(text.out, ::testing::HasSubstr("op list"));
  fs::remove_all(dir);
}

TEST(Cli, BadFileGivesOneErrorLineAndExitStatus1) {
  if (!fs::exists(selfie())) GTEST_SKIP() << "run scripts/setup.sh";
  const auto dir = testing::temp_dir("cli-bad");
  const std::string bytes = slurp(selfie());
  {
    std::ofstream f(dir / "cut.tflite", std::ios::binary);
    f.write(bytes.data(), 5000);
  }
  for (const std::string& cmd : {std::string("inspect"), "run --random-inputs 1 --output-dir " + (dir / "o").string()}) {
    const Result r = octet_cli(cmd + " " + (dir / "cut.tflite").string(), dir);
    EXPECT_EQ(r.status, 1) << cmd;
    EXPECT_THAT(r.err, ::testing::StartsWith("octet: error: "));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr("cut.tflite"));
    EXPECT_FALSE(fs::exists(dir / "o" / "output_0.npy"));
  }
  const Result missing = octet_cli("inspect " + (dir / "nope.tflite").string(), dir);
  EXPECT_EQ(missing.status, 1);
  EXPECT_THAT(missing.err, ::testing::HasSubstr("cannot open"));
  fs::remove_all(dir);
}

TEST(Cli, RunIsDeterministicAndCompareSeesDifferences) {
  if (!fs::exists(selfie())) GTEST_SKIP() << "run scripts/setup.sh";
  const auto dir = testing::temp_dir("cli-run");
  const std::string model = selfie().string();
  Result a = octet_cli("run " + model + " --random-inputs 7 --output-dir " + (dir / "a").string() + " --repeat 2", dir);
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_THAT(a.out, ::testing::HasSubstr("latency_ms median="));
  // The same inputs, given by name this time.
  Result b = octet_cli("run " + model + " --input input_1=" + (dir / "a" / "inputs" / "input_0.npy").string() +
                           " --output-dir " + (dir / "b").string(), dir);
  ASSERT_EQ(b.status, 0) << b.err;
  Result same = octet_cli("compare " + (dir / "a").string() + " " + (dir / "b").string() + " --tolerance 0", dir);
  EXPECT_EQ(same.status, 0) << same.out;
  EXPECT_THAT(same.out, ::testing::HasSubstr("identical"));
  Result c = octet_cli("run " + model + " --random-inputs 8 --output-dir " + (dir / "c").string(), dir);
  ASSERT_EQ(c.status, 0) << c.err;
  Result diff = octet_cli("compare " + (dir / "c").string() + " " + (dir / "a").string(), dir);
  EXPECT_EQ(diff.status, 1) << diff.out;
  EXPECT_THAT(diff.out, ::testing::HasSubstr("MISMATCH"));
  // Wrong input name: the error lists the real ones.
  Result bad = octet_cli("run " + model + " --input nosuch=x.npy --output-dir " + (dir / "d").string(), dir);
  EXPECT_EQ(bad.status, 1);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("input_1"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace octet
