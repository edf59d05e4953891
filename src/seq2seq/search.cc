#include "seq2seq/search.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "octet/error.h"

namespace octet::seq2seq {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
// The reference pads a beam that has too few live candidates, and starts the
// beams after the first, with this score (search.py: -1e9).
constexpr float kDeadScore = -1e9f;

template <class T>
T load(const std::byte* p, size_t i) {
  T v;
  std::memcpy(&v, p + i * sizeof(T), sizeof(T));
  return v;
}

template <class T>
size_t argmax_of(const std::byte* p, size_t n, int32_t banned) {
  size_t best = n;
  T best_value{};
  for (size_t i = 0; i < n; ++i) {
    if (static_cast<int64_t>(i) == banned) continue;
    const T v = load<T>(p, i);
    // Strictly greater: the first of equal values wins, as torch.argmax.
    // NaN never wins, so a NaN logit cannot hide the others.
    if (best == n ? !(v != v) : v > best_value) {
      best = i;
      best_value = v;
    }
  }
  return best == n ? 0 : best;
}

void check_options(const SearchOptions& o) {
  if (o.max_length < 1) fail("search: max_length is {}, must be at least 1", o.max_length);
  if (o.beam_size < 1) fail("search: beam size is {}, must be at least 1", o.beam_size);
  if (o.eos_id < 0) fail("search: EOS id is {}", o.eos_id);
}

void check_logits(const LogitsView& l, int32_t eos) {
  if (l.dtype != DType::Float32 && l.dtype != DType::Int8 && l.dtype != DType::Int16)
    fail("search: logits are {}, expected float32, int8 or int16", dtype_name(l.dtype));
  if (l.size() <= static_cast<size_t>(eos))
    fail("search: the step gave {} logits, fewer than the EOS id {} + 1", l.size(), eos);
}

}  // namespace

size_t LogitsView::size() const { return bytes.size() / dtype_size(dtype); }

float LogitsView::value(size_t i) const {
  switch (dtype) {
    case DType::Float32: return load<float>(bytes.data(), i);
    case DType::Int8: return scale * static_cast<float>(load<int8_t>(bytes.data(), i) - zero_point);
    case DType::Int16: return scale * static_cast<float>(load<int16_t>(bytes.data(), i) - zero_point);
    default: fail("logits of type {} are not supported", dtype_name(dtype));
  }
}

size_t argmax(const LogitsView& logits, int32_t banned) {
  const size_t n = logits.size();
  switch (logits.dtype) {
    case DType::Float32: return argmax_of<float>(logits.bytes.data(), n, banned);
    case DType::Int8: return argmax_of<int8_t>(logits.bytes.data(), n, banned);
    case DType::Int16: return argmax_of<int16_t>(logits.bytes.data(), n, banned);
    default: fail("logits of type {} are not supported", dtype_name(logits.dtype));
  }
}

void log_softmax(const LogitsView& logits, int32_t banned, std::vector<float>& out) {
  const size_t n = logits.size();
  out.resize(n);
  float max_value = kNegInf;
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<int64_t>(i) == banned ? kNegInf : logits.value(i);
    max_value = std::max(max_value, out[i]);
  }
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(out[i] - max_value));
  const float log_sum = static_cast<float>(std::log(sum));
  for (size_t i = 0; i < n; ++i) out[i] = out[i] - max_value - log_sum;
}

SearchResult greedy_search(const StepFunction& step, const SearchOptions& o) {
  check_options(o);
  SearchResult r;
  std::vector<int32_t> prefix{o.start_id};
  while (true) {
    int32_t token;
    if (static_cast<int>(r.ids.size()) + 1 >= o.max_length) {
      // The reference computes these logits and then overrides the choice
      // with EOS; skipping the step gives the same ids.
      token = o.eos_id;
    } else {
      const LogitsView logits = step(prefix);
      ++r.steps;
      check_logits(logits, o.eos_id);
      token = static_cast<int32_t>(argmax(logits, o.banned_id));
    }
    r.ids.push_back(token);
    prefix.push_back(token);
    if (token == o.eos_id) return r;
  }
}

SearchResult beam_search(const StepFunction& step, const SearchOptions& o) {
  check_options(o);
  const size_t k = static_cast<size_t>(o.beam_size);
  SearchResult r;
  std::vector<std::vector<int32_t>> beams(k, std::vector<int32_t>{o.start_id});
  std::vector<float> beam_scores(k, kDeadScore);
  beam_scores[0] = 0.0f;
  struct Finished {
    double score;
    std::vector<int32_t> ids;
  };
  std::vector<Finished> finished;
  std::vector<std::vector<float>> lp(k);
  struct Candidate {
    float score;
    size_t beam;
    int32_t token;
  };
  std::vector<Candidate> top;
  size_t vocab = 0;

  for (int t = 0; t < o.max_length; ++t) {
    const int cur_gen = t + 1;  // length of the hypotheses this step makes, EOS counted
    for (size_t b = 0; b < k; ++b) {
      // Beams with equal prefixes (all of them at the first step) share one step.
      const auto same = std::find(beams.begin(), beams.begin() + static_cast<std::ptrdiff_t>(b), beams[b]);
      if (same != beams.begin() + static_cast<std::ptrdiff_t>(b)) {
        lp[b] = lp[static_cast<size_t>(same - beams.begin())];
        continue;
      }
      const LogitsView logits = step(beams[b]);
      ++r.steps;
      check_logits(logits, o.eos_id);
      log_softmax(logits, o.banned_id, lp[b]);
    }
    vocab = lp[0].size();
    for (size_t b = 1; b < k; ++b)
      if (lp[b].size() != vocab) fail("search: the step gave {} logits, then {}", vocab, lp[b].size());
    if (cur_gen >= o.max_length)  // forced EOS at the last position
      for (auto& row : lp) {
        const float e = row[static_cast<size_t>(o.eos_id)];
        std::fill(row.begin(), row.end(), kNegInf);
        row[static_cast<size_t>(o.eos_id)] = e;
      }

    // The 2k best (beam, token) pairs by beam score + log p: enough that k of
    // them are not EOS. Ties: the lower flat index (beam · V + token) first.
    top.clear();
    const size_t want = std::min(2 * k, k * vocab);
    auto better = [](const Candidate& a, const Candidate& b) {
      if (a.score != b.score) return a.score > b.score;
      return a.beam != b.beam ? a.beam < b.beam : a.token < b.token;
    };
    for (size_t b = 0; b < k; ++b)
      for (size_t v = 0; v < vocab; ++v) {
        const Candidate c{beam_scores[b] + lp[b][v], b, static_cast<int32_t>(v)};
        if (top.size() < want) {
          top.push_back(c);
          std::push_heap(top.begin(), top.end(), better);
        } else if (better(c, top.front())) {
          std::pop_heap(top.begin(), top.end(), better);
          top.back() = c;
          std::push_heap(top.begin(), top.end(), better);
        }
      }
    std::sort_heap(top.begin(), top.end(), better);

    std::vector<Candidate> live;
    for (size_t rank = 0; rank < top.size(); ++rank) {
      const Candidate& c = top[rank];
      if (c.token == o.eos_id) {
        if (rank >= k) continue;  // an EOS outside the k best does not finish a hypothesis
        std::vector<int32_t> hyp(beams[c.beam].begin() + 1, beams[c.beam].end());
        hyp.push_back(o.eos_id);
        const double score = static_cast<double>(c.score) /
                             std::pow(static_cast<double>(hyp.size()), o.length_penalty);
        // Stable: among equal scores the earlier finished stays ahead.
        const auto at = std::upper_bound(finished.begin(), finished.end(), score,
                                         [](double s, const Finished& f) { return s > f.score; });
        finished.insert(at, Finished{score, std::move(hyp)});
        if (finished.size() > k) finished.resize(k);
      } else {
        live.push_back(c);
      }
      if (live.size() == k) break;
    }
    float best_live = kNegInf;
    for (const Candidate& c : live) best_live = std::max(best_live, c.score);
    bool done = cur_gen >= o.max_length;
    if (finished.size() >= k &&
        finished.back().score >= static_cast<double>(best_live) / std::pow(static_cast<double>(cur_gen), o.length_penalty))
      done = true;
    if (done) break;
    while (live.size() < k) live.push_back(Candidate{kDeadScore, 0, o.banned_id >= 0 ? o.banned_id : o.eos_id});

    std::vector<std::vector<int32_t>> next(k);
    for (size_t b = 0; b < k; ++b) {
      next[b] = beams[live[b].beam];
      next[b].push_back(live[b].token);
      beam_scores[b] = live[b].score;
    }
    beams = std::move(next);
  }
  if (!finished.empty()) {
    r.ids = std::move(finished.front().ids);
    r.score = finished.front().score;
  } else {
    r.ids.assign(beams[0].begin() + 1, beams[0].end());
    r.ids.push_back(o.eos_id);
  }
  return r;
}

SearchResult search(const StepFunction& step, const SearchOptions& options) {
  return options.beam_size == 1 ? greedy_search(step, options) : beam_search(step, options);
}

}  // namespace octet::seq2seq
