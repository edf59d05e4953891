// seq2seq::Translator on tiny builder-made models whose right answer is known:
// a "copy" pair. The encoder embeds source id i < D as one-hot(i); the decoder
// step gathers the encoder state at position `step` and scores it against
// 10 · one-hot rows, so token t of the output is source token t. Every
// precision pairing (float/int8 on either side of the boundary, float/int8
// logits) must translate the same.
#include <gtest/gtest.h>

#include "octet/builder.h"
#include "octet/error.h"
#include "octet/translate.h"
#include "support/test_data.h"

namespace octet::seq2seq {
namespace {

constexpr int kVocab = 8000;  // the shipped vocab.json's size: pad = 7999 must be a valid index
constexpr int kDim = 16;

struct Precision {
  DType dtype = DType::Float32;
  float scale = 1;
  int64_t zero_point = 0;
  QuantParams quant() const {
    QuantParams q;
    if (dtype != DType::Float32) {
      q.scale = {scale};
      q.zero_point = {zero_point};
    }
    return q;
  }
};

Model copy_encoder(int S, Precision out) {
  Model m;
  GraphBuilder b(m);
  const int32_t ids = b.add_input("input_ids", DType::Int32, {1, S});
  b.add_input("attention_mask", DType::Int32, {1, S});
  std::vector<float> table(static_cast<size_t>(kVocab) * kDim, 0.f);
  for (int i = 0; i < kDim; ++i) table[static_cast<size_t>(i) * kDim + i] = 1.f;
  const int32_t t = b.add_constant("embedding", {kVocab, kDim}, table);
  const bool quantized = out.dtype != DType::Float32;
  const int32_t emb = b.add_tensor(quantized ? "embedded" : "encoder_hidden_states", DType::Float32, {1, S, kDim});
  b.add_op(BuiltinOp::Gather, {t, ids}, {emb}, opt::Gather{.axis = 0});
  int32_t result = emb;
  if (quantized) {
    result = b.add_tensor("encoder_hidden_states", out.dtype, {1, S, kDim}, out.quant());
    b.add_op(BuiltinOp::Quantize, {emb}, {result});
  }
  b.mark_output(result);
  return m;
}

Model copy_decoder(int S, int T, Precision in, Precision logits) {
  Model m;
  GraphBuilder b(m);
  b.add_input("decoder_input_ids", DType::Int32, {1, T});
  b.add_input("decoder_attention_mask", DType::Int32, {1, T});
  const int32_t h_in = b.add_input("encoder_hidden_states", in.dtype, {1, S, kDim}, in.quant());
  b.add_input("encoder_attention_mask", DType::Int32, {1, S});
  const int32_t step = b.add_input("step", DType::Int32, {1});
  int32_t h = h_in;
  if (in.dtype != DType::Float32) {
    h = b.add_tensor("hidden_float", DType::Float32, {1, S, kDim});
    b.add_op(BuiltinOp::Dequantize, {h_in}, {h});
  }
  const int32_t g = b.add_tensor("at_step", DType::Float32, {1, 1, kDim});
  b.add_op(BuiltinOp::Gather, {h, step}, {g}, opt::Gather{.axis = 1});
  const int32_t shape = b.add_constant("shape", {2}, std::vector<int32_t>{1, kDim});
  const int32_t r = b.add_tensor("row", DType::Float32, {1, kDim});
  b.add_op(BuiltinOp::Reshape, {g, shape}, {r}, opt::Reshape{.new_shape = {1, kDim}, .has_new_shape = true});
  std::vector<float> w(static_cast<size_t>(kVocab) * kDim, 0.f);
  for (int i = 0; i < kDim; ++i) w[static_cast<size_t>(i) * kDim + i] = 10.f;
  const int32_t weights = b.add_constant("lm_head", {kVocab, kDim}, w);
  const bool quantized = logits.dtype != DType::Float32;
  const int32_t l = b.add_tensor(quantized ? "logits_float" : "logits", DType::Float32, {1, kVocab});
  b.add_op(BuiltinOp::FullyConnected, {r, weights, -1}, {l}, opt::FullyConnected{});
  int32_t result = l;
  if (quantized) {
    result = b.add_tensor("logits", logits.dtype, {1, kVocab}, logits.quant());
    b.add_op(BuiltinOp::Quantize, {l}, {result});
  }
  b.mark_output(result);
  return m;
}

TranslatorFiles files_for(const std::string& name, const Model& encoder, const Model& decoder) {
  const auto dir = testing::temp_dir(name);
  save_model(encoder, dir / "encoder.tflite");
  save_model(decoder, dir / "decoder_step.tflite");
  const auto shipped = testing::source_dir() / "models" / "opus-mt-en-de-octet";
  return TranslatorFiles{dir / "encoder.tflite", dir / "decoder_step.tflite", shipped / "source.spm",
                         shipped / "target.spm", shipped / "vocab.json", {}};
}

struct Case {
  const char* name;
  Precision encoder_out, decoder_in, logits;
  const char* bridge;
};

TEST(Translator, CopyModelTranslatesAlikeAtEveryPrecision) {
  const Precision f32;
  const Precision enc_q{DType::Int8, 0.01f, -100};   // 1.0 → 0, 0.0 → -100
  const Precision dec_q{DType::Int8, 0.02f, 5};      // 1.0 → 55, 0.0 → 5
  const Precision enc16{DType::Int16, 1.0f / 32767, 0};
  const Precision logits_q{DType::Int8, 0.1f, -20};  // 10 → 80, 0 → -20
  const Case cases[] = {
      {"float", f32, f32, f32, "copy"},
      {"int8_to_float", enc_q, f32, f32, "dequantize"},
      {"float_to_int8", f32, dec_q, f32, "quantize"},
      {"int8_to_int8_other_params", enc_q, dec_q, logits_q, "requantize"},
      {"int8_same_params", dec_q, dec_q, logits_q, "copy"},
      {"int16_to_int8", enc16, dec_q, logits_q, "requantize"},
  };
  const std::vector<std::vector<int32_t>> sources{{3, 5, 2, 0}, {7, 0}, {15, 14, 13, 12, 11, 0}, {0}, {9, 9, 9, 0}};
  for (const Case& c : cases) {
    for (int beam : {1, 4}) {
      SCOPED_TRACE(std::string(c.name) + " beam " + std::to_string(beam));
      Translator t(files_for(c.name, copy_encoder(8, c.encoder_out), copy_decoder(8, 8, c.decoder_in, c.logits)),
                   {.beam_size = beam, .threads = 2});
      EXPECT_EQ(t.bridge_description().substr(0, t.bridge_description().find(':')), c.bridge);
      const auto out = t.translate_ids(sources);
      ASSERT_EQ(out.size(), sources.size());
      for (size_t i = 0; i < sources.size(); ++i) {
        EXPECT_EQ(out[i].ids, sources[i]) << "sentence " << i;
        EXPECT_FALSE(out[i].truncated);
      }
      // Greedy runs the decoder once per token except for the last, forced or
      // chosen EOS that it chose itself: here every EOS is chosen.
      if (beam == 1) EXPECT_EQ(out[0].decoder_steps, 4);
    }
  }
}

// Raw bytes across mismatched parameters (a deployment without a bridge):
// encoder code 0 means 1.0, the decoder reads it as (0 − 5)·0.02 = −0.1, and
// the copy breaks; with equal parameters raw bytes are the bridge's copy.
TEST(Translator, RawBoundaryBreaksMismatchedParametersOnly) {
  const Precision enc_q{DType::Int8, 0.01f, -100};
  const Precision dec_q{DType::Int8, 0.02f, 5};
  const Precision logits_q{DType::Int8, 0.1f, -20};
  const std::vector<std::vector<int32_t>> sources{{3, 5, 2, 0}, {15, 14, 13, 12, 11, 0}};
  Translator bridged(files_for("raw_bridged", copy_encoder(8, enc_q), copy_decoder(8, 8, dec_q, logits_q)));
  Translator raw(files_for("raw_mismatch", copy_encoder(8, enc_q), copy_decoder(8, 8, dec_q, logits_q)),
                 {.raw_boundary = true});
  Translator raw_same(files_for("raw_same", copy_encoder(8, dec_q), copy_decoder(8, 8, dec_q, logits_q)),
                      {.raw_boundary = true});
  const auto a = bridged.translate_ids(sources), b = raw.translate_ids(sources), c = raw_same.translate_ids(sources);
  for (size_t i = 0; i < sources.size(); ++i) {
    EXPECT_EQ(a[i].ids, sources[i]);
    EXPECT_NE(b[i].ids, sources[i]);
    EXPECT_EQ(c[i].ids, sources[i]);
  }
  Translator mixed(files_for("raw_types", copy_encoder(8, enc_q), copy_decoder(8, 8, Precision{}, logits_q)),
                   {.raw_boundary = true});
  EXPECT_THROW(mixed.translate_ids(sources), Error);
}

// First-step logits: the start token's scores, dequantized; for the copy
// model, 10 at source token 0 and 0 elsewhere.
TEST(Translator, FirstStepLogitsAreTheStartTokensScores) {
  const Precision logits_q{DType::Int8, 0.1f, -20};
  Translator t(files_for("first_step", copy_encoder(8, Precision{}), copy_decoder(8, 8, Precision{}, logits_q)),
               {.threads = 2});
  const auto logits = t.first_step_logits({{3, 5, 0}, {7, 0}, {12, 0}});
  ASSERT_EQ(logits.size(), 3u);
  const int32_t first[] = {3, 7, 12};
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(logits[i].size(), static_cast<size_t>(kVocab));
    for (int v = 0; v < kDim; ++v) EXPECT_FLOAT_EQ(logits[i][v], v == first[i] ? 10.f : 0.f) << i << " " << v;
  }
}

TEST(Translator, TruncatesLongSourcesAndSaysSo) {
  Translator t(files_for("truncate", copy_encoder(6, {}), copy_decoder(6, 8, {}, {})));
  const auto out = t.translate_ids({{3, 5, 2, 4, 6, 7, 9, 0}, {3, 5, 0}});
  EXPECT_TRUE(out[0].truncated);
  EXPECT_EQ(out[0].source_ids, (std::vector<int32_t>{3, 5, 2, 4, 6, 0}));
  EXPECT_EQ(out[0].ids, (std::vector<int32_t>{3, 5, 2, 4, 6, 0}));
  EXPECT_FALSE(out[1].truncated);
}

TEST(Translator, OutputLengthIsBoundedByTheDecodersT) {
  // T = 4: at most 4 generated tokens, the last forced to EOS.
  for (int beam : {1, 4}) {
    Translator t(files_for("short_t", copy_encoder(8, {}), copy_decoder(8, 4, {}, {})), {.beam_size = beam});
    EXPECT_EQ(t.max_length_for(6), 4);
    EXPECT_EQ(t.translate_ids({{3, 5, 2, 4, 6, 0}})[0].ids, (std::vector<int32_t>{3, 5, 2, 0})) << "beam " << beam;
  }
  Translator t(files_for("max_len", copy_encoder(8, {}), copy_decoder(8, 8, {}, {})), {.max_length = 2});
  EXPECT_EQ(t.translate_ids({{3, 5, 2, 0}})[0].ids, (std::vector<int32_t>{3, 0}));
  // The reference's own rule: min(256, 2n + 10).
  Translator big(files_for("big_t", copy_encoder(8, {}), copy_decoder(8, 300, {}, {})));
  EXPECT_EQ(big.max_length_for(3), 16);
  EXPECT_EQ(big.max_length_for(200), 256);
}

TEST(Translator, MissingInputsAndBadShapesAreErrors) {
  Model enc = copy_encoder(8, {});
  enc.subgraphs[0].tensors[enc.subgraphs[0].inputs[1]].name = "mask";
  try {
    Translator t(files_for("bad_name", enc, copy_decoder(8, 8, {}, {})));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no input named 'attention_mask'"), std::string::npos) << e.what();
  }
  try {
    Translator t(files_for("bad_shape", copy_encoder(8, {}), copy_decoder(6, 8, {}, {})));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("encoder_attention_mask"), std::string::npos) << e.what();
  }
  EXPECT_THROW(TranslatorFiles::from_folder(testing::temp_dir("empty_model_dir")), Error);
}

}  // namespace
}  // namespace octet::seq2seq
