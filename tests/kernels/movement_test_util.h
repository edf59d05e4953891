// Small helpers shared by the shape, data-movement and reduction kernel
// tests: building ops, integer tensors, expected-error checks and a naive
// row-major index helper for reference loops.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"
#include "octet/options.h"

namespace octet::testing {

// An op of `code` with the options table converters write, holding `value`.
inline Op op_of(BuiltinOp code) {
  Op op;
  op.code.builtin = code;
  op.options = default_options(code);
  return op;
}
template <class T>
Op op_of(BuiltinOp code, T options) {
  Op op = op_of(code);
  op.options.value = options;
  return op;
}

// An output of `dtype` without quantization.
inline OutputSpec spec(DType dtype) { return OutputSpec{dtype, {}}; }

inline HostTensor i64(std::vector<int32_t> shape, const std::vector<int64_t>& v,
                      bool constant = true) {
  return HostTensor::of<int64_t>(DType::Int64, std::move(shape), v, constant);
}
inline HostTensor i32_runtime(std::vector<int32_t> shape, const std::vector<int32_t>& v) {
  return HostTensor::i32(std::move(shape), v, /*constant=*/false);
}

// Runs `f` and expects an octet::Error whose message contains `needle`.
template <class F>
void expect_error(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "expected octet::Error containing \"" << needle << "\"";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr(needle));
  }
}

inline std::vector<float> iota_f(int64_t n, float start = 0.f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + static_cast<float>(i);
  return v;
}

inline int64_t count_of(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Coordinates of flat index `flat` in a row-major `shape`.
inline std::vector<int64_t> coords_of(int64_t flat, const std::vector<int32_t>& shape) {
  std::vector<int64_t> c(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    c[i] = flat % shape[i];
    flat /= shape[i];
  }
  return c;
}
inline int64_t flat_of(const std::vector<int64_t>& coords, const std::vector<int32_t>& shape) {
  int64_t flat = 0;
  for (size_t i = 0; i < shape.size(); ++i) flat = flat * shape[i] + coords[i];
  return flat;
}

}  // namespace octet::testing
