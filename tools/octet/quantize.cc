// octet quantize MODEL OUT (--data DIR|LIST | --random N | --stats stats.json)
//                [--recipe r.json] [--mode int8|16x8|dynamic]
//                [--estimator minmax|ema|percentile|mse|entropy] [--percentile P]
//                [--keep-float GLOB|#N]... [--int16 GLOB|#N]... [--per-tensor] [--io float|int8]
//                [--save-stats F] [--save-recipe F]
// Flags given on the command line override the recipe file's values.
#include <cstdio>
#include <filesystem>

#include "calib/calibrate.h"
#include "calib/estimators.h"
#include "calib/progress.h"
#include "octet/commands.h"
#include "octet/quantize.h"

namespace octet::cli {
namespace {

struct QuantizeArgs {
  std::string model, out, data, stats, save_stats, recipe, save_recipe, mode = "int8", estimator = "ema",
      io = "float";
  size_t random = 0;
  double percentile = 99.99;
  bool per_tensor = false;
  std::vector<std::string> keep_float, int16;
  float mask_below = 0;
  CLI::App* cmd = nullptr;
  bool given(const char* flag) const { return cmd->count(flag) > 0; }
};

quant::Recipe recipe_of(const QuantizeArgs& args) {
  quant::Recipe recipe = args.recipe.empty() ? quant::Recipe{} : quant::load_recipe(args.recipe);
  if (args.recipe.empty() || args.given("--mode")) recipe.mode = quant::parse_mode(args.mode);
  if (args.recipe.empty() || args.given("--estimator")) {
    const auto estimator = calib::parse_estimator(args.estimator);
    if (!estimator) fail("unknown estimator '{}': expected minmax, ema, percentile, mse or entropy", args.estimator);
    recipe.estimator.estimator = *estimator;
  }
  if (args.given("--percentile")) recipe.estimator.percentile = args.percentile;
  if (args.given("--per-tensor")) recipe.per_channel = false;
  if (args.recipe.empty() || args.given("--io")) {
    if (args.io != "float" && args.io != "int8") fail("--io is '{}': expected float or int8", args.io);
    recipe.integer_io = args.io == "int8";
  }
  recipe.keep_float.insert(recipe.keep_float.end(), args.keep_float.begin(), args.keep_float.end());
  recipe.int16.insert(recipe.int16.end(), args.int16.begin(), args.int16.end());
  if (args.given("--mask-below")) {
    if (!(args.mask_below < 0)) fail("--mask-below {}: an additive mask value is negative (for example -1e4)", args.mask_below);
    recipe.mask_threshold = args.mask_below;
  }
  if (recipe.mode == quant::Mode::Dynamic && recipe.integer_io)
    fail("--io int8 with --mode dynamic: dynamic-range models keep float activations and I/O");
  return recipe;
}

void run_quantize(const QuantizeArgs& args) {
  const Model original = load_model(args.model);
  const quant::Recipe recipe = recipe_of(args);
  if (!args.save_recipe.empty()) quant::save_recipe(recipe, args.save_recipe);

  calib::Stats stats;
  if (recipe.mode == quant::Mode::Dynamic) {
    // no calibration: weights only
  } else if (!args.stats.empty()) {
    stats = calib::load_stats(args.stats);
  } else {
    const Model prepared = quant::prepare_for_quantization(original);
    std::unique_ptr<calib::DataSource> data;
    if (!args.data.empty()) data = calib::open_data(prepared, args.data);
    else if (args.random > 0) data = calib::random_data(prepared, {.samples = args.random});
    else fail("quantize needs calibration data: --data DIR|LIST, --random N or --stats stats.json");
    calib::Progress progress("calibrate", data->size());
    calib::CalibrateOptions options;
    options.observer.mask_at_or_below = recipe.mask_threshold;
    options.model_name = std::filesystem::path(args.model).filename().string();
    options.progress = [&](size_t done, size_t) { progress.update(done); };
    stats = calib::calibrate(prepared, *data, options);
    progress.finish();
    if (!args.save_stats.empty()) calib::save_stats(stats, args.save_stats);
  }
  quant::Report report;
  const Model model = quant::quantize_model(original, stats, recipe, &report);
  save_model(model, args.out);
  const auto in_size = std::filesystem::file_size(args.model), out_size = std::filesystem::file_size(args.out);
  std::printf("%s: %zu integer ops, %zu float ops, %zu QUANTIZE/DEQUANTIZE inserted, %zu constant ops folded\n",
              args.out.c_str(), report.integer_ops, report.float_ops, report.inserted_ops, report.folded_ops);
  std::printf("size: %ju bytes (input file %ju bytes)\n", static_cast<uintmax_t>(out_size),
              static_cast<uintmax_t>(in_size));
  if (report.mask_constants)
    std::printf("mask-aware: %zu mask constant values rewritten\n", report.mask_constants);
  for (const std::string& why : report.kept_float) std::printf("kept float: %s\n", why.c_str());
}

}  // namespace

void add_quantize(CLI::App& app) {
  auto args = std::make_shared<QuantizeArgs>();
  auto* cmd = app.add_subcommand("quantize", "post-training quantization of a float model");
  args->cmd = cmd;
  cmd->add_option("model", args->model, "float .tflite")->required()->check(CLI::ExistingFile);
  cmd->add_option("out", args->out, "quantized .tflite to write")->required();
  cmd->add_option("--data", args->data, "calibration data: a folder (one sub-folder per input) or a list file");
  cmd->add_option("--random", args->random, "calibrate on N seeded random samples instead of data");
  cmd->add_option("--stats", args->stats, "statistics from `octet calibrate` (no calibration run)");
  cmd->add_option("--save-stats", args->save_stats, "write the statistics gathered here");
  cmd->add_option("--recipe", args->recipe, "recipe JSON (mode, estimator, percentile, per_channel, io, "
                                            "keep_float, int16); flags given here override it");
  cmd->add_option("--save-recipe", args->save_recipe, "write the recipe used");
  cmd->add_option("--mode", args->mode, "int8 (every op), 16x8 (int16 activations, int8 weights) or "
                                        "dynamic (int8 weights, float activations; no calibration)");
  cmd->add_option("--estimator", args->estimator, "ema (default), minmax, percentile, mse or entropy");
  cmd->add_option("--percentile", args->percentile, "for --estimator percentile");
  cmd->add_option("--keep-float", args->keep_float, "ops that stay float: a glob of a tensor they produce, or #N");
  cmd->add_option("--mask-below", args->mask_below,
                  "mask-aware: values at or below X are an additive attention mask (for example -1e4)");
  cmd->add_option("--int16", args->int16, "ops with int16 activations in an int8 model: a glob or #N");
  cmd->add_flag("--per-tensor", args->per_tensor, "one weight scale per tensor instead of per channel");
  cmd->add_option("--io", args->io, "float (QUANTIZE/DEQUANTIZE at the edges) or int8");
  cmd->callback([args] { run_quantize(*args); });
}

}  // namespace octet::cli
