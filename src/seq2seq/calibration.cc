#include "seq2seq/calibration.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "diag/text.h"
#include "octet/error.h"
#include "octet/interpreter.h"
#include "seq2seq/tokenizer.h"

namespace octet::seq2seq {
namespace {

// Samples held in memory, in the model's input order.
class MemorySource final : public calib::DataSource {
 public:
  MemorySource(std::string description, std::vector<calib::Sample> samples)
      : description_(std::move(description)), samples_(std::move(samples)) {}
  size_t size() const override { return samples_.size(); }
  calib::Sample read(size_t i) override { return samples_.at(i); }
  std::string description() const override { return description_; }

 private:
  std::string description_;
  std::vector<calib::Sample> samples_;
};

// Position of the input called `name` (signature or tensor name) among the model's inputs.
size_t input_index(const std::vector<calib::InputSpec>& specs, const std::string& name,
                   const std::filesystem::path& file) {
  for (const calib::InputSpec& s : specs)
    for (const std::string& alias : s.aliases())
      if (alias == name) return s.index;
  fail("{}: no input named '{}'", file.string(), name);
}

template <class T>
std::vector<std::byte> bytes_of(const std::vector<T>& v) {
  std::vector<std::byte> out(v.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

int32_t config_id(const TranslatorFiles& files, const char* key, int32_t fallback) {
  if (files.config.empty()) return fallback;
  std::ifstream in(files.config);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not valid JSON: {}", files.config.string(), e.what());
  }
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<int32_t>() : fallback;
}

}  // namespace

std::vector<int> prefix_lengths(int tokens, int prefixes) {
  std::vector<int> out;
  if (tokens < 1 || prefixes < 1) return out;
  for (int k = 0; k < prefixes; ++k) {
    // k = 0 → 1 (start token only), k = prefixes−1 → tokens (the step that predicts </s>).
    const int p = prefixes == 1 ? 1 : 1 + static_cast<int>((static_cast<int64_t>(tokens - 1) * k) / (prefixes - 1));
    if (out.empty() || out.back() != p) out.push_back(p);
  }
  return out;
}

std::vector<std::string> read_sentences(const std::filesystem::path& path, size_t limit) {
  std::vector<std::string> lines = diag::read_lines(path);
  for (size_t i = 0; i < lines.size() && (limit == 0 || i < limit); ++i)
    if (lines[i].empty()) fail("{}:{}: empty line (one sentence a line)", path.string(), i + 1);
  if (lines.empty()) fail("{}: no sentences", path.string());
  if (limit && lines.size() > limit) lines.resize(limit);
  return lines;
}

CalibrationSets make_calibration_sets(const TranslatorFiles& files, const std::vector<std::string>& sources,
                                      const std::vector<std::string>& targets, const CalibrationOptions& options) {
  if (sources.empty()) fail("calibration needs at least one source sentence");
  if (!targets.empty() && targets.size() < std::min(sources.size(), options.sentences))
    fail("calibration: {} source sentences but {} targets (one target a source)", sources.size(), targets.size());
  if (options.prefixes < 1) fail("calibration: {} prefixes per sentence; at least 1", options.prefixes);
  const size_t n = std::min(sources.size(), options.sentences);

  const Model encoder_model = load_model(files.encoder), decoder_model = load_model(files.decoder);
  const auto enc_specs = calib::model_inputs(encoder_model), dec_specs = calib::model_inputs(decoder_model);
  const size_t e_ids = input_index(enc_specs, "input_ids", files.encoder);
  const size_t e_mask = input_index(enc_specs, "attention_mask", files.encoder);
  const size_t d_ids = input_index(dec_specs, "decoder_input_ids", files.decoder);
  const size_t d_mask = input_index(dec_specs, "decoder_attention_mask", files.decoder);
  const size_t d_hidden = input_index(dec_specs, "encoder_hidden_states", files.decoder);
  const size_t d_enc_mask = input_index(dec_specs, "encoder_attention_mask", files.decoder);
  const size_t d_step = input_index(dec_specs, "step", files.decoder);
  const int S = enc_specs[e_ids].shape.back(), T = dec_specs[d_ids].shape.back();
  if (dec_specs[d_hidden].dtype != DType::Float32 || enc_specs[e_ids].dtype != DType::Int32)
    fail("calibration needs the float model pair ({}, {})", files.encoder.string(), files.decoder.string());

  Tokenizer tokenizer(files.source_spm, files.target_spm, files.vocab);
  const int32_t eos = config_id(files, "eos_token_id", tokenizer.special().eos);
  const int32_t pad = config_id(files, "pad_token_id", tokenizer.special().pad);
  const int32_t start = config_id(files, "decoder_start_token_id", pad);

  // Targets: given (teacher forcing), or the float model's own greedy output.
  std::vector<std::vector<int32_t>> target_ids(n);
  if (!targets.empty()) {
    for (size_t i = 0; i < n; ++i) target_ids[i] = tokenizer.encode_target(targets[i]);
  } else if (!options.start_only) {
    Translator greedy(files, {.threads = std::max(1, options.threads)});
    const auto out = greedy.translate(std::vector<std::string>(sources.begin(), sources.begin() + n));
    for (size_t i = 0; i < n; ++i) target_ids[i] = out[i].ids;
  }

  Interpreter encoder(encoder_model, 0, InterpreterOptions{.num_threads = 1});
  const size_t enc_out = [&] {
    for (size_t o = 0; o < encoder.num_outputs(); ++o)
      if (encoder.graph().tensors[encoder.output_tensor(o)].name == "encoder_hidden_states") return o;
    return size_t{0};
  }();
  std::vector<calib::Sample> enc_samples, dec_samples;
  for (size_t i = 0; i < n; ++i) {
    std::vector<int32_t> src = tokenizer.encode(sources[i]);
    if (static_cast<int>(src.size()) > S) {
      src.resize(static_cast<size_t>(S));
      src.back() = eos;
    }
    std::vector<int32_t> ids(static_cast<size_t>(S), pad), mask(static_cast<size_t>(S), 0);
    std::copy(src.begin(), src.end(), ids.begin());
    std::fill_n(mask.begin(), src.size(), 1);
    calib::Sample e{fmt::format("sentence {}", i + 1), std::vector<std::vector<std::byte>>(enc_specs.size())};
    e.inputs[e_ids] = bytes_of(ids);
    e.inputs[e_mask] = bytes_of(mask);
    encoder.set_input(e_ids, e.inputs[e_ids]);
    encoder.set_input(e_mask, e.inputs[e_mask]);
    encoder.invoke();
    const auto hidden = encoder.output_data(enc_out);
    enc_samples.push_back(std::move(e));

    // Prefixes: [start] + target ids; a prefix of length p predicts token p.
    std::vector<int32_t> full = {start};
    const auto& tgt = target_ids[i];
    full.insert(full.end(), tgt.begin(), tgt.end());
    const int tokens = std::min<int>(static_cast<int>(tgt.size()), T);
    const std::vector<int> lengths = options.start_only ? std::vector<int>{1} : prefix_lengths(std::max(tokens, 1), options.prefixes);
    for (int p : lengths) {
      std::vector<int32_t> dids(static_cast<size_t>(T), pad), dmask(static_cast<size_t>(T), 0);
      std::copy(full.begin(), full.begin() + p, dids.begin());
      std::fill_n(dmask.begin(), p, 1);
      const int32_t step = p - 1;
      calib::Sample d{fmt::format("sentence {} prefix {}", i + 1, p), std::vector<std::vector<std::byte>>(dec_specs.size())};
      d.inputs[d_ids] = bytes_of(dids);
      d.inputs[d_mask] = bytes_of(dmask);
      d.inputs[d_hidden].assign(hidden.begin(), hidden.end());
      d.inputs[d_enc_mask] = bytes_of(mask);
      d.inputs[d_step] = bytes_of(std::vector<int32_t>{step});
      dec_samples.push_back(std::move(d));
    }
    if (options.progress) options.progress(i + 1, n);
  }
  CalibrationSets sets;
  sets.sentences = n;
  sets.decoder_samples = dec_samples.size();
  const std::string how = options.start_only ? "start token only"
                          : targets.empty()  ? fmt::format("{} greedy prefixes a sentence", options.prefixes)
                                             : fmt::format("{} teacher-forced prefixes a sentence", options.prefixes);
  sets.encoder = std::make_unique<MemorySource>(fmt::format("{} sentences", n), std::move(enc_samples));
  sets.decoder = std::make_unique<MemorySource>(fmt::format("{} sentences, {}", n, how), std::move(dec_samples));
  return sets;
}

}  // namespace octet::seq2seq
