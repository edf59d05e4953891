// octet's Marian importer: a Hugging Face MarianMTModel folder (config.json,
// model.safetensors, source.spm, target.spm, vocab.json) → a float32
// encoder.tflite and decoder_step.tflite, token selection left to the host.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "octet/model.h"
#include "seq2seq/marian_config.h"

namespace octet::seq2seq {

struct MarianImportOptions {
  // The fixture's test set needs 81 source pieces and 90 output ids (</s>
  // included); 96 covers both with room to spare.
  int src_len = 96;
  int tgt_len = 96;
};

struct MarianImport {
  MarianConfig config;
  Model encoder;
  Model decoder_step;
  nlohmann::json manifest;  // octet_seq2seq.json: what the translator needs
};

// Checks the folder (files present, config supported, vocab.json agreeing
// with the config and the SentencePiece models, tensor shapes) and lowers it.
// Throws octet::Error naming the file and the key at the first problem.
MarianImport import_marian(const std::filesystem::path& dir, const MarianImportOptions& options = {});

// Writes encoder.tflite, decoder_step.tflite, octet_seq2seq.json and copies of
// source.spm, target.spm and vocab.json into out_dir (created if needed), each
// file atomically.
void write_marian(const MarianImport& imported, const std::filesystem::path& dir,
                  const std::filesystem::path& out_dir);

}  // namespace octet::seq2seq
