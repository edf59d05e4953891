#include "diag/bleu.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "diag/text.h"
#include "octet/error.h"

namespace octet::diag {

namespace {

// n-grams of all orders keyed by their tokens joined with spaces: tokens
// never contain whitespace, so the key is unambiguous across orders.
using NgramCounts = std::unordered_map<std::u32string, int64_t>;

NgramCounts count_ngrams(const std::vector<std::u32string>& tokens, int max_order) {
  NgramCounts counts;
  for (int n = 1; n <= max_order; ++n) {
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      std::u32string key = tokens[i];
      for (int k = 1; k < n; ++k) key.append(U" ").append(tokens[i + k]);
      ++counts[key];
    }
  }
  return counts;
}

int ngram_order(const std::u32string& key) {
  return 1 + static_cast<int>(std::count(key.begin(), key.end(), U' '));
}

// sacreBLEU's _preprocess_segment: lowercase, right-strip, tokenize, split.
std::vector<std::u32string> preprocess(const std::string& line, const BleuOptions& options,
                                       std::string_view where) {
  std::u32string text = decode_utf8(line, where);
  if (options.lowercase) text = to_lower(text);
  return split_words(tokenize(options.tokenizer, rstrip(text)));
}

void check_options(const BleuOptions& options) {
  if (options.max_order < 1) fail("BLEU: max n-gram order must be at least 1, got {}", options.max_order);
}

// The reference length BLEU's brevity penalty uses: the closest to the
// hypothesis length, the shorter one on a tie.
int64_t closest_ref_len(int64_t hyp_len, const std::vector<int64_t>& ref_lens) {
  int64_t best_diff = -1, best_len = -1;
  for (int64_t len : ref_lens) {
    const int64_t diff = std::llabs(hyp_len - len);
    if (best_diff == -1 || diff < best_diff) {
      best_diff = diff, best_len = len;
    } else if (diff == best_diff && len < best_len) {
      best_len = len;
    }
  }
  return best_len;
}

// sacreBLEU's my_log: log(0) floored so that exp() of the mean gives 0.
double floored_log(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

BleuOptions sentence_bleu_options() {
  BleuOptions o;
  o.effective_order = true;
  return o;
}

Smoothing parse_smoothing(std::string_view name) {
  if (name == "none") return Smoothing::kNone;
  if (name == "floor") return Smoothing::kFloor;
  if (name == "add-k") return Smoothing::kAddK;
  if (name == "exp") return Smoothing::kExp;
  fail("unknown BLEU smoothing '{}' (known: exp, floor, add-k, none)", name);
}

BleuScore compute_bleu(const BleuStats& stats, const BleuOptions& options) {
  check_options(options);
  const size_t orders = static_cast<size_t>(options.max_order);
  if (stats.correct.size() != orders || stats.total.size() != orders)
    fail("BLEU: statistics have {} and {} orders, options say {}", stats.correct.size(), stats.total.size(),
         orders);
  BleuScore s;
  s.sys_len = stats.sys_len, s.ref_len = stats.ref_len;
  s.counts = stats.correct, s.totals = stats.total;
  s.precisions.assign(orders, 0.0);
  s.bp = 1.0;
  if (stats.sys_len < stats.ref_len)
    s.bp = stats.sys_len > 0 ? std::exp(1.0 - static_cast<double>(stats.ref_len) / stats.sys_len) : 0.0;

  // No match at any order: 0, whatever the smoothing (sacreBLEU #141).
  if (std::all_of(stats.correct.begin(), stats.correct.end(), [](int64_t c) { return c == 0; })) {
    s.score = 0.0;
    return s;
  }
  double smooth_value = options.smooth_value.value_or(options.smoothing == Smoothing::kAddK ? 1.0 : 0.1);
  double exp_factor = 1.0;
  size_t eff_order = orders;
  for (size_t n = 1; n <= orders; ++n) {
    double correct = static_cast<double>(stats.correct[n - 1]);
    double total = static_cast<double>(stats.total[n - 1]);
    if (options.smoothing == Smoothing::kAddK && n > 1) correct += smooth_value, total += smooth_value;
    if (total == 0) break;
    if (options.effective_order) eff_order = n;
    double& p = s.precisions[n - 1];
    if (correct == 0) {
      if (options.smoothing == Smoothing::kExp) {
        // NIST's mteval-v13a: each order without a match halves the credit again.
        exp_factor *= 2;
        p = 100.0 / (exp_factor * total);
      } else if (options.smoothing == Smoothing::kFloor) {
        p = 100.0 * smooth_value / total;
      }
    } else {
      p = 100.0 * correct / total;
    }
  }
  double log_sum = 0;
  for (size_t n = 0; n < eff_order; ++n) log_sum += floored_log(s.precisions[n]);
  s.score = s.bp * std::exp(log_sum / static_cast<double>(eff_order));
  return s;
}

BleuStats bleu_stats(std::span<const std::string> hypotheses,
                     std::span<const std::vector<std::string>> references, const BleuOptions& options) {
  check_options(options);
  if (references.empty()) fail("BLEU: no reference stream given");
  for (size_t r = 0; r < references.size(); ++r)
    if (references[r].size() != hypotheses.size())
      fail("BLEU: reference stream {} has {} lines, the hypotheses {}", r + 1, references[r].size(),
           hypotheses.size());
  const size_t orders = static_cast<size_t>(options.max_order);
  BleuStats stats;
  stats.correct.assign(orders, 0);
  stats.total.assign(orders, 0);
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    // The clip count of an n-gram is its largest count in any one reference.
    NgramCounts ref_ngrams;
    std::vector<int64_t> ref_lens;
    for (size_t r = 0; r < references.size(); ++r) {
      const auto tokens = preprocess(references[r][i], options, fmt::format("reference {} line {}", r + 1, i + 1));
      ref_lens.push_back(static_cast<int64_t>(tokens.size()));
      for (const auto& [ngram, count] : count_ngrams(tokens, options.max_order)) {
        int64_t& c = ref_ngrams[ngram];
        c = std::max(c, count);
      }
    }
    const auto hyp = preprocess(hypotheses[i], options, fmt::format("hypothesis line {}", i + 1));
    const auto hyp_len = static_cast<int64_t>(hyp.size());
    stats.sys_len += hyp_len;
    stats.ref_len += closest_ref_len(hyp_len, ref_lens);
    for (const auto& [ngram, count] : count_ngrams(hyp, options.max_order)) {
      const size_t n = static_cast<size_t>(ngram_order(ngram)) - 1;
      stats.total[n] += count;
      if (auto it = ref_ngrams.find(ngram); it != ref_ngrams.end()) stats.correct[n] += std::min(count, it->second);
    }
  }
  return stats;
}

BleuScore corpus_bleu(std::span<const std::string> hypotheses,
                      std::span<const std::vector<std::string>> references, const BleuOptions& options) {
  return compute_bleu(bleu_stats(hypotheses, references, options), options);
}

BleuScore sentence_bleu(const std::string& hypothesis, std::span<const std::string> references,
                        const BleuOptions& options) {
  std::vector<std::vector<std::string>> streams;
  for (const std::string& r : references) streams.push_back({r});
  return corpus_bleu(std::span<const std::string>(&hypothesis, 1), streams, options);
}

std::string format_bleu_verbose(const BleuScore& s) {
  std::string precisions;
  for (size_t n = 0; n < s.precisions.size(); ++n) precisions += fmt::format("{}{:.1f}", n ? "/" : "", s.precisions[n]);
  const double ratio = s.ref_len ? static_cast<double>(s.sys_len) / s.ref_len : 0.0;
  return fmt::format("{} (BP = {:.3f} ratio = {:.3f} hyp_len = {} ref_len = {})", precisions, s.bp, ratio,
                     s.sys_len, s.ref_len);
}

std::string format_bleu(const BleuScore& s) { return fmt::format("BLEU = {:.2f} {}", s.score, format_bleu_verbose(s)); }

std::string bleu_signature(const BleuOptions& options, size_t num_refs) {
  std::string smooth;
  switch (options.smoothing) {
    case Smoothing::kNone: smooth = "none"; break;
    case Smoothing::kExp: smooth = "exp"; break;
    case Smoothing::kFloor: smooth = fmt::format("floor[{:.2f}]", options.smooth_value.value_or(0.1)); break;
    case Smoothing::kAddK: smooth = fmt::format("add-k[{:.2f}]", options.smooth_value.value_or(1.0)); break;
  }
  return fmt::format("nrefs:{}|case:{}|eff:{}|tok:{}|smooth:{}|version:{}", num_refs,
                     options.lowercase ? "lc" : "mixed", options.effective_order ? "yes" : "no",
                     tokenizer_name(options.tokenizer), smooth, kSacrebleuVersion);
}

}  // namespace octet::diag
