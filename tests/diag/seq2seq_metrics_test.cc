#include "diag/seq2seq_metrics.h"

#include <gtest/gtest.h>

#include <random>

#include "octet/error.h"

namespace octet::diag {
namespace {

std::vector<float> random_logits(std::mt19937& rng, size_t v) {
  std::normal_distribution<float> n(0.f, 2.f);
  std::vector<float> out(v);
  for (float& x : out) x = n(rng);
  return out;
}

TEST(FirstStepStats, SourceBlindLogitsHaveNoSensitivity) {
  std::mt19937 rng(1);
  const auto same = random_logits(rng, 500);
  std::vector<std::vector<float>> logits(5, same);
  // A constant shift per source changes nothing the decoder chooses.
  for (size_t i = 0; i < logits.size(); ++i)
    for (float& x : logits[i]) x += static_cast<float>(i);
  const FirstStepStats s = first_step_stats(logits);
  EXPECT_EQ(s.pairs, 10u);
  EXPECT_NEAR(s.pair_correlation, 1.0, 1e-9);
  EXPECT_NEAR(s.sensitivity, 0.0, 1e-9);
  EXPECT_EQ(s.pair_argmax_agreement, 1.0);
  EXPECT_EQ(s.pair_top10_overlap, 1.0);
}

TEST(FirstStepStats, IndependentLogitsAreSensitive) {
  std::mt19937 rng(2);
  std::vector<std::vector<float>> logits;
  for (int i = 0; i < 6; ++i) logits.push_back(random_logits(rng, 2000));
  const FirstStepStats s = first_step_stats(logits, logits);
  EXPECT_NEAR(s.pair_correlation, 0.0, 0.1);
  EXPECT_GT(s.sensitivity, 0.9);
  EXPECT_LT(s.pair_top10_overlap, 0.1);
  EXPECT_TRUE(s.has_reference);
  EXPECT_NEAR(s.reference_cosine, 1.0, 1e-12);
  EXPECT_EQ(s.reference_argmax_agreement, 1.0);
}

TEST(FirstStepStats, HandComputedPair) {
  // Centred: a = (-1, 0, 1), b = (1, 0, -1): correlation −1.
  const FirstStepStats s = first_step_stats({{1, 2, 3}, {3, 2, 1}});
  EXPECT_NEAR(s.pair_correlation, -1.0, 1e-12);
  EXPECT_NEAR(s.sensitivity, 2.0, 1e-12);
  EXPECT_EQ(s.pair_argmax_agreement, 0.0);
  EXPECT_EQ(s.pair_top10_overlap, 1.0);  // three tokens: both top sets are everything
}

TEST(FirstStepStats, BadInputsNameTheProblem) {
  EXPECT_THROW(first_step_stats({{1, 2}}), Error);
  EXPECT_THROW(first_step_stats({{1, 2}, {1, 2, 3}}), Error);
  EXPECT_THROW(first_step_stats({{1, 2}, {2, 1}}, {{1, 2}}), Error);
}

TEST(OutputStats, RepeatsAndDistinctOutputs) {
  const int32_t eos = 0;
  const OutputStats s = output_stats({{5, 5, 5, 7, 0}, {5, 5, 5, 7, 0}, {1, 2, 3, 0}, {}}, eos);
  EXPECT_EQ(s.sentences, 4u);
  EXPECT_EQ(s.tokens, 11u);
  EXPECT_NEAR(s.repeated_token_rate, 4.0 / 11.0, 1e-12);
  EXPECT_NEAR(s.distinct_share, 3.0 / 4.0, 1e-12);
  EXPECT_NEAR(s.mean_length, 11.0 / 4.0, 1e-12);
}

TEST(TopK, OrdersByValueThenIndex) {
  const std::vector<float> v = {0.5f, 2.f, 2.f, -1.f, 3.f};
  EXPECT_EQ(top_k(v, 3), (std::vector<size_t>{4, 1, 2}));
  EXPECT_EQ(top_k(v, 10).size(), 5u);
}

}  // namespace
}  // namespace octet::diag
