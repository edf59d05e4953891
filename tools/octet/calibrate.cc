// octet calibrate MODEL (--data DIR|LIST | --random N) [--out stats.json] [--threads N]
//                 [--top K] [--show TENSOR] [--from stats.json]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "calib/calibrate.h"
#include "calib/estimators.h"
#include "calib/progress.h"
#include "octet/commands.h"

namespace octet::cli {

namespace {

using namespace octet::calib;

struct CalibrateArgs {
  std::string model;
  std::string data;
  size_t random = 0;
  uint64_t seed = 0;
  std::string out;
  std::string from;
  int threads = 0;
  size_t top = 8;
  size_t max_samples = 0;
  std::vector<std::string> show;
  double percentile = 99.99;
  double ema_decay = 0.99;
  std::optional<float> mask_below;
};

// Width of the range that keeps 99.99 % of the values, against the min-max
// width: how much a few outliers stretch the range.
struct Row {
  const TensorStats* stats;
  double width, core_width, outlier_ratio;
};

std::vector<Row> rows_of(const Stats& stats) {
  std::vector<Row> rows;
  for (const auto& [name, t] : stats.tensors) {
    if (t.count == 0) continue;
    const Range mm = choose_range(t, {.estimator = Estimator::MinMax}, 8, false);
    const Range core = choose_range(t, {.estimator = Estimator::Percentile, .percentile = 99.99}, 8, false);
    const double width = static_cast<double>(mm.max) - mm.min, core_width = static_cast<double>(core.max) - core.min;
    rows.push_back({&t, width, core_width, core_width > 0 ? width / core_width : 1.0});
  }
  return rows;
}

std::string fit(const std::string& s, size_t n) { return s.size() <= n ? s : "…" + s.substr(s.size() - (n - 1)); }

void print_table(const char* title, std::vector<Row> rows, size_t top, bool by_outliers) {
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return by_outliers ? a.outlier_ratio > b.outlier_ratio : a.width > b.width;
  });
  std::printf("%s\n  %-44s %12s %12s %12s %12s %8s\n", title, "tensor", "min", "max", "p99.99 lo",
              "p99.99 hi", "ratio");
  for (size_t i = 0; i < std::min(top, rows.size()); ++i) {
    const TensorStats& t = *rows[i].stats;
    const Range core = choose_range(t, {.estimator = Estimator::Percentile, .percentile = 99.99}, 8, false);
    std::printf("  %-44s %12.5g %12.5g %12.5g %12.5g %8.1f\n", fit(t.name, 44).c_str(), t.min, t.max, core.min,
                core.max, rows[i].outlier_ratio);
  }
}

// Every estimator's range for one tensor, at the widths the quantizer uses,
// with the mean squared error the histogram predicts for the int8 asymmetric one.
void show_tensor(const Stats& stats, const std::string& name, const CalibrateArgs& args) {
  auto it = stats.tensors.find(name);
  if (it == stats.tensors.end()) {
    std::string close;
    for (const auto& [n, t] : stats.tensors)
      if (n.find(name) != std::string::npos) close += (close.empty() ? "" : ", ") + n;
    fail("--show {}: no observed tensor of that name{}", name, close.empty() ? "" : " (did you mean: " + close + ")");
  }
  const TensorStats& t = it->second;
  std::printf("tensor '%s': %llu values (%llu NaN/Inf, %llu masked), min %.6g max %.6g, moving average [%.6g, %.6g]\n",
              t.name.c_str(), static_cast<unsigned long long>(t.count), static_cast<unsigned long long>(t.nonfinite),
              static_cast<unsigned long long>(t.masked), t.min, t.max, t.ema_min, t.ema_max);
  std::printf("  %-16s %-26s %12s %-26s %-26s\n", "estimator", "int8 asymmetric", "its MSE", "int8 symmetric",
              "int16 symmetric");
  for (Estimator e : kAllEstimators) {
    const EstimatorOptions o{.estimator = e, .percentile = args.percentile, .ema_decay = args.ema_decay};
    const Range a8 = choose_range(t, o, 8, false), s8 = choose_range(t, o, 8, true), s16 = choose_range(t, o, 16, true);
    const double mse = expected_quantization_mse(t.histogram, a8.min, a8.max, 255);
    std::string label(estimator_name(e));
    if (e == Estimator::Percentile) label += fmt::format(" {}", args.percentile);
    std::printf("  %-16s %-26s %12.4g %-26s %-26s\n", label.c_str(), fmt::format("[{:.6g}, {:.6g}]", a8.min, a8.max).c_str(),
                mse, fmt::format("[{:.6g}, {:.6g}]", s8.min, s8.max).c_str(),
                fmt::format("[{:.6g}, {:.6g}]", s16.min, s16.max).c_str());
  }
}

void run(const CalibrateArgs& args) {
  using clock = std::chrono::steady_clock;
  const Model model = load_model(args.model);
  Stats stats;
  if (!args.from.empty()) {
    stats = load_stats(args.from);
    std::printf("stats from %s: %s, %llu samples, %zu tensors\n", args.from.c_str(), stats.model.c_str(),
                static_cast<unsigned long long>(stats.samples), stats.tensors.size());
  } else {
    std::unique_ptr<DataSource> data;
    if (!args.data.empty() && args.random) fail("give --data or --random, not both");
    if (!args.data.empty())
      data = open_data(model, args.data);
    else if (args.random)
      data = random_data(model, {.samples = args.random, .seed = args.seed});
    else
      fail("no data: give --data DIR|LIST (or --random N for a quick look)");
    const size_t total = args.max_samples ? std::min(args.max_samples, data->size()) : data->size();
    Progress progress("calibrate", total);
    CalibrateOptions options{.observer = {.ema_decay = args.ema_decay, .mask_at_or_below = args.mask_below},
                             .num_threads = args.threads,
                             .max_samples = args.max_samples,
                             .model_name = std::filesystem::path(args.model).filename().string(),
                             .progress = [&](size_t done, size_t) { progress.update(done); }};
    const auto t0 = clock::now();
    stats = calibrate(model, *data, options);
    progress.finish();
    const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
    uint64_t values = 0;
    for (const auto& [name, t] : stats.tensors) values += t.count + t.nonfinite + t.masked;
    std::printf("calibrated %llu samples (%s) in %.2f s: %.1f ms per sample, %zu tensors, %.2f M values per sample\n",
                static_cast<unsigned long long>(stats.samples), data->description().c_str(), seconds,
                1000 * seconds / static_cast<double>(stats.samples), stats.tensors.size(),
                static_cast<double>(values) / static_cast<double>(stats.samples) / 1e6);
    if (!args.out.empty()) {
      save_stats(stats, args.out);
      std::printf("wrote %s\n", args.out.c_str());
    }
  }
  const std::vector<Row> rows = rows_of(stats);
  print_table("widest ranges", rows, args.top, false);
  print_table("most outliers (ratio: min-max width / width of the 99.99 % range)", rows, args.top, true);
  size_t nonfinite = 0, empty = 0;
  for (const auto& [name, t] : stats.tensors) {
    nonfinite += t.nonfinite > 0 ? 1 : 0;
    empty += t.count == 0 ? 1 : 0;
  }
  if (nonfinite) std::printf("%zu tensors had NaN/Inf values (kept out of their statistics)\n", nonfinite);
  if (empty) std::printf("%zu tensors had no finite values\n", empty);
  for (const std::string& name : args.show) show_tensor(stats, name, args);
}

}  // namespace

void add_calibrate(CLI::App& app) {
  auto* cmd = app.add_subcommand("calibrate", "Gather range statistics of a float model's tensors from representative data");
  static CalibrateArgs args;
  static float mask = 0;
  cmd->add_option("MODEL", args.model, "float .tflite")->required();
  cmd->add_option("--data", args.data,
                  "a folder with one sub-folder of NNN.npy/.bin per input, or a list file of NAME=PATH lines");
  cmd->add_option("--random", args.random, "N seeded random samples instead of data (floats uniform in [-1, 1))");
  cmd->add_option("--seed", args.seed, "seed for --random");
  cmd->add_option("--out", args.out, "write the statistics as JSON (for octet quantize)");
  cmd->add_option("--from", args.from, "read statistics saved by --out instead of running the model");
  cmd->add_option("--threads", args.threads, "threads for large ops (default: one per core)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-samples", args.max_samples, "use at most N samples");
  cmd->add_option("--top", args.top, "rows in each table (default 8)");
  cmd->add_option("--show", args.show, "print the range every estimator chooses for TENSOR (repeatable)");
  cmd->add_option("--percentile", args.percentile, "share kept by the percentile estimator in --show (default 99.99)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--ema-decay", args.ema_decay, "moving-average decay (default 0.99)")->check(CLI::Range(0.0, 1.0));
  auto* mask_opt = cmd->add_option("--mask-below", mask,
                                   "mask-aware: values at or below X (an additive mask constant) are counted apart");
  cmd->callback([mask_opt] {
    if (*mask_opt) args.mask_below = mask;
    run(args);
  });
}

}  // namespace octet::cli
