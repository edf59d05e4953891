#include "diag/seq2seq_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "octet/error.h"

namespace octet::diag {
namespace {

double dot(std::span<const double> a, std::span<const double> b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double cosine(std::span<const double> a, std::span<const double> b) {
  const double na = std::sqrt(dot(a, a)), nb = std::sqrt(dot(b, b));
  if (na == 0 || nb == 0) return na == nb ? 1.0 : 0.0;  // two zero vectors are alike
  return dot(a, b) / (na * nb);
}

std::vector<double> widened(std::span<const float> v, bool centred) {
  std::vector<double> out(v.begin(), v.end());
  if (centred && !out.empty()) {
    const double mean = std::accumulate(out.begin(), out.end(), 0.0) / static_cast<double>(out.size());
    for (double& x : out) x -= mean;
  }
  return out;
}

double overlap(const std::vector<size_t>& a, const std::vector<size_t>& b) {
  const std::set<size_t> sa(a.begin(), a.end());
  size_t n = 0;
  for (size_t x : b) n += sa.count(x);
  return a.empty() ? 1.0 : static_cast<double>(n) / static_cast<double>(a.size());
}

}  // namespace

std::vector<size_t> top_k(std::span<const float> v, size_t k) {
  std::vector<size_t> index(v.size());
  std::iota(index.begin(), index.end(), 0);
  k = std::min(k, v.size());
  std::partial_sort(index.begin(), index.begin() + static_cast<std::ptrdiff_t>(k), index.end(),
                    [&](size_t a, size_t b) { return v[a] > v[b] || (v[a] == v[b] && a < b); });
  index.resize(k);
  return index;
}

FirstStepStats first_step_stats(const std::vector<std::vector<float>>& logits,
                                const std::vector<std::vector<float>>& reference) {
  if (logits.size() < 2) fail("first-step sensitivity needs at least two sources, got {}", logits.size());
  const size_t v = logits[0].size();
  for (size_t i = 0; i < logits.size(); ++i)
    if (logits[i].size() != v) fail("first-step logits of source {} have {} values, source 0 has {}", i, logits[i].size(), v);
  if (!reference.empty() && reference.size() != logits.size())
    fail("{} reference logits for {} sources", reference.size(), logits.size());
  FirstStepStats s;
  s.sources = logits.size();
  std::vector<std::vector<double>> centred;
  std::vector<std::vector<size_t>> top;
  for (const auto& l : logits) {
    centred.push_back(widened(l, true));
    top.push_back(top_k(l, 10));
  }
  for (size_t a = 0; a < logits.size(); ++a)
    for (size_t b = a + 1; b < logits.size(); ++b) {
      ++s.pairs;
      s.pair_correlation += cosine(centred[a], centred[b]);
      s.pair_argmax_agreement += top[a].front() == top[b].front();
      s.pair_top10_overlap += overlap(top[a], top[b]);
    }
  const double pairs = static_cast<double>(s.pairs);
  s.pair_correlation /= pairs;
  s.pair_argmax_agreement /= pairs;
  s.pair_top10_overlap /= pairs;
  s.sensitivity = 1.0 - s.pair_correlation;
  if (!reference.empty()) {
    s.has_reference = true;
    for (size_t i = 0; i < logits.size(); ++i) {
      if (reference[i].size() != v) fail("reference logits of source {} have {} values, expected {}", i, reference[i].size(), v);
      s.reference_cosine += cosine(widened(logits[i], false), widened(reference[i], false));
      const auto rt = top_k(reference[i], 10);
      s.reference_argmax_agreement += rt.front() == top[i].front();
      s.reference_top10_overlap += overlap(rt, top[i]);
    }
    const double n = static_cast<double>(logits.size());
    s.reference_cosine /= n;
    s.reference_argmax_agreement /= n;
    s.reference_top10_overlap /= n;
  }
  return s;
}

OutputStats output_stats(const std::vector<std::vector<int32_t>>& outputs, int32_t eos) {
  OutputStats s;
  s.sentences = outputs.size();
  size_t repeats = 0;
  std::set<std::vector<int32_t>> distinct;
  for (const auto& ids : outputs) {
    std::vector<int32_t> body;
    for (int32_t id : ids)
      if (id != eos) body.push_back(id);
    for (size_t t = 1; t < body.size(); ++t) repeats += body[t] == body[t - 1];
    s.tokens += body.size();
    distinct.insert(body);
  }
  if (s.tokens) s.repeated_token_rate = static_cast<double>(repeats) / static_cast<double>(s.tokens);
  if (s.sentences) {
    s.distinct_share = static_cast<double>(distinct.size()) / static_cast<double>(s.sentences);
    s.mean_length = static_cast<double>(s.tokens) / static_cast<double>(s.sentences);
  }
  return s;
}

}  // namespace octet::diag
