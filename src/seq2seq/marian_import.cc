#include "seq2seq/marian_import.h"

#include <cstring>
#include <fstream>

#include "octet/error.h"
#include "seq2seq/marian_folder.h"
#include "seq2seq/marian_lowering.h"
#include "seq2seq/safetensors.h"

namespace octet::seq2seq {

namespace fs = std::filesystem;

namespace {

// HF stores the tied embedding once; which name it keeps depends on the
// version that saved it. Any of them is the same matrix.
std::string find_embedding(const SafetensorsFile& f) {
  for (const char* key : {"model.shared.weight", "model.encoder.embed_tokens.weight",
                          "model.decoder.embed_tokens.weight", "lm_head.weight"})
    if (f.contains(key)) return key;
  fail("{}: missing tensor model.shared.weight (the tied embedding; also looked for "
       "model.encoder.embed_tokens.weight, model.decoder.embed_tokens.weight, lm_head.weight)",
       f.origin());
}

// Tensors the lowering did not read mean the config and the checkpoint
// disagree (more layers, untied heads, ...): refuse rather than drop them.
// Other names of the tied embedding may be present if they hold the same
// values.
void check_all_used(const SafetensorsFile& f, const MarianWeights& w) {
  const auto& c = w.config;
  const std::vector<int64_t> shape{c.vocab_size, c.d_model};
  for (const std::string& key : f.keys()) {
    if (w.used.count(key)) continue;
    const bool embedding_alias = key == "model.shared.weight" || key == "model.encoder.embed_tokens.weight" ||
                                 key == "model.decoder.embed_tokens.weight" || key == "lm_head.weight";
    if (embedding_alias) {
      if (f.floats(key, shape) != f.floats(w.embedding_key, shape))
        fail("{}: tensor {} differs from {} (untied embeddings are not supported)", f.origin(), key, w.embedding_key);
      continue;
    }
    fail("{}: tensor {} is not part of the model config.json describes (encoder_layers {}, decoder_layers {})",
         f.origin(), key, c.encoder_layers, c.decoder_layers);
  }
}

std::vector<std::byte> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", path.string());
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(raw.size());
  std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

}  // namespace

MarianImport import_marian(const fs::path& dir, const MarianImportOptions& options) {
  check_marian_files(dir);
  MarianImport out;
  out.config = read_marian_config(dir / "config.json");
  const MarianConfig& c = out.config;
  if (options.src_len < 1 || options.src_len > c.max_position_embeddings)
    fail("--src-len {}: must be in [1, {}] (config.json max_position_embeddings)", options.src_len,
         c.max_position_embeddings);
  if (options.tgt_len < 1 || options.tgt_len > c.max_position_embeddings)
    fail("--tgt-len {}: must be in [1, {}] (config.json max_position_embeddings)", options.tgt_len,
         c.max_position_embeddings);
  const MarianVocab vocab = check_marian_vocab(dir, c);

  const SafetensorsFile file = SafetensorsFile::open(dir / "model.safetensors");
  const MarianWeights weights{file, c, find_embedding(file)};
  out.encoder = lower_marian_encoder(weights, options.src_len);
  out.decoder_step = lower_marian_decoder_step(weights, options.src_len, options.tgt_len);
  check_all_used(file, weights);

  out.manifest = {
      {"format", "octet-seq2seq"},
      {"version", 1},
      {"model_type", "marian"},
      {"encoder", "encoder.tflite"},
      {"decoder_step", "decoder_step.tflite"},
      {"source_spm", "source.spm"},
      {"target_spm", "target.spm"},
      {"vocab", "vocab.json"},
      {"src_len", options.src_len},
      {"tgt_len", options.tgt_len},
      {"d_model", c.d_model},
      {"vocab_size", c.vocab_size},
      {"decoder_start_token_id", c.decoder_start_token_id},
      {"eos_token_id", c.eos_token_id},
      {"pad_token_id", c.pad_token_id},
      {"unk_token_id", vocab.unk_id},
      {"banned_ids", c.bad_words_ids},
      {"max_length", c.max_length},
      {"num_beams", c.num_beams},
      {"tokenization", "source.spm pieces -> vocab.json ids (<unk> if absent), </s> appended"},
      {"decoder_step_inputs",
       {"decoder_input_ids", "decoder_attention_mask", "encoder_hidden_states", "encoder_attention_mask", "step"}},
  };
  return out;
}

void write_marian(const MarianImport& imported, const fs::path& dir, const fs::path& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) fail("{}: cannot create folder ({})", out_dir.string(), ec.message());
  // Copies first: a folder with the models always has its tokenizer.
  for (const char* name : {"source.spm", "target.spm", "vocab.json"})
    write_file_atomically(out_dir / name, read_bytes(dir / name));
  save_model(imported.encoder, out_dir / "encoder.tflite");
  save_model(imported.decoder_step, out_dir / "decoder_step.tflite");
  const std::string text = imported.manifest.dump(2) + "\n";
  write_file_atomically(out_dir / "octet_seq2seq.json",
                        std::span(reinterpret_cast<const std::byte*>(text.data()), text.size()));
}

}  // namespace octet::seq2seq
