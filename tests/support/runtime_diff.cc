#include "support/runtime_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "octet/error.h"
#include "octet/interpreter.h"

namespace octet::testing {

namespace {

bool is_integer(DType t) {
  return t == DType::Int8 || t == DType::UInt8 || t == DType::Int16 || t == DType::Int32 ||
         t == DType::Int64 || t == DType::Bool;
}

double value_at(const NpyArray& a, int64_t i) {
  const std::byte* p = a.data.data();
  switch (a.dtype) {
    case DType::Float32: { float v; std::memcpy(&v, p + 4 * i, 4); return v; }
    case DType::Int8: return static_cast<double>(reinterpret_cast<const int8_t*>(p)[i]);
    case DType::UInt8: return static_cast<double>(reinterpret_cast<const uint8_t*>(p)[i]);
    case DType::Bool: return static_cast<double>(reinterpret_cast<const uint8_t*>(p)[i]);
    case DType::Int16: { int16_t v; std::memcpy(&v, p + 2 * i, 2); return v; }
    case DType::Int32: { int32_t v; std::memcpy(&v, p + 4 * i, 4); return v; }
    case DType::Int64: { int64_t v; std::memcpy(&v, p + 8 * i, 8); return static_cast<double>(v); }
    default: fail("diff_outputs: cannot compare {} outputs", dtype_name(a.dtype));
  }
}

template <class T>
void fill_ints(NpyArray& a, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> dist(std::numeric_limits<T>::min(),
                                              std::numeric_limits<T>::max());
  auto* p = reinterpret_cast<T*>(a.data.data());
  for (int64_t i = 0; i < a.num_elements(); ++i) p[i] = static_cast<T>(dist(rng));
}

}  // namespace

std::vector<NpyArray> random_inputs(const Model& model, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::vector<NpyArray> inputs;
  const Graph& g = model.main();
  for (int32_t t : g.inputs) {
    const Tensor& tensor = g.tensors[t];
    NpyArray a;
    a.dtype = tensor.dtype;
    a.shape.assign(tensor.shape.begin(), tensor.shape.end());
    a.data.resize(static_cast<size_t>(a.num_elements()) * dtype_size(a.dtype));
    switch (a.dtype) {
      case DType::Float32: {
        std::uniform_real_distribution<float> dist(lo, hi);
        auto* p = reinterpret_cast<float*>(a.data.data());
        for (int64_t i = 0; i < a.num_elements(); ++i) p[i] = dist(rng);
        break;
      }
      case DType::Int8: fill_ints<int8_t>(a, rng); break;
      case DType::UInt8: fill_ints<uint8_t>(a, rng); break;
      case DType::Int16: fill_ints<int16_t>(a, rng); break;
      default: fail("random_inputs: input '{}' is {}", tensor.name, dtype_name(a.dtype));
    }
    inputs.push_back(std::move(a));
  }
  return inputs;
}

std::vector<NpyArray> run_octet(const Model& model, const std::vector<NpyArray>& inputs) {
  Interpreter interp(model);
  if (inputs.size() != interp.num_inputs()) {
    fail("run_octet: {} inputs given, the model has {}", inputs.size(), interp.num_inputs());
  }
  for (size_t i = 0; i < inputs.size(); ++i) interp.set_input(i, inputs[i].data);
  interp.invoke();
  std::vector<NpyArray> outputs;
  for (size_t o = 0; o < interp.num_outputs(); ++o) {
    const Tensor& t = interp.graph().tensors[interp.output_tensor(o)];
    NpyArray a;
    a.dtype = t.dtype;
    for (int32_t d : interp.tensor_shape(interp.output_tensor(o))) a.shape.push_back(d);
    auto bytes = interp.output_data(o);
    a.data.assign(bytes.begin(), bytes.end());
    outputs.push_back(std::move(a));
  }
  return outputs;
}

std::string RuntimeDiff::summary() const {
  return integer ? fmt::format("max |d| {} LSB (output {}), {:.2f}% of {} differ", max_diff,
                               worst_output, 100 * share(), total)
                 : fmt::format("max |d|/max(1,|ref|) {:.3g} (output {}), {:.2f}% of {} differ",
                               max_diff, worst_output, 100 * share(), total);
}

RuntimeDiff diff_outputs(const std::vector<NpyArray>& reference,
                         const std::vector<NpyArray>& other) {
  if (reference.size() != other.size()) {
    fail("diff_outputs: {} outputs against {}", reference.size(), other.size());
  }
  RuntimeDiff d;
  d.integer = true;
  for (size_t o = 0; o < reference.size(); ++o) {
    const NpyArray &r = reference[o], &x = other[o];
    if (r.dtype != x.dtype || r.num_elements() != x.num_elements()) {
      fail("diff_outputs: output {} is {} [{}] against {} [{}]", o, dtype_name(r.dtype),
           fmt::join(r.shape, ","), dtype_name(x.dtype), fmt::join(x.shape, ","));
    }
    d.integer = d.integer && is_integer(r.dtype);
    double peak = 1;
    for (int64_t i = 0; i < r.num_elements(); ++i) peak = std::max(peak, std::abs(value_at(r, i)));
    for (int64_t i = 0; i < r.num_elements(); ++i) {
      const double delta = std::abs(value_at(r, i) - value_at(x, i));
      const double scaled = is_integer(r.dtype) ? delta : delta / peak;
      if (scaled > d.max_diff) {
        d.max_diff = scaled;
        d.worst_output = static_cast<int>(o);
      }
      d.differing += delta != 0;
    }
    d.total += r.num_elements();
  }
  return d;
}

}  // namespace octet::testing
