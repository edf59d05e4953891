// Calibration end to end: real MediaPipe models on real photos, the CLI on a
// data folder made here, and the progress bar.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cmath>
#include <ctime>
#include <fstream>

#include "calib/calibrate.h"
#include "calib/estimators.h"
#include "calib/progress.h"
#include "octet/npy.h"
#include "support/photos.h"
#include "support/test_data.h"

namespace octet::calib {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

fs::path selfie() { return testing::cache_dir() / "models" / "selfie_segmentation.tflite"; }

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The three photos as selfie_segmentation inputs ([1,256,256,3], [0, 1], as
// MediaPipe feeds it), one .npy each, straight in `dir`.
bool write_photo_samples(const fs::path& dir, size_t count = 3) {
  const char* names[] = {"astronaut.png", "chelsea.png", "coffee.png"};
  for (size_t i = 0; i < count; ++i) {
    const fs::path photo = testing::photo_path(names[i]);
    if (!fs::exists(photo)) return false;
    const std::vector<float> v = testing::load_photo_nhwc(photo, 256, 256, 3, 0.f, 1.f);
    write_npy(dir / fmt::format("{:03}.npy", i), NpyArray::of<float>(v, {1, 256, 256, 3}));
  }
  return true;
}

void expect_sane(const Stats& stats) {
  for (const auto& [name, t] : stats.tensors) {
    SCOPED_TRACE(name);
    EXPECT_GT(t.count, 0u);
    EXPECT_EQ(t.nonfinite, 0u);
    EXPECT_TRUE(std::isfinite(t.min) && std::isfinite(t.max));
    EXPECT_LE(t.min, t.max);
    EXPECT_EQ(t.histogram.total(), t.count);
    for (Estimator e : kAllEstimators)
      for (bool sym : {false, true}) {
        const Range r = choose_range(t, {.estimator = e}, 8, sym);
        ASSERT_TRUE(std::isfinite(r.min) && std::isfinite(r.max)) << estimator_name(e);
        ASSERT_LE(r.min, 0.f);
        ASSERT_GE(r.max, 0.f);
        ASSERT_LT(r.min, r.max);
      }
  }
}

TEST(CalibMediaPipe, SelfieSegmentationOnPhotos) {
  if (!fs::exists(selfie())) GTEST_SKIP() << "run scripts/setup.sh";
  const fs::path dir = testing::temp_dir("calib-selfie");
  if (!write_photo_samples(dir)) GTEST_SKIP() << "no photos: run scripts/setup.sh";
  const Model model = load_model(selfie());
  auto data = open_data(model, dir);
  ASSERT_EQ(data->size(), 3u);

  // The same invokes without the observer, for its cost (one thread each).
  Interpreter plain(model, 0, {.fold_constants = true, .num_threads = 1});
  const double p0 = cpu_seconds();
  for (size_t i = 0; i < data->size(); ++i) {
    plain.set_input(0, data->read(i).inputs[0]);
    plain.invoke();
  }
  const double plain_s = cpu_seconds() - p0;

  size_t calls = 0;
  const double c0 = cpu_seconds();
  const Stats stats = calibrate(model, *data, {.num_threads = 1, .model_name = "selfie_segmentation.tflite",
                                               .progress = [&](size_t done, size_t total) {
                                                 ++calls;
                                                 EXPECT_EQ(done, calls);
                                                 EXPECT_EQ(total, 3u);
                                               }});
  const double calib_s = cpu_seconds() - c0;
  EXPECT_EQ(calls, 3u);
  EXPECT_EQ(stats.samples, 3u);
  uint64_t values = 0;
  for (const auto& [name, t] : stats.tensors) values += t.count;
  // The graph's input and its output are there, by name.
  EXPECT_TRUE(stats.tensors.contains("input_1"));
  EXPECT_TRUE(stats.tensors.contains("segment"));
  EXPECT_EQ(stats.tensors.at("input_1").count, 3u * 256 * 256 * 3);
  EXPECT_GE(stats.tensors.at("input_1").min, 0.0);
  EXPECT_LE(stats.tensors.at("input_1").max, 1.0);
  expect_sane(stats);
  const double per_million = (calib_s - plain_s) * 1000 / (static_cast<double>(values) / 1e6);
  std::printf("[ figure ] selfie_segmentation, 3 photos: %zu tensors observed, %.2f M values per sample\n",
              stats.tensors.size(), static_cast<double>(values) / 3e6);
  std::printf("[ figure ] CPU time per sample: %.1f ms calibrating, %.1f ms plain invoke; observer %.2f ms per million values\n",
              calib_s * 1000 / 3, plain_s * 1000 / 3, per_million);
  for (const char* name : {"input_1", "segment"}) {
    const TensorStats& t = stats.tensors.at(name);
    const Range p = choose_range(t, {.estimator = Estimator::Percentile}, 8, false);
    std::printf("[ figure ] %s: min-max [%g, %g], percentile 99.99 [%g, %g]\n", name, t.min, t.max, p.min, p.max);
  }
  // Saved and loaded, the statistics are the same.
  save_stats(stats, dir / "stats.json");
  EXPECT_TRUE(load_stats(dir / "stats.json") == stats);
  fs::remove_all(dir);
}

TEST(CalibMediaPipeSlow, EveryModelOnRandomInputs) {
  const auto models = testing::mediapipe_models();
  if (models.empty()) GTEST_SKIP() << "run scripts/setup.sh";
  for (const fs::path& path : models) {
    SCOPED_TRACE(path.filename().string());
    const Model model = load_model(path);
    auto data = random_data(model, {.samples = 2, .seed = 3, .lo = 0.f, .hi = 1.f});
    const double c0 = cpu_seconds();
    const Stats stats = calibrate(model, *data, {.num_threads = 1});
    const double s = cpu_seconds() - c0;
    EXPECT_EQ(stats.samples, 2u);
    EXPECT_GT(stats.tensors.size(), 10u);
    expect_sane(stats);
    std::printf("[ figure ] %s: %zu tensors, %.1f ms CPU per sample\n", path.filename().string().c_str(),
                stats.tensors.size(), s * 500);
  }
}

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
  const std::string cmd = std::string(OCTET_BINARY_DIR) + "/octet " + args + " >" + out.string() + " 2>" + err.string();
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

TEST(CalibCli, CalibratesADataFolderAndShowsEstimators) {
  if (!fs::exists(selfie())) GTEST_SKIP() << "run scripts/setup.sh";
  const fs::path dir = testing::temp_dir("calib-cli");
  // The folder layout with a sub-folder named by the input.
  fs::create_directories(dir / "data" / "input_1");
  if (!write_photo_samples(dir / "data" / "input_1", 2)) GTEST_SKIP() << "no photos: run scripts/setup.sh";
  const fs::path stats = dir / "stats.json";
  const Result r = octet_cli(fmt::format("calibrate {} --data {} --out {} --top 3 --show segment", selfie().string(),
                                         (dir / "data").string(), stats.string()),
                             dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");  // not a terminal: no progress bar
  EXPECT_THAT(r.out, AllOf(HasSubstr("calibrated 2 samples"), HasSubstr("widest ranges"), HasSubstr("most outliers"),
                           HasSubstr("tensor 'segment'"), HasSubstr("percentile 99.99"), HasSubstr("entropy"),
                           HasSubstr("int16 symmetric")));
  const Stats loaded = load_stats(stats);
  EXPECT_EQ(loaded.samples, 2u);
  EXPECT_THAT(loaded.model, HasSubstr("selfie_segmentation.tflite"));
  EXPECT_TRUE(loaded.tensors.contains("segment"));

  // --from shows saved statistics without running the model.
  const Result from = octet_cli(fmt::format("calibrate {} --from {} --show input_1", selfie().string(), stats.string()), dir);
  ASSERT_EQ(from.status, 0) << from.err;
  EXPECT_THAT(from.out, AllOf(HasSubstr("stats from"), HasSubstr("tensor 'input_1'")));
  EXPECT_THAT(from.out, ::testing::Not(HasSubstr("calibrated")));

  // A bad sample: one line naming the file, the sample and the input; no stats written.
  const std::vector<float> small(128 * 128 * 3, 0.5f);
  write_npy(dir / "data" / "input_1" / "009.npy", NpyArray::of<float>(small, {1, 128, 128, 3}));
  const Result bad = octet_cli(fmt::format("calibrate {} --data {} --out {}", selfie().string(),
                                           (dir / "data").string(), (dir / "bad.json").string()),
                               dir);
  EXPECT_EQ(bad.status, 1);
  EXPECT_THAT(bad.err, AllOf(::testing::StartsWith("octet: error: "), HasSubstr("009.npy"), HasSubstr("sample '009'"),
                             HasSubstr("input 0 'input_1'"), HasSubstr("[1,128,128,3]")));
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "bad.json"));
  const Result unknown = octet_cli(fmt::format("calibrate {} --from {} --show nosuch", selfie().string(), stats.string()), dir);
  EXPECT_EQ(unknown.status, 1);
  EXPECT_THAT(unknown.err, HasSubstr("--show nosuch: no observed tensor"));
  fs::remove_all(dir);
}

TEST(CalibProgress, LineHasBarCountAndEta) {
  EXPECT_EQ(Progress::line("calibrate", 5, 10, 2.0, 80),
            "calibrate [####################....................] 5/10  2.0 s, ETA 2.0 s");
  EXPECT_THAT(Progress::line("x", 10, 10, 75, 80), AllOf(HasSubstr("10/10"), HasSubstr("1 min 15 s"),
                                                         ::testing::Not(HasSubstr("ETA"))));
  EXPECT_EQ(Progress::line("x", 3, 0, 0.5, 80), "x 3  0.5 s");
  EXPECT_LE(Progress::line("calibrate", 1, 3, 1, 40).size(), 50u);
  EXPECT_EQ(format_seconds(7200 + 125), "2 h 02 min");
}

TEST(CalibProgress, SilentUnlessEnabled) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("quiet", 3, f);  // a file is not a terminal
    EXPECT_FALSE(p.enabled());
    for (size_t i = 1; i <= 3; ++i) p.update(i);
  }
  EXPECT_EQ(std::ftell(f), 0L);
  {
    Progress p("loud", 3, f, true);
    for (size_t i = 1; i <= 3; ++i) p.update(i);
  }
  std::rewind(f);
  char buf[512] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string text(buf, n);
  EXPECT_THAT(text, AllOf(HasSubstr("\rloud ["), HasSubstr("3/3")));
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace octet::calib
