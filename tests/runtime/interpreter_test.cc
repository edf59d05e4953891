#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "octet/builder.h"
#include "octet/interpreter.h"
#include "runtime/arena.h"

namespace octet {
namespace {

std::vector<float> floats(std::span<const std::byte> bytes) {
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), bytes.size());
  return v;
}

// x → RELU → a → ADD(a, c) → s → MUL(s, s) → y → NEG → z: a chain whose
// middle tensors can share arena space.
Model chain_model() {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 64});
  const int32_t c = b.add_constant<float>("c", {64}, std::vector<float>(64, 1.f));
  const int32_t a = b.add_tensor("a", DType::Float32, {1, 64});
  const int32_t s = b.add_tensor("s", DType::Float32, {1, 64});
  const int32_t y = b.add_tensor("y", DType::Float32, {1, 64});
  const int32_t z = b.add_tensor("z", DType::Float32, {1, 64});
  b.add_op(BuiltinOp::Relu, {x}, {a});
  b.add_op(BuiltinOp::Add, {a, c}, {s});
  b.add_op(BuiltinOp::Mul, {s, s}, {y});
  b.add_op(BuiltinOp::Neg, {y}, {z});
  b.mark_output(z);
  return m;
}

TEST(Interpreter, RunsAChainAndReusesArenaSpace) {
  const Model m = chain_model();
  Interpreter interp(m);
  std::vector<float> x(64);
  for (int i = 0; i < 64; ++i) x[i] = static_cast<float>(i - 32);
  interp.set_input(0, std::as_bytes(std::span(x)));
  interp.invoke();
  const auto z = floats(interp.output_data(0));
  for (int i = 0; i < 64; ++i) {
    const float s = std::max(x[i], 0.f) + 1.f;
    EXPECT_EQ(z[i], -(s * s)) << i;
  }
  EXPECT_LT(interp.plan_stats().arena_bytes, interp.plan_stats().tensor_bytes);
  EXPECT_EQ(interp.plan_stats().runtime_ops, 4u);
}

// Regression: inputs lived in the arena and were overwritten by later ops,
// so a second invoke without set_input read garbage.
TEST(Interpreter, RepeatedInvokesGiveTheSameOutputs) {
  const Model m = chain_model();
  Interpreter interp(m);
  std::vector<float> x(64, 0.5f);
  interp.set_input(0, std::as_bytes(std::span(x)));
  interp.invoke();
  const auto first = floats(interp.output_data(0));
  for (int r = 0; r < 3; ++r) {
    interp.invoke();
    EXPECT_EQ(floats(interp.output_data(0)), first);
  }
}

TEST(Interpreter, FoldsConstantSubgraphsAndObservesRuntimeOps) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {4});
  // float16 weights dequantized, as MediaPipe stores them: 1.0 = 0x3C00, 2.0 = 0x4000.
  const int32_t w16 = b.add_constant<uint16_t>("w16", {4}, {0x3C00, 0x4000, 0x3C00, 0x4000});
  m.main().tensors[w16].dtype = DType::Float16;
  const int32_t w = b.add_tensor("w", DType::Float32, {4});
  const int32_t y = b.add_tensor("y", DType::Float32, {4});
  b.add_op(BuiltinOp::Dequantize, {w16}, {w});
  b.add_op(BuiltinOp::Mul, {x, w}, {y});
  b.mark_output(y);

  Interpreter interp(m);
  EXPECT_EQ(interp.plan_stats().folded_ops, 1u);
  EXPECT_EQ(interp.plan_stats().runtime_ops, 1u);
  std::vector<int32_t> seen;
  interp.set_observer([&](const OpEvent& e) { seen.push_back(e.op_index); });
  const std::vector<float> xv = {1, 2, 3, 4};
  interp.set_input(0, std::as_bytes(std::span(xv)));
  interp.invoke();
  EXPECT_THAT(seen, ::testing::ElementsAre(1));
  EXPECT_THAT(floats(interp.output_data(0)), ::testing::ElementsAre(1, 4, 3, 8));
  EXPECT_THAT(floats(interp.tensor_data(w)), ::testing::ElementsAre(1, 2, 1, 2));
}

TEST(Interpreter, RefusesUnknownCustomOpByName) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {2});
  const int32_t y = b.add_tensor("y", DType::Float32, {2});
  b.add_custom_op("MyFancyOp", {x}, {y});
  b.mark_output(y);
  try {
    Interpreter interp(m);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("custom op 'MyFancyOp' is not supported"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("op 0"));
  }
}

TEST(Interpreter, RefusesAQuantizedOpWithNoIntegerKernelInsteadOfRunningFloat) {
  // SQRT has a float kernel; an int8 SQRT must not run in it.
  Model m;
  GraphBuilder b(m);
  QuantParams q;
  q.scale = {0.05f};
  q.zero_point = {3};
  const int32_t x = b.add_input("x", DType::Float32, {4});
  const int32_t xq = b.add_tensor("x_q", DType::Int8, {4}, q);
  const int32_t y = b.add_tensor("y", DType::Int8, {4}, q);
  b.add_op(BuiltinOp::Quantize, {x}, {xq});
  b.add_op(BuiltinOp::Sqrt, {xq}, {y});
  b.mark_output(y);
  try {
    Interpreter interp(m);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("op 1 (SQRT)"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("tensor 1 'x_q' is int8"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("no integer kernel"));
  }
}

TEST(Interpreter, SetInputChecksTheSize) {
  const Model m = chain_model();
  Interpreter interp(m);
  std::vector<float> wrong(3);
  try {
    interp.set_input(0, std::as_bytes(std::span(wrong)));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'x'"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("needs 256 bytes, got 12"));
  }
}

TEST(Arena, TensorsAliveTogetherNeverOverlap) {
  std::vector<runtime::Lifetime> t = {{100, 0, 2}, {200, 1, 3}, {50, 3, 4}, {300, 4, 5}, {10, -1, 5}};
  const auto layout = runtime::plan_arena(t);
  for (size_t i = 0; i < t.size(); ++i)
    for (size_t j = i + 1; j < t.size(); ++j) {
      const bool together = t[i].first <= t[j].last && t[j].first <= t[i].last;
      const bool disjoint = layout.offsets[i] + t[i].bytes <= layout.offsets[j] ||
                            layout.offsets[j] + t[j].bytes <= layout.offsets[i];
      if (together) EXPECT_TRUE(disjoint) << i << " and " << j;
    }
  size_t sum = 0;
  for (const auto& l : t) sum += (l.bytes + 63) / 64 * 64;
  EXPECT_LT(layout.size, sum);  // something was shared
}

}  // namespace
}  // namespace octet

namespace octet {
namespace {

// Found by fuzz/plan_fuzz.cc: FULLY_CONNECTED read sparse weights (only the
// stored values, fewer bytes than the shape) as if dense.
TEST(Interpreter, OnlyDensifyMayReadASparseConstant) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 4});
  const int32_t w = b.add_constant<float>("w", {2, 4}, {1, 2, 3});
  Sparsity sp;
  sp.traversal_order = {0, 1};
  DimensionMetadata dense;
  dense.dense_size = 2;
  DimensionMetadata csr;
  csr.format = DimensionMetadata::Format::SparseCsr;
  csr.array_segments = {0, 2, 3};
  csr.array_indices = {0, 2, 1};
  sp.dim_metadata = {dense, csr};
  m.main().tensors[w].sparsity = sp;
  const int32_t y = b.add_tensor("y", DType::Float32, {1, 2});
  b.add_op(BuiltinOp::FullyConnected, {x, w, -1}, {y});
  b.mark_output(y);
  try {
    Interpreter interp(m);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'w' is stored sparse; only DENSIFY can read it"));
  }
}

}  // namespace
}  // namespace octet
