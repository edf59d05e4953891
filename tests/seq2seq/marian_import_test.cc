// Acceptance B and C: broken Marian folders are refused with one line naming
// the file and the key; the written files load, plan and hold the ops a
// TFLite converter would emit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "octet/interpreter.h"
#include "seq2seq/marian_fixture.h"

namespace octet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

// A copy of the fixture's importer inputs, to break one thing in.
fs::path fixture_copy(const std::string& name) {
  const fs::path d = testing::temp_dir("marian-broken-" + name);
  for (const char* f : {"config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json"})
    fs::copy_file(testing::marian_fixture_dir() / f, d / f, fs::copy_options::overwrite_existing);
  return d;
}

void edit_json(const fs::path& p, const std::function<void(json&)>& edit) {
  json doc = json::parse(slurp(p));
  edit(doc);
  spit(p, doc.dump(2));
}

// Rewrites the safetensors header (the data section stays as it is).
void edit_safetensors_header(const fs::path& p, const std::function<void(json&)>& edit) {
  const std::string all = slurp(p);
  uint64_t n = 0;
  std::memcpy(&n, all.data(), 8);
  json header = json::parse(all.substr(8, n));
  edit(header);
  const std::string text = header.dump();
  const uint64_t len = text.size();
  std::string out(reinterpret_cast<const char*>(&len), 8);
  spit(p, out + text + all.substr(8 + n));
}

std::string import_error(const fs::path& dir) {
  try {
    seq2seq::import_marian(dir);
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line: " << m;
    return m;
  }
  ADD_FAILURE() << "import of a broken folder succeeded";
  return {};
}

TEST(MarianBroken, MissingFile) {
  const fs::path d = fixture_copy("missing");
  fs::remove(d / "target.spm");
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("target.spm"), HasSubstr("missing file")));
}

TEST(MarianBroken, NormalizeBeforeTrue) {
  const fs::path d = fixture_copy("prenorm");
  edit_json(d / "config.json", [](json& c) { c["normalize_before"] = true; });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("config.json"), HasSubstr("normalize_before"), HasSubstr("true")));
}

TEST(MarianBroken, UnknownActivation) {
  const fs::path d = fixture_copy("act");
  edit_json(d / "config.json", [](json& c) { c["activation_function"] = "foo"; });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("config.json"), HasSubstr("activation_function"), HasSubstr("foo")));
}

TEST(MarianBroken, UnsupportedModelTypeAndFinalLayerNorm) {
  const fs::path d = fixture_copy("type");
  edit_json(d / "config.json", [](json& c) { c["model_type"] = "bart"; });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("config.json"), HasSubstr("model_type"), HasSubstr("bart")));
  edit_json(d / "config.json", [](json& c) {
    c["model_type"] = "marian";
    c["add_final_layer_norm"] = true;
  });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("config.json"), HasSubstr("add_final_layer_norm")));
}

TEST(MarianBroken, MissingConfigKey) {
  const fs::path d = fixture_copy("nokey");
  edit_json(d / "config.json", [](json& c) { c.erase("decoder_ffn_dim"); });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("config.json"), HasSubstr("missing key decoder_ffn_dim")));
}

TEST(MarianBroken, UnknownKeysThatDoNotChangeTheMathAreIgnored) {
  const fs::path d = fixture_copy("extra");
  edit_json(d / "config.json", [](json& c) { c["transformers_version"] = "4.99"; c["foo_bar"] = 3; });
  EXPECT_NO_THROW(seq2seq::read_marian_config(d / "config.json"));
}

TEST(MarianBroken, SpmPieceMissingFromVocab) {
  const fs::path d = fixture_copy("vocab");
  edit_json(d / "vocab.json", [](json& v) { v.erase("\xE2\x96\x81the"); });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("source.spm"), HasSubstr("\xE2\x96\x81the"), HasSubstr("vocab.json")));
}

TEST(MarianBroken, VocabIdsDisagreeWithConfig) {
  const fs::path d = fixture_copy("vocab-ids");
  edit_json(d / "vocab.json", [](json& v) { v["</s>"] = 5; });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("vocab.json"), HasSubstr("</s>"), HasSubstr("eos_token_id")));
  edit_json(d / "vocab.json", [](json& v) { v["</s>"] = 0; v["\xE2\x96\x81the"] = 8000; });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("vocab.json"), HasSubstr("\xE2\x96\x81the"), HasSubstr("vocab_size")));
}

TEST(MarianBroken, WrongTensorShape) {
  const fs::path d = fixture_copy("shape");
  // Same bytes, transposed shape: only the config can tell it is wrong.
  edit_safetensors_header(d / "model.safetensors", [](json& h) {
    h["model.decoder.layers.1.fc1.weight"]["shape"] = {256, 1024};
  });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("model.safetensors"), HasSubstr("model.decoder.layers.1.fc1.weight"),
                                     HasSubstr("[256,1024]"), HasSubstr("[1024,256]")));
}

TEST(MarianBroken, MissingTensor) {
  const fs::path d = fixture_copy("notensor");
  edit_safetensors_header(d / "model.safetensors", [](json& h) { h.erase("model.encoder.layers.2.fc2.bias"); });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("model.safetensors"), HasSubstr("model.encoder.layers.2.fc2.bias")));
}

TEST(MarianBroken, ConfigWithFewerLayersThanTheCheckpoint) {
  const fs::path d = fixture_copy("layers");
  edit_json(d / "config.json", [](json& c) { c["decoder_layers"] = 2; });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("model.safetensors"), HasSubstr("model.decoder.layers.2."),
                                     HasSubstr("decoder_layers 2")));
}

TEST(MarianBroken, TruncatedSafetensors) {
  const fs::path d = fixture_copy("truncated");
  fs::resize_file(d / "model.safetensors", fs::file_size(d / "model.safetensors") - 1000);
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("model.safetensors"), HasSubstr("data_offsets"),
                                     HasSubstr("outside the data section")));
  fs::resize_file(d / "model.safetensors", 100);
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("model.safetensors"), HasSubstr("header length")));
}

TEST(MarianBroken, BadHeader) {
  const fs::path d = fixture_copy("header");
  std::string all = slurp(d / "model.safetensors");
  all[9] = '#';  // inside the JSON
  spit(d / "model.safetensors", all);
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("model.safetensors"), HasSubstr("not valid JSON")));
  edit_safetensors_header(fixture_copy("header") / "model.safetensors",
                          [](json& h) { h["final_logits_bias"]["dtype"] = "F8"; });
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("final_logits_bias"), HasSubstr("unknown dtype 'F8'")));
}

struct CliResult {
  int status;
  std::string out, err;
};

CliResult octet_cli(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd =
      std::string(OCTET_BINARY_DIR) + "/octet " + args + " >" + out.string() + " 2>" + err.string();
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out), slurp(err)};
}

TEST(MarianCli, BrokenFolderExitsOneWithOneLine) {
  const fs::path d = fixture_copy("cli");
  edit_json(d / "config.json", [](json& c) { c["activation_function"] = "foo"; });
  const fs::path out = testing::temp_dir("marian-cli-out");
  const CliResult r = octet_cli("import-marian " + d.string() + " " + (out / "o").string(), out);
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.err, AllOf(::testing::StartsWith("octet: error: "), HasSubstr("config.json"),
                           HasSubstr("activation_function")));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(out / "o" / "encoder.tflite"));
}

std::map<BuiltinOp, int> op_histogram(const Model& m) {
  std::map<BuiltinOp, int> h;
  for (const Op& op : m.main().ops) ++h[op.code.builtin];
  return h;
}

TEST(MarianCli, WrittenFilesLoadPlanAndHoldConverterOps) {
  const fs::path out = testing::temp_dir("marian-cli-import");
  const CliResult r = octet_cli("import-marian " + testing::marian_fixture_dir().string() + " " +
                                    (out / "m").string() + " --src-len 64 --tgt-len 32",
                                out);
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* f : {"encoder.tflite", "decoder_step.tflite", "octet_seq2seq.json", "source.spm", "target.spm",
                        "vocab.json"})
    EXPECT_TRUE(fs::exists(out / "m" / f)) << f;
  const Model enc = load_model(out / "m" / "encoder.tflite");
  const Model dec = load_model(out / "m" / "decoder_step.tflite");
  Interpreter plan_enc(enc), plan_dec(dec);  // planning alone must succeed

  const auto he = op_histogram(enc), hd = op_histogram(dec);
  for (BuiltinOp op : {BuiltinOp::Gather, BuiltinOp::FullyConnected, BuiltinOp::BatchMatmul, BuiltinOp::Softmax,
                       BuiltinOp::Mean, BuiltinOp::SquaredDifference, BuiltinOp::Rsqrt, BuiltinOp::BroadcastTo,
                       BuiltinOp::Cast, BuiltinOp::Logistic, BuiltinOp::Transpose, BuiltinOp::Reshape}) {
    EXPECT_GT(he.count(op) ? he.at(op) : 0, 0) << "encoder lacks " << builtin_op_name(op);
    EXPECT_GT(hd.count(op) ? hd.at(op) : 0, 0) << "decoder lacks " << builtin_op_name(op);
  }
  EXPECT_GT(hd.count(BuiltinOp::Minimum) + hd.count(BuiltinOp::Tile), 1u);
  // 3 layers × (4 projections + 2 FFN) = 18; decoder 3 × (8 + 2) + lm_head = 31.
  EXPECT_EQ(he.at(BuiltinOp::FullyConnected), 18);
  EXPECT_EQ(hd.at(BuiltinOp::FullyConnected), 31);

  // The contract with the translator: names, order, shapes, signature.
  ASSERT_EQ(enc.signatures.size(), 1u);
  EXPECT_EQ(enc.signatures[0].key, "serving_default");
  const auto names = [](const Model& m) {
    std::vector<std::string> v;
    for (int32_t t : m.main().inputs) v.push_back(m.main().tensors[t].name + ":" + fmt::format("{}", fmt::join(m.main().tensors[t].shape, "x")));
    for (int32_t t : m.main().outputs) v.push_back(m.main().tensors[t].name + ":" + fmt::format("{}", fmt::join(m.main().tensors[t].shape, "x")));
    return v;
  };
  EXPECT_THAT(names(enc), ::testing::ElementsAre("input_ids:1x64", "attention_mask:1x64",
                                                 "encoder_hidden_states:1x64x256"));
  EXPECT_THAT(names(dec), ::testing::ElementsAre("decoder_input_ids:1x32", "decoder_attention_mask:1x32",
                                                 "encoder_hidden_states:1x64x256", "encoder_attention_mask:1x64",
                                                 "step:1", "logits:1x8000"));
  ASSERT_EQ(dec.signatures.size(), 1u);
  EXPECT_EQ(dec.signatures[0].inputs.size(), 5u);
  EXPECT_EQ(dec.signatures[0].inputs[4].name, "step");
  EXPECT_EQ(dec.signatures[0].outputs[0].name, "logits");
  // Readable, stable tensor names for the quantizer and the debugger.
  std::set<std::string> dec_names, enc_names;
  for (const Tensor& t : dec.main().tensors) dec_names.insert(t.name);
  for (const Tensor& t : enc.main().tensors) enc_names.insert(t.name);
  EXPECT_TRUE(dec_names.count("decoder/layers.1/self_attn/q_proj"));
  EXPECT_TRUE(dec_names.count("decoder/layers.2/encoder_attn/probs"));
  EXPECT_TRUE(enc_names.count("encoder/layers.0/final_layer_norm/out"));

  const json manifest = json::parse(slurp(out / "m" / "octet_seq2seq.json"));
  EXPECT_EQ(manifest.at("src_len"), 64);
  EXPECT_EQ(manifest.at("tgt_len"), 32);
  EXPECT_EQ(manifest.at("decoder_start_token_id"), 7999);
  EXPECT_EQ(manifest.at("eos_token_id"), 0);
  EXPECT_EQ(manifest.at("pad_token_id"), 7999);
  EXPECT_EQ(manifest.at("vocab_size"), 8000);
  EXPECT_EQ(slurp(out / "m" / "vocab.json"), slurp(testing::marian_fixture_dir() / "vocab.json"));
}

}  // namespace
}  // namespace octet
