// Greedy and beam search on hand-made step functions whose best answers are
// worked out by hand (the probabilities below are chosen so that they are).
#include <cmath>
#include <cstring>
#include <map>

#include <gtest/gtest.h>

#include "octet/error.h"
#include "seq2seq/search.h"

namespace octet::seq2seq {
namespace {

constexpr int32_t kEos = 0, kA = 1, kB = 2, kC = 3, kD = 4, kPad = 5;
constexpr int32_t kStart = kPad;

// A step function from a table: prefix (without the start token) → probabilities;
// the logits it returns are log p, so log_softmax gives log p back.
class TableStep {
 public:
  std::map<std::vector<int32_t>, std::vector<double>> table;
  std::vector<double> fallback;
  int calls = 0;

  StepFunction function() {
    return [this](std::span<const int32_t> prefix) {
      ++calls;
      EXPECT_EQ(prefix[0], kStart);
      const std::vector<int32_t> key(prefix.begin() + 1, prefix.end());
      const auto it = table.find(key);
      const std::vector<double>& p = it == table.end() ? fallback : it->second;
      row_.resize(p.size());
      for (size_t i = 0; i < p.size(); ++i) row_[i] = p[i] > 0 ? static_cast<float>(std::log(p[i])) : -1e30f;
      return LogitsView{DType::Float32, std::as_bytes(std::span<const float>(row_))};
    };
  }

 private:
  std::vector<float> row_;
};

SearchOptions options(int max_length, int beam) {
  return SearchOptions{.start_id = kStart, .eos_id = kEos, .banned_id = kPad, .max_length = max_length,
                       .beam_size = beam, .length_penalty = 1.0};
}

//                       eos   a     b     c     d     pad
// after []:             0.1   0.5   0.4   0     0     0
// after [a]:            0.1   0     0     0.3   0.3   0.3 (pad banned)
// after [b]:            0.9   0.05  0.05  0     0     0
// after anything else:  0.97  0.01  0.01  0.01  0     0
// Greedy: a, then c (c and d tie at 0.3: the lower index), then eos:
//   (log .5 + log .3 + log .97) / 3 = -0.6424.
// Beam: b eos scores (log .4 + log .9) / 2 = -0.5108, better.
TableStep garden_path() {
  TableStep s;
  s.table[{}] = {0.1, 0.5, 0.4, 0, 0, 0};
  s.table[{kA}] = {0.1, 0, 0, 0.3, 0.3, 0.3};
  s.table[{kB}] = {0.9, 0.05, 0.05, 0, 0, 0};
  s.fallback = {0.97, 0.01, 0.01, 0.01, 0, 0};
  return s;
}

TEST(Search, GreedyTakesArgmaxLowestIndexOnTiesAndNeverPad) {
  TableStep s = garden_path();
  const SearchResult r = greedy_search(s.function(), options(10, 1));
  EXPECT_EQ(r.ids, (std::vector<int32_t>{kA, kC, kEos}));
  EXPECT_EQ(r.steps, 3);
}

TEST(Search, BeamFindsTheBetterSequenceGreedyMisses) {
  for (int beam : {2, 4}) {
    TableStep s = garden_path();
    const SearchResult r = beam_search(s.function(), options(10, beam));
    EXPECT_EQ(r.ids, (std::vector<int32_t>{kB, kEos})) << "beam " << beam;
    EXPECT_NEAR(r.score, (std::log(0.4) + std::log(0.9)) / 2, 1e-6) << "beam " << beam;
  }
}

TEST(Search, BeamSizeOneIsGreedy) {
  TableStep s = garden_path();
  EXPECT_EQ(search(s.function(), options(10, 1)).ids, (std::vector<int32_t>{kA, kC, kEos}));
}

TEST(Search, EosIsForcedAtTheMaximumLength) {
  // A model that never wants EOS: every output is cut at max_length with EOS.
  TableStep s;
  s.fallback = {0.0, 0.1, 0.6, 0.3, 0, 0};
  for (int beam : {1, 4}) {
    for (int max_length : {1, 2, 5}) {
      const SearchResult r = search(s.function(), options(max_length, beam));
      std::vector<int32_t> want(static_cast<size_t>(max_length - 1), kB);
      want.push_back(kEos);
      EXPECT_EQ(r.ids, want) << "beam " << beam << " max_length " << max_length;
    }
  }
}

TEST(Search, PadIsNeverEmittedEvenWhenMostLikely) {
  TableStep s;
  s.table[{}] = {0.05, 0.15, 0.1, 0, 0, 0.7};
  s.table[{kA}] = {0.2, 0.0, 0.0, 0, 0, 0.8};
  s.fallback = {0.1, 0.1, 0.1, 0.1, 0, 0.6};
  for (int beam : {1, 4}) {
    const SearchResult r = search(s.function(), options(6, beam));
    for (int32_t id : r.ids) EXPECT_NE(id, kPad) << "beam " << beam;
    EXPECT_EQ(r.ids.back(), kEos);
  }
  EXPECT_EQ(greedy_search(s.function(), options(6, 1)).ids, (std::vector<int32_t>{kA, kEos}));
}

TEST(Search, BeamKeepsSearchingUntilNoLiveBeamCanWin) {
  // EOS at the first step has p = 0.3 (score log .3 = -1.20), but a b eos is
  // (log .7 + log .9 + log .95)/3 = -0.171: the finished hypothesis must not
  // stop the search while a live beam can still beat it.
  TableStep s;
  s.table[{}] = {0.3, 0.7, 0, 0, 0, 0};
  s.table[{kA}] = {0.05, 0.05, 0.9, 0, 0, 0};
  s.table[{kA, kB}] = {0.95, 0.05, 0, 0, 0, 0};
  s.fallback = {0.5, 0.5, 0, 0, 0, 0};
  const SearchResult r = beam_search(s.function(), options(10, 2));
  EXPECT_EQ(r.ids, (std::vector<int32_t>{kA, kB, kEos}));
  EXPECT_NEAR(r.score, (std::log(0.7) + std::log(0.9) + std::log(0.95)) / 3, 1e-6);
}

TEST(Search, IdenticalBeamsShareOneStepAtTheStart) {
  TableStep s = garden_path();
  beam_search(s.function(), options(10, 4));
  // Step 1: one call for the 4 identical start beams; later steps one per live beam.
  TableStep g = garden_path();
  const SearchResult r = beam_search(g.function(), options(1, 4));
  EXPECT_EQ(r.ids, (std::vector<int32_t>{kEos}));
  EXPECT_EQ(r.steps, 1);
}

template <class T>
LogitsView quantized(const std::vector<T>& values, float scale, int64_t zero_point) {
  return LogitsView{sizeof(T) == 1 ? DType::Int8 : DType::Int16, std::as_bytes(std::span<const T>(values)), scale,
                    zero_point};
}

TEST(Search, IntegerLogitsArgmaxWithoutDequantizing) {
  const std::vector<int8_t> q8{-5, 17, 40, 40, -128, 127};
  EXPECT_EQ(argmax(quantized(q8, 0.1f, 3), /*banned=*/5), 2u);  // 127 banned; 40 ties: lower index
  EXPECT_EQ(argmax(quantized(q8, 0.1f, 3), -1), 5u);
  const std::vector<int16_t> q16{-300, 299, 300, -32768};
  EXPECT_EQ(argmax(quantized(q16, 1e-3f, 0), -1), 2u);
  // Dequantized values: 0.1 * (q - 3).
  EXPECT_FLOAT_EQ(quantized(q8, 0.1f, 3).value(1), 0.1f * 14);
}

TEST(Search, LogSoftmaxOfQuantizedLogits) {
  // int8 logits 0.5 * (q - 2): q = {2, 4, 6} → {0, 1, 2}; pad (index 3) banned.
  const std::vector<int8_t> q{2, 4, 6, 100};
  std::vector<float> lp;
  log_softmax(quantized(q, 0.5f, 2), 3, lp);
  const double z = std::log(1 + std::exp(1.0) + std::exp(2.0));
  EXPECT_NEAR(lp[0], -z, 1e-6);
  EXPECT_NEAR(lp[1], 1 - z, 1e-6);
  EXPECT_NEAR(lp[2], 2 - z, 1e-6);
  EXPECT_TRUE(std::isinf(lp[3]) && lp[3] < 0);
}

TEST(Search, BadOptionsAndLogitsAreErrors) {
  TableStep s = garden_path();
  EXPECT_THROW(search(s.function(), options(0, 1)), Error);
  EXPECT_THROW(search(s.function(), options(5, 0)), Error);
  const std::vector<int32_t> ints{1, 2, 3};
  const StepFunction wrong = [&](std::span<const int32_t>) {
    return LogitsView{DType::Int32, std::as_bytes(std::span<const int32_t>(ints))};
  };
  EXPECT_THROW(search(wrong, options(5, 1)), Error);
}

}  // namespace
}  // namespace octet::seq2seq
