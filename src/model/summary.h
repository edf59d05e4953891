// A description of a model for people and tools: signature, op histogram,
// tensor and constant bytes by dtype, precision of the ops. `octet inspect`
// prints it; the doctor's report embeds it.
#pragma once

#include <nlohmann/json.hpp>

#include "octet/model.h"

namespace octet {

// The precision an op computes in, from the dtypes of its inputs/outputs:
// "float32", "float16-weights" (float op fed by DEQUANTIZE'd float16),
// "int8", "int16x8", "dynamic-int8-weights" (float activations, int8
// constant weights), "int32", "mixed", "other".
std::string op_precision(const Model& model, const Graph& graph, const Op& op);

nlohmann::json summarize_model(const Model& model, std::string_view origin, uint64_t file_bytes = 0);
// The summary as aligned text for a terminal.
std::string format_summary(const nlohmann::json& summary);

// Every op of the main graph: index, op, version, precision, first output
// (name, dtype, parameters); and the same as text, one line an op.
nlohmann::json summarize_ops(const Model& model);
std::string format_ops(const nlohmann::json& ops);

}  // namespace octet
