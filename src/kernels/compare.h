// The six comparison ops, shared by the float/integer-data kernels
// (comparison.cc) and the quantized ones (comparison_quantized.cc).
#pragma once

#include <functional>

#include "octet/types.h"

namespace octet::kernels {

enum class CompareKind { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

inline CompareKind compare_kind(BuiltinOp op) {
  switch (op) {
    case BuiltinOp::Equal: return CompareKind::Equal;
    case BuiltinOp::NotEqual: return CompareKind::NotEqual;
    case BuiltinOp::Less: return CompareKind::Less;
    case BuiltinOp::LessEqual: return CompareKind::LessEqual;
    case BuiltinOp::Greater: return CompareKind::Greater;
    default: return CompareKind::GreaterEqual;
  }
}

inline bool is_equality(CompareKind k) { return k == CompareKind::Equal || k == CompareKind::NotEqual; }

// Calls f with the comparison as a transparent function object
// (std::less<> and so on), so the caller's loop is instantiated once per op
// and the comparison inlines.
template <class F>
void with_comparison(CompareKind kind, F&& f) {
  switch (kind) {
    case CompareKind::Equal: f(std::equal_to<>{}); break;
    case CompareKind::NotEqual: f(std::not_equal_to<>{}); break;
    case CompareKind::Less: f(std::less<>{}); break;
    case CompareKind::LessEqual: f(std::less_equal<>{}); break;
    case CompareKind::Greater: f(std::greater<>{}); break;
    case CompareKind::GreaterEqual: f(std::greater_equal<>{}); break;
  }
}

}  // namespace octet::kernels
