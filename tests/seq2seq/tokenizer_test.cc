// Tokenization of the shipped model folder against what the PyTorch reference
// recorded (reference_pytorch.json: source ids of the first test sentences,
// and the text of every greedy output).
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "octet/error.h"
#include "seq2seq/tokenizer.h"
#include "support/test_data.h"

namespace octet::seq2seq {
namespace {

std::filesystem::path model_dir() { return testing::source_dir() / "models" / "opus-mt-en-de-octet"; }

Tokenizer shipped() {
  return Tokenizer(model_dir() / "source.spm", model_dir() / "target.spm", model_dir() / "vocab.json");
}

const nlohmann::json& reference() {
  static const nlohmann::json j = [] {
    std::ifstream in(model_dir() / "reference_pytorch.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

TEST(Tokenizer, SpecialIdsFromVocab) {
  const Tokenizer t = shipped();
  EXPECT_EQ(t.special().eos, 0);
  EXPECT_EQ(t.special().unk, 1);
  EXPECT_EQ(t.special().pad, 7999);
}

TEST(Tokenizer, EncodesAsTheReference) {
  const Tokenizer t = shipped();
  const auto& items = reference()["splits"]["test"]["first_step_logits"]["items"];
  ASSERT_GE(items.size(), 10u);
  for (const auto& item : items)
    EXPECT_EQ(t.encode(item["source"].get<std::string>()), item["input_ids"].get<std::vector<int32_t>>())
        << "test sentence " << item["index"];
}

TEST(Tokenizer, DecodesEveryReferenceOutputToItsText) {
  const Tokenizer t = shipped();
  for (const char* mode : {"greedy", "beam4"}) {
    const auto& outputs = reference()["splits"]["test"][mode];
    ASSERT_EQ(outputs.size(), 1458u);
    size_t differ = 0;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string got = t.decode(outputs[i]["ids"].get<std::vector<int32_t>>());
      if (got != outputs[i]["text"].get<std::string>() && differ++ == 0)
        ADD_FAILURE() << mode << " sentence " << i << ": '" << got << "' vs '" << outputs[i]["text"] << "'";
    }
    EXPECT_EQ(differ, 0u) << mode;
  }
}

TEST(Tokenizer, RoundTripsPlainText) {
  // The vocabulary is joint (one SentencePiece model for both languages), so
  // source pieces decode back with the target model.
  const Tokenizer t = shipped();
  for (const std::string s : {"Open the file.", "Die Datei konnte nicht gespeichert werden."}) {
    const auto ids = t.encode(s);
    ASSERT_EQ(ids.back(), 0);
    for (int32_t id : ids) EXPECT_NE(id, t.special().unk) << s;
    EXPECT_EQ(t.decode(ids), s);
  }
  EXPECT_EQ(t.encode(""), std::vector<int32_t>{0});
  // Unknown ids cannot be decoded.
  EXPECT_THROW(t.decode({123456}), Error);
}

TEST(Tokenizer, UnreadableFilesAreErrorsNamingTheFile) {
  const auto dir = testing::temp_dir("tokenizer_errors");
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto missing = dir / "missing.spm";
  EXPECT_NE(message([&] { Tokenizer(missing, model_dir() / "target.spm", model_dir() / "vocab.json"); })
                .find("missing.spm"),
            std::string::npos);
  std::ofstream(dir / "bad.json") << "{\"</s>\": 0, ";
  EXPECT_NE(message([&] { Tokenizer(model_dir() / "source.spm", model_dir() / "target.spm", dir / "bad.json"); })
                .find("bad.json: not valid JSON"),
            std::string::npos);
  std::ofstream(dir / "no_eos.json") << "{\"<unk>\": 1}";
  EXPECT_NE(message([&] { Tokenizer(model_dir() / "source.spm", model_dir() / "target.spm", dir / "no_eos.json"); })
                .find("no '</s>'"),
            std::string::npos);
  std::ofstream(dir / "garbage.spm") << "not a model";
  EXPECT_NE(message([&] { Tokenizer(dir / "garbage.spm", model_dir() / "target.spm", model_dir() / "vocab.json"); })
                .find("garbage.spm"),
            std::string::npos);
}

}  // namespace
}  // namespace octet::seq2seq
