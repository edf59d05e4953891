#include "diag/doctor.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "diag/bleu.h"
#include "diag/chrf.h"
#include "diag/tensor_error.h"
#include "diag/text.h"
#include "model/summary.h"
#include "octet/error.h"
#include "octet/quantize.h"
#include "octet/translate.h"
#include "seq2seq/quantize_pair.h"

namespace octet::diag {
namespace {

namespace fs = std::filesystem;
using seq2seq::TranslatorFiles;
using Clock = std::chrono::steady_clock;

constexpr float kMaskThreshold = -1e4f;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Env {
  const DoctorOptions& options;
  std::unique_ptr<calib::DataSource> debug_samples;  // decoder-step samples for per-tensor SQNR
  TranslatorFiles fp32;
  std::vector<std::string> sources, references, calib_src, calib_tgt;
  std::vector<std::vector<int32_t>> sensitivity_ids;
  std::vector<std::vector<float>> fp32_logits;
  void say(const std::string& line) const {
    if (!options.quiet) std::fprintf(stderr, "doctor: %s\n", line.c_str());
  }
};

std::map<std::string, int> precision_of(const fs::path& file) {
  std::map<std::string, int> out;
  const Model m = load_model(file);
  for (const Op& op : m.main().ops) ++out[op_precision(m, m.main(), op)];
  return out;
}

RowResult evaluate(const std::string& name, const std::string& what, const TranslatorFiles& files, Env& env,
                   bool raw_boundary = false) {
  RowResult r;
  r.name = name;
  r.what = what;
  r.encoder = files.encoder;
  r.decoder = files.decoder;
  env.say(fmt::format("{}: translating {} sentences", name, env.sources.size()));
  try {
    seq2seq::Translator t(files, {.threads = env.options.threads, .raw_boundary = raw_boundary});
    r.bridge = raw_boundary ? "raw bytes" : t.bridge_description();
    const auto t0 = Clock::now();
    const auto out = t.translate(env.sources);
    const double wall = seconds_since(t0);
    std::vector<std::string> hyps;
    std::vector<std::vector<int32_t>> ids;
    double decoder_ms = 0;
    int steps = 0;
    for (const auto& o : out) {
      hyps.push_back(o.text);
      ids.push_back(o.ids);
      decoder_ms += o.decoder_ms;
      steps += o.decoder_steps;
    }
    const std::vector<std::vector<std::string>> refs = {env.references};
    r.bleu = corpus_bleu(hyps, refs).score;
    r.chrf = corpus_chrf(hyps, refs).score;
    r.outputs = output_stats(ids, 0);
    r.ms_per_step = steps ? decoder_ms / steps : 0;
    r.sentences_per_second = wall > 0 ? static_cast<double>(out.size()) / wall : 0;
    const auto logits = t.first_step_logits(env.sensitivity_ids);
    if (env.fp32_logits.empty()) env.fp32_logits = logits;
    r.first_step = first_step_stats(logits, env.fp32_logits);
    if (env.options.beam) {
      seq2seq::Translator b(files, {.beam_size = 4, .threads = env.options.threads, .raw_boundary = raw_boundary});
      std::vector<std::string> beam_hyps;
      for (const auto& o : b.translate(env.sources)) beam_hyps.push_back(o.text);
      r.beam_bleu = corpus_bleu(beam_hyps, refs).score;
      r.beam_chrf = corpus_chrf(beam_hyps, refs).score;
    }
    for (const fs::path& f : {files.encoder, files.decoder}) {
      r.bytes += fs::file_size(f);
      for (const auto& [p, n] : precision_of(f)) r.precision[p] += n;
    }
  } catch (const Error& e) {
    r.failure = e.what();
  }
  if (r.failure.empty() && env.debug_samples && r.name != "fp32" && r.decoder != env.fp32.decoder) {
    try {
      const Model f = load_model(env.fp32.decoder), q = load_model(r.decoder);
      const DebugReport d = debug_tensors(f, q, *env.debug_samples, {});
      for (const TensorError& t : d.tensors) {
        r.decoder_sqnr.emplace_back(t.name, t.sqnr_db);
        if (r.first_bad_tensor.empty() && t.sqnr_db < 20 && !t.mask_dominated)
          r.first_bad_tensor = fmt::format("op {} ({}) '{}' at {:.1f} dB", t.op_index, t.op, t.name, t.sqnr_db);
      }
    } catch (const Error& e) {
      env.say(name + ": per-tensor error not measured: " + e.what());
    }
  }
  env.say(r.failure.empty() ? fmt::format("{}: BLEU {:.2f}", name, r.bleu) : name + ": failed: " + r.failure);
  return r;
}

seq2seq::PairRecipe octet_recipe(const DoctorOptions& o) {
  seq2seq::PairRecipe pr;
  pr.recipe.estimator.estimator = calib::Estimator::MinMax;
  pr.recipe.mask_threshold = kMaskThreshold;
  pr.calibration.sentences = o.calib_sentences;
  pr.calibration.prefixes = o.prefixes;
  pr.calibration.threads = o.threads;
  return pr;
}

seq2seq::PairRecipe naive_recipe(const DoctorOptions& o) {
  seq2seq::PairRecipe pr;
  pr.recipe.estimator.estimator = calib::Estimator::MinMax;
  pr.calibration.sentences = o.calib_sentences;
  pr.calibration.start_only = true;
  pr.integer_boundary = false;
  return pr;
}

bool wanted(const DoctorOptions& o, const std::string& row) {
  return o.rows.empty() || std::find(o.rows.begin(), o.rows.end(), row) != o.rows.end();
}

// Tensors whose calibrated range the additive mask sets (min at or below the threshold).
std::vector<std::pair<std::string, double>> mask_dominated(const calib::Stats& stats) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [name, t] : stats.tensors)
    if (t.count && t.min <= kMaskThreshold) out.emplace_back(name, (t.max - t.min) / 255.0);
  return out;
}

// Decoder tensors whose range over decoding prefixes is wider than over the
// start token alone (not mask-dominated): what start-only calibration clips.
std::vector<std::pair<std::string, double>> clipped_by_start_only(const calib::Stats& start_only,
                                                                  const calib::Stats& prefixes) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [name, p] : prefixes.tensors) {
    auto it = start_only.tensors.find(name);
    if (it == start_only.tensors.end() || !p.count || !it->second.count || it->second.min <= kMaskThreshold) continue;
    const double wide = std::max(std::fabs(p.min), std::fabs(p.max));
    const double narrow = std::max(std::fabs(it->second.min), std::fabs(it->second.max));
    if (narrow > 0 && wide > 1.5 * narrow) out.emplace_back(name, wide / narrow);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

const RowResult* find_row(const DoctorReport& r, const std::string& name) {
  for (const RowResult& row : r.rows)
    if (row.name == name && row.failure.empty()) return &row;
  return nullptr;
}

void write_verdict(DoctorReport& report, const std::optional<seq2seq::PairResult>& naive,
                   const std::optional<seq2seq::PairResult>& octet) {
  const RowResult* fp32 = find_row(report, "fp32");
  if (!fp32) {
    report.verdict.push_back("the float pair did not run: nothing to compare against");
    return;
  }
  auto ops_line = [](const RowResult& r) {
    std::string s;
    for (const auto& [p, n] : r.precision) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", n, p);
    return s;
  };
  if (const RowResult* n = find_row(report, "naive-int8")) {
    const bool collapsed = n->bleu < 0.1 * fp32->bleu;
    report.verdict.push_back(fmt::format(
        "naive-int8 {}: BLEU {:.2f} against fp32's {:.2f}; first-step sensitivity {:.3f} (fp32 {:.3f}), "
        "{:.0f}% of first tokens equal to fp32's, {:.1f}% repeated tokens",
        collapsed ? "collapses" : "degrades", n->bleu, fp32->bleu, n->first_step.sensitivity,
        fp32->first_step.sensitivity, 100 * n->first_step.reference_argmax_agreement,
        100 * n->outputs.repeated_token_rate));
    if (naive) {
      auto masked = mask_dominated(naive->encoder_stats);
      const auto dec = mask_dominated(naive->decoder_stats);
      masked.insert(masked.end(), dec.begin(), dec.end());
      if (!masked.empty()) {
        const auto& [name, step] = masked.front();
        report.verdict.push_back(fmt::format(
            "cause: the additive attention mask (-1e9) sets the min-max range of {} tensors (e.g. '{}': one int8 "
            "step is {:.3g}), so every real attention score rounds to the same code and attention is uniform over "
            "the source: the decoder no longer sees which sentence it translates",
            masked.size(), name, step));
        report.details["mask_dominated"] = masked;
      }
      if (octet) {
        const auto clipped = clipped_by_start_only(naive->decoder_stats, octet->decoder_stats);
        if (!clipped.empty()) {
          report.verdict.push_back(fmt::format(
              "cause: calibrating the decoder on the start token alone misses later positions: {} decoder tensors "
              "reach wider ranges while decoding (up to {:.1f}x, '{}'), which the naive file clips",
              clipped.size(), clipped.front().second, clipped.front().first));
          report.details["clipped_by_start_only"] = clipped;
        }
      }
    }
  }
  if (const RowResult* o = find_row(report, "octet-int8")) {
    const double delta = o->bleu - fp32->bleu;
    report.verdict.push_back(fmt::format(
        "octet-int8 ({}): BLEU {:.2f} ({:+.2f} against fp32){}; first-step sensitivity {:.0f}% of fp32's",
        ops_line(*o), o->bleu, delta, std::fabs(delta) <= 0.3 ? ", within 0.3" : ", more than 0.3 lost",
        fp32->first_step.sensitivity > 0 ? 100 * o->first_step.sensitivity / fp32->first_step.sensitivity : 0));
  }
  if (const RowResult* s = find_row(report, "octet-16x8")) {
    const int floats = s->precision.count("float32") ? s->precision.at("float32") : 0;
    report.verdict.push_back(fmt::format("octet-16x8: BLEU {:.2f} ({:+.2f}); {} ops stay float32 (no int16 kernel in "
                                         "the runtime: SQUARED_DIFFERENCE and the like)",
                                         s->bleu, s->bleu - fp32->bleu, floats));
  }
  const RowResult* raw = find_row(report, "int8-raw-boundary");
  const RowResult* bridged = find_row(report, "int8-bridged-boundary");
  if (raw && bridged)
    report.verdict.push_back(fmt::format(
        "boundary: int8 bytes passed as they are across different encoder/decoder parameters give BLEU {:.2f}; "
        "the bridge ({}) restores {:.2f}; octet-int8 gives both sides one set of parameters, so its bridge is a copy",
        raw->bleu, bridged->bridge.substr(0, bridged->bridge.find(':')), bridged->bleu));
  for (const RowResult& r : report.rows)
    if (!r.failure.empty()) report.verdict.push_back(fmt::format("{} did not run: {}", r.name, r.failure));
}

}  // namespace

DoctorReport run_doctor(const DoctorOptions& o) {
  const auto t0 = Clock::now();
  Env env{o, nullptr, TranslatorFiles::from_folder(o.model), {}, {}, {}, {}, {}, {}};
  env.sources = read_lines(o.test_src);
  env.references = read_lines(o.test_ref);
  if (env.sources.size() != env.references.size())
    fail("{} has {} lines, {} has {}: one reference a source", o.test_src.string(), env.sources.size(),
         o.test_ref.string(), env.references.size());
  if (o.lines && env.sources.size() > o.lines) {
    env.sources.resize(o.lines);
    env.references.resize(o.lines);
  }
  if (env.sources.size() < 2) fail("{}: the doctor needs at least two test sentences", o.test_src.string());
  env.calib_src = seq2seq::read_sentences(o.calib_src, o.calib_sentences);
  if (!o.calib_tgt.empty()) env.calib_tgt = seq2seq::read_sentences(o.calib_tgt, o.calib_sentences);
  {
    seq2seq::Translator tokenizer_only(env.fp32);
    for (size_t i = 0; i < std::min(o.sensitivity_sources, env.sources.size()); ++i)
      env.sensitivity_ids.push_back(tokenizer_only.encode(env.sources[i]));
  }
  fs::create_directories(o.out);
  if (!env.calib_tgt.empty()) {
    // Four dev sentences at two prefixes each: what per-tensor SQNR is measured on.
    auto sets = seq2seq::make_calibration_sets(env.fp32, env.calib_src, env.calib_tgt, {.sentences = 4, .prefixes = 2});
    env.debug_samples = std::move(sets.decoder);
  }

  DoctorReport report;
  report.rows.push_back(evaluate("fp32", "the float pair as given", env.fp32, env));

  if (wanted(o, "dynamic")) {
    const TranslatorFiles files = seq2seq::folder_with_tokenizer(env.fp32, o.out / "dynamic");
    quant::Recipe recipe;
    recipe.mode = quant::Mode::Dynamic;
    save_model(quant::quantize_model(load_model(env.fp32.encoder), {}, recipe), files.encoder);
    save_model(quant::quantize_model(load_model(env.fp32.decoder), {}, recipe), files.decoder);
    report.rows.push_back(evaluate("dynamic", "int8 weights, float activations (no calibration)", files, env));
  }
  std::optional<seq2seq::PairResult> naive, octet;
  auto build = [&](const std::string& name, const seq2seq::PairRecipe& pr) -> std::optional<seq2seq::PairResult> {
    env.say(name + ": calibrating and quantizing");
    try {
      return seq2seq::quantize_pair(env.fp32, env.calib_src, env.calib_tgt, pr, o.out / name);
    } catch (const Error& e) {
      RowResult r;
      r.name = name;
      r.failure = e.what();
      report.rows.push_back(r);
      return std::nullopt;
    }
  };
  auto folder = [&](const std::string& name) { return TranslatorFiles::from_folder(o.out / name); };
  if (wanted(o, "naive-int8") && (naive = build("naive-int8", naive_recipe(o))))
    report.rows.push_back(evaluate("naive-int8",
                                   "generic converter: min-max, start-token calibration, every tensor int8, float I/O",
                                   folder("naive-int8"), env));
  if ((wanted(o, "octet-int8") || wanted(o, "boundary")) && (octet = build("octet-int8", octet_recipe(o))) &&
      wanted(o, "octet-int8"))
    report.rows.push_back(evaluate("octet-int8",
                                   "octet: decoder-prefix calibration, mask-aware ranges, every op int8, shared boundary",
                                   folder("octet-int8"), env));
  if (wanted(o, "octet-16x8")) {
    seq2seq::PairRecipe pr = octet_recipe(o);
    pr.recipe.mode = quant::Mode::Int16x8;
    if (build("octet-16x8", pr))
      report.rows.push_back(evaluate("octet-16x8", "octet's recipe with int16 activations, int8 weights",
                                     folder("octet-16x8"), env));
  }
  if (octet && wanted(o, "boundary")) {
    const TranslatorFiles q = folder("octet-int8");
    TranslatorFiles a = env.fp32, b = env.fp32;
    a.encoder = q.encoder;
    b.decoder = q.decoder;
    report.rows.push_back(evaluate("int8-enc-fp32-dec", "octet-int8 encoder, float decoder (dequantize)", a, env));
    report.rows.push_back(evaluate("fp32-enc-int8-dec", "float encoder, octet-int8 decoder (quantize)", b, env));
    seq2seq::PairRecipe pr = octet_recipe(o);
    pr.boundary = seq2seq::PairRecipe::Boundary::Symmetric;
    pr.boundary_widening = 4;
    if (build("octet-int8-unshared", pr)) {
      const TranslatorFiles u = folder("octet-int8-unshared");
      report.rows.push_back(evaluate("int8-raw-boundary",
                                     "decoder input quantized apart (symmetric, 4x the observed range), encoder bytes as they are",
                                     u, env, true));
      report.rows.push_back(evaluate("int8-bridged-boundary", "the same files through the bridge (requantize)", u, env));
    }
  }
  write_verdict(report, naive, octet);
  report.seconds = seconds_since(t0);
  return report;
}

std::string format_ladder(const DoctorReport& report) {
  std::string out = fmt::format("{:<22} {:>6} {:>6} {:>7} {:>7} {:>6} {:>6} {:>6} {:>8} {:>8}  {}\n", "row", "BLEU",
                                "chrF", "beam4", "sens.", "arg=", "rep%", "dist%", "MB", "ms/step", "ops");
  for (const RowResult& r : report.rows) {
    if (!r.failure.empty()) {
      out += fmt::format("{:<22} failed: {}\n", r.name, r.failure);
      continue;
    }
    std::string ops;
    for (const auto& [p, n] : r.precision) ops += fmt::format("{}{} {}", ops.empty() ? "" : ", ", n, p);
    out += fmt::format("{:<22} {:>6.2f} {:>6.2f} {:>7} {:>7.3f} {:>6.2f} {:>6.1f} {:>6.1f} {:>8.2f} {:>8.2f}  {}\n",
                       r.name, r.bleu, r.chrf, r.beam_bleu < 0 ? std::string("-") : fmt::format("{:.2f}", r.beam_bleu),
                       r.first_step.sensitivity, r.first_step.reference_argmax_agreement,
                       100 * r.outputs.repeated_token_rate, 100 * r.outputs.distinct_share, r.bytes / 1e6,
                       r.ms_per_step, ops);
  }
  return out;
}

nlohmann::json report_json(const DoctorReport& report, const DoctorOptions& o) {
  nlohmann::json j;
  j["format"] = "octet-doctor-report";
  j["version"] = 1;
  j["model"] = o.model.string();
  j["test"] = {{"source", o.test_src.string()}, {"reference", o.test_ref.string()}};
  j["calibration"] = {{"source", o.calib_src.string()}, {"target", o.calib_tgt.string()},
                      {"sentences", o.calib_sentences}, {"prefixes", o.prefixes}};
  j["seconds"] = report.seconds;
  j["rows"] = nlohmann::json::array();
  for (const RowResult& r : report.rows) {
    nlohmann::json row{{"name", r.name}, {"what", r.what}};
    if (!r.failure.empty()) {
      row["failure"] = r.failure;
    } else {
      row["encoder"] = r.encoder.string();
      row["decoder"] = r.decoder.string();
      row["bridge"] = r.bridge;
      row["bleu"] = r.bleu;
      row["chrf"] = r.chrf;
      if (r.beam_bleu >= 0) row["beam4"] = {{"bleu", r.beam_bleu}, {"chrf", r.beam_chrf}};
      const FirstStepStats& f = r.first_step;
      row["first_step"] = {{"sources", f.sources},
                           {"sensitivity", f.sensitivity},
                           {"pair_correlation", f.pair_correlation},
                           {"pair_argmax_agreement", f.pair_argmax_agreement},
                           {"pair_top10_overlap", f.pair_top10_overlap},
                           {"fp32_cosine", f.reference_cosine},
                           {"fp32_argmax_agreement", f.reference_argmax_agreement},
                           {"fp32_top10_overlap", f.reference_top10_overlap}};
      row["outputs"] = {{"repeated_token_rate", r.outputs.repeated_token_rate},
                        {"distinct_share", r.outputs.distinct_share},
                        {"mean_length", r.outputs.mean_length}};
      row["precision"] = r.precision;
      row["bytes"] = r.bytes;
      row["ms_per_step"] = r.ms_per_step;
      row["sentences_per_second"] = r.sentences_per_second;
      row["target_rejects"] = nullptr;  // no target profile chosen
      if (!r.decoder_sqnr.empty()) {
        nlohmann::json t = nlohmann::json::array();
        for (const auto& [name, db] : r.decoder_sqnr)
          t.push_back({{"tensor", name}, {"sqnr_db", std::isfinite(db) ? nlohmann::json(db) : nlohmann::json(nullptr)}});
        row["decoder_sqnr"] = t;
        row["first_bad_tensor"] = r.first_bad_tensor;
      }
    }
    j["rows"].push_back(row);
  }
  j["verdict"] = report.verdict;
  j["details"] = report.details;
  return j;
}

}  // namespace octet::diag
