// The LiteRT oracle itself: that it runs real MediaPipe models, passes int8 and
// int16 tensors both ways, and fails loudly where LiteRT only logs an error.
#include <flatbuffers/flatbuffers.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "octet/error.h"
#include "support/oracle.h"
#include "support/photos.h"
#include "tflite_generated.h"

namespace octet::testing {
namespace {

namespace fs = std::filesystem;
namespace fb = octet::fb;
using ::testing::HasSubstr;

#define SKIP_WITHOUT_ORACLE() \
  if (!litert_available()) GTEST_SKIP() << "LiteRT oracle not installed: run scripts/setup.sh"
#define SKIP_WITHOUT_FILE(path) \
  if (!fs::exists(path)) GTEST_SKIP() << (path) << " missing: run scripts/setup.sh"

fs::path scratch_dir() {
  auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir =
      fs::path(OCTET_BINARY_DIR) / "test_scratch" / info->test_suite_name() / info->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A one-subgraph model whose every op takes one tensor and gives one, written
// with the raw flatbuffers API (the test should not depend on octet's writer).
struct TinyTensor {
  std::string name;
  fb::TensorType type;
  std::vector<int32_t> shape;
  std::vector<float> scale = {};
  std::vector<int64_t> zero_point = {};
};
struct TinyOp {
  fb::BuiltinOperator code;
  int input, output;
  std::string custom_code = {};
};

fs::path write_tiny_model(const fs::path& path, const std::vector<TinyTensor>& tensors,
                          const std::vector<TinyOp>& ops, const std::vector<int32_t>& inputs,
                          const std::vector<int32_t>& outputs) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Tensor>> t;
  for (const auto& x : tensors) {
    auto q = x.scale.empty() ? 0
                             : fb::CreateQuantizationParametersDirect(b, nullptr, nullptr, &x.scale,
                                                                      &x.zero_point);
    t.push_back(fb::CreateTensorDirect(b, &x.shape, x.type, 0, x.name.c_str(), q));
  }
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes;
  std::vector<flatbuffers::Offset<fb::Operator>> operators;
  for (const auto& op : ops) {
    auto code = static_cast<int32_t>(op.code);
    codes.push_back(fb::CreateOperatorCodeDirect(
        b, static_cast<int8_t>(std::min(code, 127)),
        op.custom_code.empty() ? nullptr : op.custom_code.c_str(), 1, op.code));
    std::vector<int32_t> in = {op.input}, out = {op.output};
    operators.push_back(
        fb::CreateOperatorDirect(b, static_cast<uint32_t>(codes.size() - 1), &in, &out));
  }
  std::vector<flatbuffers::Offset<fb::SubGraph>> subgraphs = {
      fb::CreateSubGraphDirect(b, &t, &inputs, &outputs, &operators, "main")};
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBufferDirect(b)};
  fb::FinishModelBuffer(b, fb::CreateModelDirect(b, 3, &codes, &subgraphs, "octet test", &buffers));
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
  return path;
}

template <class T>
int64_t clamp_to(double v) {
  return std::clamp<int64_t>(static_cast<int64_t>(v), std::numeric_limits<T>::min(),
                             std::numeric_limits<T>::max());
}

TEST(LiteRtOracle, SelfieSegmentationOnAConstantImage) {
  SKIP_WITHOUT_ORACLE();
  fs::path model = model_path("selfie_segmentation.tflite");
  SKIP_WITHOUT_FILE(model);
  fs::path dir = scratch_dir();
  NpyArray input = NpyArray::zeros(DType::Float32, {1, 256, 256, 3});
  std::fill(input.as<float>().begin(), input.as<float>().end(), 0.5f);
  auto outputs = run_litert_arrays(model, {input}, dir);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].dtype, DType::Float32);
  EXPECT_EQ(outputs[0].shape, (std::vector<int64_t>{1, 256, 256, 1}));
  // The mask comes out of a sigmoid.
  for (float v : outputs[0].as<float>()) {
    ASSERT_TRUE(std::isfinite(v));
    ASSERT_GE(v, 0.0f);
    ASSERT_LE(v, 1.0f);
  }
}

TEST(LiteRtOracle, FaceDetectionFindsTheAstronautNotTheCoffee) {
  SKIP_WITHOUT_ORACLE();
  fs::path model = model_path("face_detection_short_range.tflite");
  SKIP_WITHOUT_FILE(model);
  SKIP_WITHOUT_FILE(photo_path("astronaut.png"));
  fs::path dir = scratch_dir();
  auto best_score = [&](const char* photo) {
    auto pixels = load_photo_nhwc(photo_path(photo), 128, 128, 3, -1.0f, 1.0f);
    auto outputs =
        run_litert_arrays(model, {NpyArray::of<float>(pixels, {1, 128, 128, 3})}, dir / photo);
    EXPECT_EQ(outputs.size(), 2u);
    EXPECT_EQ(outputs.at(0).shape, (std::vector<int64_t>{1, 896, 16}));  // boxes and keypoints
    EXPECT_EQ(outputs.at(1).shape, (std::vector<int64_t>{1, 896, 1}));   // logits per anchor
    for (float v : outputs.at(0).as<float>()) EXPECT_TRUE(std::isfinite(v));
    auto logits = outputs.at(1).as<float>();
    return 1.0f / (1.0f + std::exp(-*std::max_element(logits.begin(), logits.end())));
  };
  // 0.5 is MediaPipe's default min_detection_confidence. Measured: 0.92 and 0.28.
  EXPECT_GT(best_score("astronaut.png"), 0.75f);
  EXPECT_LT(best_score("coffee.png"), 0.5f);
}

// int8 and int16 in both directions, through LiteRT's own QUANTIZE and
// DEQUANTIZE; the expected integers follow the TFLite quantization formulas.
TEST(LiteRtOracle, Int8AndInt16InputsAndOutputs) {
  SKIP_WITHOUT_ORACLE();
  fs::path dir = scratch_dir();
  using T = fb::TensorType;
  fs::path model = write_tiny_model(dir / "quant.tflite",
                                    {{"in_i8", T::INT8, {2, 3}, {0.5f}, {-3}},
                                     {"in_i16", T::INT16, {2, 3}, {0.25f}, {0}},
                                     {"in_f32", T::FLOAT32, {2, 3}},
                                     {"deq8", T::FLOAT32, {2, 3}},
                                     {"deq16", T::FLOAT32, {2, 3}},
                                     {"q8", T::INT8, {2, 3}, {0.1f}, {5}},
                                     {"q16", T::INT16, {2, 3}, {0.01f}, {0}}},
                                    {{fb::BuiltinOperator::DEQUANTIZE, 0, 3},
                                     {fb::BuiltinOperator::DEQUANTIZE, 1, 4},
                                     {fb::BuiltinOperator::QUANTIZE, 2, 5},
                                     {fb::BuiltinOperator::QUANTIZE, 2, 6}},
                                    {0, 1, 2}, {3, 4, 5, 6});
  const std::vector<int8_t> i8 = {-128, -3, 0, 1, 50, 127};
  const std::vector<int16_t> i16 = {-32768, -1, 0, 1, 1000, 32767};
  // No value sits on a rounding tie; 400 and -400 saturate both widths.
  const std::vector<float> f = {-1.0f, 0.0f, 0.26f, 1.04f, 400.0f, -400.0f};
  auto outputs =
      run_litert_arrays(model,
                        {NpyArray::of<int8_t>(i8, {2, 3}), NpyArray::of<int16_t>(i16, {2, 3}),
                         NpyArray::of<float>(f, {2, 3})},
                        dir);
  ASSERT_EQ(outputs.size(), 4u);
  ASSERT_EQ(outputs[0].dtype, DType::Float32);
  ASSERT_EQ(outputs[1].dtype, DType::Float32);
  ASSERT_EQ(outputs[2].dtype, DType::Int8);
  ASSERT_EQ(outputs[3].dtype, DType::Int16);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(outputs[0].as<float>()[i], (i8[i] + 3) * 0.5f) << i;
    EXPECT_EQ(outputs[1].as<float>()[i], i16[i] * 0.25f) << i;
    EXPECT_EQ(outputs[2].as<int8_t>()[i], clamp_to<int8_t>(std::round(f[i] / 0.1) + 5)) << i;
    EXPECT_EQ(outputs[3].as<int16_t>()[i], clamp_to<int16_t>(std::round(f[i] / 0.01))) << i;
  }
  EXPECT_EQ(outputs[2].shape, (std::vector<int64_t>{2, 3}));
}

TEST(LiteRtOracle, UnresolvedCustomOpFailsInsteadOfReturningGarbage) {
  SKIP_WITHOUT_ORACLE();
  fs::path dir = scratch_dir();
  fs::path model = write_tiny_model(
      dir / "custom.tflite",
      {{"x", fb::TensorType::FLOAT32, {2, 3}}, {"y", fb::TensorType::FLOAT32, {2, 3}}},
      {{fb::BuiltinOperator::CUSTOM, 0, 1, "OctetNoSuchOp"}}, {0}, {1});
  try {
    run_litert_arrays(model, {NpyArray::zeros(DType::Float32, {2, 3})}, dir);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("custom.tflite"));
    EXPECT_THAT(e.what(), HasSubstr("unresolved custom op: OctetNoSuchOp"));
  }
  EXPECT_FALSE(fs::exists(dir / "outputs.json"));
}

TEST(LiteRtOracle, WrongInputsAreNamed) {
  SKIP_WITHOUT_ORACLE();
  fs::path dir = scratch_dir();
  fs::path model = write_tiny_model(
      dir / "deq.tflite",
      {{"q", fb::TensorType::INT8, {4}, {1.0f}, {0}}, {"f", fb::TensorType::FLOAT32, {4}}},
      {{fb::BuiltinOperator::DEQUANTIZE, 0, 1}}, {0}, {1});
  auto error_of = [&](const std::vector<NpyArray>& inputs) -> std::string {
    try {
      run_litert_arrays(model, inputs, dir);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_THAT(error_of({}), HasSubstr("1 input(s) [q], 0 .npy file(s) were given"));
  EXPECT_THAT(error_of({NpyArray::zeros(DType::Float32, {4})}),
              HasSubstr("expects int8, the file holds float32"));
  EXPECT_THAT(error_of({NpyArray::zeros(DType::Int8, {5})}),
              HasSubstr("expects shape [4], the file has [5]"));
  EXPECT_THAT(error_of({NpyArray::zeros(DType::Int8, {4}), NpyArray::zeros(DType::Int8, {4})}),
              HasSubstr("2 .npy file(s)"));
  try {
    run_litert(dir / "no_such_model.tflite", {}, dir);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no_such_model.tflite"));
  }
}

TEST(LiteRtOracle, BatchRunsEveryJobAndKeepsFailuresApart) {
  SKIP_WITHOUT_ORACLE();
  fs::path dir = scratch_dir();
  fs::path good = write_tiny_model(
      dir / "deq.tflite",
      {{"q", fb::TensorType::INT8, {4}, {0.5f}, {1}}, {"f", fb::TensorType::FLOAT32, {4}}},
      {{fb::BuiltinOperator::DEQUANTIZE, 0, 1}}, {0}, {1});
  fs::path bad =
      write_tiny_model(dir / "custom.tflite",
                       {{"x", fb::TensorType::FLOAT32, {4}}, {"y", fb::TensorType::FLOAT32, {4}}},
                       {{fb::BuiltinOperator::CUSTOM, 0, 1, "OctetNoSuchOp"}}, {0}, {1});
  const std::vector<int8_t> q = {-128, 0, 1, 127};
  write_npy(dir / "q.npy", NpyArray::of<int8_t>(q, {4}));
  write_npy(dir / "x.npy", NpyArray::zeros(DType::Float32, {4}));
  auto results = run_litert_batch({{good, {dir / "q.npy"}, dir / "a"},
                                   {bad, {dir / "x.npy"}, dir / "b"},
                                   {good, {dir / "q.npy"}, dir / "c"}},
                                  dir / "jobs.json");
  ASSERT_EQ(results.size(), 3u);
  for (size_t job : {0u, 2u}) {
    ASSERT_TRUE(results[job].ok()) << results[job].error;
    ASSERT_EQ(results[job].outputs.size(), 1u);
    auto f = results[job].outputs[0].as<float>();
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(f[i], (q[i] - 1) * 0.5f);
  }
  EXPECT_FALSE(results[1].ok());
  EXPECT_THAT(results[1].error, HasSubstr("unresolved custom op"));
  EXPECT_TRUE(results[1].outputs.empty());
}

TEST(LiteRtOracle, ReportsLatency) {
  SKIP_WITHOUT_ORACLE();
  fs::path dir = scratch_dir();
  fs::path model = write_tiny_model(
      dir / "deq.tflite",
      {{"q", fb::TensorType::INT8, {4}, {0.5f}, {1}}, {"f", fb::TensorType::FLOAT32, {4}}},
      {{fb::BuiltinOperator::DEQUANTIZE, 0, 1}}, {0}, {1});
  write_npy(dir / "q.npy", NpyArray::zeros(DType::Int8, {4}));
  LiteRtLatency t = time_litert(model, {dir / "q.npy"}, dir, 5);
  EXPECT_EQ(t.runs, 5);
  EXPECT_GT(t.median_ms, 0.0);
  EXPECT_LE(t.min_ms, t.median_ms);
  EXPECT_TRUE(fs::exists(dir / "output_0.npy"));
}

}  // namespace
}  // namespace octet::testing
