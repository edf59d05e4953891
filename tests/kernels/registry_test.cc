#include <gtest/gtest.h>

#include "kernels/kernel.h"

namespace octet {
namespace {

TEST(Registry, UnknownCustomOpHasNoKernel) {
  OpCode code;
  code.builtin = BuiltinOp::Custom;
  code.custom_name = "NoSuchOp";
  EXPECT_EQ(kernels::builtin_registry().find(code), nullptr);
}

}  // namespace
}  // namespace octet
