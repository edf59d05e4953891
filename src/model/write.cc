// Graph IR → .tflite bytes, and the atomic file write.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>

#include <flatbuffers/flatbuffers.h>

#include "model/options_codec.h"
#include "octet/model.h"
#include "tflite_generated.h"

namespace octet {

namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

Offset<void> index_vector(FlatBufferBuilder& fbb, const std::vector<int32_t>& v, uint8_t type) {
  switch (static_cast<fb::SparseIndexVector>(type)) {
    case fb::SparseIndexVector::Uint8Vector: {
      std::vector<uint8_t> n(v.begin(), v.end());
      return fb::CreateUint8Vector(fbb, fbb.CreateVector(n)).Union();
    }
    case fb::SparseIndexVector::Uint16Vector: {
      std::vector<uint16_t> n(v.begin(), v.end());
      return fb::CreateUint16Vector(fbb, fbb.CreateVector(n)).Union();
    }
    default:
      return fb::CreateInt32Vector(fbb, fbb.CreateVector(v)).Union();
  }
}

// Quantization vectors written once and referenced by every tensor that has
// the same values: per-channel zero points are all zeros, one vector per
// channel count, and otherwise weigh twice the scales (int64 in the schema).
struct SharedVectors {
  std::map<std::vector<int64_t>, Offset<flatbuffers::Vector<int64_t>>> zero_points;
  std::map<std::vector<float>, Offset<flatbuffers::Vector<float>>> scales;

  template <class T, class Map>
  static auto get(FlatBufferBuilder& fbb, Map& map, const std::vector<T>& v) {
    auto it = map.find(v);
    if (it == map.end()) it = map.emplace(v, fbb.CreateVector(v)).first;
    return it->second;
  }
};

Offset<fb::Tensor> write_tensor(FlatBufferBuilder& fbb, const Tensor& t, SharedVectors& shared) {
  Offset<fb::QuantizationParameters> quant = 0;
  const QuantParams& q = t.quant;
  // quantized_dimension alone is written too, so what was read comes back.
  if (!q.scale.empty() || !q.zero_point.empty() || !q.min.empty() || !q.max.empty() ||
      q.quantized_dimension != 0) {
    quant = fb::CreateQuantizationParameters(
        fbb, q.min.empty() ? 0 : fbb.CreateVector(q.min), q.max.empty() ? 0 : fbb.CreateVector(q.max),
        q.scale.empty() ? 0 : SharedVectors::get(fbb, shared.scales, q.scale),
        q.zero_point.empty() ? 0 : SharedVectors::get(fbb, shared.zero_points, q.zero_point), fb::QuantizationDetails::NONE, 0,
        q.quantized_dimension);
  }
  Offset<fb::SparsityParameters> sparsity = 0;
  if (t.sparsity) {
    std::vector<Offset<fb::DimensionMetadata>> dims;
    for (const DimensionMetadata& d : t.sparsity->dim_metadata) {
      const bool sparse = d.format == DimensionMetadata::Format::SparseCsr;
      const uint8_t st = d.segments_type ? d.segments_type : 1, it = d.indices_type ? d.indices_type : 1;
      auto seg = sparse ? index_vector(fbb, d.array_segments, st) : 0;
      auto idx = sparse ? index_vector(fbb, d.array_indices, it) : 0;
      dims.push_back(fb::CreateDimensionMetadata(
          fbb, static_cast<fb::DimensionType>(d.format), d.dense_size,
          sparse ? static_cast<fb::SparseIndexVector>(st) : fb::SparseIndexVector::NONE, seg,
          sparse ? static_cast<fb::SparseIndexVector>(it) : fb::SparseIndexVector::NONE, idx));
    }
    sparsity = fb::CreateSparsityParameters(fbb, fbb.CreateVector(t.sparsity->traversal_order),
                                            fbb.CreateVector(t.sparsity->block_map),
                                            fbb.CreateVector(dims));
  }
  return fb::CreateTensor(fbb, fbb.CreateVector(t.shape), static_cast<fb::TensorType>(t.dtype),
                          static_cast<uint32_t>(t.buffer), fbb.CreateString(t.name), quant,
                          t.is_variable, sparsity,
                          t.shape_signature.empty() ? 0 : fbb.CreateVector(t.shape_signature));
}

struct OpCodeKey {
  int32_t builtin;
  std::string custom;
  int32_t version;
  auto operator<=>(const OpCodeKey&) const = default;
};

}  // namespace

std::vector<std::byte> serialize_model(const Model& model) {
  validate_model(model, "model to write");
  FlatBufferBuilder fbb(1 << 20);

  // Buffers: 16-byte aligned data, as TFLite's runtime expects for constants.
  std::vector<Offset<fb::Buffer>> buffers;
  buffers.reserve(model.buffers.size());
  for (const Buffer& b : model.buffers) {
    if (b.empty()) {
      buffers.push_back(fb::CreateBuffer(fbb));
      continue;
    }
    fbb.ForceVectorAlignment(b.size(), sizeof(uint8_t), 16);
    auto data = fbb.CreateVector(reinterpret_cast<const uint8_t*>(b.bytes().data()), b.size());
    buffers.push_back(fb::CreateBuffer(fbb, data));
  }

  std::map<OpCodeKey, uint32_t> code_index;
  std::vector<OpCode> codes;
  std::vector<Offset<fb::SubGraph>> subgraphs;
  SharedVectors shared;
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const Graph& g = model.subgraphs[s];
    std::vector<Offset<fb::Tensor>> tensors;
    for (const Tensor& t : g.tensors) tensors.push_back(write_tensor(fbb, t, shared));
    std::vector<Offset<fb::Operator>> ops;
    for (size_t o = 0; o < g.ops.size(); ++o) {
      const Op& op = g.ops[o];
      OpCodeKey key{static_cast<int32_t>(op.code.builtin), op.code.custom_name, op.code.version};
      auto [it, inserted] = code_index.emplace(key, static_cast<uint32_t>(codes.size()));
      if (inserted) codes.push_back(op.code);
      const std::string where = fmt::format("subgraph {}, op {} ({})", s, o, builtin_op_name(op.code.builtin));
      auto options = write_options(fbb, op.options, where);
      ops.push_back(fb::CreateOperator(
          fbb, it->second, fbb.CreateVector(op.inputs), fbb.CreateVector(op.outputs),
          static_cast<fb::BuiltinOptions>(op.options.table_type), options,
          op.custom_options.empty() ? 0 : fbb.CreateVector(op.custom_options),
          fb::CustomOptionsFormat::FLEXBUFFERS, 0,
          op.intermediates.empty() ? 0 : fbb.CreateVector(op.intermediates)));
    }
    subgraphs.push_back(fb::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(g.inputs),
                                           fbb.CreateVector(g.outputs), fbb.CreateVector(ops),
                                           g.name.empty() ? 0 : fbb.CreateString(g.name)));
  }

  std::vector<Offset<fb::OperatorCode>> opcodes;
  for (const OpCode& c : codes) {
    const auto code = static_cast<int32_t>(c.builtin);
    // The deprecated int8 field saturates at PLACEHOLDER_FOR_GREATER_OP_CODES (127).
    const auto deprecated = static_cast<int8_t>(std::min(code, 127));
    opcodes.push_back(fb::CreateOperatorCode(fbb, deprecated,
                                             c.is_custom() ? fbb.CreateString(c.custom_name) : 0,
                                             c.version, static_cast<fb::BuiltinOperator>(code)));
  }
  std::vector<Offset<fb::Metadata>> metadata;
  for (const Metadata& m : model.metadata)
    metadata.push_back(fb::CreateMetadata(fbb, fbb.CreateString(m.name), static_cast<uint32_t>(m.buffer)));
  std::vector<Offset<fb::SignatureDef>> signatures;
  for (const Signature& sig : model.signatures) {
    auto maps = [&](const std::vector<SignatureTensor>& list) {
      std::vector<Offset<fb::TensorMap>> out;
      for (const SignatureTensor& t : list)
        out.push_back(fb::CreateTensorMap(fbb, fbb.CreateString(t.name), static_cast<uint32_t>(t.tensor)));
      return fbb.CreateVector(out);
    };
    auto inputs = maps(sig.inputs);
    auto outputs = maps(sig.outputs);
    signatures.push_back(fb::CreateSignatureDef(fbb, inputs, outputs, fbb.CreateString(sig.key),
                                                static_cast<uint32_t>(sig.subgraph)));
  }
  auto root = fb::CreateModel(
      fbb, model.version, fbb.CreateVector(opcodes), fbb.CreateVector(subgraphs),
      model.description.empty() ? 0 : fbb.CreateString(model.description), fbb.CreateVector(buffers),
      0, metadata.empty() ? 0 : fbb.CreateVector(metadata),
      signatures.empty() ? 0 : fbb.CreateVector(signatures));
  fb::FinishModelBuffer(fbb, root);
  const auto* p = reinterpret_cast<const std::byte*>(fbb.GetBufferPointer());
  return std::vector<std::byte>(p, p + fbb.GetSize());
}

void save_model(const Model& model, const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = serialize_model(model);
  write_file_atomically(path, bytes);
}

void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  std::random_device rd;
  const std::filesystem::path tmp =
      path.string() + fmt::format(".{}.{:08x}.tmp", ::getpid(), rd());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail("{}: cannot create temporary file {}", path.string(), tmp.string());
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      fail("{}: writing {} bytes failed (disk full?)", path.string(), bytes.size());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    fail("{}: cannot rename the temporary file into place: {}", path.string(), ec.message());
  }
}

}  // namespace octet
