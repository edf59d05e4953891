// The quantizer's modes and overrides on small built graphs and on the
// MediaPipe models: 16x8 (int16 activations, int8 weights, int64 biases),
// dynamic-range (int8 weights only), int16 and float islands in an int8
// model, the rules for constants read by parameter-copying ops, and recipes
// as JSON.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "calib/calibrate.h"
#include "octet/builder.h"
#include "octet/interpreter.h"
#include "octet/quantize.h"
#include "support/test_data.h"

namespace octet {
namespace {

calib::Stats random_stats(const Model& prepared, size_t samples = 4) {
  calib::RandomDataOptions o;
  o.samples = samples;
  o.seed = 3;
  auto data = calib::random_data(prepared, o);
  return calib::calibrate(prepared, *data);
}

// x [1,8] → FC (4 units, bias) → LOGISTIC → MUL by x2 [1,4] → output.
Model small_model() {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 8});
  const int32_t x2 = b.add_input("x2", DType::Float32, {1, 4});
  std::vector<float> w(32), bias(4);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (float& v : w) v = u(rng);
  for (float& v : bias) v = u(rng);
  const int32_t wt = b.add_constant("w", {4, 8}, w);
  const int32_t bt = b.add_constant("b", {4}, bias);
  const int32_t fc = b.add_tensor("fc", DType::Float32, {1, 4});
  const int32_t sig = b.add_tensor("sig", DType::Float32, {1, 4});
  const int32_t out = b.add_tensor("out", DType::Float32, {1, 4});
  b.add_op(BuiltinOp::FullyConnected, {x, wt, bt}, {fc});
  b.add_op(BuiltinOp::Logistic, {fc}, {sig});
  b.add_op(BuiltinOp::Mul, {sig, x2}, {out});
  b.mark_output(out);
  return m;
}

const Tensor& named(const Model& m, const std::string& name) {
  for (const Tensor& t : m.main().tensors)
    if (t.name == name) return t;
  throw std::runtime_error("no tensor " + name);
}

const Op& producer_of(const Model& m, const std::string& name) {
  const Graph& g = m.main();
  for (const Op& op : g.ops)
    for (int32_t t : op.outputs)
      if (t >= 0 && g.tensors[t].name == name) return op;
  throw std::runtime_error("no producer of " + name);
}

TEST(QuantizeModes, Int16x8GivesInt16ActivationsInt8WeightsInt64Bias) {
  const Model m = small_model();
  quant::Recipe recipe;
  recipe.mode = quant::Mode::Int16x8;
  const Model q = quant::quantize_model(m, random_stats(m), recipe);
  for (const char* name : {"fc", "sig", "x/int16"}) {
    EXPECT_EQ(named(q, name).dtype, DType::Int16) << name;
    EXPECT_EQ(named(q, name).quant.zero_point.at(0), 0) << name;
  }
  EXPECT_EQ(named(q, "sig").quant.scale.at(0), 1.f / 32768);
  EXPECT_EQ(named(q, "w/q").dtype, DType::Int8);
  EXPECT_EQ(named(q, "b/q").dtype, DType::Int64);
  EXPECT_EQ(named(q, "out").dtype, DType::Float32);  // float I/O: DEQUANTIZE at the edge
  Interpreter interpreter(q);
  interpreter.invoke();
}

TEST(QuantizeModes, DynamicRangeQuantizesWeightsOnly) {
  const Model m = small_model();
  quant::Recipe recipe;
  recipe.mode = quant::Mode::Dynamic;
  quant::Report report;
  const Model q = quant::quantize_model(m, {}, recipe, &report);
  EXPECT_EQ(report.integer_ops, 1u);
  EXPECT_EQ(named(q, "w/q").dtype, DType::Int8);
  EXPECT_EQ(named(q, "w/q").quant.scale.size(), 4u);  // per output channel
  for (const char* name : {"fc", "sig", "out", "b"}) EXPECT_EQ(named(q, name).dtype, DType::Float32) << name;
  const auto* fc = producer_of(q, "fc").options.get<opt::FullyConnected>();
  ASSERT_NE(fc, nullptr);
  EXPECT_TRUE(fc->asymmetric_quantize_inputs);
  Interpreter interpreter(q);
  interpreter.invoke();
}

TEST(QuantizeModes, Int16AndFloatIslandsInAnInt8Model) {
  const Model m = small_model();
  quant::Recipe recipe;
  recipe.int16 = {"si*"};     // LOGISTIC by the name of its output
  recipe.keep_float = {"#2"}; // MUL by its op index
  quant::Report report;
  const Model q = quant::quantize_model(m, random_stats(m), recipe, &report);
  EXPECT_EQ(named(q, "fc").dtype, DType::Int8);
  EXPECT_EQ(named(q, "sig").dtype, DType::Int16);
  EXPECT_EQ(named(q, "out").dtype, DType::Float32);
  ASSERT_EQ(report.kept_float.size(), 1u);
  EXPECT_NE(report.kept_float[0].find("op 2 (MUL)"), std::string::npos) << report.kept_float[0];
  // int8 → int16 before LOGISTIC, int16 → float before MUL.
  EXPECT_EQ(named(q, "fc/int16").dtype, DType::Int16);
  EXPECT_EQ(producer_of(q, "fc/int16").code.builtin, BuiltinOp::Quantize);
  EXPECT_EQ(producer_of(q, "sig/float").code.builtin, BuiltinOp::Dequantize);
  Interpreter interpreter(q);
  interpreter.invoke();
}

// GATHER copies codes: its output must carry the table's parameters, so a
// row read back dequantizes to the table's value within half a step.
TEST(QuantizeModes, GatherFromATableKeepsTheTablesParameters) {
  Model m;
  GraphBuilder b(m);
  const int32_t ids = b.add_input("ids", DType::Int32, {3});
  std::vector<float> table = {-2.f, 0.5f, 1.f, 7.f, 3.f, -0.25f, 0.f, 4.f};  // [4, 2]
  const int32_t t = b.add_constant("table", {4, 2}, table);
  const int32_t rows = b.add_tensor("rows", DType::Float32, {3, 2});
  b.add_op(BuiltinOp::Gather, {t, ids}, {rows});
  b.mark_output(rows);
  calib::Stats stats;
  stats.model = "gather";
  stats.tensors["rows"].name = "rows";
  stats.tensors["rows"].count = 6;
  stats.tensors["rows"].min = -0.1;  // a range unlike the table's: must not be used
  stats.tensors["rows"].max = 0.1;
  stats.tensors["rows"].histogram = calib::Histogram(-0.1, 0.1);
  const Model q = quant::quantize_model(m, stats, {});
  EXPECT_EQ(named(q, "rows/int8").quant, named(q, "table/q").quant);
  Interpreter interpreter(q);
  const std::vector<int32_t> pick = {3, 0, 2};
  interpreter.set_input(0, std::as_bytes(std::span(pick)));
  interpreter.invoke();
  std::vector<float> out(6);
  std::memcpy(out.data(), interpreter.output_data(0).data(), 24);
  const float step = named(q, "table/q").quant.scale.at(0);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 2; ++c)
      EXPECT_NEAR(out[r * 2 + c], table[pick[r] * 2 + c], step / 2 + 1e-6) << r << "," << c;
}

// MINIMUM compares codes: both inputs and the output share parameters.
TEST(QuantizeModes, MinimumInputsShareTheOutputsParameters) {
  Model m;
  GraphBuilder b(m);
  const int32_t x = b.add_input("x", DType::Float32, {1, 6});
  const int32_t y = b.add_input("y", DType::Float32, {1, 6});
  const int32_t xs = b.add_tensor("x_scaled", DType::Float32, {1, 6});
  const int32_t c = b.add_constant("three", {1}, std::vector<float>{3.f});
  b.add_op(BuiltinOp::Mul, {x, c}, {xs});
  const int32_t mn = b.add_tensor("min", DType::Float32, {1, 6});
  b.add_op(BuiltinOp::Minimum, {xs, y}, {mn});
  b.mark_output(mn);
  const Model q = quant::quantize_model(m, random_stats(m), {});
  const Op& op = producer_of(q, "min/int8");
  const Graph& g = q.main();
  for (int32_t t : op.inputs) EXPECT_EQ(g.tensors[t].quant, named(q, "min/int8").quant) << g.tensors[t].name;
  Interpreter interpreter(q);
  interpreter.invoke();
}

TEST(QuantizeRecipe, RoundTripsThroughJson) {
  quant::Recipe r;
  r.mode = quant::Mode::Int16x8;
  r.estimator.estimator = calib::Estimator::Percentile;
  r.estimator.percentile = 99.9;
  r.per_channel = false;
  r.integer_io = true;
  r.keep_float = {"decoder/*", "#7"};
  r.int16 = {"*/softmax"};
  const auto path = testing::temp_dir("recipe") / "r.json";
  quant::save_recipe(r, path.string());
  const quant::Recipe back = quant::load_recipe(path.string());
  EXPECT_EQ(back.mode, r.mode);
  EXPECT_EQ(back.estimator.estimator, r.estimator.estimator);
  EXPECT_EQ(back.estimator.percentile, r.estimator.percentile);
  EXPECT_EQ(back.per_channel, r.per_channel);
  EXPECT_EQ(back.integer_io, r.integer_io);
  EXPECT_EQ(back.keep_float, r.keep_float);
  EXPECT_EQ(back.int16, r.int16);
}

TEST(QuantizeRecipe, BadFilesNameTheProblem) {
  const auto dir = testing::temp_dir("recipe_bad");
  auto expect_error = [&](const std::string& text, const std::string& needle) {
    const auto path = dir / "r.json";
    std::ofstream(path) << text;
    try {
      quant::load_recipe(path.string());
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(needle), std::string::npos) << what;
      EXPECT_NE(what.find("r.json"), std::string::npos) << what;
    }
  };
  expect_error("{\"mode\": \"int4\"}", "int4");
  expect_error("{\"mdoe\": \"int8\"}", "unknown key \"mdoe\"");
  expect_error("{\"keep_float\": \"x\"}", "list of strings");
  expect_error("{\"estimator\": \"median\"}", "median");
  expect_error("{\"percentile\": 20}", "percentile");
  expect_error("[1, 2]", "JSON object");
  expect_error("{\"mode\": ", "not valid JSON");
  EXPECT_THROW(quant::load_recipe((dir / "missing.json").string()), Error);
}

bool has_float_activation(const Graph& g, const Op& op) {
  for (int32_t t : op.outputs) if (t >= 0 && g.tensors[t].dtype == DType::Float32) return true;
  return false;
}

TEST(QuantizeModes, MediaPipeModelsIn16x8AndDynamicRange) {
  const auto models = testing::mediapipe_models();
  if (models.empty()) GTEST_SKIP() << "MediaPipe models not fetched";
  for (const auto& path : models) {
    SCOPED_TRACE(path.filename().string());
    const Model original = load_model(path);
    const Model prepared = quant::prepare_for_quantization(original);
    const calib::Stats stats = random_stats(prepared, 2);
    quant::Recipe recipe;
    recipe.mode = quant::Mode::Int16x8;
    recipe.integer_io = true;
    quant::Report report;
    const Model q16 = quant::quantize_model(original, stats, recipe, &report);
    // Only ops LiteRT has no int16 kernel for stay float, and they say so.
    for (const std::string& why : report.kept_float)
      EXPECT_NE(why.find("no int16 kernel"), std::string::npos) << why;
    size_t int16_ops = 0;
    for (const Op& op : q16.main().ops) {
      const Graph& g = q16.main();
      if (op.code.builtin == BuiltinOp::Quantize || op.code.builtin == BuiltinOp::Dequantize) continue;
      if (has_float_activation(g, op)) continue;
      ++int16_ops;
      for (int32_t t : op.outputs) EXPECT_EQ(g.tensors[t].dtype, DType::Int16) << g.tensors[t].name;
    }
    EXPECT_GT(int16_ops, report.kept_float.size());
    Interpreter(q16).invoke();

    recipe = {};
    recipe.mode = quant::Mode::Dynamic;
    const Model qd = quant::quantize_model(original, {}, recipe, &report);
    size_t hybrid = 0;
    for (const Op& op : qd.main().ops) {
      const Graph& g = qd.main();
      for (int32_t t : op.outputs) EXPECT_EQ(g.tensors[t].dtype, DType::Float32) << g.tensors[t].name;
      if (op.inputs.size() > 1 && op.inputs[1] >= 0 && g.tensors[op.inputs[1]].dtype == DType::Int8) ++hybrid;
    }
    EXPECT_EQ(hybrid, report.integer_ops);
    EXPECT_GT(hybrid, 0u);
    Interpreter(qd).invoke();
  }
}

}  // namespace
}  // namespace octet
