#include "model/raw_writer.h"

#include <algorithm>
#include <string>

#include <flatbuffers/flatbuffers.h>

#include "model/options_codec.h"
#include "tflite_generated.h"

namespace octet::testing {

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
    case fb::SparseIndexVector::Int32Vector:
      return fb::CreateInt32Vector(fbb, fbb.CreateVector(v)).Union();
    default:
      return 0;
  }
}

Offset<fb::Tensor> write_tensor(FlatBufferBuilder& fbb, const Tensor& t, bool custom_quantization) {
  Offset<fb::QuantizationParameters> quant = 0;
  const QuantParams& q = t.quant;
  if (!q.scale.empty() || !q.zero_point.empty() || !q.min.empty() || !q.max.empty() ||
      q.quantized_dimension != 0 || custom_quantization) {
    Offset<void> details = 0;
    if (custom_quantization)
      details = fb::CreateCustomQuantization(fbb, fbb.CreateVector(std::vector<uint8_t>{1, 2, 3})).Union();
    quant = fb::CreateQuantizationParameters(
        fbb, q.min.empty() ? 0 : fbb.CreateVector(q.min), q.max.empty() ? 0 : fbb.CreateVector(q.max),
        q.scale.empty() ? 0 : fbb.CreateVector(q.scale),
        q.zero_point.empty() ? 0 : fbb.CreateVector(q.zero_point),
        custom_quantization ? fb::QuantizationDetails::CustomQuantization : fb::QuantizationDetails::NONE,
        details, q.quantized_dimension);
  }
  Offset<fb::SparsityParameters> sparsity = 0;
  if (t.sparsity) {
    // Index arrays are written whenever a type is set, dense dimension or not.
    std::vector<Offset<fb::DimensionMetadata>> dims;
    for (const DimensionMetadata& d : t.sparsity->dim_metadata) {
      auto seg = index_vector(fbb, d.array_segments, d.segments_type);
      auto idx = index_vector(fbb, d.array_indices, d.indices_type);
      dims.push_back(fb::CreateDimensionMetadata(
          fbb, static_cast<fb::DimensionType>(d.format), d.dense_size,
          static_cast<fb::SparseIndexVector>(d.segments_type), seg,
          static_cast<fb::SparseIndexVector>(d.indices_type), idx));
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

}  // namespace

std::vector<std::byte> write_unchecked(const Model& model, const RawEdits& edits) {
  FlatBufferBuilder fbb(1 << 16);

  std::vector<Offset<fb::Buffer>> buffers;
  for (const Buffer& b : model.buffers) {
    if (b.empty()) {
      buffers.push_back(fb::CreateBuffer(fbb));
      continue;
    }
    fbb.ForceVectorAlignment(b.size(), sizeof(uint8_t), 16);
    auto data = fbb.CreateVector(reinterpret_cast<const uint8_t*>(b.bytes().data()), b.size());
    buffers.push_back(fb::CreateBuffer(fbb, data));
  }
  for (const auto& [offset, size] : edits.external_buffers)
    buffers.push_back(fb::CreateBuffer(fbb, 0, offset, size));

  // Operator codes in order of first use, as the real writer does.
  std::vector<OpCode> codes;
  auto code_index = [&](const OpCode& c) {
    auto it = std::find(codes.begin(), codes.end(), c);
    if (it != codes.end()) return static_cast<uint32_t>(it - codes.begin());
    codes.push_back(c);
    return static_cast<uint32_t>(codes.size() - 1);
  };

  std::vector<Offset<fb::SubGraph>> subgraphs;
  for (size_t s = 0; s < model.subgraphs.size(); ++s) {
    const Graph& g = model.subgraphs[s];
    std::vector<Offset<fb::Tensor>> tensors;
    for (size_t t = 0; t < g.tensors.size(); ++t)
      tensors.push_back(write_tensor(fbb, g.tensors[t], s == 0 && edits.custom_quantization.count(t)));
    std::vector<Offset<fb::Operator>> ops;
    for (size_t o = 0; o < g.ops.size(); ++o) {
      const Op& op = g.ops[o];
      uint32_t index = code_index(op.code);
      if (s == 0 && edits.opcode_index.count(o)) index = edits.opcode_index.at(o);
      auto options = write_options(fbb, op.options, "raw writer");
      uint64_t large_offset = 0, large_size = 0;
      if (s == 0 && edits.large_custom_options.count(o))
        std::tie(large_offset, large_size) = edits.large_custom_options.at(o);
      ops.push_back(fb::CreateOperator(
          fbb, index, fbb.CreateVector(op.inputs), fbb.CreateVector(op.outputs),
          static_cast<fb::BuiltinOptions>(op.options.table_type), options,
          op.custom_options.empty() ? 0 : fbb.CreateVector(op.custom_options),
          fb::CustomOptionsFormat::FLEXBUFFERS, 0,
          op.intermediates.empty() ? 0 : fbb.CreateVector(op.intermediates), large_offset,
          large_size));
    }
    subgraphs.push_back(fb::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(g.inputs),
                                           fbb.CreateVector(g.outputs), fbb.CreateVector(ops),
                                           g.name.empty() ? 0 : fbb.CreateString(g.name)));
  }

  std::vector<Offset<fb::OperatorCode>> opcodes;
  for (const OpCode& c : codes) {
    const auto code = static_cast<int32_t>(c.builtin);
    const auto deprecated = static_cast<int8_t>(std::clamp(code, -128, 127));
    opcodes.push_back(fb::CreateOperatorCode(fbb, deprecated,
                                             c.custom_name.empty() ? 0 : fbb.CreateString(c.custom_name),
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

}  // namespace octet::testing
