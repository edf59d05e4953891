// chrF (Popović 2015) and chrF++ (Popović 2017) as sacreBLEU 2.6.0 computes
// them (sacrebleu/metrics/chrf.py): character n-grams over code points (an
// umlaut is one character), whitespace removed, [hyp, ref, match] counts per
// order summed over the corpus before the F-score, the reference with the
// best F-score chosen per segment.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace octet::diag {

struct ChrfOptions {
  int char_order = 6;
  int word_order = 0;  // 2 gives chrF++
  int beta = 2;        // recall weighs beta times precision
  bool lowercase = false;
  bool whitespace = false;  // keep whitespace inside character n-grams
  // false: average precision and recall over the orders that have n-grams on
  // both sides, then one F-score (sacreBLEU's default, "eff:yes");
  // true: mean of per-order F-scores with an epsilon for empty orders
  // (chrF++.py, NLTK, Moses).
  bool eps_smoothing = false;
};

struct ChrfScore {
  std::string name;  // "chrF2", "chrF2++"
  double score = 0;  // 0..100
};

// `references[r][i]` is reference r of hypothesis i (UTF-8).
ChrfScore corpus_chrf(std::span<const std::string> hypotheses,
                      std::span<const std::vector<std::string>> references, const ChrfOptions& options = {});
ChrfScore sentence_chrf(const std::string& hypothesis, std::span<const std::string> references,
                        const ChrfOptions& options = {});

// "chrF2 = 45.67"
std::string format_chrf(const ChrfScore& score);
// "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"
std::string chrf_signature(const ChrfOptions& options, size_t num_refs);

}  // namespace octet::diag
