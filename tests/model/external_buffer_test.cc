// Files over 2 GB keep constants after the flatbuffer, addressed by
// (offset, size) from the file's start: octet reads such buffers (and writes
// them back inline).
#include <gtest/gtest.h>

#include <cstring>

#include "model/raw_writer.h"
#include "octet/builder.h"
#include "octet/interpreter.h"
#include "octet/model.h"

namespace octet {
namespace {

TEST(ExternalBuffer, ConstantStoredAfterTheFlatbufferIsReadAndRuns) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {4});
  const int32_t c = b.add_tensor("c", DType::Float32, {4});  // data comes from outside
  const int32_t y = b.add_tensor("y", DType::Float32, {4});
  b.add_op(BuiltinOp::Add, {x, c}, {y});
  b.mark_output(y);
  // The appended buffer's index: right after the model's own buffers.
  m.main().tensors[c].buffer = static_cast<int32_t>(m.buffers.size());

  const std::vector<float> values = {1.5f, -2.f, 3.25f, 100.f};
  constexpr uint64_t kOffset = 4096;  // past the (small) flatbuffer, 16-byte aligned
  testing::RawEdits edits;
  edits.external_buffers.push_back({kOffset, sizeof(float) * values.size()});
  std::vector<std::byte> file = testing::write_unchecked(m, edits);
  ASSERT_LT(file.size(), kOffset);
  file.resize(kOffset + sizeof(float) * values.size());
  std::memcpy(file.data() + kOffset, values.data(), sizeof(float) * values.size());

  const Model loaded = load_model_from_bytes(file, "external-buffer model");
  const auto data = loaded.data_of(loaded.main().tensors[c]);
  ASSERT_EQ(data.size(), 16u);
  EXPECT_EQ(std::memcmp(data.data(), values.data(), 16), 0);

  Interpreter interp(loaded);
  const std::vector<float> xv = {1, 1, 1, 1};
  interp.set_input(0, std::as_bytes(std::span(xv)));
  interp.invoke();
  std::vector<float> out(4);
  std::memcpy(out.data(), interp.output_data(0).data(), 16);
  EXPECT_EQ(out, (std::vector<float>{2.5f, -1.f, 4.25f, 101.f}));

  // Written back, the data is inline and the model is the same.
  const Model again = load_model_from_bytes(serialize_model(loaded), "rewritten");
  EXPECT_TRUE(again == loaded);
}

}  // namespace
}  // namespace octet
