// The importer's other supported variants against PyTorch: gelu and relu
// activations, and a BF16 checkpoint. References come from
// training/make_importer_references.py (training/marian.py with the shipped
// weights and the same change), stored as a subset of the first-step logits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "kernels/float16.h"
#include "octet/interpreter.h"
#include "seq2seq/marian_fixture.h"

namespace octet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kTolerance = 1e-3;
constexpr int kS = 32, kT = 8, kPad = 7999;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// float32 → bfloat16 bits, round to nearest even (as torch's .to(bfloat16)).
uint16_t to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u += 0x7fff + ((u >> 16) & 1);
  return static_cast<uint16_t>(u >> 16);
}

// Rewrites every float tensor of `path` as BF16.
void convert_to_bf16(const fs::path& path) {
  const std::string all = slurp(path);
  uint64_t n = 0;
  std::memcpy(&n, all.data(), 8);
  const json header = json::parse(all.substr(8, n));
  const char* data = all.data() + 8 + n;
  json out_header = json::object();
  std::string out_data;
  for (const auto& [key, e] : header.items()) {
    if (key == "__metadata__") {
      out_header[key] = e;
      continue;
    }
    const size_t begin = e["data_offsets"][0], end = e["data_offsets"][1];
    const std::string dtype = e["dtype"];
    const size_t start = out_data.size();
    for (size_t i = begin; i < end; i += dtype == "F32" ? 4 : 2) {
      float f;
      if (dtype == "F32") {
        std::memcpy(&f, data + i, 4);
      } else {
        uint16_t h;
        std::memcpy(&h, data + i, 2);
        f = kernels::half_to_float(h);
      }
      const uint16_t b = to_bf16(f);
      out_data.append(reinterpret_cast<const char*>(&b), 2);
    }
    out_header[key] = {{"dtype", "BF16"}, {"shape", e["shape"]}, {"data_offsets", {start, out_data.size()}}};
  }
  const std::string text = out_header.dump();
  const uint64_t len = text.size();
  std::ofstream(path, std::ios::binary) << std::string(reinterpret_cast<const char*>(&len), 8) << text << out_data;
}

TEST(MarianVariants, GeluReluAndBf16MatchPyTorch) {
  const json ref = json::parse(slurp(testing::source_dir() / "tests/seq2seq/data/marian_activations.json"));
  double worst = 0;
  std::map<std::string, seq2seq::MarianImport> imported;
  for (const json& c : ref.at("cases")) {
    const std::string act = c.at("activation_function");
    const bool bf16 = c.at("bf16");
    const std::string variant = act + (bf16 ? "-bf16" : "");
    SCOPED_TRACE(variant);
    if (!imported.count(variant)) {
      const fs::path d = testing::temp_dir("marian-variant-" + variant);
      for (const char* f : {"config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json"})
        fs::copy_file(testing::marian_fixture_dir() / f, d / f);
      json config = json::parse(slurp(d / "config.json"));
      config["activation_function"] = act;
      std::ofstream(d / "config.json") << config.dump(2);
      if (bf16) convert_to_bf16(d / "model.safetensors");
      imported.emplace(variant, seq2seq::import_marian(d, {.src_len = kS, .tgt_len = kT}));
      fs::remove_all(d);
    }
    const auto& m = imported.at(variant);
    Interpreter enc(m.encoder), dec(m.decoder_step);
    const auto src = c.at("input_ids").get<std::vector<int32_t>>();
    std::vector<int32_t> ids(kS, kPad), mask(kS, 0), dids(kT, kPad), dmask(kT, 0);
    for (size_t i = 0; i < src.size(); ++i) ids[i] = src[i], mask[i] = 1;
    dmask[0] = 1;
    const int32_t step = 0;
    enc.set_input(0, std::as_bytes(std::span(ids)));
    enc.set_input(1, std::as_bytes(std::span(mask)));
    enc.invoke();
    dec.set_input(0, std::as_bytes(std::span(dids)));
    dec.set_input(1, std::as_bytes(std::span(dmask)));
    dec.set_input(2, enc.output_data(0));
    dec.set_input(3, std::as_bytes(std::span(mask)));
    dec.set_input(4, std::as_bytes(std::span(&step, 1)));
    dec.invoke();
    const auto out = dec.output_data(0);
    const std::span<const float> logits(reinterpret_cast<const float*>(out.data()), out.size() / 4);
    const auto at = c.at("ids").get<std::vector<int>>();
    const auto want = c.at("logits").get<std::vector<float>>();
    double d = 0;
    for (size_t i = 0; i < at.size(); ++i) d = std::max(d, std::fabs(double(logits[at[i]]) - want[i]));
    EXPECT_LE(d, kTolerance);
    EXPECT_EQ(std::max_element(logits.begin(), logits.end()) - logits.begin(), c.at("argmax").get<int>());
    worst = std::max(worst, d);
  }
  std::printf("[ figure ] Marian gelu / relu / BF16 checkpoint vs PyTorch: %zu cases, max|d| = %.3g\n",
              ref.at("cases").size(), worst);
}

}  // namespace
}  // namespace octet
