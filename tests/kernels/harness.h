// Runs one kernel directly, without a graph or interpreter: the kernel
// tests' way to feed hand-made tensors and read exact results.
#pragma once

#include <cstring>
#include <memory>
#include <vector>

#include "kernels/kernel.h"

namespace octet::testing {

struct HostTensor {
  DType dtype = DType::Float32;
  std::vector<int32_t> shape;
  std::vector<std::byte> bytes;
  bool constant = true;  // known at prepare time (shape tensors, weights)
  QuantParams quant;

  template <class T>
  static HostTensor of(DType dtype, std::vector<int32_t> shape, const std::vector<T>& values,
                       bool constant = false) {
    HostTensor t;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.bytes.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    t.constant = constant;
    return t;
  }
  static HostTensor f32(std::vector<int32_t> shape, const std::vector<float>& v, bool constant = false) {
    return of<float>(DType::Float32, std::move(shape), v, constant);
  }
  static HostTensor i32(std::vector<int32_t> shape, const std::vector<int32_t>& v, bool constant = true) {
    return of<int32_t>(DType::Int32, std::move(shape), v, constant);
  }
  template <class T>
  std::vector<T> values() const {
    std::vector<T> v(bytes.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
  }
};

// Output descriptions: dtype (and quantization) only; shapes come from prepare.
struct OutputSpec {
  DType dtype = DType::Float32;
  QuantParams quant;
};

// An op of builtin code `b` with the given typed options (table type left
// unset: kernels read options by value).
inline Op make_op(BuiltinOp b, OptionsValue options = opt::None{}) {
  Op op;
  op.code.builtin = b;
  op.options.value = std::move(options);
  return op;
}

// Runs `op` (its code picks the kernel from the registry; its inputs/outputs
// fields are ignored). Omitted optional inputs: pass a HostTensor with
// dtype Float32 and an empty `shape` and mark it with `omitted`.
std::vector<HostTensor> run_kernel(Op op, const std::vector<HostTensor>& inputs,
                                   const std::vector<OutputSpec>& outputs,
                                   const std::vector<bool>& omitted = {});

}  // namespace octet::testing
