// Marian's tokenization, as Hugging Face's MarianTokenizer does it: the source
// SentencePiece model cuts text into pieces, vocab.json maps each piece to an
// id (<unk> when the piece is absent), </s> ends the sequence. Decoding maps
// ids back to pieces, drops the special ids and lets the target SentencePiece
// model join the pieces into text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace octet::seq2seq {

struct SpecialIds {
  int32_t eos = 0;
  int32_t pad = -1;
  int32_t unk = -1;
};

class Tokenizer {
 public:
  // Throws octet::Error naming the file when a model or vocab.json cannot be
  // read, or when vocab.json lacks </s> or <unk>.
  Tokenizer(const std::filesystem::path& source_spm, const std::filesystem::path& target_spm,
            const std::filesystem::path& vocab_json);
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;

  // Source text → ids ending in </s>.
  std::vector<int32_t> encode(std::string_view text) const;
  // Target text → ids ending in </s> (the target model's pieces, as
  // MarianTokenizer's text_target): teacher forcing for calibration.
  std::vector<int32_t> encode_target(std::string_view text) const;
  // Target ids → text; </s>, <pad> and <unk> are dropped (as the reference does).
  std::string decode(const std::vector<int32_t>& ids) const;

  const SpecialIds& special() const { return special_; }
  size_t vocab_size() const { return pieces_.size(); }

 private:
  std::vector<int32_t> encode_with(const sentencepiece::SentencePieceProcessor& spm, std::string_view text) const;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> source_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> target_;
  std::unordered_map<std::string, int32_t> ids_;
  std::vector<std::string> pieces_;  // by id; empty where vocab.json has a gap
  SpecialIds special_;
};

}  // namespace octet::seq2seq
