#include "seq2seq/marian_folder.h"

#include <fstream>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <sentencepiece_processor.h>

#include "octet/error.h"

namespace octet::seq2seq {

namespace fs = std::filesystem;

void check_marian_files(const fs::path& dir) {
  if (!fs::is_directory(dir)) fail("{}: not a folder", dir.string());
  for (const char* name : {"config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json"})
    if (!fs::is_regular_file(dir / name)) fail("{}: missing file (a Marian folder needs it)", (dir / name).string());
}

namespace {

void check_spm(const fs::path& path, const std::unordered_map<std::string, int>& vocab) {
  sentencepiece::SentencePieceProcessor sp;
  const auto status = sp.Load(path.string());
  if (!status.ok()) fail("{}: not a SentencePiece model ({})", path.string(), status.ToString());
  for (int i = 0; i < sp.GetPieceSize(); ++i) {
    const std::string& piece = sp.IdToPiece(i);
    // SentencePiece's own <s>, </s>, <unk> control pieces need not all be
    // in Marian's vocabulary (Marian has no <s>); ordinary pieces must be.
    if (sp.IsControl(i)) continue;
    if (!vocab.count(piece))
      fail("{}: piece {} '{}' is not a key of vocab.json (tokens would map to <unk>)", path.string(), i, piece);
  }
}

}  // namespace

MarianVocab check_marian_vocab(const fs::path& dir, const MarianConfig& c) {
  const fs::path path = dir / "vocab.json";
  const std::string p = path.string();
  std::ifstream in(path);
  if (!in) fail("{}: cannot open", p);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) fail("{}: not valid JSON", p);
  if (!doc.is_object()) fail("{}: not a JSON object of piece → id", p);
  std::unordered_map<std::string, int> vocab;
  for (const auto& [piece, id] : doc.items()) {
    if (!id.is_number_integer()) fail("{}: key '{}': id {} is not an integer", p, piece, id.dump());
    const int64_t v = id.get<int64_t>();
    if (v < 0 || v >= c.vocab_size)
      fail("{}: key '{}': id {} is not below config.json's vocab_size {}", p, piece, v, c.vocab_size);
    vocab[piece] = static_cast<int>(v);
  }
  const auto expect = [&](const char* piece, int id, const char* config_key) {
    const auto it = vocab.find(piece);
    if (it == vocab.end()) fail("{}: key '{}' is missing", p, piece);
    if (id >= 0 && it->second != id)
      fail("{}: key '{}': id {} but config.json's {} is {}", p, piece, it->second, config_key, id);
    return it->second;
  };
  expect("</s>", c.eos_token_id, "eos_token_id");
  expect("<pad>", c.pad_token_id, "pad_token_id");
  MarianVocab out;
  out.unk_id = expect("<unk>", -1, "");
  out.size = static_cast<int>(vocab.size());
  check_spm(dir / "source.spm", vocab);
  check_spm(dir / "target.spm", vocab);
  return out;
}

}  // namespace octet::seq2seq
