// Writes a few small models made with GraphBuilder into a folder, as fuzz
// seeds: together they reach the parts of the format the loader reads
// (quantization, per-channel scales, sparsity, several subgraphs, custom ops,
// signatures, metadata, options tables with vectors and floats) in a few
// hundred bytes each. Usage: make_fuzz_seeds <folder>
#include <cstdio>
#include <filesystem>

#include "octet/builder.h"
#include "octet/model.h"

namespace {

using namespace octet;

QuantParams quant(std::vector<float> scale, std::vector<int64_t> zero_point) {
  QuantParams q;
  q.scale = std::move(scale);
  q.zero_point = std::move(zero_point);
  return q;
}

Model dense() {
  Model m;
  GraphBuilder g(m);
  const int32_t x = g.add_input("x", DType::Float32, {1, 4});
  const int32_t w = g.add_constant<float>("w", {3, 4}, std::vector<float>(12, 0.25f));
  const int32_t b = g.add_constant<float>("b", {3}, {1.f, 2.f, 3.f});
  const int32_t h = g.add_tensor("h", DType::Float32, {1, 3});
  const int32_t y = g.add_tensor("y", DType::Float32, {1, 3});
  g.add_op(BuiltinOp::FullyConnected, {x, w, b}, {h});
  g.add_op(BuiltinOp::Relu, {h}, {y});
  g.mark_output(y);
  m.signatures.push_back({"serving_default", 0, {{"x", x}}, {{"y", y}}});
  m.buffers.push_back(Buffer::copy_of(std::as_bytes(std::span("seed", 4))));
  m.metadata.push_back({"note", static_cast<int32_t>(m.buffers.size() - 1)});
  m.description = "fuzz seed";
  return m;
}

Model quantized() {
  Model m;
  GraphBuilder g(m);
  QuantParams act = quant({0.5f}, {-1});
  act.min = {-64.f};
  act.max = {63.5f};
  const int32_t x = g.add_input("x", DType::Int8, {1, 5, 5, 2}, act);
  const int32_t w = g.add_constant<int8_t>("w", {3, 3, 3, 2}, std::vector<int8_t>(54, 7),
                                           quant({0.1f, 0.2f, 0.3f}, {0, 0, 0}));
  const int32_t b = g.add_constant<int32_t>("b", {3}, {10, -20, 30},
                                            quant({0.05f, 0.1f, 0.15f}, {0, 0, 0}));
  const int32_t c = g.add_tensor("conv", DType::Int8, {1, 3, 3, 3}, act);
  g.add_op(BuiltinOp::Conv2d, {x, w, b}, {c},
           opt::Conv2D{Padding::Valid, 1, 1, Activation::Relu, 1, 1, DType::Float32});
  const int32_t p = g.add_tensor("pool", DType::Int8, {1, 1, 1, 3}, act);
  g.add_op(BuiltinOp::MaxPool2d, {c}, {p}, opt::Pool2D{Padding::Valid, 3, 3, 3, 3, Activation::None});
  const int32_t shape = g.add_constant<int32_t>("shape", {2}, {1, 3});
  const int32_t r = g.add_tensor("flat", DType::Int8, {1, 3}, act);
  g.add_op(BuiltinOp::Reshape, {p, shape}, {r}, opt::Reshape{{1, 3}, true});
  const int32_t f = g.add_tensor("float", DType::Float32, {1, 3});
  g.add_op(BuiltinOp::Dequantize, {r}, {f});
  const int32_t y = g.add_tensor("probs", DType::Float32, {1, 3});
  g.add_op(BuiltinOp::Softmax, {f}, {y}, opt::Softmax{1.f});
  g.mark_output(y);
  return m;
}

// w [3,4] stored row-major with CSR columns: rows hold {0}, {2}, {1, 3}.
Model sparse() {
  Model m = dense();
  Sparsity sp;
  sp.traversal_order = {0, 1};
  DimensionMetadata rows{DimensionMetadata::Format::Dense, 3, {}, {}, 0, 0};
  DimensionMetadata cols{DimensionMetadata::Format::SparseCsr, 0, {0, 1, 2, 4}, {0, 2, 1, 3}, 1, 3};
  sp.dim_metadata = {rows, cols};
  m.main().tensors[1].sparsity = sp;
  const std::vector<float> values{1.f, 2.f, 3.f, 4.f};
  m.buffers[1] = Buffer::copy_of(std::as_bytes(std::span(values)));
  return m;
}

Model graphs() {
  Model m;
  GraphBuilder g(m);
  const int32_t a = g.add_input("a", DType::Float32, {1, 2, 3});
  const int32_t b = g.add_input("b", DType::Float32, {1, 2, 3});
  const int32_t c = g.add_tensor("cat", DType::Float32, {1, 4, 3});
  g.add_op(BuiltinOp::Concatenation, {a, b}, {c}, opt::Concatenation{1, Activation::None});
  const int32_t begin = g.add_constant<int32_t>("begin", {3}, {0, 1, 0});
  const int32_t end = g.add_constant<int32_t>("end", {3}, {1, 2, 3});
  const int32_t strides = g.add_constant<int32_t>("strides", {3}, {1, 1, 1});
  const int32_t s = g.add_tensor("slice", DType::Float32, {1, 1, 3});
  g.add_op(BuiltinOp::StridedSlice, {c, begin, end, strides}, {s}, opt::StridedSlice{0, 0, 0, 0, 0, false});
  const int32_t q = g.add_tensor("squeezed", DType::Float32, {3});
  g.add_op(BuiltinOp::Squeeze, {s}, {q}, opt::Squeeze{{0, 1}});
  const int32_t l = g.add_tensor("leaky", DType::Float32, {3});
  g.add_op(BuiltinOp::LeakyRelu, {q}, {l}, opt::LeakyRelu{0.2f});
  const int32_t y = g.add_tensor("custom_out", DType::Float32, {3});
  g.add_custom_op("SeedCustom", {l, -1}, {y}, {1, 2, 3, 4});
  g.mark_output(y);

  GraphBuilder g1(m, 1);
  const int32_t u = g1.add_input("u", DType::Int32, {4});
  const int32_t v = g1.add_constant<int32_t>("v", {4}, {1, 2, 3, 4});
  const int32_t sum = g1.add_tensor("sum", DType::Int32, {4});
  g1.add_op(BuiltinOp::Add, {u, v}, {sum});
  const int32_t cmp = g1.add_tensor("cmp", DType::Bool, {4});
  g1.add_op(BuiltinOp::Less, {sum, v}, {cmp});
  g1.mark_output(cmp);
  m.subgraphs[1].name = "second";
  m.signatures.push_back({"main", 0, {{"a", a}, {"b", b}}, {{"y", y}}});
  m.signatures.push_back({"second", 1, {{"u", u}}, {{"cmp", cmp}}});
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <folder>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  try {
    save_model(dense(), dir / "builder_dense.tflite");
    save_model(quantized(), dir / "builder_quantized.tflite");
    save_model(sparse(), dir / "builder_sparse.tflite");
    save_model(graphs(), dir / "builder_graphs.tflite");
  } catch (const octet::Error& e) {
    std::fprintf(stderr, "make_fuzz_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
