// Greedy and beam search over a decoder that only answers "the next-token
// logits after this prefix" (CTranslate2's split: the search knows no model).
// The rules follow training/search.py, the PyTorch reference, which follows
// Hugging Face generate() for OPUS-MT: the prefix starts with the decoder
// start token, the banned token (pad) is never chosen, EOS is forced at the
// last allowed position, beam scores are sum log p / length^length_penalty
// with EOS counted, early_stopping false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "octet/types.h"

namespace octet::seq2seq {

// One row of logits as the model gave them: float32, or int8/int16 with the
// output tensor's scale and zero point.
struct LogitsView {
  DType dtype = DType::Float32;
  std::span<const std::byte> bytes;
  float scale = 1.0f;
  int64_t zero_point = 0;
  size_t size() const;
  float value(size_t i) const;  // dequantized
};

// Logits for the position after `prefix` (prefix[0] is the start token). The
// view must stay valid until the next call.
using StepFunction = std::function<LogitsView(std::span<const int32_t> prefix)>;

struct SearchOptions {
  int32_t start_id = 0;
  int32_t eos_id = 0;
  int32_t banned_id = -1;   // never generated (Marian: pad); -1: none
  int max_length = 1;       // generated tokens, EOS included; EOS is forced at this length
  int beam_size = 1;        // 1: greedy
  double length_penalty = 1.0;
};

struct SearchResult {
  std::vector<int32_t> ids;  // generated tokens, ending in EOS
  int steps = 0;             // calls of the step function
  double score = 0;          // beam: the normalized score of the chosen hypothesis
};

// Argmax (lowest index on ties) of each step; integer logits are compared as
// integers, which orders them as their dequantized values (scale > 0).
SearchResult greedy_search(const StepFunction& step, const SearchOptions& options);
// Beam search on log-softmax of the dequantized logits.
SearchResult beam_search(const StepFunction& step, const SearchOptions& options);
// beam_size 1 → greedy, else beam. Throws octet::Error on bad options.
SearchResult search(const StepFunction& step, const SearchOptions& options);

// Index of the largest value, skipping `banned`; lowest index on ties.
size_t argmax(const LogitsView& logits, int32_t banned);
// log_softmax over the dequantized logits, `banned` set to -inf first.
void log_softmax(const LogitsView& logits, int32_t banned, std::vector<float>& out);

}  // namespace octet::seq2seq
