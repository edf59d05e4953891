#include "diag/chrf.h"

#include <unordered_map>

#include <fmt/format.h>

#include "diag/bleu.h"
#include "diag/text.h"
#include "octet/error.h"

namespace octet::diag {

namespace {

using Counts = std::unordered_map<std::u32string, int64_t>;

// The n-gram counters of one segment: char orders 1..char_order, then word
// orders 1..word_order.
using SegmentNgrams = std::vector<Counts>;

// chrF++'s word tokenization: one punctuation character split off the end
// of a word, or else off its start (so "(hi)" gives "(hi" and ")", as in
// sacreBLEU, issue #124).
std::vector<std::u32string> split_punctuation(std::u32string_view text) {
  auto is_punct = [](char32_t c) {
    return c < 0x80 && std::u32string_view(U"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").find(c) != std::u32string_view::npos;
  };
  std::vector<std::u32string> out;
  for (std::u32string& w : split_words(text)) {
    if (w.size() == 1) {
      out.push_back(std::move(w));
    } else if (is_punct(w.back())) {
      out.push_back(w.substr(0, w.size() - 1));
      out.push_back(w.substr(w.size() - 1));
    } else if (is_punct(w.front())) {
      out.push_back(w.substr(0, 1));
      out.push_back(w.substr(1));
    } else {
      out.push_back(std::move(w));
    }
  }
  return out;
}

SegmentNgrams extract_ngrams(const std::string& line, const ChrfOptions& o, std::string_view where) {
  std::u32string text = decode_utf8(line, where);
  if (o.lowercase) text = to_lower(text);
  std::u32string chars;
  if (o.whitespace) {
    chars = text;
  } else {
    for (const auto& w : split_words(text)) chars += w;
  }
  SegmentNgrams ngrams;
  for (int n = 1; n <= o.char_order; ++n) {
    Counts& c = ngrams.emplace_back();
    for (size_t i = 0; i + n <= chars.size(); ++i) ++c[chars.substr(i, n)];
  }
  if (o.word_order > 0) {
    const auto words = split_punctuation(text);
    for (int n = 1; n <= o.word_order; ++n) {
      Counts& c = ngrams.emplace_back();
      for (size_t i = 0; i + n <= words.size(); ++i) {
        std::u32string key = words[i];
        for (int k = 1; k < n; ++k) key.append(U" ").append(words[i + k]);
        ++c[key];
      }
    }
  }
  return ngrams;
}

// [hyp, ref, match] per order; hypothesis n-grams count only where the
// reference has n-grams of that order at all.
std::vector<int64_t> match_statistics(const SegmentNgrams& hyp, const SegmentNgrams& ref) {
  std::vector<int64_t> stats;
  for (size_t order = 0; order < hyp.size(); ++order) {
    int64_t hyp_count = 0, ref_count = 0, match = 0;
    for (const auto& [ngram, count] : hyp[order]) {
      hyp_count += count;
      if (auto it = ref[order].find(ngram); it != ref[order].end()) match += std::min(count, it->second);
    }
    for (const auto& [ngram, count] : ref[order]) ref_count += count;
    stats.insert(stats.end(), {ref[order].empty() ? 0 : hyp_count, ref_count, match});
  }
  return stats;
}

double f_score(const std::vector<int64_t>& stats, const ChrfOptions& o) {
  const double eps = 1e-16;
  const double factor = static_cast<double>(o.beta) * o.beta;
  const size_t orders = stats.size() / 3;
  double score = 0, avg_prec = 0, avg_rec = 0;
  int effective_order = 0;
  for (size_t i = 0; i < orders; ++i) {
    const int64_t n_hyp = stats[3 * i], n_ref = stats[3 * i + 1], n_match = stats[3 * i + 2];
    const double prec = n_hyp > 0 ? static_cast<double>(n_match) / n_hyp : eps;
    const double rec = n_ref > 0 ? static_cast<double>(n_match) / n_ref : eps;
    const double denom = factor * prec + rec;
    score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
    if (n_hyp > 0 && n_ref > 0) {
      avg_prec += prec;
      avg_rec += rec;
      ++effective_order;
    }
  }
  if (o.eps_smoothing) return 100 * score / static_cast<double>(orders);
  if (effective_order == 0) {
    avg_prec = avg_rec = 0;
  } else {
    avg_prec /= effective_order;
    avg_rec /= effective_order;
  }
  if (avg_prec + avg_rec == 0) return 0.0;
  return 100 * ((1 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec));
}

void check_options(const ChrfOptions& o) {
  if (o.char_order < 0 || o.word_order < 0 || o.char_order + o.word_order == 0)
    fail("chrF: orders must be non-negative and not both 0 (char order {}, word order {})", o.char_order,
         o.word_order);
  if (o.beta < 1) fail("chrF: beta must be at least 1, got {}", o.beta);
}

}  // namespace

ChrfScore corpus_chrf(std::span<const std::string> hypotheses,
                      std::span<const std::vector<std::string>> references, const ChrfOptions& o) {
  check_options(o);
  if (references.empty()) fail("chrF: no reference stream given");
  for (size_t r = 0; r < references.size(); ++r)
    if (references[r].size() != hypotheses.size())
      fail("chrF: reference stream {} has {} lines, the hypotheses {}", r + 1, references[r].size(),
           hypotheses.size());
  std::vector<int64_t> totals(3 * static_cast<size_t>(o.char_order + o.word_order), 0);
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const SegmentNgrams hyp = extract_ngrams(hypotheses[i], o, fmt::format("hypothesis line {}", i + 1));
    std::vector<int64_t> best;
    double best_f = -1.0;
    for (size_t r = 0; r < references.size(); ++r) {
      const SegmentNgrams ref =
          extract_ngrams(references[r][i], o, fmt::format("reference {} line {}", r + 1, i + 1));
      std::vector<int64_t> stats = match_statistics(hyp, ref);
      const double f = f_score(stats, o);
      if (f > best_f) best_f = f, best = std::move(stats);
    }
    for (size_t k = 0; k < totals.size(); ++k) totals[k] += best[k];
  }
  return {fmt::format("chrF{}{}", o.beta, std::string(static_cast<size_t>(o.word_order), '+')), f_score(totals, o)};
}

ChrfScore sentence_chrf(const std::string& hypothesis, std::span<const std::string> references,
                        const ChrfOptions& options) {
  std::vector<std::vector<std::string>> streams;
  for (const std::string& r : references) streams.push_back({r});
  return corpus_chrf(std::span<const std::string>(&hypothesis, 1), streams, options);
}

std::string format_chrf(const ChrfScore& score) { return fmt::format("{} = {:.2f}", score.name, score.score); }

std::string chrf_signature(const ChrfOptions& o, size_t num_refs) {
  return fmt::format("nrefs:{}|case:{}|eff:{}|nc:{}|nw:{}|space:{}|version:{}", num_refs,
                     o.lowercase ? "lc" : "mixed", o.eps_smoothing ? "no" : "yes", o.char_order, o.word_order,
                     o.whitespace ? "yes" : "no", kSacrebleuVersion);
}

}  // namespace octet::diag
