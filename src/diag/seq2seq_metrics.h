// What a translation model's outputs say about its health, independent of
// references: whether its first decoder step still depends on the source
// (a decoder whose first-step logits are the same for every source emits the
// same tokens for every input), and whether its outputs degenerate into
// repeated tokens or one translation for everything.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace octet::diag {

// First-step logits of N different sources (each V values).
struct FirstStepStats {
  size_t sources = 0, pairs = 0;
  // Over all pairs of different sources: mean Pearson correlation of their
  // logits (cosine of the mean-centred vectors), share of pairs whose argmax
  // agree, mean overlap of their top-10 token sets (0..1).
  double pair_correlation = 0, pair_argmax_agreement = 0, pair_top10_overlap = 0;
  // 1 − pair_correlation: 0 for a source-blind first step.
  double sensitivity = 0;
  // Against a reference model's logits for the same sources (when given):
  // mean cosine, share of equal argmax, mean top-10 overlap.
  bool has_reference = false;
  double reference_cosine = 0, reference_argmax_agreement = 0, reference_top10_overlap = 0;
};

// `logits[i]` is source i's first-step logits; `reference`, if not empty,
// the same sources in the reference model. Throws octet::Error when sizes
// disagree or fewer than two sources are given.
FirstStepStats first_step_stats(const std::vector<std::vector<float>>& logits,
                                const std::vector<std::vector<float>>& reference = {});

struct OutputStats {
  size_t sentences = 0, tokens = 0;
  // Share of generated tokens (end-of-sentence excluded) equal to the token
  // just before them.
  double repeated_token_rate = 0;
  // Distinct outputs / sentences: 1 when every translation differs, 1/N when
  // the model says the same thing for everything.
  double distinct_share = 0;
  double mean_length = 0;
};

// `outputs[i]` is sentence i's generated ids; `eos` is not counted.
OutputStats output_stats(const std::vector<std::vector<int32_t>>& outputs, int32_t eos);

// The k largest entries' indices (ties: lower index first).
std::vector<size_t> top_k(std::span<const float> v, size_t k);

}  // namespace octet::diag
