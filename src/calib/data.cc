// Model inputs, checking one input file, and the random source. The folder
// and list readers are in data_sources.cc.
#include "calib/data.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "octet/npy.h"

namespace octet::calib {

std::vector<std::string> InputSpec::aliases() const {
  std::vector<std::string> out;
  if (!signature_name.empty()) out.push_back(signature_name);
  if (!name.empty() && name != signature_name) out.push_back(name);
  out.push_back("input_" + std::to_string(index));
  return out;
}

std::string InputSpec::label() const { return fmt::format("input {} '{}'", index, name); }

std::vector<InputSpec> model_inputs(const Model& model) {
  const Graph& g = model.main();
  std::vector<InputSpec> out;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    InputSpec in;
    in.index = i;
    in.tensor = g.inputs[i];
    const Tensor& t = g.tensors.at(static_cast<size_t>(in.tensor));
    in.name = t.name;
    in.dtype = t.dtype;
    in.shape = t.shape;
    in.bytes = dtype_size(t.dtype);
    for (int32_t d : t.shape) in.bytes *= static_cast<size_t>(std::max(d, 0));
    for (const Signature& s : model.signatures)
      if (s.subgraph == 0)
        for (const SignatureTensor& st : s.inputs)
          if (st.tensor == in.tensor) in.signature_name = st.name;
    out.push_back(std::move(in));
  }
  return out;
}

namespace {

// Shapes agree when they match after dropping leading 1s, so a [256,256,3]
// file feeds a [1,256,256,3] input.
bool same_shape(const std::vector<int64_t>& a, const std::vector<int32_t>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && a[i] == 1) ++i;
  while (j < b.size() && b[j] == 1) ++j;
  if (a.size() - i != b.size() - j) return false;
  for (; i < a.size(); ++i, ++j)
    if (a[i] != b[j]) return false;
  return true;
}

void check_finite(const std::vector<std::byte>& bytes, const std::string& where) {
  const size_t n = bytes.size() / sizeof(float);
  for (size_t k = 0; k < n; ++k) {
    float v;
    std::memcpy(&v, bytes.data() + k * sizeof(float), sizeof(float));
    if (!std::isfinite(v)) fail("{}: element {} is {}", where, k, v);
  }
}

}  // namespace

std::vector<std::byte> read_input_file(const std::filesystem::path& file, const InputSpec& input,
                                       const std::string& sample) {
  const std::string where = fmt::format("{} (sample '{}', {})", file.string(), sample, input.label());
  std::vector<std::byte> bytes;
  if (file.extension() == ".npy") {
    NpyArray a;
    try {
      a = read_npy(file);
    } catch (const Error& e) {
      fail("{}: {}", where, e.what());
    }
    if (a.dtype != input.dtype)
      fail("{}: dtype {}, the input is {}", where, dtype_name(a.dtype), dtype_name(input.dtype));
    if (!same_shape(a.shape, input.shape))
      fail("{}: shape [{}], the input is [{}]", where, fmt::join(a.shape, ","), fmt::join(input.shape, ","));
    bytes = std::move(a.data);
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail("{}: cannot open", where);
    std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) fail("{}: cannot read", where);
    if (raw.size() != input.bytes)
      fail("{}: {} bytes, the input needs {} ({} [{}])", where, raw.size(), input.bytes, dtype_name(input.dtype),
           fmt::join(input.shape, ","));
    bytes.resize(raw.size());
    if (!raw.empty()) std::memcpy(bytes.data(), raw.data(), raw.size());
  }
  if (bytes.size() != input.bytes)
    fail("{}: {} bytes, the input needs {}", where, bytes.size(), input.bytes);
  if (input.dtype == DType::Float32) check_finite(bytes, where);
  return bytes;
}

namespace {

class RandomSource : public DataSource {
 public:
  RandomSource(const Model& model, RandomDataOptions options) : inputs_(model_inputs(model)), options_(options) {
    if (!(options.lo < options.hi) || !std::isfinite(options.lo) || !std::isfinite(options.hi))
      fail("random data: range [{}, {}) is empty", options.lo, options.hi);
    for (const InputSpec& in : inputs_)
      switch (in.dtype) {
        case DType::Float32: case DType::Int32: case DType::Int64: case DType::Int8: case DType::UInt8:
        case DType::Int16: case DType::Bool: break;
        default: fail("random data: {}: cannot make random values of type {}", in.label(), dtype_name(in.dtype));
      }
  }
  size_t size() const override { return options_.samples; }
  std::string description() const override {
    return fmt::format("random inputs, seed {}, {} samples, floats uniform in [{}, {})", options_.seed,
                       options_.samples, options_.lo, options_.hi);
  }
  Sample read(size_t i) override {
    // Each sample from its own stream, so sample i is the same however the
    // samples are visited.
    std::mt19937_64 rng(options_.seed * 0x9E3779B97F4A7C15ull + i);
    Sample s;
    s.name = fmt::format("random #{}", i);
    for (const InputSpec& in : inputs_) {
      std::vector<std::byte> bytes(in.bytes);
      const size_t n = in.bytes / dtype_size(in.dtype);
      auto fill = [&](auto* p, auto dist) {
        for (size_t k = 0; k < n; ++k) p[k] = static_cast<std::remove_pointer_t<decltype(p)>>(dist(rng));
      };
      switch (in.dtype) {
        case DType::Float32: fill(reinterpret_cast<float*>(bytes.data()), std::uniform_real_distribution<float>(options_.lo, options_.hi)); break;
        case DType::Int32: fill(reinterpret_cast<int32_t*>(bytes.data()), std::uniform_int_distribution<int32_t>(0, 15)); break;
        case DType::Int64: fill(reinterpret_cast<int64_t*>(bytes.data()), std::uniform_int_distribution<int64_t>(0, 15)); break;
        case DType::Int8: fill(reinterpret_cast<int8_t*>(bytes.data()), std::uniform_int_distribution<int>(-128, 127)); break;
        case DType::UInt8: fill(reinterpret_cast<uint8_t*>(bytes.data()), std::uniform_int_distribution<int>(0, 255)); break;
        case DType::Int16: fill(reinterpret_cast<int16_t*>(bytes.data()), std::uniform_int_distribution<int>(-32768, 32767)); break;
        case DType::Bool: fill(reinterpret_cast<uint8_t*>(bytes.data()), std::uniform_int_distribution<int>(0, 1)); break;
        default: break;  // refused in the constructor
      }
      s.inputs.push_back(std::move(bytes));
    }
    return s;
  }

 private:
  std::vector<InputSpec> inputs_;
  RandomDataOptions options_;
};

}  // namespace

std::unique_ptr<DataSource> random_data(const Model& model, RandomDataOptions options) {
  return std::make_unique<RandomSource>(model, options);
}

}  // namespace octet::calib
