// The doctor end to end on the shipped model (a slice of its test set): the
// naive row collapses and the verdict says why, octet's int8 row stays near
// fp32 with every op int8, the boundary rows show what the bridge is for, and
// report.json / report.html are written.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <stb/stb_image.h>

#include <cmath>
#include <tuple>

#include "diag/doctor.h"
#include "diag/doctor_html.h"
#include "seq2seq/marian_fixture.h"
#include "support/process.h"

namespace octet::diag {
namespace {

const RowResult& row(const DoctorReport& r, const std::string& name) {
  for (const RowResult& x : r.rows)
    if (x.name == name) return x;
  throw std::runtime_error("no row " + name);
}

TEST(DoctorHtml, EscapesTextAndDrawsBars) {
  EXPECT_EQ(html_escape("<script>&'\""), "&lt;script&gt;&amp;&#39;&quot;");
  const std::string svg = svg_bars("t<1>", {{"a", 2.0}, {"b", NAN}, {"c", 1.0}}, "#123456", 1.5);
  EXPECT_NE(svg.find("t&lt;1&gt;"), std::string::npos);
  EXPECT_NE(svg.find("n/a"), std::string::npos);
  size_t bars = 0;
  for (size_t p = 0; (p = svg.find("class=\"bar\"", p)) != std::string::npos; ++p) ++bars;
  EXPECT_EQ(bars, 2u);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
}

TEST(DoctorSlow, LadderOnTheShippedModel) {
  const auto data = testing::source_dir() / "models" / "data";
  DoctorOptions o;
  o.model = testing::marian_imported_dir();
  o.test_src = data / "test.en";
  o.test_ref = data / "test.de";
  o.calib_src = data / "dev.en";
  o.calib_tgt = data / "dev.de";
  o.lines = 40;
  o.calib_sentences = 32;
  o.sensitivity_sources = 20;
  o.rows = {"naive-int8", "octet-int8", "boundary"};
  o.out = testing::temp_dir("doctor");
  o.quiet = true;
  const DoctorReport r = run_doctor(o);
  const RowResult& fp32 = row(r, "fp32");
  const RowResult& naive = row(r, "naive-int8");
  const RowResult& octet = row(r, "octet-int8");
  ASSERT_TRUE(naive.failure.empty()) << naive.failure;
  ASSERT_TRUE(octet.failure.empty()) << octet.failure;
  std::printf("[ figure ] doctor, 40 sentences: fp32 %.2f, naive-int8 %.2f, octet-int8 %.2f, raw boundary %.2f, "
              "bridged %.2f; sensitivity fp32 %.3f naive %.3f octet %.3f\n",
              fp32.bleu, naive.bleu, octet.bleu, row(r, "int8-raw-boundary").bleu,
              row(r, "int8-bridged-boundary").bleu, fp32.first_step.sensitivity, naive.first_step.sensitivity,
              octet.first_step.sensitivity);
  EXPECT_LT(naive.bleu, 0.1 * fp32.bleu);
  EXPECT_LT(naive.first_step.sensitivity, 0.8 * fp32.first_step.sensitivity);
  EXPECT_GE(octet.first_step.sensitivity, 0.8 * fp32.first_step.sensitivity);
  EXPECT_NEAR(octet.bleu, fp32.bleu, 1.5);  // 40 sentences: the full-set figure is in the README
  EXPECT_EQ(octet.precision.size(), 1u);
  EXPECT_EQ(octet.precision.count("int8"), 1u);
  EXPECT_LT(row(r, "int8-raw-boundary").bleu, 0.5 * fp32.bleu);
  EXPECT_GT(row(r, "int8-bridged-boundary").bleu, 0.8 * fp32.bleu);
  std::string verdict;
  for (const auto& v : r.verdict) verdict += v + "\n";
  EXPECT_NE(verdict.find("naive-int8 collapses"), std::string::npos) << verdict;
  EXPECT_NE(verdict.find("additive attention mask"), std::string::npos) << verdict;
  EXPECT_NE(verdict.find("start token alone"), std::string::npos) << verdict;
  const nlohmann::json j = report_json(r, o);
  EXPECT_EQ(j["rows"].size(), r.rows.size());
  EXPECT_FALSE(j["details"]["mask_dominated"].empty());
  const std::string html = doctor_html(r, o);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("naive-int8"), std::string::npos);
}

}  // namespace
}  // namespace octet::diag

namespace octet::diag {
namespace {

// report.html in headless Chromium (Debian's, installed by scripts/setup.sh):
// a screenshot must show the bar charts, counted by their two colours.
TEST(DoctorBrowserSlow, ReportRendersItsPlotsInHeadlessChromium) {
  const std::filesystem::path chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) GTEST_SKIP() << "chromium not installed: run scripts/setup.sh";
  DoctorReport r;
  for (const auto& [name, bleu, sens] : std::vector<std::tuple<std::string, double, double>>{
           {"fp32", 19.4, 0.65}, {"naive-int8", 0.6, 0.31}, {"octet-int8", 19.3, 0.65}}) {
    RowResult row;
    row.name = name;
    row.bleu = bleu;
    row.first_step.sensitivity = sens;
    row.precision["int8"] = 352;
    if (name != "fp32")
      for (int k = 0; k < 200; ++k)  // two rows apart: naive low, octet high
        row.decoder_sqnr.emplace_back("t" + std::to_string(k), (name == "naive-int8" ? 0 : 35) + (k * 37 % 20));
    r.rows.push_back(row);
  }
  r.verdict = {"naive-int8 collapses"};
  const auto dir = testing::temp_dir("doctor_browser");
  std::ofstream(dir / "report.html") << doctor_html(r, DoctorOptions{});
  const auto png = dir / "shot.png", log = dir / "chromium.log";
  const int status = testing::run_process(
      {chromium.string(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--user-data-dir=" + (dir / "profile").string(), "--window-size=1000,1800", "--screenshot=" + png.string(),
       "file://" + (dir / "report.html").string()},
      log, log, std::chrono::minutes(2), "chromium");
  ASSERT_EQ(status, 0) << testing::read_text(log);
  int w = 0, h = 0, c = 0;
  unsigned char* pixels = stbi_load(png.c_str(), &w, &h, &c, 3);
  ASSERT_NE(pixels, nullptr) << png;
  auto near = [](const unsigned char* p, int r, int g, int b) {
    return std::abs(p[0] - r) < 12 && std::abs(p[1] - g) < 12 && std::abs(p[2] - b) < 12;
  };
  size_t blue = 0, orange = 0, green = 0, red = 0;
  for (int i = 0; i < w * h; ++i) {
    blue += near(pixels + 3 * i, 0x3b, 0x7d, 0xd8);
    orange += near(pixels + 3 * i, 0xd8, 0x79, 0x3b);
    green += near(pixels + 3 * i, 0x2a, 0x9d, 0x4b);
    red += near(pixels + 3 * i, 0xc0, 0x39, 0x2b);
  }
  stbi_image_free(pixels);
  std::printf("[ figure ] report.html in Chromium: %dx%d screenshot, %zu BLEU-bar pixels, %zu sensitivity-bar "
              "pixels, %zu and %zu pixels of the two SQNR lines\n", w, h, blue, orange, green, red);
  // Three bars of 16 px each, the shortest (0.6 of 19.4 of 420 px) 13 px wide.
  EXPECT_GT(blue, 3000u);
  EXPECT_GT(orange, 3000u);
  EXPECT_GT(green, 500u);  // two 200-point lines across 760 px, plus their legend squares
  EXPECT_GT(red, 500u);
}

}  // namespace
}  // namespace octet::diag
