// Acceptance A: the imported float32 encoder + decoder_step reproduce the
// PyTorch model's first-step logits (reference_pytorch.json, computed by
// training/marian.py from the saved weights), in octet's interpreter and in
// LiteRT.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "octet/interpreter.h"
#include "octet/npy.h"
#include "seq2seq/marian_fixture.h"
#include "support/oracle.h"

namespace octet {
namespace {

namespace fs = std::filesystem;

constexpr double kTolerance = 1e-3;
constexpr int kS = 96, kT = 96, kPad = 7999;

struct Item {
  int index = 0;  // test sentence
  std::vector<int32_t> input_ids;
  std::vector<int32_t> decoder_input_ids;
  std::vector<float> logits;
};

std::vector<Item> reference_items() {
  std::ifstream in(testing::marian_fixture_dir() / "reference_pytorch.json");
  const auto doc = nlohmann::json::parse(in);
  std::vector<Item> items;
  for (const auto& j : doc.at("splits").at("test").at("first_step_logits").at("items"))
    items.push_back({j.at("index").get<int>(), j.at("input_ids").get<std::vector<int32_t>>(),
                     j.at("decoder_input_ids").get<std::vector<int32_t>>(), j.at("logits").get<std::vector<float>>()});
  return items;
}

// The model inputs of one item: ids padded to the fixed lengths, masks 1/0.
struct Inputs {
  NpyArray ids, mask, dec_ids, dec_mask, step;
};

Inputs make_inputs(const Item& item) {
  std::vector<int32_t> ids(kS, kPad), mask(kS, 0), dec(kT, kPad), dmask(kT, 0);
  for (size_t i = 0; i < item.input_ids.size(); ++i) ids[i] = item.input_ids[i], mask[i] = 1;
  for (size_t i = 0; i < item.decoder_input_ids.size(); ++i) dec[i] = item.decoder_input_ids[i], dmask[i] = 1;
  const std::vector<int32_t> step{static_cast<int32_t>(item.decoder_input_ids.size()) - 1};
  return {NpyArray::of<int32_t>(ids, {1, kS}), NpyArray::of<int32_t>(mask, {1, kS}),
          NpyArray::of<int32_t>(dec, {1, kT}), NpyArray::of<int32_t>(dmask, {1, kT}),
          NpyArray::of<int32_t>(step, {1})};
}

double max_abs_diff(std::span<const float> got, const std::vector<float>& want) {
  if (got.size() != want.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double d = std::fabs(double(got[i]) - want[i]);
    if (!(d <= worst)) worst = std::isnan(d) ? INFINITY : d;
  }
  return worst;
}

TEST(MarianLogits, OctetInterpreterMatchesPyTorch) {
  const fs::path dir = testing::marian_imported_dir();
  const Model encoder = load_model(dir / "encoder.tflite");
  const Model decoder = load_model(dir / "decoder_step.tflite");
  Interpreter enc(encoder), dec(decoder);
  const auto items = reference_items();
  ASSERT_EQ(items.size(), 20u);
  double worst = 0;
  int argmax_agree = 0;
  for (size_t n = 0; n < items.size(); ++n) {
    SCOPED_TRACE(fmt::format("test sentence {}", n));
    const Inputs in = make_inputs(items[n]);
    enc.set_input(0, in.ids.data);
    enc.set_input(1, in.mask.data);
    enc.invoke();
    dec.set_input(0, in.dec_ids.data);
    dec.set_input(1, in.dec_mask.data);
    dec.set_input(2, enc.output_data(0));
    dec.set_input(3, in.mask.data);
    dec.set_input(4, in.step.data);
    dec.invoke();
    const auto out = dec.output_data(0);
    const std::span<const float> logits(reinterpret_cast<const float*>(out.data()), out.size() / 4);
    const double d = max_abs_diff(logits, items[n].logits);
    EXPECT_LE(d, kTolerance);
    worst = std::max(worst, d);
    const auto best = [](auto&& v) { return std::max_element(v.begin(), v.end()) - v.begin(); };
    argmax_agree += best(logits) == best(items[n].logits);
  }
  EXPECT_EQ(argmax_agree, 20);
  std::printf("[ figure ] Marian first-step logits, octet interpreter vs PyTorch: 20 sentences, max|d| = %.3g, "
              "argmax agrees %d/20\n", worst, argmax_agree);
}

// Greedy decoding through decoder_step (growing prefix, padding mask, `step`
// row) reproduces PyTorch's greedy ids: the causal and padding masks and the
// row selection are right at every position, not only the first.
TEST(MarianLogitsSlow, GreedyDecodingMatchesPyTorch) {
  const fs::path dir = testing::marian_imported_dir();
  const Model encoder = load_model(dir / "encoder.tflite");
  const Model decoder = load_model(dir / "decoder_step.tflite");
  Interpreter enc(encoder), dec(decoder);
  std::ifstream in(testing::marian_fixture_dir() / "reference_pytorch.json");
  const auto doc = nlohmann::json::parse(in);
  const auto& greedy = doc.at("splits").at("test").at("greedy");
  const int eos = 0;
  const auto items = reference_items();
  int tokens = 0;
  for (size_t n = 0; n < 6; ++n) {
    const Item& item = items[n];
    SCOPED_TRACE(fmt::format("test sentence {}", item.index));
    const auto want = greedy.at(item.index).at("ids").get<std::vector<int32_t>>();
    const Inputs in = make_inputs(item);
    enc.set_input(0, in.ids.data);
    enc.set_input(1, in.mask.data);
    enc.invoke();
    dec.set_input(2, enc.output_data(0));
    dec.set_input(3, in.mask.data);
    // reference_pytorch.json: max_length = min(256, 2·len(source) + 10)
    // generated tokens, </s> forced at the last; <pad> banned.
    const int max_len = std::min<int>({256, 2 * int(item.input_ids.size()) + 10, kT});
    std::vector<int32_t> ids(kT, kPad), mask(kT, 0), got;
    ids[0] = kPad;  // decoder_start_token_id
    mask[0] = 1;
    for (int t = 0; t < max_len; ++t) {
      const int32_t step = t;
      dec.set_input(0, std::as_bytes(std::span(ids)));
      dec.set_input(1, std::as_bytes(std::span(mask)));
      dec.set_input(4, std::as_bytes(std::span(&step, 1)));
      dec.invoke();
      const auto out = dec.output_data(0);
      const std::span<const float> logits(reinterpret_cast<const float*>(out.data()), out.size() / 4);
      int32_t best = -1;
      for (int32_t v = 0; v < int32_t(logits.size()); ++v)
        if (v != kPad && (best < 0 || logits[v] > logits[best])) best = v;
      if (t == max_len - 1) best = eos;
      got.push_back(best);
      ++tokens;
      if (best == eos || t + 1 >= kT) break;
      ids[t + 1] = best;
      mask[t + 1] = 1;
    }
    EXPECT_EQ(got, want);
  }
  std::printf("[ figure ] Marian greedy decoding, octet interpreter vs PyTorch: 6 sentences, %d tokens, ids equal\n",
              tokens);
}

TEST(MarianLogitsSlow, LiteRtMatchesPyTorch) {
  if (!testing::litert_available()) GTEST_SKIP() << "LiteRT oracle not installed (scripts/setup.sh)";
  const fs::path dir = testing::marian_imported_dir();
  const fs::path work = testing::temp_dir("marian-litert");
  const auto items = reference_items();
  std::vector<Inputs> inputs;
  std::vector<testing::LiteRtJob> enc_jobs;
  for (size_t n = 0; n < items.size(); ++n) {
    inputs.push_back(make_inputs(items[n]));
    const fs::path d = work / fmt::format("s{}", n);
    fs::create_directories(d);
    write_npy(d / "input_ids.npy", inputs[n].ids);
    write_npy(d / "attention_mask.npy", inputs[n].mask);
    write_npy(d / "decoder_input_ids.npy", inputs[n].dec_ids);
    write_npy(d / "decoder_attention_mask.npy", inputs[n].dec_mask);
    write_npy(d / "step.npy", inputs[n].step);
    enc_jobs.push_back({dir / "encoder.tflite", {d / "input_ids.npy", d / "attention_mask.npy"}, d / "encoder"});
  }
  const auto enc_results = testing::run_litert_batch(enc_jobs, work / "encoder_jobs.json");
  ASSERT_EQ(enc_results.size(), items.size());
  std::vector<testing::LiteRtJob> dec_jobs;
  for (size_t n = 0; n < items.size(); ++n) {
    ASSERT_TRUE(enc_results[n].ok()) << enc_results[n].error;
    ASSERT_EQ(enc_results[n].outputs.size(), 1u);
    const fs::path d = work / fmt::format("s{}", n);
    // LiteRT's own encoder output feeds LiteRT's decoder.
    write_npy(d / "encoder_hidden_states.npy", enc_results[n].outputs[0]);
    dec_jobs.push_back({dir / "decoder_step.tflite",
                        {d / "decoder_input_ids.npy", d / "decoder_attention_mask.npy", d / "encoder_hidden_states.npy",
                         d / "attention_mask.npy", d / "step.npy"},
                        d / "decoder"});
  }
  const auto dec_results = testing::run_litert_batch(dec_jobs, work / "decoder_jobs.json");
  ASSERT_EQ(dec_results.size(), items.size());
  double worst = 0;
  for (size_t n = 0; n < items.size(); ++n) {
    SCOPED_TRACE(fmt::format("test sentence {}", n));
    ASSERT_TRUE(dec_results[n].ok()) << dec_results[n].error;
    const double d = max_abs_diff(dec_results[n].outputs.at(0).as<float>(), items[n].logits);
    EXPECT_LE(d, kTolerance);
    worst = std::max(worst, d);
  }
  std::printf("[ figure ] Marian first-step logits, LiteRT vs PyTorch: 20 sentences, max|d| = %.3g\n", worst);
  fs::remove_all(work);
}

}  // namespace
}  // namespace octet
