// seq2seq::Translator: two planned interpreters per worker thread, the
// encoder run once per sentence, the decoder step driven by search.cc.
#include "octet/translate.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "octet/error.h"
#include "octet/interpreter.h"
#include "octet/model.h"
#include "seq2seq/bridge.h"
#include "seq2seq/search.h"
#include "seq2seq/tokenizer.h"

namespace octet::seq2seq {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// The graph input or output called `name`: by SignatureDef name, then by tensor name.
std::optional<size_t> find_io(const Model& model, const Interpreter& interp, const std::string& name, bool input) {
  const size_t n = input ? interp.num_inputs() : interp.num_outputs();
  auto tensor_of = [&](size_t i) { return input ? interp.input_tensor(i) : interp.output_tensor(i); };
  for (const Signature& s : model.signatures)
    if (s.subgraph == 0)
      for (const auto& t : input ? s.inputs : s.outputs)
        if (t.name == name)
          for (size_t i = 0; i < n; ++i)
            if (tensor_of(i) == t.tensor) return i;
  for (size_t i = 0; i < n; ++i)
    if (interp.graph().tensors[tensor_of(i)].name == name) return i;
  return std::nullopt;
}

size_t need_io(const Model& model, const Interpreter& interp, const std::string& name, bool input,
               const std::filesystem::path& file) {
  if (auto i = find_io(model, interp, name, input)) return *i;
  // A model with one output may name it as it likes.
  if (!input && interp.num_outputs() == 1) return 0;
  std::string known;
  const size_t n = input ? interp.num_inputs() : interp.num_outputs();
  for (size_t i = 0; i < n; ++i)
    known += (i ? ", " : "") + interp.graph().tensors[input ? interp.input_tensor(i) : interp.output_tensor(i)].name;
  fail("{}: no {} named '{}' (its {}s: {})", file.string(), input ? "input" : "output", name,
       input ? "input" : "output", known);
}

Encoding encoding_of(const Tensor& t) {
  Encoding e{t.dtype, 1.0f, 0};
  if (t.dtype != DType::Float32) {
    if (t.quant.scale.size() != 1)
      fail("tensor '{}' is {} with {} scales; the seq2seq boundary needs one (per-tensor)", t.name,
           dtype_name(t.dtype), t.quant.scale.size());
    e.scale = t.quant.scale[0];
    e.zero_point = t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0];
  }
  return e;
}

std::vector<int32_t> shape_of(const Interpreter& interp, int32_t tensor) {
  const auto s = interp.tensor_shape(tensor);
  return {s.begin(), s.end()};
}

void expect_int32(const Interpreter& interp, int32_t tensor, std::vector<int32_t> shape, const std::filesystem::path& file) {
  const Tensor& t = interp.graph().tensors[tensor];
  if (t.dtype != DType::Int32 || shape_of(interp, tensor) != shape)
    fail("{}: input '{}' is {} [{}], expected int32 [{}]", file.string(), t.name, dtype_name(t.dtype),
         fmt::join(shape_of(interp, tensor), ","), fmt::join(shape, ","));
}

void put_int32(Interpreter& interp, size_t input, std::span<const int32_t> values) {
  interp.set_input(input, std::as_bytes(values));
}

std::optional<int32_t> config_int(const nlohmann::json& config, const char* key) {
  if (config.contains(key) && config[key].is_number_integer()) return config[key].get<int32_t>();
  for (const auto& [_, v] : config.items())
    if (v.is_object() && v.contains(key) && v[key].is_number_integer()) return v[key].get<int32_t>();
  return std::nullopt;
}

}  // namespace

TranslatorFiles TranslatorFiles::from_folder(const std::filesystem::path& dir, bool with_models) {
  if (!std::filesystem::is_directory(dir)) fail("{}: not a folder (expected an octet seq2seq model folder)", dir.string());
  TranslatorFiles f{dir / "encoder.tflite", dir / "decoder_step.tflite", dir / "source.spm",
                    dir / "target.spm", dir / "vocab.json", dir / "octet_seq2seq.json"};
  for (const auto* p : {&f.encoder, &f.decoder, &f.source_spm, &f.target_spm, &f.vocab})
    if ((with_models || (p != &f.encoder && p != &f.decoder)) && !std::filesystem::exists(*p)) fail("{}: missing (an octet seq2seq folder has encoder.tflite, "
                                           "decoder_step.tflite, source.spm, target.spm, vocab.json)", p->string());
  if (!std::filesystem::exists(f.config)) f.config.clear();
  return f;
}

// One worker's interpreters and the indices of their inputs and outputs.
struct Session {
  Interpreter encoder;
  Interpreter decoder;
  size_t enc_ids, enc_mask, enc_out;
  size_t dec_ids, dec_mask, dec_hidden, dec_enc_mask, dec_step, dec_logits;
  std::vector<int32_t> ids_buffer, mask_buffer;

  Session(const Model& enc, const Model& dec, const TranslatorFiles& files)
      : encoder(enc, 0, InterpreterOptions{.num_threads = 1}), decoder(dec, 0, InterpreterOptions{.num_threads = 1}) {
    enc_ids = need_io(enc, encoder, "input_ids", true, files.encoder);
    enc_mask = need_io(enc, encoder, "attention_mask", true, files.encoder);
    enc_out = need_io(enc, encoder, "encoder_hidden_states", false, files.encoder);
    dec_ids = need_io(dec, decoder, "decoder_input_ids", true, files.decoder);
    dec_mask = need_io(dec, decoder, "decoder_attention_mask", true, files.decoder);
    dec_hidden = need_io(dec, decoder, "encoder_hidden_states", true, files.decoder);
    dec_enc_mask = need_io(dec, decoder, "encoder_attention_mask", true, files.decoder);
    dec_step = need_io(dec, decoder, "step", true, files.decoder);
    dec_logits = need_io(dec, decoder, "logits", false, files.decoder);
  }
};

struct Translator::Impl {
  TranslatorFiles files;
  TranslatorOptions options;
  Model encoder_model, decoder_model;
  Tokenizer tokenizer;
  int32_t eos = 0, pad = 0, start = 0;
  int S = 0, T = 0;
  Encoding enc_out, dec_in, logits;
  std::vector<std::unique_ptr<Session>> sessions;  // one a worker thread

  Impl(const TranslatorFiles& f, TranslatorOptions o)
      : files(f), options(o), encoder_model(load_model(f.encoder)), decoder_model(load_model(f.decoder)),
        tokenizer(f.source_spm, f.target_spm, f.vocab) {
    if (options.beam_size < 1) fail("beam size {} must be at least 1", options.beam_size);
    if (options.threads < 1) fail("threads {} must be at least 1", options.threads);
    if (options.max_length < 0) fail("max length {} must not be negative", options.max_length);
    eos = tokenizer.special().eos;
    pad = tokenizer.special().pad;
    if (!f.config.empty()) {
      std::ifstream in(f.config);
      if (!in) fail("{}: cannot open", f.config.string());
      nlohmann::json config;
      try {
        config = nlohmann::json::parse(in);
      } catch (const nlohmann::json::exception& e) {
        fail("{}: not valid JSON: {}", f.config.string(), e.what());
      }
      eos = config_int(config, "eos_token_id").value_or(eos);
      pad = config_int(config, "pad_token_id").value_or(pad);
      start = config_int(config, "decoder_start_token_id").value_or(pad);
    } else {
      start = pad;
    }
    if (pad < 0) fail("{}: no <pad> id (vocab.json has no <pad>, and no octet_seq2seq.json says it)", f.vocab.string());

    sessions.push_back(std::make_unique<Session>(encoder_model, decoder_model, files));
    check_shapes(*sessions[0]);
  }

  void check_shapes(Session& s) {
    const Interpreter& e = s.encoder;
    const Interpreter& d = s.decoder;
    const auto ids_shape = shape_of(e, e.input_tensor(s.enc_ids));
    if (ids_shape.size() != 2 || ids_shape[0] != 1 || ids_shape[1] < 2)
      fail("{}: input_ids has shape [{}], expected [1,S] with S ≥ 2", files.encoder.string(), fmt::join(ids_shape, ","));
    S = ids_shape[1];
    expect_int32(e, e.input_tensor(s.enc_ids), {1, S}, files.encoder);
    expect_int32(e, e.input_tensor(s.enc_mask), {1, S}, files.encoder);
    const auto dec_ids_shape = shape_of(d, d.input_tensor(s.dec_ids));
    if (dec_ids_shape.size() != 2 || dec_ids_shape[0] != 1 || dec_ids_shape[1] < 1)
      fail("{}: decoder_input_ids has shape [{}], expected [1,T]", files.decoder.string(), fmt::join(dec_ids_shape, ","));
    T = dec_ids_shape[1];
    expect_int32(d, d.input_tensor(s.dec_ids), {1, T}, files.decoder);
    expect_int32(d, d.input_tensor(s.dec_mask), {1, T}, files.decoder);
    expect_int32(d, d.input_tensor(s.dec_enc_mask), {1, S}, files.decoder);
    expect_int32(d, d.input_tensor(s.dec_step), {1}, files.decoder);
    const int32_t out_t = e.output_tensor(s.enc_out), in_t = d.input_tensor(s.dec_hidden);
    if (shape_of(e, out_t) != shape_of(d, in_t))
      fail("encoder output '{}' [{}] ({}) does not fit decoder input '{}' [{}] ({})", e.graph().tensors[out_t].name,
           fmt::join(shape_of(e, out_t), ","), files.encoder.string(), d.graph().tensors[in_t].name,
           fmt::join(shape_of(d, in_t), ","), files.decoder.string());
    enc_out = encoding_of(e.graph().tensors[out_t]);
    dec_in = encoding_of(d.graph().tensors[in_t]);
    const int32_t logits_t = d.output_tensor(s.dec_logits);
    logits = encoding_of(d.graph().tensors[logits_t]);
    const auto logits_shape = shape_of(d, logits_t);
    if (logits_shape.size() != 2 || logits_shape[0] != 1 || logits_shape[1] <= std::max(eos, pad))
      fail("{}: logits have shape [{}], expected [1,V] with V > {}", files.decoder.string(),
           fmt::join(logits_shape, ","), std::max(eos, pad));
  }

  int max_length_for(size_t n) const {
    int limit = static_cast<int>(std::min<size_t>(256, 2 * n + 10));
    // The decoder sees the start token and all generated tokens but the last:
    // T positions allow T generated tokens.
    limit = std::min(limit, T);
    if (options.max_length > 0) limit = std::min(limit, options.max_length);
    return limit;
  }

  // Runs the encoder on `src` (</s> appended, cut to S) and hands its output
  // to the decoder's input; returns the ids the encoder saw.
  std::vector<int32_t> encode_source(Session& s, std::vector<int32_t> src, bool* truncated) {
    if (src.empty() || src.back() != eos) src.push_back(eos);
    if (static_cast<int>(src.size()) > S) {
      src.resize(static_cast<size_t>(S));
      src.back() = eos;
      if (truncated) *truncated = true;
    }
    s.ids_buffer.assign(static_cast<size_t>(S), pad);
    s.mask_buffer.assign(static_cast<size_t>(S), 0);
    std::copy(src.begin(), src.end(), s.ids_buffer.begin());
    std::fill_n(s.mask_buffer.begin(), src.size(), 1);
    put_int32(s.encoder, s.enc_ids, s.ids_buffer);
    put_int32(s.encoder, s.enc_mask, s.mask_buffer);
    s.encoder.invoke();
    if (options.raw_boundary) {
      // What a deployment without a bridge does: the encoder's bytes as they are.
      if (enc_out.dtype != dec_in.dtype)
        fail("raw boundary: the encoder output is {} and the decoder input {}; bytes cannot be passed as they are",
             enc_out.describe(), dec_in.describe());
      const auto out = s.encoder.output_data(s.enc_out);
      std::memcpy(s.decoder.input_data(s.dec_hidden).data(), out.data(), out.size());
    } else {
      bridge(enc_out, s.encoder.output_data(s.enc_out), dec_in, s.decoder.input_data(s.dec_hidden));
    }
    put_int32(s.decoder, s.dec_enc_mask, s.mask_buffer);
    return src;
  }

  // The logits of one decoder step on `prefix` (the encoder already run).
  LogitsView step_on(Session& s, std::span<const int32_t> prefix, std::vector<int32_t>& dec_ids,
                     std::vector<int32_t>& dec_mask) {
    if (prefix.size() > static_cast<size_t>(T))
      fail("decoder prefix of {} tokens does not fit the decoder's T = {}", prefix.size(), T);
    std::fill(dec_ids.begin(), dec_ids.end(), pad);
    std::fill(dec_mask.begin(), dec_mask.end(), 0);
    std::copy(prefix.begin(), prefix.end(), dec_ids.begin());
    std::fill_n(dec_mask.begin(), prefix.size(), 1);
    const int32_t position = static_cast<int32_t>(prefix.size()) - 1;
    put_int32(s.decoder, s.dec_ids, dec_ids);
    put_int32(s.decoder, s.dec_mask, dec_mask);
    put_int32(s.decoder, s.dec_step, std::span<const int32_t>(&position, 1));
    s.decoder.invoke();
    return LogitsView{logits.dtype, s.decoder.output_data(s.dec_logits), logits.scale, logits.zero_point};
  }

  std::vector<float> first_step_logits(Session& s, const std::vector<int32_t>& src) {
    encode_source(s, src, nullptr);
    std::vector<int32_t> dec_ids(static_cast<size_t>(T)), dec_mask(static_cast<size_t>(T));
    const int32_t prefix[] = {start};
    const LogitsView view = step_on(s, prefix, dec_ids, dec_mask);
    std::vector<float> out(view.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = view.value(i);
    return out;
  }

  Translation translate_one(Session& s, std::vector<int32_t> src) {
    Translation r;
    const auto t0 = Clock::now();
    r.source_ids = encode_source(s, std::move(src), &r.truncated);
    r.encoder_ms = ms_since(t0);

    const auto t1 = Clock::now();
    std::vector<int32_t> dec_ids(static_cast<size_t>(T)), dec_mask(static_cast<size_t>(T));
    const StepFunction step = [&](std::span<const int32_t> prefix) { return step_on(s, prefix, dec_ids, dec_mask); };
    const SearchOptions so{.start_id = start, .eos_id = eos, .banned_id = pad,
                           .max_length = max_length_for(r.source_ids.size()), .beam_size = options.beam_size,
                           .length_penalty = options.length_penalty};
    SearchResult found = search(step, so);
    r.decoder_ms = ms_since(t1);
    r.ids = std::move(found.ids);
    r.decoder_steps = found.steps;
    r.text = tokenizer.decode(r.ids);
    return r;
  }

  std::vector<Translation> run(const std::vector<std::vector<int32_t>>& sources) {
    return for_each_source<Translation>(sources, [&](Session& s, const std::vector<int32_t>& src) { return translate_one(s, src); });
  }

  // f(session, source) for every source, options.threads at a time, results in order.
  template <class R, class F>
  std::vector<R> for_each_source(const std::vector<std::vector<int32_t>>& sources, F f) {
    std::vector<R> out(sources.size());
    const size_t workers = std::min<size_t>(static_cast<size_t>(options.threads), std::max<size_t>(1, sources.size()));
    while (sessions.size() < workers)
      sessions.push_back(std::make_unique<Session>(encoder_model, decoder_model, files));
    std::atomic<size_t> next{0};
    std::mutex error_mutex;
    std::exception_ptr error;
    auto work = [&](Session& s) {
      for (size_t i; (i = next.fetch_add(1)) < sources.size();) {
        try {
          out[i] = f(s, sources[i]);
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!error) error = std::current_exception();
          next = sources.size();
        }
      }
    };
    std::vector<std::thread> threads;
    for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, std::ref(*sessions[w]));
    work(*sessions[0]);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    return out;
  }
};

Translator::Translator(const TranslatorFiles& files, TranslatorOptions options)
    : impl_(std::make_unique<Impl>(files, options)) {}
Translator::~Translator() = default;

std::vector<Translation> Translator::translate(const std::vector<std::string>& sentences) {
  std::vector<std::vector<int32_t>> sources;
  sources.reserve(sentences.size());
  for (const std::string& s : sentences) sources.push_back(impl_->tokenizer.encode(s));
  return impl_->run(sources);
}

std::vector<Translation> Translator::translate_ids(const std::vector<std::vector<int32_t>>& sources) {
  return impl_->run(sources);
}

std::vector<std::vector<float>> Translator::first_step_logits(const std::vector<std::vector<int32_t>>& sources) {
  return impl_->for_each_source<std::vector<float>>(
      sources, [&](Session& s, const std::vector<int32_t>& src) { return impl_->first_step_logits(s, src); });
}

std::vector<int32_t> Translator::encode(const std::string& sentence) const { return impl_->tokenizer.encode(sentence); }
std::string Translator::decode(const std::vector<int32_t>& ids) const { return impl_->tokenizer.decode(ids); }
int Translator::source_length() const { return impl_->S; }
int Translator::target_length() const { return impl_->T; }
int Translator::max_length_for(size_t n) const { return impl_->max_length_for(n); }

std::string Translator::bridge_description() const {
  static constexpr const char* kNames[] = {"copy", "dequantize", "quantize", "requantize"};
  return fmt::format("{}: encoder output {} → decoder input {}",
                     kNames[static_cast<int>(bridge_kind(impl_->enc_out, impl_->dec_in))],
                     impl_->enc_out.describe(), impl_->dec_in.describe());
}

}  // namespace octet::seq2seq
