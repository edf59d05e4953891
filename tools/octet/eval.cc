// octet eval --hyp H --ref R [--ref R2 ...] [--metrics bleu,chrf] [--lowercase] [--json]
// Translation quality as sacreBLEU prints it, so the figures can be compared
// with published ones; the signature says what was measured.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "diag/bleu.h"
#include "diag/chrf.h"
#include "diag/text.h"
#include "octet/commands.h"
#include "octet/error.h"

namespace octet::cli {

namespace {

struct EvalArgs {
  std::string hyp;
  std::vector<std::string> refs;
  std::string metrics = "bleu,chrf";
  bool lowercase = false;
  bool json = false;
  std::string tokenize = "13a";
  int chrf_word_order = 0;
};

// One metric's result, as sacreBLEU's Score.format(signature=...) shows it.
struct Line {
  std::string name, signature, verbose;
  double score;
};

nlohmann::json to_json(const Line& l) {
  // sacreBLEU's JSON: the score as its two-decimal text read back
  // (float(f"{score:.2f}")), the signature both whole and split into fields.
  nlohmann::json j = {
      {"name", l.name}, {"score", std::stod(fmt::format("{:.2f}", l.score))}, {"signature", l.signature}};
  if (!l.verbose.empty()) j["verbose_score"] = l.verbose;
  size_t start = 0;
  while (start <= l.signature.size()) {
    size_t end = l.signature.find('|', start);
    if (end == std::string::npos) end = l.signature.size();
    const std::string field = l.signature.substr(start, end - start);
    if (const size_t colon = field.find(':'); colon != std::string::npos)
      j[field.substr(0, colon)] = field.substr(colon + 1);
    start = end + 1;
  }
  return j;
}

void run_eval(const EvalArgs& a) {
  const std::vector<std::string> hyps = diag::read_lines(a.hyp);
  if (hyps.empty()) fail("{}: no lines to score", a.hyp);
  std::vector<std::vector<std::string>> refs;
  for (const std::string& path : a.refs) {
    refs.push_back(diag::read_lines(path));
    if (refs.back().size() != hyps.size())
      fail("{} has {} lines but {} has {}: every reference file needs one line per hypothesis", a.hyp,
           hyps.size(), path, refs.back().size());
  }

  std::vector<Line> lines;
  size_t start = 0;
  while (start <= a.metrics.size()) {
    size_t end = a.metrics.find(',', start);
    if (end == std::string::npos) end = a.metrics.size();
    const std::string metric = a.metrics.substr(start, end - start);
    start = end + 1;
    if (metric == "bleu") {
      diag::BleuOptions o;
      o.lowercase = a.lowercase;
      o.tokenizer = diag::parse_tokenizer(a.tokenize);
      const diag::BleuScore s = diag::corpus_bleu(hyps, refs, o);
      lines.push_back({"BLEU", diag::bleu_signature(o, refs.size()), diag::format_bleu_verbose(s), s.score});
    } else if (metric == "chrf") {
      diag::ChrfOptions o;
      o.lowercase = a.lowercase;
      o.word_order = a.chrf_word_order;
      const diag::ChrfScore s = diag::corpus_chrf(hyps, refs, o);
      lines.push_back({s.name, diag::chrf_signature(o, refs.size()), "", s.score});
    } else {
      fail("--metrics: unknown metric '{}' (known: bleu, chrf)", metric);
    }
  }

  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Line& l : lines) out.push_back(to_json(l));
    std::printf("%s\n", (lines.size() == 1 ? out[0] : out).dump(1).c_str());
    return;
  }
  for (const Line& l : lines) {
    std::printf("%s = %.2f%s%s\n", l.name.c_str(), l.score, l.verbose.empty() ? "" : " ", l.verbose.c_str());
    std::printf("  signature: %s\n", l.signature.c_str());
  }
}

}  // namespace

void add_eval(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "eval", "Score translations against references: BLEU and chrF exactly as sacreBLEU " +
                  std::string(diag::kSacrebleuVersion) + " computes them");
  static EvalArgs args;
  cmd->add_option("--hyp", args.hyp, "hypotheses, one UTF-8 line a sentence")->required();
  cmd->add_option("--ref", args.refs, "references, as many lines as --hyp; repeat for several")->required();
  cmd->add_option("--metrics", args.metrics, "comma-separated: bleu, chrf (default both)");
  cmd->add_flag("--lowercase", args.lowercase, "case-insensitive scores");
  cmd->add_flag("--json", args.json, "print sacreBLEU-style JSON");
  cmd->add_option("--tokenize", args.tokenize, "BLEU tokenizer: 13a (default), intl, none, char");
  cmd->add_option("--chrf-word-order", args.chrf_word_order, "chrF word n-gram order; 2 gives chrF++ (default 0)")
      ->check(CLI::Range(0, 6));
  cmd->callback([] { run_eval(args); });
}

}  // namespace octet::cli
