// The per-tensor debugger: a float model and its quantized version run on the
// same samples; every integer tensor that carries a float tensor's name
// (octet's quantizer keeps names) is dequantized and compared with it.
// End to end, error carried in from earlier ops counts; isolated, each
// integer op is fed the float model's inputs quantized with its own input
// parameters, so only the op's own error (and its output rounding) shows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calib/data.h"
#include "octet/model.h"

namespace octet::diag {

struct TensorError {
  std::string name, op;         // tensor name, the integer op producing it
  int32_t op_index = -1;        // in the integer model
  DType dtype = DType::Int8;
  float scale = 0;
  int64_t zero_point = 0;
  double sqnr_db = 0;           // 10·log10(Σf² / Σ(f−d)²); +inf when exact
  double cosine = 0;
  double rmse_steps = 0;        // RMSE / scale: error in quantization steps
  double clip_rate = 0;         // float values outside the representable range
  double levels_used = 0;       // distinct codes seen / codes of the type
  double saturation = 0;        // codes at the type's lowest or highest value
  double float_min = 0, float_max = 0;
  bool mask_dominated = false;  // the float range reaches an additive-mask value
  std::optional<double> isolated_sqnr_db;
};

struct DebugOptions {
  double threshold_db = 20;
  bool isolated = false;
  size_t max_samples = 0;       // 0: every sample
};

struct DebugReport {
  std::vector<TensorError> tensors;    // in the integer model's op order
  std::optional<size_t> first_below;   // index into tensors: first end-to-end SQNR < threshold
  size_t samples = 0;
  // The integer model's integer inputs and outputs with their parameters,
  // for comparing boundaries across files.
  std::vector<std::string> boundary;
};

DebugReport debug_tensors(const Model& float_model, const Model& int_model, calib::DataSource& data,
                          const DebugOptions& options = {});

std::string format_debug(const DebugReport& report, const DebugOptions& options, size_t top = 0);
nlohmann::json debug_json(const DebugReport& report);

}  // namespace octet::diag
