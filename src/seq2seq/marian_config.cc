#include "seq2seq/marian_config.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "octet/error.h"

namespace octet::seq2seq {

namespace {

using nlohmann::json;

int required_int(const json& doc, const std::string& origin, const char* key, int min_value) {
  const auto it = doc.find(key);
  if (it == doc.end()) fail("{}: missing key {} (the importer needs it)", origin, key);
  if (!it->is_number_integer()) fail("{}: key {}: expected an integer, found {}", origin, key, it->dump());
  const int64_t v = it->get<int64_t>();
  if (v < min_value || v > (1 << 24)) fail("{}: key {}: value {} is out of range", origin, key, v);
  return static_cast<int>(v);
}

bool optional_bool(const json& doc, const std::string& origin, const char* key, bool fallback) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) fail("{}: key {}: expected true or false, found {}", origin, key, it->dump());
  return it->get<bool>();
}

// A boolean key whose only supported value is `supported`: the other one
// changes the math in a way this importer does not lower.
void require_bool(const json& doc, const std::string& origin, const char* key, bool fallback, bool supported,
                  const char* why) {
  const bool v = optional_bool(doc, origin, key, fallback);
  if (v != supported) fail("{}: key {}: value {} is not supported ({})", origin, key, v ? "true" : "false", why);
}

}  // namespace

MarianConfig parse_marian_config(const json& doc, const std::string& origin) {
  if (!doc.is_object()) fail("{}: not a JSON object", origin);
  MarianConfig c;
  const auto mt = doc.find("model_type");
  if (mt == doc.end()) fail("{}: missing key model_type (the importer needs it)", origin);
  if (!mt->is_string() || mt->get<std::string>() != "marian")
    fail("{}: key model_type: value {} is not supported (only \"marian\")", origin, mt->dump());

  c.d_model = required_int(doc, origin, "d_model", 1);
  c.vocab_size = required_int(doc, origin, "vocab_size", 1);
  c.encoder_layers = required_int(doc, origin, "encoder_layers", 0);
  c.decoder_layers = required_int(doc, origin, "decoder_layers", 0);
  c.encoder_heads = required_int(doc, origin, "encoder_attention_heads", 1);
  c.decoder_heads = required_int(doc, origin, "decoder_attention_heads", 1);
  c.encoder_ffn_dim = required_int(doc, origin, "encoder_ffn_dim", 1);
  c.decoder_ffn_dim = required_int(doc, origin, "decoder_ffn_dim", 1);
  c.max_position_embeddings = required_int(doc, origin, "max_position_embeddings", 1);
  c.pad_token_id = required_int(doc, origin, "pad_token_id", 0);
  c.eos_token_id = required_int(doc, origin, "eos_token_id", 0);
  c.decoder_start_token_id = required_int(doc, origin, "decoder_start_token_id", 0);
  if (c.d_model % c.encoder_heads != 0)
    fail("{}: key encoder_attention_heads: {} does not divide d_model {}", origin, c.encoder_heads, c.d_model);
  if (c.d_model % c.decoder_heads != 0)
    fail("{}: key decoder_attention_heads: {} does not divide d_model {}", origin, c.decoder_heads, c.d_model);
  for (const auto& [key, id] : {std::pair{"pad_token_id", c.pad_token_id}, {"eos_token_id", c.eos_token_id},
                                {"decoder_start_token_id", c.decoder_start_token_id}})
    if (id >= c.vocab_size) fail("{}: key {}: id {} is not below vocab_size {}", origin, key, id, c.vocab_size);

  const auto act = doc.find("activation_function");
  if (act == doc.end()) fail("{}: missing key activation_function (the importer needs it)", origin);
  if (!act->is_string()) fail("{}: key activation_function: expected a string, found {}", origin, act->dump());
  c.activation_name = act->get<std::string>();
  if (c.activation_name == "swish" || c.activation_name == "silu")
    c.activation = MarianActivation::Swish;
  else if (c.activation_name == "gelu")
    c.activation = MarianActivation::Gelu;
  else if (c.activation_name == "relu")
    c.activation = MarianActivation::Relu;
  else
    fail("{}: key activation_function: value \"{}\" is not supported (swish, silu, gelu, relu)", origin,
         c.activation_name);

  const auto se = doc.find("scale_embedding");
  if (se == doc.end()) fail("{}: missing key scale_embedding (the importer needs it)", origin);
  c.scale_embedding = optional_bool(doc, origin, "scale_embedding", true);

  // Keys whose other value would change the computation. Absent keys take
  // MarianConfig's defaults, which are the supported values.
  require_bool(doc, origin, "normalize_before", false, false, "pre-LayerNorm blocks");
  require_bool(doc, origin, "add_final_layer_norm", false, false, "a final LayerNorm");
  require_bool(doc, origin, "normalize_embedding", false, false, "a LayerNorm on the embeddings");
  require_bool(doc, origin, "layernorm_embedding", false, false, "a LayerNorm on the embeddings");
  require_bool(doc, origin, "static_position_embeddings", true, true, "learned positions");
  require_bool(doc, origin, "share_encoder_decoder_embeddings", true, true, "separate source/target vocabularies");
  require_bool(doc, origin, "tie_word_embeddings", true, true, "an lm_head separate from the embeddings");
  require_bool(doc, origin, "add_bias_logits", false, false, "an extra logits bias");
  if (doc.contains("decoder_vocab_size") && !doc["decoder_vocab_size"].is_null()) {
    const int dv = required_int(doc, origin, "decoder_vocab_size", 1);
    if (dv != c.vocab_size)
      fail("{}: key decoder_vocab_size: value {} differs from vocab_size {} (separate vocabularies are not supported)",
           origin, dv, c.vocab_size);
  }
  const auto scale = doc.find("scale_attn_weights");
  if (scale != doc.end() && scale->is_boolean() && !scale->get<bool>())
    fail("{}: key scale_attn_weights: value false is not supported", origin);

  // Generation defaults the translator may use; optional.
  if (doc.contains("max_length") && doc["max_length"].is_number_integer())
    c.max_length = doc["max_length"].get<int>();
  if (doc.contains("num_beams") && doc["num_beams"].is_number_integer()) c.num_beams = doc["num_beams"].get<int>();
  if (doc.contains("bad_words_ids") && doc["bad_words_ids"].is_array())
    for (const json& w : doc["bad_words_ids"])
      if (w.is_array() && w.size() == 1 && w[0].is_number_integer()) c.bad_words_ids.push_back(w[0].get<int>());
  return c;
}

MarianConfig read_marian_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open", path.string());
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) fail("{}: not valid JSON", path.string());
  return parse_marian_config(doc, path.string());
}

}  // namespace octet::seq2seq
