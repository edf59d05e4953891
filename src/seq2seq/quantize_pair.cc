#include "seq2seq/quantize_pair.h"

#include <cmath>

#include "calib/calibrate.h"
#include "octet/error.h"

namespace octet::seq2seq {
namespace {

const Tensor& output_named(const Model& m, const std::string& name) {
  for (int32_t t : m.main().outputs)
    if (m.main().tensors[t].name == name) return m.main().tensors[t];
  fail("quantized model has no output '{}'", name);
}

}  // namespace

TranslatorFiles folder_with_tokenizer(const TranslatorFiles& files, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  TranslatorFiles out = files;
  auto copy = [&](const std::filesystem::path& from) {
    if (from.empty()) return std::filesystem::path{};
    const auto to = dir / from.filename();
    if (!std::filesystem::equivalent(from.parent_path(), dir))
      std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
    return to;
  };
  out.source_spm = copy(files.source_spm);
  out.target_spm = copy(files.target_spm);
  out.vocab = copy(files.vocab);
  out.config = copy(files.config);
  out.encoder = dir / "encoder.tflite";
  out.decoder = dir / "decoder_step.tflite";
  return out;
}

PairResult quantize_pair(const TranslatorFiles& float_files, const std::vector<std::string>& sources,
                         const std::vector<std::string>& targets, const PairRecipe& pr,
                         const std::filesystem::path& out_dir) {
  PairResult result;
  CalibrationSets sets = make_calibration_sets(float_files, sources, targets, pr.calibration);
  result.sentences = sets.sentences;
  result.decoder_samples = sets.decoder_samples;

  calib::CalibrateOptions options;
  options.observer.mask_at_or_below = pr.recipe.mask_threshold;
  const Model encoder = load_model(float_files.encoder), decoder = load_model(float_files.decoder);
  options.model_name = float_files.encoder.filename().string();
  result.encoder_stats = calib::calibrate(quant::prepare_for_quantization(encoder), *sets.encoder, options);
  options.model_name = float_files.decoder.filename().string();
  result.decoder_stats = calib::calibrate(quant::prepare_for_quantization(decoder), *sets.decoder, options);

  quant::Recipe enc_recipe = pr.recipe, dec_recipe = pr.recipe;
  enc_recipe.integer_io = dec_recipe.integer_io = pr.integer_boundary && pr.recipe.mode != quant::Mode::Dynamic;
  const Model q_encoder = quant::quantize_model(encoder, result.encoder_stats, enc_recipe, &result.encoder);
  if (enc_recipe.integer_io && pr.boundary == PairRecipe::Boundary::Shared)
    dec_recipe.tensor_params["encoder_hidden_states"] = output_named(q_encoder, "encoder_hidden_states").quant;
  if (enc_recipe.integer_io && pr.boundary == PairRecipe::Boundary::Symmetric) {
    const auto it = result.decoder_stats.tensors.find("encoder_hidden_states");
    if (it == result.decoder_stats.tensors.end()) fail("{}: no statistics for encoder_hidden_states", float_files.decoder.string());
    const double m = std::max(std::fabs(it->second.min), std::fabs(it->second.max));
    QuantParams q;
    q.scale = {static_cast<float>(std::max(m * pr.boundary_widening, 1e-8) / 127.0)};
    q.zero_point = {0};
    dec_recipe.tensor_params["encoder_hidden_states"] = q;
  }
  const Model q_decoder = quant::quantize_model(decoder, result.decoder_stats, dec_recipe, &result.decoder);

  const TranslatorFiles out = folder_with_tokenizer(float_files, out_dir);
  save_model(q_encoder, out.encoder);
  save_model(q_decoder, out.decoder);
  return result;
}

}  // namespace octet::seq2seq
