// Arm NN 20.08's CpuRef backend as a second runtime for octet: one-op int8
// models built with the builder (every kernel the MediaPipe files use), and
// the MediaPipe files themselves with their float16 weights folded to
// float32 (Arm NN rejects float16 DEQUANTIZE feeding CONV_2D). One input a
// model: CpuRef is 100–300× slower than LiteRT.
//
// Where Arm NN rejects a file, kExpectedRejections says which op and why; a
// new rejection or a new acceptance fails the test, so the list stays true.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <variant>

#include "golden/golden.h"
#include "octet/error.h"
#include "support/armnn.h"
#include "support/fold_float16.h"
#include "support/mediapipe_quality.h"
#include "support/one_op.h"
#include "support/quantize_cli.h"
#include "support/runtime_diff.h"
#include "support/test_data.h"

namespace octet::testing {
namespace {

#define SKIP_WITHOUT_ARMNN() \
  if (!armnn_available()) GTEST_SKIP() << "Arm NN not found at configure time: armnn_run not built"

// Runs one model in octet and in Arm NN on the same inputs.
struct ArmnnOutcome {
  RuntimeDiff diff;
  std::string rejected;  // Arm NN's message when it refused the file
};
ArmnnOutcome octet_vs_armnn(const Model& model, const std::vector<NpyArray>& inputs,
                            const std::string& name) {
  const auto dir = temp_dir("armnn_" + name);
  const auto path = dir / (name + ".tflite");
  save_model(model, path);
  const auto expected = run_octet(model, inputs);
  ArmnnOutcome out;
  try {
    out.diff = diff_outputs(expected, run_armnn_arrays(path, inputs, dir));
  } catch (const Error& e) {
    out.rejected = e.what();
  }
  return out;
}

// ---- one-op int8 models --------------------------------------------------

struct OneOp {
  std::string name;
  Model model;
};

std::vector<OneOp> one_op_int8_models() {
  std::vector<OneOp> cases;
  auto conv_like = [&](BuiltinOp op, OptionsValue options, std::vector<int32_t> filter_shape,
                       int32_t axis, int32_t channels, std::vector<int32_t> out_shape) {
    std::vector<float> scales;
    for (int32_t c = 0; c < channels; ++c) scales.push_back(0.004f + 0.001f * c);
    std::vector<float> bias_scales;
    for (float s : scales) bias_scales.push_back(s * 0.02f);
    std::vector<GTensor> inputs = {
        int8_tensor({1, 8, 8, 4}, 0.02f, 3),
        int8_weights(std::move(filter_shape), per_channel(scales, axis), 5),
        int32_bias({channels}, per_channel(bias_scales, 0), -3000, 3000, 6)};
    return one_op_model(op, options, inputs, {int8_tensor(std::move(out_shape), 0.05f, -7)});
  };
  cases.push_back({"conv2d_per_channel_relu",
                   conv_like(BuiltinOp::Conv2d,
                             opt::Conv2D{Padding::Same, 1, 1, Activation::Relu},
                             {6, 3, 3, 4}, 0, 6, {1, 8, 8, 6})});
  cases.push_back({"conv2d_stride2_valid",
                   conv_like(BuiltinOp::Conv2d, opt::Conv2D{Padding::Valid, 2, 2},
                             {6, 3, 3, 4}, 0, 6, {1, 3, 3, 6})});
  cases.push_back({"depthwise_conv2d",
                   conv_like(BuiltinOp::DepthwiseConv2d,
                             opt::DepthwiseConv2D{Padding::Same, 1, 1, 1, Activation::Relu6},
                             {1, 3, 3, 4}, 3, 4, {1, 8, 8, 4})});
  cases.push_back({"add", one_op_model(BuiltinOp::Add, opt::FusedActivation{},
                                       {int8_tensor({1, 8, 8, 4}, 0.02f, 3),
                                        int8_tensor({1, 8, 8, 4}, 0.03f, -10)},
                                       {int8_tensor({1, 8, 8, 4}, 0.05f, -7)})});
  cases.push_back({"mul", one_op_model(BuiltinOp::Mul, opt::FusedActivation{},
                                       {int8_tensor({1, 8, 8, 4}, 0.02f, 3),
                                        int8_tensor({1, 8, 8, 4}, 0.03f, -10)},
                                       {int8_tensor({1, 8, 8, 4}, 0.01f, 0)})});
  cases.push_back({"average_pool_2d",
                   one_op_model(BuiltinOp::AveragePool2d,
                                opt::Pool2D{Padding::Valid, 2, 2, 2, 2},
                                {int8_tensor({1, 8, 8, 4}, 0.02f, 3)},
                                {int8_tensor({1, 4, 4, 4}, 0.02f, 3)})});
  cases.push_back({"logistic", one_op_model(BuiltinOp::Logistic, opt::None{},
                                            {int8_tensor({1, 8, 8, 4}, 0.05f, 3)},
                                            {int8_tensor({1, 8, 8, 4}, 1.0f / 256, -128)})});
  cases.push_back({"hard_swish", one_op_model(BuiltinOp::HardSwish, opt::None{},
                                              {int8_tensor({1, 8, 8, 4}, 0.05f, 3)},
                                              {int8_tensor({1, 8, 8, 4}, 0.03f, -40)})});
  auto fully_connected = [&](int32_t units, bool per_channel_weights) {
    std::vector<float> scales;
    for (int32_t c = 0; c < units; ++c) scales.push_back(0.004f + 0.001f * c);
    if (!per_channel_weights) scales.resize(1);
    std::vector<float> bias_scales;
    for (float s : scales) bias_scales.push_back(s * 0.02f);
    return one_op_model(BuiltinOp::FullyConnected, opt::FullyConnected{},
                        {int8_tensor({1, 16}, 0.02f, 3),
                         int8_weights({units, 16}, per_channel(scales, 0), 5),
                         int32_bias({units}, per_channel(bias_scales, 0), -3000, 3000, 6)},
                        {int8_tensor({1, units}, 0.05f, -7)}, 4);
  };
  cases.push_back({"fully_connected_per_channel", fully_connected(6, true)});
  cases.push_back({"fully_connected_per_tensor", fully_connected(6, false)});
  cases.push_back({"fully_connected_one_unit", fully_connected(1, true)});
  cases.push_back({"relu", one_op_model(BuiltinOp::Relu, opt::None{},
                                        {int8_tensor({1, 8, 8, 4}, 0.02f, 3)},
                                        {int8_tensor({1, 8, 8, 4}, 0.02f, -128)})});
  return cases;
}

// Ops Arm NN 20.08 refuses as int8, with the reason (checked by substring).
const std::map<std::string, std::string> kOneOpRejections = {
    // Per-channel int8 weights in FULLY_CONNECTED (what LiteRT's converter writes
    // since 2.x): Arm NN 20.08 asserts in GetBiasTypeFromWeightsType, killing the
    // process. One scale for the whole weight tensor runs.
    {"fully_connected_per_channel", "GetBiasTypeFromWeightsType"},
};

TEST(ArmnnOneOp, Int8KernelsAgreeWithOctet) {
  SKIP_WITHOUT_ARMNN();
  for (auto& c : one_op_int8_models()) {
    SCOPED_TRACE(c.name);
    auto inputs = random_inputs(c.model, 17);
    auto out = octet_vs_armnn(c.model, inputs, c.name);
    auto expected = kOneOpRejections.find(c.name);
    if (!out.rejected.empty()) {
      std::printf("[ figure ] Arm NN one-op %s: rejected: %s\n", c.name.c_str(),
                  out.rejected.c_str());
      EXPECT_NE(expected, kOneOpRejections.end()) << "new rejection: " << out.rejected;
      if (expected != kOneOpRejections.end()) {
        EXPECT_NE(out.rejected.find(expected->second), std::string::npos) << out.rejected;
      }
      continue;
    }
    std::printf("[ figure ] Arm NN one-op %s: %s\n", c.name.c_str(), out.diff.summary().c_str());
    EXPECT_EQ(expected, kOneOpRejections.end()) << "Arm NN now accepts it";
    EXPECT_TRUE(out.diff.integer);
    EXPECT_LE(out.diff.max_diff, 1) << out.diff.summary();
  }
}

// Arm NN 20.08 pads an int8 tensor with the code 0, not with the zero point
// (the code of the real value 0, which TFLite's PAD writes): the interior
// agrees, each padded element is 0 there and the zero point in octet.
TEST(ArmnnOneOp, Int8PadFillsWithCodeZeroNotTheZeroPoint) {
  SKIP_WITHOUT_ARMNN();
  const int64_t zp = -100;
  const Model model = one_op_model(
      BuiltinOp::Pad, opt::None{},
      {int8_tensor({1, 4, 4, 3}, 0.02f, zp), constant_of<int32_t>(DType::Int32, {4, 2}, {0, 0, 1, 1, 2, 0, 0, 2})},
      {int8_tensor({1, 6, 6, 5}, 0.02f, zp)});
  const auto inputs = random_inputs(model, 5);
  const auto dir = temp_dir("armnn_pad");
  save_model(model, dir / "pad.tflite");
  const auto ours = run_octet(model, inputs);
  const auto theirs = run_armnn_arrays(dir / "pad.tflite", inputs, dir);
  ASSERT_EQ(ours.size(), 1u);
  ASSERT_EQ(theirs.size(), 1u);
  ASSERT_EQ(ours[0].data.size(), theirs[0].data.size());
  const auto* a = reinterpret_cast<const int8_t*>(ours[0].data.data());
  const auto* b = reinterpret_cast<const int8_t*>(theirs[0].data.data());
  size_t padded = 0;
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 6; ++x)
      for (int c = 0; c < 5; ++c) {
        const size_t i = (y * 6 + x) * 5 + c;
        const bool pad = y == 0 || y == 5 || x < 2 || c >= 3;
        if (pad) {
          ++padded;
          EXPECT_EQ(a[i], zp) << i;
          EXPECT_EQ(b[i], 0) << i;
        } else {
          EXPECT_EQ(a[i], b[i]) << i;
        }
      }
  std::printf("[ figure ] Arm NN int8 PAD: %zu padded elements are code 0 (octet and LiteRT: the zero point %lld)\n",
              padded, static_cast<long long>(zp));
}

TEST(ArmnnOneOp, RejectionNamesTheOp) {
  SKIP_WITHOUT_ARMNN();
  // A float16 weight through DEQUANTIZE, as in every MediaPipe file.
  const auto path = cache_dir() / "models" / "face_detection_short_range.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " missing: run scripts/setup.sh";
  const Model model = load_model(path);
  const auto inputs = random_inputs(model, 3);
  const auto dir = temp_dir("armnn_reject");
  try {
    run_armnn_arrays(path, inputs, dir);
    FAIL() << "Arm NN accepted float16 weights through DEQUANTIZE";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("CONV_2D"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "outputs.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / "error.txt"));
}

// ---- MediaPipe files -----------------------------------------------------

// The model with every RESIZE_BILINEAR's half_pixel_centers cleared: what
// Arm NN 20.08 computes, since it ignores the flag (NOTES.md).
Model without_half_pixel_centers(Model model, int* cleared) {
  *cleared = 0;
  for (Op& op : model.main().ops) {
    if (op.code.builtin != BuiltinOp::ResizeBilinear) continue;
    if (auto* o = std::get_if<opt::Resize>(&op.options.value); o && o->half_pixel_centers) {
      o->half_pixel_centers = false;
      ++*cleared;
    }
  }
  return model;
}

std::vector<std::vector<float>> as_floats(const std::vector<NpyArray>& arrays) {
  std::vector<std::vector<float>> out;
  for (const auto& a : arrays) {
    if (a.dtype != DType::Float32) fail("as_floats: output is {}", dtype_name(a.dtype));
    out.emplace_back(a.num_elements());
    std::memcpy(out.back().data(), a.data.data(), a.data.size());
  }
  return out;
}

// Float MediaPipe files (float16 weights folded) that Arm NN refuses: the op
// and why (the op's name must be in armnn_run's message).
const std::map<std::string, std::pair<std::string, std::string>> kFloatRejections = {
    {"face_detection_full_range_sparse.tflite",
     {"DENSIFY", "the 20.08 TfLiteParser has no DENSIFY (its opcode is beyond the parser's table)"}},
    {"selfie_segmentation.tflite",
     {"CUSTOM", "custom op Convolution2DTransposeBias (MediaPipe's own kernel)"}},
    {"selfie_segmentation_landscape.tflite",
     {"CUSTOM", "custom op Convolution2DTransposeBias (MediaPipe's own kernel)"}},
};

TEST(ArmnnMediaPipeSlow, FoldedFloatModelsAgreeWithOctet) {
  SKIP_WITHOUT_ARMNN();
  if (mediapipe_models().empty()) GTEST_SKIP() << "MediaPipe models missing: run scripts/setup.sh";
  const Photo photo = evaluation_photos().front();
  if (find_photo(photo.file).empty()) GTEST_SKIP() << photo.file << " missing";
  for (const auto& path : mediapipe_models()) {
    const std::string file = path.filename().string();
    SCOPED_TRACE(file);
    const MediaPipeSpec& spec = mediapipe_spec(file);
    const Model folded = fold_float16_weights(load_model(path));
    const Tensor& in = folded.main().tensors[folded.main().inputs[0]];
    const auto values = photo_input(folded, spec, photo);
    NpyArray input;
    input.shape.assign(in.shape.begin(), in.shape.end());
    input.data.resize(values.size() * 4);
    std::memcpy(input.data.data(), values.data(), input.data.size());
    const std::string name = path.stem().string() + "_f32";
    const auto dir = temp_dir("armnn_" + name);
    save_model(folded, dir / (name + ".tflite"));

    std::vector<NpyArray> armnn;
    std::string rejected;
    try {
      armnn = run_armnn_arrays(dir / (name + ".tflite"), {input}, dir);
    } catch (const Error& e) {
      rejected = e.what();
    }
    auto expected = kFloatRejections.find(file);
    if (!rejected.empty()) {
      std::printf("[ figure ] Arm NN %s (float32-folded): rejected: %s\n", file.c_str(),
                  rejected.c_str());
      EXPECT_NE(expected, kFloatRejections.end()) << "new rejection: " << rejected;
      if (expected != kFloatRejections.end()) {
        EXPECT_NE(rejected.find(expected->second.first), std::string::npos) << rejected;
      }
      continue;
    }
    EXPECT_EQ(expected, kFloatRejections.end()) << "Arm NN now accepts it";

    // Against octet on the same file, and on the file with half_pixel_centers
    // cleared, which is what Arm NN runs: that one must agree to float
    // rounding, so the difference on the real file is the flag alone.
    const auto octet_out = run_octet(folded, {input});
    const RuntimeDiff as_is = diff_outputs(octet_out, armnn);
    int cleared = 0;
    const Model flagless = without_half_pixel_centers(folded, &cleared);
    const RuntimeDiff same_op = diff_outputs(run_octet(flagless, {input}), armnn);
    const Quality q = compare_quality(spec, folded, as_floats(octet_out), as_floats(armnn));
    std::printf("[ figure ] Arm NN %s (float32-folded) on %s: %s; task: %s\n", file.c_str(),
                photo.name.c_str(), as_is.summary().c_str(), q.summary().c_str());
    if (cleared > 0) {
      std::printf("[ figure ]   same with %d RESIZE_BILINEAR half_pixel_centers cleared: %s\n",
                  cleared, same_op.summary().c_str());
    }
    // Float sums in another order drift with depth: measured 1e-6 on the
    // face and hand files, 1e-4..7.5e-4 on the pose files' heatmap and mask
    // outputs (300 ops). A semantic difference (the flag itself) shows as
    // 0.1..1 here, so 1e-3 still tells the two apart.
    EXPECT_LE(same_op.max_diff, 1e-3) << same_op.summary();
  }
}

// int8 MediaPipe files (`octet quantize --mode int8 --estimator minmax --io
// int8`, calibrated on calibration_photos()) that Arm NN 20.08 refuses: the
// op and why, as measured on the first run with the quantizer merged.
const std::map<std::string, std::pair<std::string, std::string>> kInt8Rejections = {
    // Its TfLiteParser has no DEPTH_TO_SPACE (the float file stops earlier, at DENSIFY).
    {"face_detection_full_range_sparse.tflite",
     {"DEPTH_TO_SPACE", "the 20.08 parser has no DEPTH_TO_SPACE"}},
    // The process aborts in LayerSupportRules.hpp (GetBiasTypeFromWeightsType): the hand
    // files' FULLY_CONNECTED heads have per-channel int8 weights, which Arm NN 20.08
    // cannot take (pinned down by the one-op case fully_connected_per_channel).
    {"hand_landmark_full.tflite", {"GetBiasTypeFromWeightsType", "aborts on a layer's int8 weights"}},
    {"hand_landmark_lite.tflite", {"GetBiasTypeFromWeightsType", "aborts on a layer's int8 weights"}},
    // TRANSPOSE_CONV with its bias as a 4th input (what Convolution2DTransposeBias
    // becomes): the 20.08 parser takes exactly 3 inputs.
    {"selfie_segmentation.tflite", {"TRANSPOSE_CONV", "the 20.08 parser takes no TRANSPOSE_CONV bias"}},
    {"selfie_segmentation_landscape.tflite",
     {"TRANSPOSE_CONV", "the 20.08 parser takes no TRANSPOSE_CONV bias"}},
};

// Op by op: Arm NN runs the file with every op output exposed, then each op
// runs alone in octet on Arm NN's own inputs to it. Whole-model outputs
// differ by up to 255 LSB; this says where that comes from. CpuRef computes
// quantized ops by dequantizing to float, computing in float and quantizing
// back, so its integers may differ from TFLite's fixed-point arithmetic by a
// unit; and its int8 PAD writes code 0 where TFLite writes the zero point
// (ArmnnOneOp.Int8PadFillsWithCodeZeroNotTheZeroPoint) — except where its
// optimizer folds a PAD into the CONV_2D after it, which then pads with the
// zero point: such a convolution is fed octet's own PAD output (the exposed
// PAD layer still shows code 0). Anything else fails.
constexpr double kCpuRefFloatLsb = 1;

void expect_layerwise_agreement(const Model& model, const NpyArray& input, const std::filesystem::path& dir) {
  std::vector<int32_t> exposed;
  const Model all = with_every_op_output(model, exposed);
  std::filesystem::create_directories(dir);
  save_model(all, dir / "exposed.tflite");
  const auto values = run_armnn_arrays(dir / "exposed.tflite", {input}, dir);
  ASSERT_EQ(values.size(), exposed.size());
  std::map<int32_t, NpyArray> value;
  value[model.main().inputs[0]] = input;
  for (size_t k = 0; k < exposed.size(); ++k) value[exposed[k]] = values[k];
  const Graph& g = model.main();
  size_t identical = 0, within = 0, pads = 0, folded = 0;
  std::map<std::string, double> worst_by_op;
  std::map<int32_t, NpyArray> octet_pad;  // octet's PAD outputs (on Arm NN's inputs)
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const Op& op = g.ops[i];
    std::vector<int32_t> fed;
    const Model alone = one_op_model_of(model, op, fed);
    std::vector<NpyArray> ins;
    const bool after_pad = op.code.builtin == BuiltinOp::Conv2d && octet_pad.count(op.inputs[0]);
    for (int32_t t : fed) ins.push_back(after_pad && t == op.inputs[0] ? octet_pad.at(t) : value.at(t));
    folded += after_pad;
    const auto ours = run_octet(alone, ins);
    if (op.code.builtin == BuiltinOp::Pad) octet_pad[op.outputs[0]] = ours[0];
    const NpyArray& theirs = value.at(op.outputs[0]);
    const RuntimeDiff d = diff_outputs(ours, {theirs});
    const std::string name(builtin_op_name(op.code.builtin));
    worst_by_op[name] = std::max(worst_by_op[name], d.max_diff);
    if (d.differing == 0) {
      ++identical;
    } else if (op.code.builtin == BuiltinOp::Pad && theirs.dtype == DType::Int8) {
      // Every difference: code 0 in Arm NN where octet wrote the zero point.
      const auto zp = static_cast<int8_t>(g.tensors[op.outputs[0]].quant.zero_point.at(0));
      const auto* a = reinterpret_cast<const int8_t*>(ours[0].data.data());
      const auto* b = reinterpret_cast<const int8_t*>(theirs.data.data());
      size_t unexplained = 0;
      for (size_t e = 0; e < ours[0].data.size(); ++e) unexplained += a[e] != b[e] && !(a[e] == zp && b[e] == 0);
      EXPECT_EQ(unexplained, 0u) << "op " << i << " PAD";
      ++pads;
    } else {
      EXPECT_LE(d.max_diff, kCpuRefFloatLsb) << "op " << i << " " << name << " '"
                                             << g.tensors[op.outputs[0]].name << "': " << d.summary();
      ++within;
    }
  }
  std::string worst;
  for (const auto& [name, lsb] : worst_by_op)
    if (lsb > 0) worst += fmt::format(" {} {}", name, lsb);
  std::printf("[ figure ]   op by op: %zu identical, %zu within %g LSB (CpuRef computes in float), %zu PAD "
              "with code 0 padding, %zu CONV_2D with a folded PAD; worst per op type:%s\n",
              identical, within, kCpuRefFloatLsb, pads, folded, worst.c_str());
}

TEST(ArmnnMediaPipeSlow, Int8ModelsAgreeWithOctet) {
  SKIP_WITHOUT_ARMNN();
  if (mediapipe_models().empty()) GTEST_SKIP() << "MediaPipe models missing: run scripts/setup.sh";
  if (!quantize_cli_available()) GTEST_SKIP() << "octet has no quantize subcommand yet";
  const Photo photo = evaluation_photos().front();
  const auto dir = temp_dir("armnn_int8");
  for (const auto& path : mediapipe_models()) {
    const std::string file = path.filename().string();
    SCOPED_TRACE(file);
    const MediaPipeSpec& spec = mediapipe_spec(file);
    const Model float_model = load_model(path);
    std::vector<std::vector<float>> calibration;
    for (const Photo& p : calibration_photos()) {
      calibration.push_back(photo_input(float_model, spec, p));
    }
    const Tensor& in = float_model.main().tensors[float_model.main().inputs[0]];
    const auto data = dir / (path.stem().string() + "_data");
    write_calibration_data(data, {in.shape.begin(), in.shape.end()}, calibration);
    const auto int8_path = dir / (path.stem().string() + "_int8.tflite");
    quantize_int8(path, int8_path, data, "minmax", "int8");
    const Model model = load_model(int8_path);
    const auto photo_values = photo_input(float_model, spec, photo);
    const NpyArray input = input_from_floats(model, photo_values);
    // What quantization costs this file on the photo (hands and pose have
    // no bound here: landmark drift and cosine are reported).
    const Quality q = compare_quality(spec, float_model, run_float_io(float_model, photo_values),
                                      run_float_io(model, photo_values));
    std::printf("[ figure ] int8 (minmax, int8 I/O) %s vs float on %s: %s\n", file.c_str(),
                photo.name.c_str(), q.summary().c_str());

    std::vector<NpyArray> armnn;
    std::string rejected;
    try {
      armnn = run_armnn_arrays(int8_path, {input}, dir / path.stem());
    } catch (const Error& e) {
      rejected = e.what();
    }
    auto expected = kInt8Rejections.find(file);
    if (!rejected.empty()) {
      std::printf("[ figure ] Arm NN %s (int8): rejected: %s\n", file.c_str(), rejected.c_str());
      EXPECT_NE(expected, kInt8Rejections.end()) << "new rejection: " << rejected;
      if (expected != kInt8Rejections.end()) {
        EXPECT_NE(rejected.find(expected->second.first), std::string::npos) << rejected;
      }
      continue;
    }
    EXPECT_EQ(expected, kInt8Rejections.end()) << "Arm NN now accepts it";
    const RuntimeDiff as_is = diff_outputs(run_octet(model, {input}), armnn);
    int cleared = 0;
    const Model flagless = without_half_pixel_centers(model, &cleared);
    const RuntimeDiff same_op = diff_outputs(run_octet(flagless, {input}), armnn);
    std::printf("[ figure ] Arm NN %s (int8) on %s: %s\n", file.c_str(), photo.name.c_str(),
                as_is.summary().c_str());
    if (cleared > 0) {
      std::printf("[ figure ]   same with %d RESIZE_BILINEAR half_pixel_centers cleared: %s\n",
                  cleared, same_op.summary().c_str());
    }
    EXPECT_TRUE(same_op.integer);
    expect_layerwise_agreement(flagless, input, dir / (path.stem().string() + "_layers"));
  }
}

}  // namespace
}  // namespace octet::testing
