// octet's model layer: the graph IR every stage reads and returns, and the
// functions that move it in and out of .tflite files. Nothing outside
// src/model/ sees flatbuffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "octet/error.h"
#include "octet/options.h"
#include "octet/types.h"

namespace octet {

// Quantization of one tensor as the TFLite format stores it. Empty scale
// means "not quantized". Per-channel when scale has more than one entry.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  std::vector<float> min;  // kept for round trips; octet does not use them
  std::vector<float> max;

  bool empty() const { return scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
  friend bool operator==(const QuantParams&, const QuantParams&) = default;
};

// Sparse storage of a constant (TFLite's SparsityParameters), kept as read.
struct DimensionMetadata {
  enum class Format : int8_t { Dense = 0, SparseCsr = 1 };
  Format format = Format::Dense;
  int32_t dense_size = 0;
  std::vector<int32_t> array_segments;  // widened from uint8/uint16/int32
  std::vector<int32_t> array_indices;
  uint8_t segments_type = 0;  // published SparseIndexVector type, for writing back
  uint8_t indices_type = 0;
  friend bool operator==(const DimensionMetadata&, const DimensionMetadata&) = default;
};

struct Sparsity {
  std::vector<int32_t> traversal_order;
  std::vector<int32_t> block_map;
  std::vector<DimensionMetadata> dim_metadata;
  friend bool operator==(const Sparsity&, const Sparsity&) = default;
};

// Bytes of a constant or metadata buffer. The bytes may live in a mapped file
// (owner keeps it alive) or in memory the buffer owns.
class Buffer {
 public:
  Buffer() = default;
  Buffer(std::shared_ptr<const void> owner, std::span<const std::byte> bytes)
      : owner_(std::move(owner)), bytes_(bytes) {}
  static Buffer copy_of(std::span<const std::byte> bytes);

  std::span<const std::byte> bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  friend bool operator==(const Buffer& a, const Buffer& b);

 private:
  std::shared_ptr<const void> owner_;
  std::span<const std::byte> bytes_;
};

struct Tensor {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<int32_t> shape;
  std::vector<int32_t> shape_signature;  // -1 marks a dynamic dimension
  QuantParams quant;
  int32_t buffer = 0;  // index into Model::buffers; 0 (the empty buffer) = no data
  bool is_variable = false;
  std::optional<Sparsity> sparsity;

  friend bool operator==(const Tensor&, const Tensor&) = default;
};

// What an op is: a builtin operator code, or a custom op by name.
struct OpCode {
  BuiltinOp builtin = BuiltinOp::Custom;
  std::string custom_name;  // only for BuiltinOp::Custom
  int32_t version = 1;

  bool is_custom() const { return builtin == BuiltinOp::Custom; }
  friend bool operator==(const OpCode&, const OpCode&) = default;
};

struct Op {
  OpCode code;
  std::vector<int32_t> inputs;   // tensor indices; -1 = optional input omitted
  std::vector<int32_t> outputs;
  std::vector<int32_t> intermediates;
  Options options;               // builtin options, typed (see options.h)
  std::vector<uint8_t> custom_options;

  friend bool operator==(const Op&, const Op&) = default;
};

// One subgraph: tensors, the ops in execution order, and its inputs/outputs.
struct Graph {
  std::string name;
  std::vector<Tensor> tensors;
  std::vector<Op> ops;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;

  friend bool operator==(const Graph&, const Graph&) = default;
};

struct Metadata {
  std::string name;
  int32_t buffer = 0;
  friend bool operator==(const Metadata&, const Metadata&) = default;
};

struct SignatureTensor {
  std::string name;
  int32_t tensor = 0;
  friend bool operator==(const SignatureTensor&, const SignatureTensor&) = default;
};

struct Signature {
  std::string key;
  int32_t subgraph = 0;
  std::vector<SignatureTensor> inputs;
  std::vector<SignatureTensor> outputs;
  friend bool operator==(const Signature&, const Signature&) = default;
};

// A whole .tflite: subgraphs share the buffer table. Buffer 0 is the empty
// sentinel the format reserves.
struct Model {
  uint32_t version = 3;
  std::string description;
  std::vector<Graph> subgraphs;
  std::vector<Buffer> buffers{Buffer{}};
  std::vector<Metadata> metadata;
  std::vector<Signature> signatures;

  Graph& main() { return subgraphs.at(0); }
  const Graph& main() const { return subgraphs.at(0); }
  // The constant bytes of a tensor, empty if it has none.
  std::span<const std::byte> data_of(const Tensor& t) const;
  friend bool operator==(const Model&, const Model&) = default;
};

// Reads a .tflite file (memory-mapped) and validates it fully: flatbuffer
// structure, then indices, buffer sizes, op arities, quantization arrays and
// the graph's order. Throws octet::Error with one line naming what and where.
Model load_model(const std::filesystem::path& path);
// Same, from bytes already in memory; `origin` names them in errors. The
// model's buffers point into the bytes while `owner` keeps them alive; with
// no owner (or bytes not 16-byte aligned) they are copied first.
Model load_model_from_bytes(std::span<const std::byte> bytes, std::string_view origin,
                            std::shared_ptr<const void> owner = nullptr);

// Semantic checks alone (load_model runs them); throws on the first problem.
void validate_model(const Model& model, std::string_view origin);

// Serializes to the TFLite format.
std::vector<std::byte> serialize_model(const Model& model);
// Writes to a temporary file beside `path`, then renames it into place.
void save_model(const Model& model, const std::filesystem::path& path);
// Writes bytes to a temporary file in the same folder, then renames it, so a
// reader never sees a half-written file.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes);

// Ops in an order where every tensor is written before it is read; throws on
// a cycle or on a tensor that is read but never written.
std::vector<int32_t> topological_order(const Graph& graph, std::string_view origin = "graph");

}  // namespace octet
