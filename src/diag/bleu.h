// BLEU (Papineni et al., 2002) with the figures sacreBLEU 2.6.0 prints
// (sacrebleu/metrics/bleu.py): same tokenizers, n-gram clipping against the
// most generous reference, closest reference length (ties: the shorter),
// corpus-level brevity penalty, the four smoothing methods of Chen & Cherry
// (WMT 2014), effective order. Users compare octet's BLEU with sacreBLEU's,
// so every rounding-relevant step follows it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "diag/tokenize.h"

namespace octet::diag {

// The sacreBLEU release whose definitions and signature octet mirrors.
inline constexpr std::string_view kSacrebleuVersion = "2.6.0";

enum class Smoothing { kNone, kFloor, kAddK, kExp };

struct BleuOptions {
  bool lowercase = false;
  Tokenizer tokenizer = Tokenizer::k13a;
  Smoothing smoothing = Smoothing::kExp;
  std::optional<double> smooth_value;  // floor: 0.1, add-k: 1 when unset
  int max_order = 4;
  // Average only over the orders that have any n-gram in the hypothesis
  // (sacreBLEU's default for sentence BLEU; off for corpus BLEU).
  bool effective_order = false;
};

// sacreBLEU's sentence_bleu defaults: exp smoothing, effective order on.
BleuOptions sentence_bleu_options();

// Sufficient statistics, summed over segments.
struct BleuStats {
  int64_t sys_len = 0, ref_len = 0;
  std::vector<int64_t> correct, total;  // per order 1..max_order
};

struct BleuScore {
  double score = 0;                     // 0..100
  std::vector<double> precisions;       // per order, in percent
  double bp = 0;                        // brevity penalty
  int64_t sys_len = 0, ref_len = 0;
  std::vector<int64_t> counts, totals;  // matched and hypothesis n-grams
};

Smoothing parse_smoothing(std::string_view name);

// The score from statistics (sacreBLEU's BLEU.compute_bleu).
BleuScore compute_bleu(const BleuStats& stats, const BleuOptions& options);

// `references` holds reference streams: references[r][i] is reference r of
// hypothesis i; every stream has as many lines as `hypotheses`. Text is
// UTF-8; errors name the line.
BleuStats bleu_stats(std::span<const std::string> hypotheses,
                     std::span<const std::vector<std::string>> references, const BleuOptions& options);
BleuScore corpus_bleu(std::span<const std::string> hypotheses,
                      std::span<const std::vector<std::string>> references, const BleuOptions& options = {});
BleuScore sentence_bleu(const std::string& hypothesis, std::span<const std::string> references,
                        const BleuOptions& options = sentence_bleu_options());

// "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"
std::string format_bleu(const BleuScore& score);
// The part after "BLEU = 48.53 ": precisions, BP, ratio and lengths.
std::string format_bleu_verbose(const BleuScore& score);
// "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"
std::string bleu_signature(const BleuOptions& options, size_t num_refs);

}  // namespace octet::diag
