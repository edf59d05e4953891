// octet quantize-marian FLOAT_DIR OUT_DIR --calib-src F [--calib-tgt F] [--sentences 64] [--prefixes 4]
//                       [--naive] [--mode int8|16x8|dynamic] [--estimator E] [--percentile P] [--mask-below X]
//                       [--float-boundary] [--threads N]
// A float encoder + decoder-step folder (octet import-marian) → a quantized
// folder `octet translate` runs, calibrated on sentences the seq2seq way.
#include <cstdio>

#include "calib/estimators.h"
#include "calib/progress.h"
#include "octet/commands.h"
#include "octet/error.h"
#include "seq2seq/quantize_pair.h"

namespace octet::cli {
namespace {

struct Args {
  std::string in, out, src, tgt, mode = "int8", estimator = "minmax";
  size_t sentences = 64;
  int prefixes = 4, threads = 2;
  float mask_below = -1e4f;
  double percentile = 99.99;
  bool naive = false, float_boundary = false;
  CLI::App* cmd = nullptr;
};

void run(const Args& a) {
  const auto files = seq2seq::TranslatorFiles::from_folder(a.in);
  seq2seq::PairRecipe pr;
  pr.recipe.mode = quant::parse_mode(a.mode);
  const auto estimator = calib::parse_estimator(a.estimator);
  if (!estimator) fail("unknown estimator '{}': expected minmax, ema, percentile, mse or entropy", a.estimator);
  pr.recipe.estimator.estimator = *estimator;
  pr.recipe.estimator.percentile = a.percentile;
  if (!(a.mask_below < 0)) fail("--mask-below {}: an additive mask value is negative", a.mask_below);
  pr.recipe.mask_threshold = a.mask_below;
  pr.calibration.sentences = a.sentences;
  pr.calibration.prefixes = a.prefixes;
  pr.calibration.threads = a.threads;
  pr.integer_boundary = !a.float_boundary;
  if (a.naive) {
    // What a generic converter does: global min-max, the start token only, no
    // mask awareness, float at the model edges.
    pr.recipe.estimator.estimator = calib::Estimator::MinMax;
    pr.recipe.mask_threshold.reset();
    pr.calibration.start_only = true;
    pr.integer_boundary = false;
  }
  const auto sources = seq2seq::read_sentences(a.src, a.sentences);
  const auto targets = a.tgt.empty() ? std::vector<std::string>{} : seq2seq::read_sentences(a.tgt, a.sentences);
  calib::Progress progress("calibration sets", std::min(sources.size(), a.sentences));
  pr.calibration.progress = [&](size_t done, size_t) { progress.update(done); };
  const auto r = seq2seq::quantize_pair(files, sources, targets, pr, a.out);
  progress.finish();
  std::printf("%s: %zu sentences, %zu decoder samples; encoder %zu integer / %zu float ops, decoder %zu / %zu\n",
              a.out.c_str(), r.sentences, r.decoder_samples, r.encoder.integer_ops, r.encoder.float_ops,
              r.decoder.integer_ops, r.decoder.float_ops);
  for (const auto* rep : {&r.encoder, &r.decoder})
    for (const std::string& why : rep->kept_float) std::printf("kept float: %s\n", why.c_str());
}

}  // namespace

void add_quantize_marian(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("quantize-marian",
                                 "Quantize an encoder + decoder-step folder, calibrated on sentence pairs");
  a->cmd = cmd;
  cmd->add_option("in", a->in, "float folder (octet import-marian)")->required();
  cmd->add_option("out", a->out, "quantized folder to write")->required();
  cmd->add_option("--calib-src", a->src, "calibration source sentences, one a line (never the test set)")->required();
  cmd->add_option("--calib-tgt", a->tgt, "their references (teacher-forced prefixes); without: the float model's greedy output");
  cmd->add_option("--sentences", a->sentences, "calibration sentences (default 64)");
  cmd->add_option("--prefixes", a->prefixes, "decoder prefixes a sentence (default 4: start, early, middle, near the end)");
  cmd->add_option("--mode", a->mode, "int8 (default), 16x8 or dynamic");
  cmd->add_option("--estimator", a->estimator, "minmax (default), ema, percentile, mse or entropy");
  cmd->add_option("--percentile", a->percentile, "for --estimator percentile (default 99.99)");
  cmd->add_option("--mask-below", a->mask_below, "values at or below are the additive mask (default -1e4)");
  cmd->add_flag("--naive", a->naive, "a generic converter's recipe: min-max, start token only, no mask awareness, float edges");
  cmd->add_flag("--float-boundary", a->float_boundary, "float encoder output and decoder input/logits");
  cmd->add_option("--threads", a->threads, "threads for the greedy pass without --calib-tgt");
  cmd->callback([a] { run(*a); });
}

}  // namespace octet::cli
