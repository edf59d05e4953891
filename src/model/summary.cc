#include "model/summary.h"

#include <map>

namespace octet {

namespace {

nlohmann::json tensor_json(const Graph& g, int32_t t, std::string_view name) {
  const Tensor& tensor = g.tensors[t];
  nlohmann::json j{{"name", std::string(name)},
                   {"tensor", t},
                   {"tensor_name", tensor.name},
                   {"dtype", dtype_name(tensor.dtype)},
                   {"shape", tensor.shape}};
  if (!tensor.shape_signature.empty() && tensor.shape_signature != tensor.shape)
    j["shape_signature"] = tensor.shape_signature;
  if (!tensor.quant.empty()) {
    j["quantization"] = {{"scale", tensor.quant.scale}, {"zero_point", tensor.quant.zero_point}};
    if (tensor.quant.per_channel()) j["quantization"]["quantized_dimension"] = tensor.quant.quantized_dimension;
  }
  return j;
}

bool is_float(DType t) { return t == DType::Float32 || t == DType::Float16 || t == DType::Float64; }

}  // namespace

std::string op_precision(const Model& model, const Graph& g, const Op& op) {
  bool has_float = false, has_int8 = false, has_int16 = false, has_int32 = false, f16_weights = false;
  auto note = [&](int32_t t) {
    if (t < 0) return;
    const Tensor& tensor = g.tensors[t];
    switch (tensor.dtype) {
      case DType::Float32: has_float = true; break;
      case DType::Float16: f16_weights = true; has_float = true; break;
      case DType::Int8: case DType::UInt8: has_int8 = true; break;
      case DType::Int16: has_int16 = true; break;
      case DType::Int32: case DType::Int64: has_int32 = true; break;
      default: break;
    }
  };
  for (int32_t t : op.inputs) note(t);
  for (int32_t t : op.outputs) note(t);
  if (op.code.builtin == BuiltinOp::Quantize || op.code.builtin == BuiltinOp::Dequantize) {
    if (f16_weights) return "float16-weights";
    return has_float && (has_int8 || has_int16) ? "mixed" : has_int16 ? "int16x8" : "int8";
  }
  if (has_float && has_int8) {
    // Float activations around int8 constant weights: dynamic-range ("hybrid").
    bool float_outputs = true, int8_constant = false;
    for (int32_t t : op.outputs) float_outputs &= t < 0 || is_float(g.tensors[t].dtype);
    for (int32_t t : op.inputs)
      int8_constant |= t >= 0 && g.tensors[t].dtype == DType::Int8 && !model.data_of(g.tensors[t]).empty();
    if (float_outputs && int8_constant) return "dynamic-int8-weights";
  }
  if (has_float && (has_int8 || has_int16)) return "mixed";
  if (has_int16) return "int16x8";
  if (has_int8) return "int8";
  if (has_float) return "float32";
  if (has_int32) return "int32";
  return "other";
}

nlohmann::json summarize_model(const Model& model, std::string_view origin, uint64_t file_bytes) {
  nlohmann::json j;
  j["file"] = std::string(origin);
  if (file_bytes) j["file_bytes"] = file_bytes;
  j["schema_version"] = model.version;
  if (!model.description.empty()) j["description"] = model.description;
  j["subgraphs"] = model.subgraphs.size();

  const Graph& g = model.main();
  nlohmann::json sig;
  const Signature* s = nullptr;
  for (const Signature& cand : model.signatures)
    if (cand.subgraph == 0) { s = &cand; break; }
  sig["key"] = s ? s->key : "";
  sig["inputs"] = nlohmann::json::array();
  sig["outputs"] = nlohmann::json::array();
  if (s) {
    for (const auto& t : s->inputs) sig["inputs"].push_back(tensor_json(g, t.tensor, t.name));
    for (const auto& t : s->outputs) sig["outputs"].push_back(tensor_json(g, t.tensor, t.name));
  } else {
    for (int32_t t : g.inputs) sig["inputs"].push_back(tensor_json(g, t, g.tensors[t].name));
    for (int32_t t : g.outputs) sig["outputs"].push_back(tensor_json(g, t, g.tensors[t].name));
  }
  j["signature"] = sig;

  std::map<std::string, int> ops;
  std::map<std::string, int> precision;
  size_t total_ops = 0;
  for (const Graph& graph : model.subgraphs)
    for (const Op& op : graph.ops) {
      const std::string name = op.code.is_custom() ? "CUSTOM:" + op.code.custom_name
                                                   : std::string(builtin_op_name(op.code.builtin));
      ++ops[fmt::format("{} v{}", name, op.code.version)];
      ++precision[op_precision(model, graph, op)];
      ++total_ops;
    }
  j["ops"] = total_ops;
  j["op_histogram"] = ops;
  j["precision"] = precision;

  std::map<std::string, nlohmann::json> by_dtype;
  for (const Graph& graph : model.subgraphs)
    for (const Tensor& t : graph.tensors) {
      auto& e = by_dtype[std::string(dtype_name(t.dtype))];
      if (e.is_null()) e = {{"tensors", 0}, {"constants", 0}, {"constant_bytes", 0}};
      e["tensors"] = e["tensors"].get<int>() + 1;
      const size_t bytes = model.data_of(t).size();
      if (bytes) {
        e["constants"] = e["constants"].get<int>() + 1;
        e["constant_bytes"] = e["constant_bytes"].get<uint64_t>() + bytes;
      }
    }
  j["tensors_by_dtype"] = by_dtype;
  j["metadata"] = nlohmann::json::array();
  for (const Metadata& m : model.metadata)
    j["metadata"].push_back({{"name", m.name}, {"bytes", model.buffers[m.buffer].size()}});
  return j;
}

nlohmann::json summarize_ops(const Model& model) {
  nlohmann::json list = nlohmann::json::array();
  const Graph& g = model.main();
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const Op& op = g.ops[i];
    nlohmann::json e{{"index", i},
                     {"op", op.code.is_custom() ? "CUSTOM:" + op.code.custom_name
                                                : std::string(builtin_op_name(op.code.builtin))},
                     {"version", op.code.version},
                     {"precision", op_precision(model, g, op)}};
    if (!op.outputs.empty() && op.outputs[0] >= 0) e["output"] = tensor_json(g, op.outputs[0], g.tensors[op.outputs[0]].name);
    list.push_back(std::move(e));
  }
  return list;
}

std::string format_ops(const nlohmann::json& list) {
  std::string out = "  #    op                         version  precision             output\n";
  for (const auto& e : list) {
    std::string output;
    if (e.contains("output")) {
      const auto& t = e["output"];
      output = fmt::format("{} {}", t["name"].get<std::string>(), t["dtype"].get<std::string>());
      if (t.contains("quantization") && t["quantization"]["scale"].size() == 1)
        output += fmt::format(" scale={:g} zp={}", t["quantization"]["scale"][0].get<float>(),
                              t["quantization"]["zero_point"][0].get<int64_t>());
    }
    out += fmt::format("  {:<4} {:<26} v{:<7} {:<21} {}\n", e["index"].get<size_t>(), e["op"].get<std::string>(),
                       e["version"].get<int>(), e["precision"].get<std::string>(), output);
  }
  return out;
}

std::string format_summary(const nlohmann::json& j) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line(fmt::format("{}", j["file"].get<std::string>()));
  if (j.contains("file_bytes")) line(fmt::format("  size            {} bytes", j["file_bytes"].get<uint64_t>()));
  line(fmt::format("  schema version  {}", j["schema_version"].get<uint32_t>()));
  if (j.contains("description")) line(fmt::format("  description     {}", j["description"].get<std::string>()));
  line(fmt::format("  subgraphs       {}", j["subgraphs"].get<size_t>()));
  const auto& sig = j["signature"];
  line(fmt::format("signature '{}'", sig["key"].get<std::string>()));
  for (const char* side : {"inputs", "outputs"}) {
    for (const auto& t : sig[side]) {
      std::string q;
      if (t.contains("quantization")) {
        const auto& qj = t["quantization"];
        q = qj["scale"].size() == 1
                ? fmt::format("  scale={:g} zero_point={}", qj["scale"][0].get<float>(),
                              qj["zero_point"][0].get<int64_t>())
                : fmt::format("  per-channel ({} scales)", qj["scale"].size());
      }
      line(fmt::format("  {:<7} {:<28} {:<8} [{}]{}", std::string(side) == "inputs" ? "input" : "output",
                       t["name"].get<std::string>(), t["dtype"].get<std::string>(),
                       fmt::join(t["shape"].get<std::vector<int32_t>>(), ","), q));
    }
  }
  line(fmt::format("ops ({})", j["ops"].get<size_t>()));
  for (const auto& [name, count] : j["op_histogram"].items())
    line(fmt::format("  {:<40} {:>5}", name, count.get<int>()));
  line("precision");
  for (const auto& [name, count] : j["precision"].items())
    line(fmt::format("  {:<40} {:>5}", name, count.get<int>()));
  line("tensors by dtype        tensors  constants  constant bytes");
  for (const auto& [name, e] : j["tensors_by_dtype"].items())
    line(fmt::format("  {:<20} {:>8} {:>10} {:>15}", name, e["tensors"].get<int>(),
                     e["constants"].get<int>(), e["constant_bytes"].get<uint64_t>()));
  for (const auto& m : j["metadata"])
    line(fmt::format("metadata '{}' ({} bytes)", m["name"].get<std::string>(), m["bytes"].get<size_t>()));
  return out;
}

}  // namespace octet
