// Fuzzes the .tflite loader. Any bytes must either load or throw
// octet::Error (anything else escaping, a crash or a sanitizer report is a
// bug); a model that loads must write back and read back as the same model.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "octet/model.h"

namespace {

[[noreturn]] void bug(const std::string& what) {
  std::fprintf(stderr, "loader_fuzz: %s\n", what.c_str());
  std::abort();
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Model's operator== compares floats by value, so NaN != NaN. Quantization
// min/max and a few float options are not validated (a NaN there is a valid
// file), so where both sides hold the same bits, set them to zero first.
void forget_equal_floats(octet::Model& a, octet::Model& b) {
  if (a.subgraphs.size() != b.subgraphs.size()) return;
  for (size_t s = 0; s < a.subgraphs.size(); ++s) {
    octet::Graph& ga = a.subgraphs[s];
    octet::Graph& gb = b.subgraphs[s];
    if (ga.tensors.size() == gb.tensors.size()) {
      for (size_t t = 0; t < ga.tensors.size(); ++t) {
        octet::QuantParams& qa = ga.tensors[t].quant;
        octet::QuantParams& qb = gb.tensors[t].quant;
        if (same_bits(qa.min, qb.min)) qa.min = qb.min = {};
        if (same_bits(qa.max, qb.max)) qa.max = qb.max = {};
      }
    }
    if (ga.ops.size() == gb.ops.size()) {
      for (size_t o = 0; o < ga.ops.size(); ++o) {
        auto* sa = std::get_if<octet::opt::Softmax>(&ga.ops[o].options.value);
        auto* sb = std::get_if<octet::opt::Softmax>(&gb.ops[o].options.value);
        if (sa && sb && same_bits(sa->beta, sb->beta)) sa->beta = sb->beta = 0.f;
        auto* la = std::get_if<octet::opt::LeakyRelu>(&ga.ops[o].options.value);
        auto* lb = std::get_if<octet::opt::LeakyRelu>(&gb.ops[o].options.value);
        if (la && lb && same_bits(la->alpha, lb->alpha)) la->alpha = lb->alpha = 0.f;
      }
    }
  }
}

// Where two models differ, for the report of a round-trip bug.
std::string first_difference(const octet::Model& a, const octet::Model& b) {
  if (a.version != b.version || a.description != b.description) return "version or description";
  if (a.buffers.size() != b.buffers.size()) return "buffer count";
  for (size_t i = 0; i < a.buffers.size(); ++i)
    if (!(a.buffers[i] == b.buffers[i])) return fmt::format("buffer {}", i);
  if (a.metadata != b.metadata) return "metadata";
  if (a.signatures != b.signatures) return "signatures";
  if (a.subgraphs.size() != b.subgraphs.size()) return "subgraph count";
  for (size_t s = 0; s < a.subgraphs.size(); ++s) {
    const octet::Graph& ga = a.subgraphs[s];
    const octet::Graph& gb = b.subgraphs[s];
    if (ga.name != gb.name || ga.inputs != gb.inputs || ga.outputs != gb.outputs)
      return fmt::format("subgraph {} name, inputs or outputs", s);
    if (ga.tensors.size() != gb.tensors.size()) return fmt::format("subgraph {} tensor count", s);
    for (size_t t = 0; t < ga.tensors.size(); ++t) {
      const octet::Tensor& x = ga.tensors[t];
      const octet::Tensor& y = gb.tensors[t];
      if (x == y) continue;
      const char* field = x.name != y.name ? "name" : x.dtype != y.dtype ? "dtype"
                          : x.shape != y.shape ? "shape" : x.shape_signature != y.shape_signature ? "shape_signature"
                          : x.quant != y.quant ? "quantization" : x.buffer != y.buffer ? "buffer"
                          : x.is_variable != y.is_variable ? "is_variable" : "sparsity";
      return fmt::format("subgraph {} tensor {}: {}", s, t, field);
    }
    if (ga.ops.size() != gb.ops.size()) return fmt::format("subgraph {} op count", s);
    for (size_t o = 0; o < ga.ops.size(); ++o) {
      const octet::Op& x = ga.ops[o];
      const octet::Op& y = gb.ops[o];
      if (x == y) continue;
      const char* field = !(x.code == y.code) ? "opcode" : x.inputs != y.inputs ? "inputs"
                          : x.outputs != y.outputs ? "outputs" : x.intermediates != y.intermediates ? "intermediates"
                          : !(x.options == y.options) ? "options" : "custom options";
      return fmt::format("subgraph {} op {}: {}", s, o, field);
    }
  }
  return "nothing found field by field";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  octet::Model first;
  try {
    first = octet::load_model_from_bytes(bytes, "fuzz input");
  } catch (const octet::Error& e) {
    if (std::strchr(e.what(), '\n') || e.what()[0] == '\0') bug(std::string("error message is not one line: ") + e.what());
    return 0;
  }

  std::vector<std::byte> written;
  try {
    written = octet::serialize_model(first);
  } catch (const octet::Error& e) {
    // The one documented limit: options tables octet reads but does not model
    // cannot be written back. Any other refusal of a model that loaded is a bug.
    if (!std::strstr(e.what(), "not modelled by octet")) bug(std::string("cannot write a loaded model: ") + e.what());
    return 0;
  }
  octet::Model second;
  try {
    second = octet::load_model_from_bytes(written, "rewritten fuzz input");
  } catch (const octet::Error& e) {
    bug(std::string("cannot read back a written model: ") + e.what());
  }
  forget_equal_floats(first, second);
  if (!(first == second)) bug("the model read back differs from the model written: " + first_difference(first, second));
  return 0;
}
