// .tflite bytes → graph IR. Structure is checked by the flatbuffers
// verifier first; what the verifier cannot know (indices, sizes, arity) is
// checked by validate_model afterwards.
#include <cstring>

#include <flatbuffers/flatbuffers.h>

#include "model/mapped_file.h"
#include "model/options_codec.h"
#include "model/printable.h"
#include "octet/model.h"
#include "tflite_generated.h"

namespace octet {

namespace {

// Copies a vector of scalars bytewise: the verifier checks only that a
// vector's length is 4-byte aligned, so a crafted file can leave the values
// of an int64 vector misaligned, and reading them one by one would be
// undefined behaviour. (Flatbuffers are little-endian, as is the host.)
static_assert(FLATBUFFERS_LITTLEENDIAN, "octet reads flatbuffer vectors by memcpy");
template <class T>
std::vector<T> vec(const flatbuffers::Vector<T>* v) {
  std::vector<T> out(v ? v->size() : 0);
  if (!out.empty()) std::memcpy(out.data(), v->Data(), out.size() * sizeof(T));
  return out;
}

std::string str(const flatbuffers::String* s) { return s ? s->str() : std::string{}; }

// Caps the bytes the IR copies out of the file. A TFLite writer stores each
// vector and string once, so the copies of a real file add up to at most a
// few times its size (uint8 sparse indices widen to int32); a crafted file
// can point thousands of tables at one large vector and would otherwise grow
// into gigabytes of memory.
class CopyBudget {
 public:
  CopyBudget(std::string_view origin, size_t file_size)
      : origin_(origin), left_(4 * uint64_t{file_size} + (uint64_t{1} << 20)) {}
  void charge(uint64_t bytes) {
    if (bytes > left_)
      fail("{}: the flatbuffer's tables share their vectors and strings so that reading it would "
           "copy more than 4x its size (not a file a TFLite writer makes)",
           origin_);
    left_ -= bytes;
  }

 private:
  std::string_view origin_;
  uint64_t left_;
};

template <class T>
uint64_t bytes_of(const std::vector<T>& v) { return v.size() * sizeof(T); }

uint64_t copied_bytes(const Tensor& t) {
  uint64_t n = t.name.size() + bytes_of(t.shape) + bytes_of(t.shape_signature) +
               bytes_of(t.quant.scale) + bytes_of(t.quant.zero_point) + bytes_of(t.quant.min) +
               bytes_of(t.quant.max);
  if (t.sparsity) {
    n += bytes_of(t.sparsity->traversal_order) + bytes_of(t.sparsity->block_map);
    for (const DimensionMetadata& d : t.sparsity->dim_metadata)
      n += bytes_of(d.array_segments) + bytes_of(d.array_indices);
  }
  return n;
}

uint64_t copied_bytes(const Op& op) {
  uint64_t n = op.code.custom_name.size() + bytes_of(op.inputs) + bytes_of(op.outputs) +
               bytes_of(op.intermediates) + bytes_of(op.custom_options);
  if (auto* r = op.options.get<opt::Reshape>()) n += bytes_of(r->new_shape);
  if (auto* q = op.options.get<opt::Squeeze>()) n += bytes_of(q->squeeze_dims);
  return n;
}

std::vector<int32_t> index_vector(const fb::DimensionMetadata& d, bool segments) {
  const auto type = segments ? d.array_segments_type() : d.array_indices_type();
  const void* p = segments ? d.array_segments() : d.array_indices();
  std::vector<int32_t> out;
  if (!p) return out;
  switch (type) {
    case fb::SparseIndexVector::Int32Vector:
      if (auto* v = static_cast<const fb::Int32Vector*>(p)->values()) out.assign(v->begin(), v->end());
      break;
    case fb::SparseIndexVector::Uint16Vector:
      if (auto* v = static_cast<const fb::Uint16Vector*>(p)->values()) out.assign(v->begin(), v->end());
      break;
    case fb::SparseIndexVector::Uint8Vector:
      if (auto* v = static_cast<const fb::Uint8Vector*>(p)->values()) out.assign(v->begin(), v->end());
      break;
    default: break;
  }
  return out;
}

Tensor read_tensor(const fb::Tensor& t, std::string_view where) {
  Tensor out;
  out.name = str(t.name());
  const int type = static_cast<int>(t.type());
  if (!is_known_dtype(type))
    fail("{} '{}': unknown tensor type {}", where, printable(out.name), type);
  out.dtype = static_cast<DType>(type);
  out.shape = vec(t.shape());
  out.shape_signature = vec(t.shape_signature());
  out.buffer = static_cast<int32_t>(std::min<uint32_t>(t.buffer(), INT32_MAX));
  out.is_variable = t.is_variable();
  if (auto* q = t.quantization()) {
    out.quant.scale = vec(q->scale());
    out.quant.zero_point = vec(q->zero_point());
    out.quant.quantized_dimension = q->quantized_dimension();
    out.quant.min = vec(q->min());
    out.quant.max = vec(q->max());
    if (q->details_type() != fb::QuantizationDetails::NONE)
      fail("{} '{}': custom quantization details are not supported", where, printable(out.name));
  }
  if (auto* s = t.sparsity()) {
    Sparsity sp;
    sp.traversal_order = vec(s->traversal_order());
    sp.block_map = vec(s->block_map());
    if (auto* dims = s->dim_metadata()) {
      for (uint32_t i = 0; i < dims->size(); ++i) {
        const fb::DimensionMetadata* d = dims->Get(i);
        if (!d) fail("{} '{}': null sparsity dimension", where, printable(out.name));
        DimensionMetadata m;
        m.format = static_cast<DimensionMetadata::Format>(d->format());
        m.dense_size = d->dense_size();
        // Index arrays mean something only for a sparse dimension; a dense
        // one's are ignored, as TFLite ignores them.
        if (m.format == DimensionMetadata::Format::SparseCsr) {
          auto known = [](fb::SparseIndexVector v) {
            return v == fb::SparseIndexVector::Int32Vector || v == fb::SparseIndexVector::Uint16Vector ||
                   v == fb::SparseIndexVector::Uint8Vector;
          };
          if (!known(d->array_segments_type()) || !d->array_segments() ||
              !known(d->array_indices_type()) || !d->array_indices())
            fail("{} '{}': sparsity level {} is sparse (CSR) but lacks its segments or indices array",
                 where, printable(out.name), i);
          m.array_segments = index_vector(*d, true);
          m.array_indices = index_vector(*d, false);
          m.segments_type = static_cast<uint8_t>(d->array_segments_type());
          m.indices_type = static_cast<uint8_t>(d->array_indices_type());
        }
        sp.dim_metadata.push_back(std::move(m));
      }
    }
    out.sparsity = std::move(sp);
  }
  return out;
}

}  // namespace

Model load_model_from_bytes(std::span<const std::byte> bytes, std::string_view origin,
                            std::shared_ptr<const void> owner) {
  if (bytes.size() < 8)
    fail("{}: {} bytes is too short for a .tflite flatbuffer", origin, bytes.size());
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE)
    fail("{}: {} bytes is larger than a flatbuffer can be", origin, bytes.size());
  // The model's buffers point into the bytes; without an owner to keep them
  // alive they would dangle once the caller frees them, so keep a copy. A
  // copy also realigns bytes that start at an odd address: the verifier
  // checks alignment relative to the start.
  if (!owner || reinterpret_cast<uintptr_t>(bytes.data()) % alignof(std::max_align_t) != 0) {
    auto copy = std::make_shared<std::vector<std::byte>>(bytes.begin(), bytes.end());
    bytes = std::span<const std::byte>(copy->data(), copy->size());
    owner = std::move(copy);
  }
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  if (!flatbuffers::BufferHasIdentifier(data, fb::ModelIdentifier()))
    fail("{}: missing the TFLite file identifier 'TFL3' at bytes 4..7 (not a .tflite file?)", origin);
  flatbuffers::Verifier::Options vopts;
  vopts.max_depth = 128;
  // Each table a writer stores is reached through its own 4-byte offset, so
  // a real file visits at most size/4 tables; more means tables reached many
  // times over (a crafted file that would expand in memory).
  vopts.max_tables = std::max<size_t>(1024, bytes.size() / 4);
  flatbuffers::Verifier verifier(data, bytes.size(), vopts);
  if (!verifier.VerifyBuffer<fb::Model>(fb::ModelIdentifier()))
    fail("{}: the flatbuffer is malformed (offsets or sizes point outside the {} bytes, or "
         "tables nest or repeat without bound; truncated or corrupted file)",
         origin, bytes.size());
  const fb::Model* m = fb::GetModel(data);

  CopyBudget budget(origin, bytes.size());
  Model model;
  model.version = m->version();
  model.description = str(m->description());
  model.buffers.clear();
  if (auto* buffers = m->buffers()) {
    for (uint32_t i = 0; i < buffers->size(); ++i) {
      const fb::Buffer* b = buffers->Get(i);
      if (!b) {
        model.buffers.emplace_back();
        continue;
      }
      if (b->data() && b->data()->size() > 0) {
        model.buffers.emplace_back(owner, std::span(reinterpret_cast<const std::byte*>(b->data()->data()),
                                                    b->data()->size()));
      } else if (b->offset() > 1) {
        // Data stored after the flatbuffer (models over 2 GB): offset from the file's start.
        const uint64_t off = b->offset(), size = b->size();
        if (off > bytes.size() || size > bytes.size() - off)
          fail("{}: buffer {} points at {} bytes from offset {}, outside the {}-byte file", origin, i,
               size, off, bytes.size());
        model.buffers.emplace_back(owner, bytes.subspan(off, size));
      } else {
        model.buffers.emplace_back();
      }
    }
  }
  if (model.buffers.empty()) model.buffers.emplace_back();

  // Operator codes: the real code is the larger of the two fields (the
  // deprecated int8 one saturates at 127 for newer ops).
  std::vector<OpCode> codes;
  if (auto* oc = m->operator_codes()) {
    for (uint32_t i = 0; i < oc->size(); ++i) {
      const fb::OperatorCode* c = oc->Get(i);
      if (!c) fail("{}: operator code {} is null", origin, i);
      const int32_t code = std::max<int32_t>(c->deprecated_builtin_code(),
                                             static_cast<int32_t>(c->builtin_code()));
      if (code < 0 || code >= kBuiltinOpCount)
        fail("{}: operator code {}: builtin code {} is not a TFLite operator octet knows", origin,
             i, code);
      OpCode opc;
      opc.builtin = static_cast<BuiltinOp>(code);
      opc.version = c->version();
      if (opc.is_custom()) {
        opc.custom_name = str(c->custom_code());
        budget.charge(opc.custom_name.size());
        if (opc.custom_name.empty()) fail("{}: operator code {}: custom op without a name", origin, i);
      }
      codes.push_back(std::move(opc));
    }
  }

  auto* subgraphs = m->subgraphs();
  if (!subgraphs || subgraphs->size() == 0) fail("{}: the model has no subgraph", origin);
  for (uint32_t s = 0; s < subgraphs->size(); ++s) {
    const fb::SubGraph* sg = subgraphs->Get(s);
    if (!sg) fail("{}: subgraph {} is null", origin, s);
    Graph g;
    g.name = str(sg->name());
    g.inputs = vec(sg->inputs());
    g.outputs = vec(sg->outputs());
    budget.charge(g.name.size() + bytes_of(g.inputs) + bytes_of(g.outputs));
    if (auto* tensors = sg->tensors()) {
      for (uint32_t t = 0; t < tensors->size(); ++t) {
        const fb::Tensor* ft = tensors->Get(t);
        const std::string where = fmt::format("{}: subgraph {}, tensor {}", origin, s, t);
        if (!ft) fail("{}: null tensor", where);
        g.tensors.push_back(read_tensor(*ft, where));
        budget.charge(copied_bytes(g.tensors.back()));
      }
    }
    if (auto* ops = sg->operators()) {
      for (uint32_t o = 0; o < ops->size(); ++o) {
        const fb::Operator* fo = ops->Get(o);
        if (!fo) fail("{}: subgraph {}, op {}: null operator", origin, s, o);
        if (fo->opcode_index() >= codes.size())
          fail("{}: subgraph {}, op {}: opcode index {} is out of range (the model has {} operator codes)",
               origin, s, o, fo->opcode_index(), codes.size());
        Op op;
        op.code = codes[fo->opcode_index()];
        op.inputs = vec(fo->inputs());
        op.outputs = vec(fo->outputs());
        op.intermediates = vec(fo->intermediates());
        op.options = read_options(*fo);
        op.custom_options = vec(fo->custom_options());
        if (fo->large_custom_options_size() > 0) {
          const uint64_t off = fo->large_custom_options_offset(), size = fo->large_custom_options_size();
          if (off > bytes.size() || size > bytes.size() - off)
            fail("{}: subgraph {}, op {}: custom options of {} bytes from offset {} lie outside the "
                 "{}-byte file",
                 origin, s, o, size, off, bytes.size());
          auto span = bytes.subspan(off, size);
          op.custom_options.assign(reinterpret_cast<const uint8_t*>(span.data()),
                                   reinterpret_cast<const uint8_t*>(span.data()) + span.size());
        }
        budget.charge(copied_bytes(op));
        g.ops.push_back(std::move(op));
      }
    }
    model.subgraphs.push_back(std::move(g));
  }

  if (auto* md = m->metadata()) {
    for (const fb::Metadata* e : *md)
      if (e) {
        model.metadata.push_back({str(e->name()), static_cast<int32_t>(std::min<uint32_t>(e->buffer(), INT32_MAX))});
        budget.charge(model.metadata.back().name.size());
      }
  }
  if (auto* sigs = m->signature_defs()) {
    for (const fb::SignatureDef* sd : *sigs) {
      if (!sd) continue;
      Signature sig;
      sig.key = str(sd->signature_key());
      sig.subgraph = static_cast<int32_t>(std::min<uint32_t>(sd->subgraph_index(), INT32_MAX));
      budget.charge(sig.key.size());
      auto maps = [&](const flatbuffers::Vector<flatbuffers::Offset<fb::TensorMap>>* v) {
        std::vector<SignatureTensor> out;
        if (v)
          for (const fb::TensorMap* t : *v)
            if (t) {
              out.push_back({str(t->name()), static_cast<int32_t>(std::min<uint32_t>(t->tensor_index(), INT32_MAX))});
              budget.charge(out.back().name.size() + sizeof(int32_t));
            }
        return out;
      };
      sig.inputs = maps(sd->inputs());
      sig.outputs = maps(sd->outputs());
      model.signatures.push_back(std::move(sig));
    }
  }
  validate_model(model, origin);
  return model;
}

Model load_model(const std::filesystem::path& path) {
  auto file = MappedFile::open(path);
  return load_model_from_bytes(file->bytes(), path.string(), file);
}

}  // namespace octet
