// Builds the float32 encoder and decoder-step graphs of a Marian model, op by
// op as TFLite converters lower it (GATHER embeddings, FULLY_CONNECTED
// projections, BATCH_MATMUL attention, LayerNorm as MEAN / SQUARED_DIFFERENCE
// / RSQRT, additive masks built from int32 masks), so a quantizer meets the
// same tensors it meets in converted files. Tensor names follow HF's module
// names ("decoder/layers.1/self_attn/q_proj").
#pragma once

#include <set>
#include <string>
#include <vector>

#include "octet/model.h"
#include "seq2seq/marian_config.h"
#include "seq2seq/safetensors.h"

namespace octet::seq2seq {

// Weights of the checkpoint, checked against the config as they are read.
struct MarianWeights {
  const SafetensorsFile& file;
  const MarianConfig& config;
  std::string embedding_key;  // which name holds the tied embedding
  // Every key read, so the importer can refuse tensors the config does not
  // account for (a checkpoint with more layers than config.json says).
  mutable std::set<std::string> used;

  std::vector<float> read(const std::string& key, const std::vector<int64_t>& shape) const {
    used.insert(key);
    return file.floats(key, shape);
  }
};

// inputs: input_ids int32 [1,S], attention_mask int32 [1,S];
// output: encoder_hidden_states float32 [1,S,D].
Model lower_marian_encoder(const MarianWeights& w, int src_len);
// inputs: decoder_input_ids int32 [1,T], decoder_attention_mask int32 [1,T],
// encoder_hidden_states float32 [1,S,D], encoder_attention_mask int32 [1,S],
// step int32 [1]; output: logits float32 [1,V] for position `step`.
Model lower_marian_decoder_step(const MarianWeights& w, int src_len, int tgt_len);

}  // namespace octet::seq2seq
