// Post-training quantization: a float model plus calibration statistics and a
// recipe in, a full-integer (or 16x8, or dynamic-range) model out, in the
// TFLite format LiteRT runs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calib/stats.h"
#include "octet/model.h"

namespace octet::quant {

enum class Mode { Int8, Int16x8, Dynamic };

struct Recipe {
  Mode mode = Mode::Int8;
  // The moving average of per-sample extremes: the best of the five on the
  // MediaPipe photos (README); min-max is what the stock converter uses.
  calib::EstimatorOptions estimator{calib::Estimator::MovingAverage};
  bool per_channel = true;     // weights per output channel (else one scale per tensor)
  bool integer_io = false;     // float model inputs/outputs become int8 (else QUANTIZE/DEQUANTIZE at the edges)
  // Overrides, each a glob of a tensor name (the op producing it) or "#N", op N
  // of the prepared graph: ops that stay float, ops with int16 activations
  // (int8 weights) in an int8 model.
  std::vector<std::string> keep_float;
  std::vector<std::string> int16;
  // Mask-aware quantization: float values at or below this are an additive
  // attention mask (−1e9). The statistics must have been gathered with the
  // same threshold (calib::ObserverOptions::mask_at_or_below). Mask constants
  // are replaced by a value M just below every masked sum's unmasked range, so
  // that a masked score lands on the lowest code; tensors holding only mask
  // values and zeros get the range [M, 0]; the others their unmasked range.
  std::optional<float> mask_threshold;
  // Parameters given for tensors by name instead of their calibrated range:
  // the encoder output's for the decoder's encoder_hidden_states input, so
  // that the boundary between the two files is a copy.
  std::map<std::string, QuantParams> tensor_params;
};

// A recipe as JSON: {"mode": "int8", "estimator": "percentile", "percentile": 99.99,
// "per_channel": true, "io": "float", "keep_float": [...], "int16": [...],
// "mask_threshold": -1e4};
// every key optional, unknown keys are errors naming the file.
Recipe load_recipe(const std::string& path);
void save_recipe(const Recipe& recipe, const std::string& path);

struct Report {
  size_t integer_ops = 0, float_ops = 0, inserted_ops = 0, folded_ops = 0;
  size_t mask_constants = 0;  // mask values rewritten by a mask-aware recipe
  std::vector<std::string> kept_float;  // "op 12 (SQRT) 'name': why"
};

// The quantized model. `float_model` is not changed. Throws octet::Error
// naming the tensor when the statistics do not cover it.
Model quantize_model(const Model& float_model, const calib::Stats& stats, const Recipe& recipe,
                     Report* report = nullptr);

// What quantize_model does to a float model before quantizing it (constant
// folding of float16/sparse weights, MediaPipe custom ops lowered); also the
// model to calibrate, so that statistics and quantizer see the same tensors.
Model prepare_for_quantization(const Model& float_model, size_t* folded_ops = nullptr);

Mode parse_mode(const std::string& name);  // "int8", "16x8", "dynamic"
std::string mode_name(Mode mode);

}  // namespace octet::quant
