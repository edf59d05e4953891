// Translation with an encoder + decoder-step pair of .tflite models (the
// seq2seq deployment shape of DESIGN.md): tokenize, run the encoder once per
// sentence, run the decoder step until EOS or the length limit, choose tokens
// on the host (greedy or beam), detokenize. Any precision on either side: the
// encoder → decoder boundary is bridged explicitly (src/seq2seq/bridge.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace octet::seq2seq {

struct TranslatorOptions {
  int beam_size = 1;            // 1: greedy
  double length_penalty = 1.0;  // beam score = sum log p / length^length_penalty
  int max_length = 0;           // cap on generated tokens (EOS included); 0: the reference's rule only
  int threads = 1;              // sentences translated in parallel, one interpreter pair each
  // Pass the encoder output's bytes to the decoder as they are, whatever their
  // parameters (what a deployment without a bridge does; same dtype required).
  bool raw_boundary = false;
};

// Where the models and tokenizer files are. from_folder() fills it from an
// importer output folder (encoder.tflite, decoder_step.tflite, source.spm,
// target.spm, vocab.json, octet_seq2seq.json).
struct TranslatorFiles {
  std::filesystem::path encoder;
  std::filesystem::path decoder;
  std::filesystem::path source_spm;
  std::filesystem::path target_spm;
  std::filesystem::path vocab;
  std::filesystem::path config;  // octet_seq2seq.json; optional
  // With `with_models` false only the tokenizer files must exist (the caller
  // names the models itself).
  static TranslatorFiles from_folder(const std::filesystem::path& dir, bool with_models = true);
};

struct Translation {
  std::vector<int32_t> source_ids;  // as the encoder saw them (after truncation), ending in </s>
  std::vector<int32_t> ids;         // generated, ending in </s>
  std::string text;
  bool truncated = false;           // the source was longer than the encoder's S and was cut
  int decoder_steps = 0;
  double encoder_ms = 0;
  double decoder_ms = 0;
};

class Translator {
 public:
  explicit Translator(const TranslatorFiles& files, TranslatorOptions options = {});
  ~Translator();
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  // Sentences in parallel (options.threads), results in input order.
  std::vector<Translation> translate(const std::vector<std::string>& sentences);
  // The same from source ids (each ending in </s>), skipping the tokenizer.
  std::vector<Translation> translate_ids(const std::vector<std::vector<int32_t>>& sources);

  // The first decoder step's logits (prefix = the start token) for each
  // source, dequantized: what first-step source sensitivity is measured on.
  std::vector<std::vector<float>> first_step_logits(const std::vector<std::vector<int32_t>>& sources);

  std::vector<int32_t> encode(const std::string& sentence) const;
  std::string decode(const std::vector<int32_t>& ids) const;

  // Static shapes of the models: source length S, decoder prefix length T.
  int source_length() const;
  int target_length() const;
  // The reference's limit for a source of n ids (incl. </s>): min(256, 2n + 10),
  // further bounded by T and options.max_length.
  int max_length_for(size_t source_ids) const;
  // "copy", "dequantize", "quantize" or "requantize", and the two encodings.
  std::string bridge_description() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace octet::seq2seq
