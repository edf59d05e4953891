// Quantizing an encoder + decoder-step pair the seq2seq way: calibration sets
// from sentence pairs (calibration.h), each model calibrated and quantized
// with the recipe, and the boundary between them decided once — float on both
// sides, or the encoder output's integer parameters given to the decoder's
// input so that the Translator's bridge is a copy. The result is a folder
// `octet translate` runs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "calib/stats.h"
#include "octet/quantize.h"
#include "octet/translate.h"
#include "seq2seq/calibration.h"

namespace octet::seq2seq {

struct PairRecipe {
  quant::Recipe recipe;            // mode, estimator, mask threshold, overrides (for both models)
  CalibrationOptions calibration;
  // Integer boundary and logits (the encoder output, the decoder's hidden-state
  // input and its logits integer, the first two with one set of parameters);
  // false: float at both, QUANTIZE/DEQUANTIZE inside each file.
  bool integer_boundary = true;
  // With integer_boundary, the decoder's encoder_hidden_states input gets:
  //   Shared     the encoder output's parameters (the bridge is a copy);
  //   Calibrated its own calibrated range;
  //   Symmetric  a symmetric range (zero point 0) over `boundary_widening`
  //              times its calibrated max |x|: parameters that differ from
  //              the encoder's, for showing what the bridge is for.
  enum class Boundary { Shared, Calibrated, Symmetric };
  Boundary boundary = Boundary::Shared;
  double boundary_widening = 1;
};

struct PairResult {
  quant::Report encoder, decoder;
  calib::Stats encoder_stats, decoder_stats;
  size_t sentences = 0, decoder_samples = 0;
};

// Writes out_dir/encoder.tflite, decoder_step.tflite and copies of the
// tokenizer files and octet_seq2seq.json of `float_files`.
PairResult quantize_pair(const TranslatorFiles& float_files, const std::vector<std::string>& sources,
                         const std::vector<std::string>& targets, const PairRecipe& recipe,
                         const std::filesystem::path& out_dir);

// Copies the tokenizer files (and octet_seq2seq.json) of `files` into `dir`
// and returns the files of a folder whose models are dir's.
TranslatorFiles folder_with_tokenizer(const TranslatorFiles& files, const std::filesystem::path& dir);

}  // namespace octet::seq2seq
