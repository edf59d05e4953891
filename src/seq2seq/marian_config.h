// config.json of a Hugging Face MarianMTModel folder, reduced to what changes
// the math. Configurations octet cannot lower faithfully are refused, never
// approximated.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace octet::seq2seq {

enum class MarianActivation { Swish, Gelu, Relu };

struct MarianConfig {
  int d_model = 0;
  int vocab_size = 0;
  int encoder_layers = 0, decoder_layers = 0;
  int encoder_heads = 0, decoder_heads = 0;
  int encoder_ffn_dim = 0, decoder_ffn_dim = 0;
  int max_position_embeddings = 0;
  MarianActivation activation = MarianActivation::Swish;
  std::string activation_name;
  bool scale_embedding = true;
  int pad_token_id = 0, eos_token_id = 0, decoder_start_token_id = 0;
  int max_length = 0;              // generation default; 0 when absent
  int num_beams = 1;
  std::vector<int> bad_words_ids;  // single-token bans only (Marian bans <pad>)
  float layer_norm_eps = 1e-5f;    // HF's nn.LayerNorm default; Marian configs do not store it
};

// Reads and checks `path` (errors name the file and the key).
MarianConfig read_marian_config(const std::filesystem::path& path);
// The same from parsed JSON; `origin` names it in errors.
MarianConfig parse_marian_config(const nlohmann::json& doc, const std::string& origin);

}  // namespace octet::seq2seq
