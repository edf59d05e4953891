// DENSIFY on hand-built sparse constants. The harness cannot attach sparsity
// to a tensor, so these tests build the views themselves.
#include <cstring>

#include "movement_test_util.h"

namespace octet::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using Format = DimensionMetadata::Format;
using namespace octet::kernels;

DimensionMetadata dense(int32_t size) {
  DimensionMetadata m;
  m.format = Format::Dense;
  m.dense_size = size;
  return m;
}
DimensionMetadata csr(std::vector<int32_t> segments, std::vector<int32_t> indices) {
  DimensionMetadata m;
  m.format = Format::SparseCsr;
  m.array_segments = std::move(segments);
  m.array_indices = std::move(indices);
  return m;
}

// Runs DENSIFY on `values` (the stored values) with `sparsity` and dense `shape`.
template <class T>
HostTensor densify(DType dtype, std::vector<int32_t> shape, std::optional<Sparsity> sparsity,
                   std::vector<T> values, DType out_dtype) {
  Op op = op_of(BuiltinOp::Densify);
  const KernelFactory factory = builtin_registry().find(op.code);
  EXPECT_NE(factory, nullptr);
  std::unique_ptr<Kernel> kernel = factory(op);

  Tensor in_t, out_t;
  in_t.name = "sparse_weights";
  in_t.dtype = dtype;
  in_t.shape = shape;
  in_t.sparsity = std::move(sparsity);
  out_t.name = "dense_weights";
  out_t.dtype = out_dtype;
  std::vector<TensorView> ins = {TensorView{
      dtype, in_t.shape, reinterpret_cast<std::byte*>(values.data()), &in_t.quant, &in_t, 0}};
  std::vector<TensorView> outs = {TensorView{out_dtype, {}, nullptr, &out_t.quant, &out_t, 1}};
  PrepareContext ctx(op, ins, outs, "test op (DENSIFY)");
  kernel->prepare(ctx);

  HostTensor result;
  result.dtype = out_dtype;
  result.shape = ctx.output_shape(0);
  result.bytes.assign(static_cast<size_t>(count_of(result.shape)) * dtype_size(out_dtype),
                      std::byte{0x7f});
  outs[0].shape = result.shape;
  outs[0].data = result.bytes.data();
  std::vector<std::byte> scratch(ctx.scratch_bytes());
  kernel->eval(EvalContext{ins, outs, scratch});
  return result;
}

// A 4x4 matrix in 2x2 blocks; block (0,0) and block (1,1) are stored.
//   [1 2 0 0]
//   [3 4 0 0]
//   [0 0 0 0]
//   [0 0 5 6]
Sparsity block_sparsity() {
  Sparsity s;
  s.traversal_order = {0, 1, 2, 3};
  s.block_map = {0, 1};
  s.dim_metadata = {dense(2), csr({0, 1, 2}, {0, 1}), dense(2), dense(2)};
  return s;
}

TEST(Densify, BlockSparseFloat32) {
  const HostTensor out = densify<float>(DType::Float32, {4, 4}, block_sparsity(),
                                        {1, 2, 3, 4, 0, 0, 5, 6}, DType::Float32);
  EXPECT_THAT(out.shape, ElementsAre(4, 4));
  EXPECT_THAT(out.values<float>(), ElementsAre(1, 2, 0, 0,  //
                                               3, 4, 0, 0,  //
                                               0, 0, 0, 0,  //
                                               0, 0, 5, 6));
}

TEST(Densify, BlockSparseFloat16CopiesBits) {
  // float16 bit patterns of 1, 2, 3, 4, 0, 0, 5, 6.
  const std::vector<uint16_t> h = {0x3C00, 0x4000, 0x4200, 0x4400, 0, 0, 0x4500, 0x4600};
  const HostTensor out =
      densify<uint16_t>(DType::Float16, {4, 4}, block_sparsity(), h, DType::Float16);
  EXPECT_THAT(out.values<uint16_t>(), ElementsAre(0x3C00, 0x4000, 0, 0, 0x4200, 0x4400, 0, 0,  //
                                                  0, 0, 0, 0, 0, 0, 0x4500, 0x4600));
}

TEST(Densify, CsrRowsWithoutBlocks) {
  // 3x4, rows CSR: row 0 has columns 1 and 3, row 1 nothing, row 2 column 0.
  Sparsity s;
  s.traversal_order = {0, 1};
  s.dim_metadata = {dense(3), csr({0, 2, 2, 3}, {1, 3, 0})};
  const HostTensor out = densify<float>(DType::Float32, {3, 4}, s, {7, 8, 9}, DType::Float32);
  EXPECT_THAT(out.values<float>(), ElementsAre(0, 7, 0, 8, 0, 0, 0, 0, 9, 0, 0, 0));
}

TEST(Densify, ColumnMajorTraversal) {
  // traversal_order [1, 0]: the outer level walks columns.
  Sparsity s;
  s.traversal_order = {1, 0};
  s.dim_metadata = {dense(3), csr({0, 1, 1, 3}, {1, 0, 1})};
  const HostTensor out = densify<int8_t>(DType::Int8, {2, 3}, s, {10, 20, 30}, DType::Int8);
  // Column 0 has row 1; column 2 has rows 0 and 1.
  EXPECT_THAT(out.values<int8_t>(), ElementsAre(0, 0, 20, 10, 0, 30));
}

TEST(Densify, Errors) {
  Sparsity bad = block_sparsity();
  bad.dim_metadata[1].array_indices = {0, 2};  // block column 2 of a 2-block-wide matrix
  expect_error(
      [&] {
        densify<float>(DType::Float32, {4, 4}, bad, std::vector<float>(8), DType::Float32);
      },
      "lands at index 4 of dimension 1 (size 4)");
  expect_error(
      [] {
        densify<float>(DType::Float32, {4, 4}, std::nullopt, std::vector<float>(16),
                       DType::Float32);
      },
      "tensor 0 'sparse_weights' has no sparsity parameters");
  Sparsity short_meta = block_sparsity();
  short_meta.dim_metadata.pop_back();
  expect_error(
      [&] {
        densify<float>(DType::Float32, {4, 4}, short_meta, std::vector<float>(8), DType::Float32);
      },
      "do not agree");
  expect_error(
      [] {
        densify<float>(DType::Float32, {4, 4}, block_sparsity(), std::vector<float>(8),
                       DType::Float16);
      },
      "expected float32");
}

}  // namespace
}  // namespace octet::testing
