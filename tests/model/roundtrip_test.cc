#include <gtest/gtest.h>

#include "octet/builder.h"
#include "octet/model.h"
#include "support/test_data.h"

namespace octet {
namespace {

TEST(RoundTrip, MediaPipeModelsLoadWriteLoadEqual) {
  const auto models = testing::mediapipe_models();
  if (models.empty()) GTEST_SKIP() << "run scripts/setup.sh to fetch the MediaPipe models";
  for (const auto& path : models) {
    SCOPED_TRACE(path.filename().string());
    const Model a = load_model(path);
    const std::vector<std::byte> bytes = serialize_model(a);
    const Model b = load_model_from_bytes(bytes, "rewritten " + path.filename().string());
    EXPECT_TRUE(a == b);
    // A second write gives the same bytes: the writer is deterministic.
    EXPECT_EQ(serialize_model(b), bytes);
  }
}

TEST(RoundTrip, BuilderModelKeepsOptionsSignaturesAndMetadata) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 4});
  const int32_t w = b.add_constant<float>("w", {3, 4}, std::vector<float>(12, 0.5f));
  const int32_t y = b.add_tensor("y", DType::Float32, {1, 3});
  b.add_op(BuiltinOp::FullyConnected, {x, w, -1}, {y},
           opt::FullyConnected{Activation::Relu6, 0, true, false, DType::Float32});
  b.mark_output(y);
  m.signatures.push_back({"serving_default", 0, {{"x", x}}, {{"y", y}}});
  m.buffers.push_back(Buffer::copy_of(std::as_bytes(std::span("hello", 5))));
  m.metadata.push_back({"note", static_cast<int32_t>(m.buffers.size() - 1)});
  m.description = "built by a test";

  const Model r = load_model_from_bytes(serialize_model(m), "builder model");
  EXPECT_TRUE(r == m);
  const auto* fc = r.main().ops[0].options.get<opt::FullyConnected>();
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->activation, Activation::Relu6);
  EXPECT_TRUE(fc->keep_num_dims);
}

TEST(RoundTrip, SaveWritesAtomically) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {2});
  const int32_t y = b.add_tensor("y", DType::Float32, {2});
  b.add_op(BuiltinOp::Relu, {x}, {y});
  b.mark_output(y);
  const auto dir = testing::temp_dir("save");
  save_model(m, dir / "m.tflite");
  EXPECT_TRUE(load_model(dir / "m.tflite") == m);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);  // no temporary left behind
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace octet
