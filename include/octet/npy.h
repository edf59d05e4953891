// NumPy .npy arrays: the format octet's tests, its tools and the LiteRT oracle
// exchange tensors in. Versions 1.0, 2.0 and 3.0; little-endian numeric and
// bool dtypes; C order only. Readers treat files as untrusted: any malformed
// header or size mismatch is an octet::Error naming the file and the fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "octet/error.h"
#include "octet/types.h"

namespace octet {

struct NpyArray {
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;   // empty: a scalar (one element)
  std::vector<std::byte> data;  // C order, little-endian

  // The DType that a C++ element type stands for (float → Float32, ...).
  template <class T>
  static constexpr DType dtype_for() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, float>)
      return DType::Float32;
    else if constexpr (std::is_same_v<U, double>)
      return DType::Float64;
    else if constexpr (std::is_same_v<U, int8_t>)
      return DType::Int8;
    else if constexpr (std::is_same_v<U, uint8_t>)
      return DType::UInt8;
    else if constexpr (std::is_same_v<U, int16_t>)
      return DType::Int16;
    else if constexpr (std::is_same_v<U, uint16_t>)
      return DType::UInt16;
    else if constexpr (std::is_same_v<U, int32_t>)
      return DType::Int32;
    else if constexpr (std::is_same_v<U, uint32_t>)
      return DType::UInt32;
    else if constexpr (std::is_same_v<U, int64_t>)
      return DType::Int64;
    else if constexpr (std::is_same_v<U, uint64_t>)
      return DType::UInt64;
    else if constexpr (std::is_same_v<U, bool>)
      return DType::Bool;
    else
      static_assert(sizeof(U) == 0, "no DType for this element type");
  }

  int64_t num_elements() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }

  // The elements as T; throws if T is not this array's dtype (float16 has no
  // C++ type here: read its raw bytes from `data`).
  template <class T>
  std::span<T> as() {
    check_type(dtype_for<T>());
    return {reinterpret_cast<T*>(data.data()), data.size() / sizeof(T)};
  }
  template <class T>
  std::span<const T> as() const {
    check_type(dtype_for<T>());
    return {reinterpret_cast<const T*>(data.data()), data.size() / sizeof(T)};
  }

  // A zero-filled array, and one holding a copy of `values`.
  static NpyArray zeros(DType dtype, std::vector<int64_t> shape);
  template <class T>
  static NpyArray of(std::span<const T> values, std::vector<int64_t> shape) {
    NpyArray a = zeros(dtype_for<T>(), std::move(shape));
    if (static_cast<size_t>(a.num_elements()) != values.size()) {
      fail("NpyArray::of: {} values do not fill shape [{}]", values.size(),
           fmt::join(a.shape, ","));
    }
    if (!values.empty()) std::memcpy(a.data.data(), values.data(), a.data.size());
    return a;
  }

 private:
  void check_type(DType wanted) const;
};

// Reads a .npy file; throws octet::Error naming the file and what is wrong.
NpyArray read_npy(const std::filesystem::path& path);
// Parses .npy bytes; `origin` names them in error messages.
NpyArray parse_npy(std::span<const std::byte> bytes, std::string_view origin);
// Serialises an array (version 1.0, or 2.0 when the header needs it).
std::vector<std::byte> npy_bytes(const NpyArray& array);
// Writes to a temporary file in the same folder, then renames it over `path`,
// so that no reader ever sees half a file.
void write_npy(const std::filesystem::path& path, const NpyArray& array);

}  // namespace octet
