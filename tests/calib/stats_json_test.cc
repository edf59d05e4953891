// Stats saved as JSON and read back; broken files give one clear line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "calib/observer.h"
#include "support/test_data.h"

namespace octet::calib {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

Stats sample_stats() {
  Stats s;
  s.model = "tiny.tflite";
  s.samples = 4;
  std::mt19937 rng(9);
  std::normal_distribution<float> d(0.3f, 2.f);
  for (const char* name : {"input", "conv/out", "relu"}) {
    TensorStats& t = s.tensors[name];
    t.name = name;
    for (int b = 0; b < 4; ++b) {
      std::vector<float> v(1000);
      for (float& x : v) x = d(rng) * static_cast<float>(b + 1);
      if (std::string(name) == "relu")
        for (float& x : v) x = std::max(x, 0.f);
      accumulate(t, v, {.ema_decay = 0.9, .mask_at_or_below = std::nullopt});
    }
  }
  s.tensors["zeros"].name = "zeros";
  std::vector<float> z(7, 0.f);
  accumulate(s.tensors["zeros"], z);
  s.tensors["unseen"].name = "unseen";
  return s;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string error_of(const fs::path& p) {
  try {
    load_stats(p);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CalibStatsJson, RoundTripGivesEqualStats) {
  const auto dir = testing::temp_dir("calib-json");
  const Stats s = sample_stats();
  save_stats(s, dir / "stats.json");
  const Stats back = load_stats(dir / "stats.json");
  EXPECT_EQ(back.tensors.size(), 5u);
  EXPECT_EQ(back.tensors.at("relu").histogram, s.tensors.at("relu").histogram);
  EXPECT_EQ(back.tensors.at("conv/out").ema_min, s.tensors.at("conv/out").ema_min);
  EXPECT_TRUE(back == s);
  // Ranges from the loaded stats are the same too.
  for (Estimator e : {Estimator::MinMax, Estimator::Percentile, Estimator::Mse, Estimator::Entropy}) {
    const Range a = choose_range(s.tensors.at("conv/out"), {.estimator = e}, 8, false);
    const Range b = choose_range(back.tensors.at("conv/out"), {.estimator = e}, 8, false);
    EXPECT_EQ(a.min, b.min);
    EXPECT_EQ(a.max, b.max);
  }
  // No temporary file is left behind.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
  fs::remove_all(dir);
}

TEST(CalibStatsJson, BrokenFilesNameTheFileAndTheKey) {
  const auto dir = testing::temp_dir("calib-json-bad");
  const fs::path good = dir / "good.json", bad = dir / "bad.json";
  save_stats(sample_stats(), good);
  std::ifstream in(good);
  const nlohmann::json doc = nlohmann::json::parse(in);

  EXPECT_THAT(error_of(dir / "nope.json"), HasSubstr("nope.json: cannot open"));

  std::string text = doc.dump();
  write(bad, text.substr(0, text.size() / 2));
  EXPECT_THAT(error_of(bad), HasSubstr("bad.json: not valid JSON"));

  nlohmann::json j = doc;
  j.erase("version");
  write(bad, j.dump());
  EXPECT_THAT(error_of(bad), HasSubstr("bad.json: missing key 'version'"));

  j = doc;
  j["version"] = 99;
  write(bad, j.dump());
  EXPECT_THAT(error_of(bad), HasSubstr("version 99"));

  j = doc;
  j["tensors"][1].erase("ema_max");
  write(bad, j.dump());
  const std::string name = j["tensors"][1]["name"];
  EXPECT_THAT(error_of(bad), HasSubstr("bad.json: tensor '" + name + "': missing key 'ema_max'"));

  j = doc;
  j["tensors"][0]["histogram"]["counts"][3] = -1;
  write(bad, j.dump());
  EXPECT_THAT(error_of(bad), HasSubstr("counts[3] is -1"));

  j = doc;
  j["tensors"][2]["count"] = 12345;
  write(bad, j.dump());
  EXPECT_THAT(error_of(bad), HasSubstr("but count is 12345"));

  j = doc;
  j["tensors"][0]["min"] = "low";
  write(bad, j.dump());
  EXPECT_THAT(error_of(bad), HasSubstr("key 'min' is string, expected a number"));

  j = doc;
  j["tensors"].push_back(j["tensors"][0]);
  write(bad, j.dump());
  EXPECT_THAT(error_of(bad), HasSubstr("appears twice"));

  j = doc;
  j["format"] = "something else";
  write(bad, j.dump());
  EXPECT_THAT(error_of(bad), HasSubstr("format is 'something else'"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace octet::calib
