#include "kernels/kernel.h"

namespace octet::kernels {

const std::string& TensorView::name() const {
  static const std::string omitted = "<omitted>";
  return tensor ? tensor->name : omitted;
}

void PrepareContext::expect_inputs(size_t min, size_t max) const {
  if (inputs_.size() < min || inputs_.size() > max) {
    if (min == max) fail("expects {} inputs, has {}", min, inputs_.size());
    fail("expects {} to {} inputs, has {}", min, max, inputs_.size());
  }
  for (size_t i = 0; i < min; ++i)
    if (!inputs_[i].present()) fail("input {} is required but omitted (-1)", i);
}

void PrepareContext::expect_outputs(size_t n) const {
  if (outputs_.size() != n) fail("expects {} outputs, has {}", n, outputs_.size());
}

void PrepareContext::expect_dtype(const TensorView& t, DType dtype, std::string_view role) const {
  if (t.dtype != dtype)
    fail("{} tensor {} '{}' is {}, expected {}", role, t.index, t.name(), dtype_name(t.dtype),
         dtype_name(dtype));
}

void PrepareContext::expect_rank(const TensorView& t, int min_rank, int max_rank,
                                 std::string_view role) const {
  if (t.rank() < min_rank || t.rank() > max_rank) {
    if (min_rank == max_rank)
      fail("{} tensor {} '{}' has rank {}, expected {}", role, t.index, t.name(), t.rank(), min_rank);
    fail("{} tensor {} '{}' has rank {}, expected {} to {}", role, t.index, t.name(), t.rank(),
         min_rank, max_rank);
  }
}

std::vector<int64_t> PrepareContext::constant_ints(size_t i, std::string_view role) const {
  if (i >= inputs_.size() || !inputs_[i].present()) fail("{} (input {}) is missing", role, i);
  const TensorView& t = inputs_[i];
  // An empty tensor has no values to wait for (and may have no storage).
  if (t.data == nullptr && t.num_elements() != 0)
    fail("{} tensor {} '{}' is not known at plan time; octet needs it constant", role, t.index,
         t.name());
  const int64_t n = t.num_elements();
  std::vector<int64_t> values(static_cast<size_t>(n));
  if (t.dtype == DType::Int32) {
    for (int64_t k = 0; k < n; ++k) values[k] = t.data_as<const int32_t>()[k];
  } else if (t.dtype == DType::Int64) {
    for (int64_t k = 0; k < n; ++k) values[k] = t.data_as<const int64_t>()[k];
  } else {
    fail("{} tensor {} '{}' is {}, expected int32 or int64", role, t.index, t.name(),
         dtype_name(t.dtype));
  }
  return values;
}

std::vector<KernelFactory>& Registry::table(Arithmetic arithmetic) {
  return arithmetic == Arithmetic::Float ? float_ : arithmetic == Arithmetic::Integer ? integer_ : hybrid_;
}
const std::vector<KernelFactory>& Registry::table(Arithmetic arithmetic) const {
  return arithmetic == Arithmetic::Float ? float_ : arithmetic == Arithmetic::Integer ? integer_ : hybrid_;
}

void Registry::add(BuiltinOp op, KernelFactory factory, Arithmetic arithmetic) {
  table(arithmetic).at(static_cast<size_t>(op)) = factory;
}

void Registry::add_custom(std::string name, KernelFactory factory) {
  custom_.emplace_back(std::move(name), factory);
}

KernelFactory Registry::find(const OpCode& code, Arithmetic arithmetic) const {
  if (code.is_custom()) {
    for (const auto& [name, factory] : custom_)
      if (name == code.custom_name) return factory;
    return nullptr;
  }
  const auto i = static_cast<int32_t>(code.builtin);
  if (i < 0 || i >= kBuiltinOpCount) return nullptr;
  return table(arithmetic)[static_cast<size_t>(i)];
}

std::vector<BuiltinOp> Registry::ops(Arithmetic arithmetic) const {
  const auto& t = table(arithmetic);
  std::vector<BuiltinOp> out;
  for (size_t i = 0; i < t.size(); ++i)
    if (t[i] != nullptr) out.push_back(static_cast<BuiltinOp>(i));
  return out;
}

}  // namespace octet::kernels
