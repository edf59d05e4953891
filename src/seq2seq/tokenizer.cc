#include "seq2seq/tokenizer.h"

#include <fstream>

#include <nlohmann/json.hpp>
#include <sentencepiece_processor.h>

#include "octet/error.h"

namespace octet::seq2seq {

namespace {

std::unique_ptr<sentencepiece::SentencePieceProcessor> load_spm(const std::filesystem::path& path) {
  auto sp = std::make_unique<sentencepiece::SentencePieceProcessor>();
  const auto status = sp->Load(path.string());
  if (!status.ok()) fail("{}: cannot load the SentencePiece model: {}", path.string(), status.ToString());
  return sp;
}

}  // namespace

Tokenizer::Tokenizer(const std::filesystem::path& source_spm, const std::filesystem::path& target_spm,
                     const std::filesystem::path& vocab_json)
    : source_(load_spm(source_spm)), target_(load_spm(target_spm)) {
  std::ifstream in(vocab_json);
  if (!in) fail("{}: cannot open", vocab_json.string());
  nlohmann::json vocab;
  try {
    vocab = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not valid JSON: {}", vocab_json.string(), e.what());
  }
  if (!vocab.is_object()) fail("{}: expected an object of piece → id", vocab_json.string());
  for (const auto& [piece, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > (1 << 24))
      fail("{}: piece '{}' has id {}, expected an integer in [0, 2^24]", vocab_json.string(), piece, id.dump());
    const auto i = static_cast<int32_t>(id.get<int64_t>());
    ids_[piece] = i;
    if (static_cast<size_t>(i) >= pieces_.size()) pieces_.resize(static_cast<size_t>(i) + 1);
    pieces_[static_cast<size_t>(i)] = piece;
  }
  auto need = [&](const char* piece) {
    const auto it = ids_.find(piece);
    if (it == ids_.end()) fail("{}: has no '{}' entry", vocab_json.string(), piece);
    return it->second;
  };
  special_.eos = need("</s>");
  special_.unk = need("<unk>");
  const auto pad = ids_.find("<pad>");
  special_.pad = pad == ids_.end() ? -1 : pad->second;
}

Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

std::vector<int32_t> Tokenizer::encode(std::string_view text) const { return encode_with(*source_, text); }
std::vector<int32_t> Tokenizer::encode_target(std::string_view text) const { return encode_with(*target_, text); }

std::vector<int32_t> Tokenizer::encode_with(const sentencepiece::SentencePieceProcessor& spm,
                                            std::string_view text) const {
  std::vector<std::string> pieces;
  const auto status = spm.Encode(text, &pieces);
  if (!status.ok()) fail("SentencePiece could not encode a sentence: {}", status.ToString());
  std::vector<int32_t> ids;
  ids.reserve(pieces.size() + 1);
  for (const std::string& p : pieces) {
    const auto it = ids_.find(p);
    ids.push_back(it == ids_.end() ? special_.unk : it->second);
  }
  ids.push_back(special_.eos);
  return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
  std::vector<std::string> pieces;
  for (int32_t id : ids) {
    if (id == special_.eos || id == special_.pad || id == special_.unk) continue;
    if (id < 0 || static_cast<size_t>(id) >= pieces_.size() || pieces_[static_cast<size_t>(id)].empty())
      fail("cannot decode id {}: vocab.json has no piece for it", id);
    pieces.push_back(pieces_[static_cast<size_t>(id)]);
  }
  std::string text;
  const auto status = target_->Decode(pieces, &text);
  if (!status.ok()) fail("SentencePiece could not decode: {}", status.ToString());
  return text;
}

}  // namespace octet::seq2seq
