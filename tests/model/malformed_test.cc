// Malformed .tflite inputs: each case breaks one rule and must be refused by
// load_model_from_bytes and by load_model (the same bytes as a file) with an
// octet::Error whose message is one line and names what was wrong and where.
// Cases are made two ways: by editing a valid builder model's IR and writing
// it without validation (raw_writer), and by damaging the bytes of a file.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "model/raw_writer.h"
#include "octet/builder.h"
#include "octet/model.h"
#include "support/test_data.h"
#include "tflite_generated.h"

namespace octet {
namespace {

using Bytes = std::vector<std::byte>;
using testing::RawEdits;
using testing::write_unchecked;

// ---------------------------------------------------------------------------
// Checking one case.

// The message of the Error load_model_from_bytes throws; "" if it loaded.
std::string bytes_error(std::span<const std::byte> bytes) {
  try {
    load_model_from_bytes(bytes, "case.tflite");
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

// The same bytes as a file on disk, through load_model (mmap).
std::string file_error(std::span<const std::byte> bytes) {
  const auto dir = testing::temp_dir("malformed");
  const auto path = dir / "case.tflite";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  std::string what;
  try {
    load_model(path);
  } catch (const Error& e) {
    what = e.what();
  }
  std::filesystem::remove_all(dir);
  return what;
}

void expect_message(const std::string& what, std::initializer_list<std::string_view> words,
                    std::string_view how) {
  SCOPED_TRACE(how);
  ASSERT_FALSE(what.empty()) << "the malformed input loaded without an error";
  EXPECT_EQ(what.find('\n'), std::string::npos) << "message is not one line: " << what;
  for (std::string_view w : words)
    EXPECT_NE(what.find(w), std::string::npos) << "message lacks '" << w << "': " << what;
}

// Both loaders refuse `bytes` with a one-line message holding every word.
void expect_rejected(std::span<const std::byte> bytes, std::initializer_list<std::string_view> words) {
  expect_message(bytes_error(bytes), words, "load_model_from_bytes");
  expect_message(file_error(bytes), words, "load_model");
}

void expect_rejected(const Model& m, std::initializer_list<std::string_view> words,
                     const RawEdits& edits = {}) {
  expect_rejected(write_unchecked(m, edits), words);
}

// ---------------------------------------------------------------------------
// Valid models the cases start from.

template <class T>
Buffer buffer_of(const std::vector<T>& values) {
  return Buffer::copy_of(std::as_bytes(std::span(values)));
}

// x[1,4] → FULLY_CONNECTED(w[3,4], b[3]) → h[1,3] → RELU → y[1,3], with a
// signature and a metadata buffer. Tensors 0..4 = x, w, b, h, y; buffers
// 1, 2 = w, b; buffer 3 = metadata.
enum { kX = 0, kW = 1, kB = 2, kH = 3, kY = 4 };

Model fc_model() {
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
  m.buffers.push_back(Buffer::copy_of(std::as_bytes(std::span("note text", 9))));
  m.metadata.push_back({"note", 3});
  return m;
}

// fc_model with w int8, per-channel on dimension 0 (3 channels).
Model quantized_fc_model() {
  Model m = fc_model();
  Tensor& w = m.main().tensors[kW];
  w.dtype = DType::Int8;
  w.quant.scale = {0.1f, 0.2f, 0.3f};
  w.quant.zero_point = {0, 0, 0};
  w.quant.quantized_dimension = 0;
  m.buffers[1] = buffer_of(std::vector<int8_t>(12, 3));
  return m;
}

// fc_model with w stored sparse: row-major, dimension 1 CSR. Rows hold
// columns {0}, {2}, {1, 3}: 4 values.
Model sparse_fc_model() {
  Model m = fc_model();
  Sparsity sp;
  sp.traversal_order = {0, 1};
  DimensionMetadata rows;
  rows.format = DimensionMetadata::Format::Dense;
  rows.dense_size = 3;
  DimensionMetadata cols;
  cols.format = DimensionMetadata::Format::SparseCsr;
  cols.array_segments = {0, 1, 2, 4};
  cols.array_indices = {0, 2, 1, 3};
  cols.segments_type = static_cast<uint8_t>(fb::SparseIndexVector::Int32Vector);
  cols.indices_type = static_cast<uint8_t>(fb::SparseIndexVector::Uint8Vector);
  sp.dim_metadata = {rows, cols};
  m.main().tensors[kW].sparsity = sp;
  m.buffers[1] = buffer_of(std::vector<float>{1.f, 2.f, 3.f, 4.f});
  return m;
}

Op make_op(BuiltinOp code, std::vector<int32_t> inputs, std::vector<int32_t> outputs) {
  Op op;
  op.code.builtin = code;
  op.inputs = std::move(inputs);
  op.outputs = std::move(outputs);
  op.options = default_options(code);
  return op;
}

// The file the byte-level cases damage: a real MediaPipe model when setup has
// fetched them, the builder model otherwise.
Bytes sample_file() {
  for (const auto& path : testing::mediapipe_models()) {
    if (path.filename() != "face_detection_short_range.tflite") continue;
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Bytes out(chars.size());
    std::memcpy(out.data(), chars.data(), chars.size());
    return out;
  }
  return serialize_model(fc_model());
}

// Flatbuffers are little-endian.
uint32_t read_u32(const Bytes& b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(b.at(at + i)) << (8 * i);
  return v;
}
void write_u32(Bytes& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b.at(at + i) = static_cast<std::byte>(v >> (8 * i));
}
size_t position_of(const Bytes& b, const void* p) {
  return static_cast<size_t>(static_cast<const std::byte*>(p) - b.data());
}

// ---------------------------------------------------------------------------
// The starting points are valid, and the raw writer writes what it is given.

TEST(Malformed, StartingModelsAreValidAndRawWriterIsFaithful) {
  for (const Model& m : {fc_model(), quantized_fc_model(), sparse_fc_model()}) {
    const Bytes raw = write_unchecked(m);
    EXPECT_TRUE(load_model_from_bytes(raw, "raw") == m);
    EXPECT_TRUE(load_model_from_bytes(serialize_model(m), "written") == m);
  }
  EXPECT_NO_THROW(load_model_from_bytes(sample_file(), "sample"));
}

// A model read from memory without an owner does not point into that memory
// (it used to: the caller freeing its bytes left the constants dangling).
TEST(Malformed, ModelOutlivesTheBytesItWasReadFrom) {
  const Model original = fc_model();
  Bytes bytes = serialize_model(original);
  const Model m = load_model_from_bytes(bytes, "bytes");
  std::fill(bytes.begin(), bytes.end(), std::byte{0});
  bytes = Bytes();
  EXPECT_TRUE(m == original);
}

// Bytes at an odd address (with an owner, so no copy is implied) load too:
// the verifier's alignment checks are relative to the start of the bytes.
TEST(Malformed, BytesAtAnOddAddressLoad) {
  const Model original = fc_model();
  const Bytes bytes = serialize_model(original);
  auto storage = std::make_shared<Bytes>(bytes.size() + 1);
  std::memcpy(storage->data() + 1, bytes.data(), bytes.size());
  const Model m = load_model_from_bytes(std::span(*storage).subspan(1), "odd address", storage);
  EXPECT_TRUE(m == original);
}

// Found by the fuzzer: the verifier checks that a vector's length is 4-byte
// aligned, not that int64 values are 8-byte aligned. Here a tensor's
// zero_point vector starts 4 bytes into a uint32 vector; it must be read
// without a misaligned load (UBSan aborts on one in the sanitizer build).
TEST(Malformed, MisalignedInt64VectorIsReadSafely) {
  bool misaligned = false;
  for (int pad = 0; pad < 2; ++pad) {
    flatbuffers::FlatBufferBuilder fbb;
    auto words = fbb.CreateVector(std::vector<uint32_t>{1, 7, 0});  // length 1, value 7 as int64
    if (pad) fbb.Pad(4);  // moves `words` by 4 bytes in the finished buffer
    const flatbuffers::Offset<flatbuffers::Vector<int64_t>> zero_point(words.o - 4);
    auto quant = fb::CreateQuantizationParameters(fbb, 0, 0, fbb.CreateVector(std::vector<float>{0.5f}),
                                                  zero_point);
    auto tensor = fb::CreateTensor(fbb, fbb.CreateVector(std::vector<int32_t>{2}), fb::TensorType::INT8,
                                   0, fbb.CreateString("t"), quant);
    auto io = fbb.CreateVector(std::vector<int32_t>{0});
    auto sg = fb::CreateSubGraph(fbb, fbb.CreateVector(std::vector{tensor}), io, io);
    auto buffers = fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Buffer>>{fb::CreateBuffer(fbb)});
    fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, 3, 0, fbb.CreateVector(std::vector{sg}), 0, buffers));
    const Bytes b(reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()),
                  reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()) + fbb.GetSize());
    const auto* v = fb::GetModel(b.data())->subgraphs()->Get(0)->tensors()->Get(0)->quantization()->zero_point();
    if ((position_of(b, v) + 4) % 8 == 0) continue;  // aligned with this padding
    misaligned = true;
    const Model m = load_model_from_bytes(b, "misaligned");
    EXPECT_EQ(m.main().tensors[0].quant.zero_point, std::vector<int64_t>{7});
  }
  EXPECT_TRUE(misaligned);
}

// The sparse checks pass on a real sparse model (and so run on real data).
TEST(Malformed, RealSparseModelPassesSparseChecks) {
  for (const auto& path : testing::mediapipe_models()) {
    if (path.filename() != "face_detection_full_range_sparse.tflite") continue;
    const Model m = load_model(path);
    size_t sparse_constants = 0;
    for (const Tensor& t : m.main().tensors)
      if (t.sparsity && !m.data_of(t).empty()) ++sparse_constants;
    EXPECT_GT(sparse_constants, 0u);
    return;
  }
  GTEST_SKIP() << "run scripts/setup.sh to fetch the MediaPipe models";
}

// ---------------------------------------------------------------------------
// Bytes that are not a flatbuffer, or a damaged one.

TEST(Malformed, EmptyInput) {
  expect_message(bytes_error({}), {"0 bytes", "too short"}, "load_model_from_bytes");
  expect_message(file_error({}), {"case.tflite", "empty"}, "load_model");
}

TEST(Malformed, SevenBytes) {
  const Bytes b = sample_file();
  expect_rejected(std::span(b).first(7), {"7 bytes", "too short"});
}

TEST(Malformed, FileOfZeros) {
  expect_rejected(Bytes(4096, std::byte{0}), {"identifier", "TFL3"});
}

TEST(Malformed, WrongFileIdentifier) {
  Bytes b = sample_file();
  b[7] = std::byte{'2'};  // "TFL2"
  expect_rejected(b, {"identifier", "TFL3", "not a .tflite"});
}

TEST(Malformed, RandomGarbage) {
  std::mt19937 rng(7);
  for (int seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE(seed);
    Bytes b(64 + rng() % 8192);
    for (auto& x : b) x = static_cast<std::byte>(rng());
    expect_rejected(b, {"identifier"});
  }
}

TEST(Malformed, RandomGarbageWithIdentifier) {
  std::mt19937 rng(11);
  for (int seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE(seed);
    Bytes b(64 + rng() % 8192);
    for (auto& x : b) x = static_cast<std::byte>(rng());
    std::memcpy(b.data() + 4, "TFL3", 4);
    expect_rejected(b, {"malformed", "truncated or corrupted"});
  }
}

TEST(Malformed, TruncatedAtManyLengths) {
  for (const Bytes& full : {serialize_model(fc_model()), sample_file()}) {
    // Every length up to 256, then about 200 more spread over the file, up to
    // the last 16 bytes (which may be alignment padding nothing points into).
    std::vector<size_t> lengths;
    for (size_t n = 0; n < 256 && n + 16 < full.size(); ++n) lengths.push_back(n);
    for (size_t n = 256; n + 16 < full.size(); n += std::max<size_t>(1, full.size() / 200)) lengths.push_back(n);
    lengths.push_back(full.size() - 17);
    for (size_t n : lengths) {
      SCOPED_TRACE(n);
      const auto cut = std::span(full).first(n);
      if (n < 8) {
        expect_message(bytes_error(cut), {"too short"}, "load_model_from_bytes");
      } else {
        expect_message(bytes_error(cut), {"malformed", "truncated"}, "load_model_from_bytes");
      }
      if (HasFailure()) return;
    }
    // One through the file loader as well.
    expect_message(file_error(std::span(full).first(full.size() / 2)), {"malformed", "truncated"},
                   "load_model");
  }
}

TEST(Malformed, RootOffsetPastTheEnd) {
  Bytes b = sample_file();
  write_u32(b, 0, 0x7fffff00u);
  expect_rejected(b, {"malformed"});
}

TEST(Malformed, RootOffsetIntoTheHeader) {
  Bytes b = sample_file();
  write_u32(b, 0, 4);  // the root table would start at the identifier
  expect_rejected(b, {"malformed"});
}

TEST(Malformed, RootTableVtableOffsetFlipped) {
  Bytes b = sample_file();
  const uint32_t root = read_u32(b, 0);
  write_u32(b, root, read_u32(b, root) ^ 0x40000000u);
  expect_rejected(b, {"malformed"});
}

TEST(Malformed, VtableSizeCorrupted) {
  Bytes b = sample_file();
  const uint32_t root = read_u32(b, 0);
  const auto soffset = static_cast<int32_t>(read_u32(b, root));
  const size_t vtable = static_cast<size_t>(static_cast<int64_t>(root) - soffset);
  b.at(vtable) = std::byte{0xfe};  // vtable size 0xfffe: odd and past the end
  b.at(vtable + 1) = std::byte{0xff};
  expect_rejected(b, {"malformed"});
}

TEST(Malformed, VectorLengthCorrupted) {
  Bytes b = sample_file();
  const size_t at = position_of(b, fb::GetModel(b.data())->subgraphs());
  write_u32(b, at, 0x10000000u);
  expect_rejected(b, {"malformed"});
}

TEST(Malformed, StringLengthCorrupted) {
  Bytes b = sample_file();
  const auto* name = fb::GetModel(b.data())->subgraphs()->Get(0)->tensors()->Get(0)->name();
  ASSERT_NE(name, nullptr);
  write_u32(b, position_of(b, name), static_cast<uint32_t>(b.size()));
  expect_rejected(b, {"malformed"});
}

// Flipping random bytes of a valid file gives a valid file or a clean error,
// never a crash (this sweep asserts only that; the cases above name the error).
TEST(Malformed, RandomByteFlipsNeverCrash) {
  std::mt19937 rng(3);
  for (const Bytes& full : {serialize_model(fc_model()), sample_file()}) {
    for (int i = 0; i < 300; ++i) {
      Bytes b = full;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int f = 0; f < flips; ++f) {
        // Half of the flips hit the first 512 bytes, where the tables are.
        const size_t span = (rng() & 1) ? std::min<size_t>(512, b.size()) : b.size();
        b[rng() % span] ^= static_cast<std::byte>(1 + rng() % 255);
      }
      const std::string what = bytes_error(b);
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
}

// ---------------------------------------------------------------------------
// Indices out of range.

TEST(Malformed, OpInputTensorOutOfRange) {
  Model m = fc_model();
  m.main().ops[1].inputs[0] = 7;
  expect_rejected(m, {"subgraph 0, op 1 (RELU)", "input 0 refers to tensor 7", "5 tensors"});
}

TEST(Malformed, OpInputBelowMinusOne) {
  Model m = fc_model();
  m.main().ops[0].inputs[2] = -2;
  expect_rejected(m, {"op 0 (FULLY_CONNECTED)", "input 2 refers to tensor -2"});
}

TEST(Malformed, OpOutputTensorOutOfRange) {
  Model m = fc_model();
  m.main().ops[0].outputs[0] = 5;
  expect_rejected(m, {"op 0 (FULLY_CONNECTED)", "output 0 refers to tensor 5", "5 tensors"});
}

TEST(Malformed, OpOutputOmitted) {
  Model m = fc_model();
  m.main().ops[1].outputs[0] = -1;
  expect_rejected(m, {"op 1 (RELU)", "output 0 refers to tensor -1"});
}

TEST(Malformed, IntermediateTensorOutOfRange) {
  Model m = fc_model();
  m.main().ops[0].intermediates = {3, 40};
  expect_rejected(m, {"op 0 (FULLY_CONNECTED)", "intermediate 1 refers to tensor 40"});
}

TEST(Malformed, SubgraphInputOutOfRange) {
  Model m = fc_model();
  m.main().inputs[0] = 9;
  expect_rejected(m, {"subgraph 0", "input 0 refers to tensor 9", "5 tensors"});
}

TEST(Malformed, SubgraphInputNegative) {
  Model m = fc_model();
  m.main().inputs.push_back(-1);
  expect_rejected(m, {"subgraph 0", "input 1 refers to tensor -1"});
}

TEST(Malformed, SubgraphOutputOutOfRange) {
  Model m = fc_model();
  m.main().outputs[0] = 12;
  expect_rejected(m, {"subgraph 0", "output 0 refers to tensor 12"});
}

TEST(Malformed, TensorBufferIndexOutOfRange) {
  Model m = fc_model();
  m.main().tensors[kW].buffer = 9;
  expect_rejected(m, {"tensor 1 'w'", "buffer index 9 is out of range", "4 buffers"});
}

TEST(Malformed, TensorBufferIndexAboveInt32) {
  Model m = fc_model();
  m.main().tensors[kB].buffer = -5;  // written as uint32 4294967291
  expect_rejected(m, {"tensor 2 'b'", "buffer index", "out of range"});
}

TEST(Malformed, OpcodeIndexOutOfRange) {
  RawEdits e;
  e.opcode_index[1] = 5;
  expect_rejected(fc_model(), {"op 1", "opcode index 5 is out of range", "2 operator codes"}, e);
}

TEST(Malformed, UnknownBuiltinCode) {
  Model m = fc_model();
  m.main().ops[1].code.builtin = static_cast<BuiltinOp>(999);
  expect_rejected(m, {"operator code 1", "builtin code 999"});
}

TEST(Malformed, NegativeBuiltinCode) {
  Model m = fc_model();
  m.main().ops[1].code.builtin = static_cast<BuiltinOp>(-4);
  expect_rejected(m, {"operator code 1", "builtin code -4"});
}

TEST(Malformed, CustomOpWithoutName) {
  Model m = fc_model();
  m.main().ops[1].code = OpCode{BuiltinOp::Custom, "", 1};
  m.main().ops[1].options = {};
  expect_rejected(m, {"operator code 1", "custom op without a name"});
}

// ---------------------------------------------------------------------------
// Tensors: buffers, shapes, types, quantization.

TEST(Malformed, ConstantBufferTooSmall) {
  Model m = fc_model();
  m.buffers[1] = buffer_of(std::vector<float>(11, 1.f));
  expect_rejected(m, {"tensor 1 'w'", "buffer 1 is 44 bytes", "shape [3,4] float32 needs 48"});
}

TEST(Malformed, ConstantBufferTooLargeForDtype) {
  Model m = fc_model();
  m.main().tensors[kB].dtype = DType::Int8;  // 12 bytes of float data, int8 [3] needs 3
  expect_rejected(m, {"tensor 2 'b'", "buffer 2 is 12 bytes", "int8 needs 3"});
}

TEST(Malformed, NegativeDimension) {
  Model m = fc_model();
  m.main().tensors[kH].shape = {1, -3};
  expect_rejected(m, {"tensor 3 'h'", "shape [1,-3]", "negative dimension"});
}

TEST(Malformed, AbsurdShape) {
  Model m = fc_model();
  m.main().tensors[kH].shape = {65536, 65536, 65536};
  expect_rejected(m, {"tensor 3 'h'", "more than 2^40 elements"});
}

// 2^20 · 2^20 · 2^24 = 2^64: the element count wraps to 0 in uint64 unless
// the check comes before the multiplication.
TEST(Malformed, ShapeWhoseElementCountWrapsUint64) {
  Model m = fc_model();
  m.main().tensors[kH].shape = {1 << 20, 1 << 20, 1 << 24};
  expect_rejected(m, {"tensor 3 'h'", "more than 2^40 elements"});
}

TEST(Malformed, RankAbove16) {
  Model m = fc_model();
  m.main().tensors[kH].shape = std::vector<int32_t>(17, 1);
  expect_rejected(m, {"tensor 3 'h'", "rank 17"});
}

TEST(Malformed, UnknownTensorType) {
  Model m = fc_model();
  m.main().tensors[kH].dtype = static_cast<DType>(42);
  expect_rejected(m, {"tensor 3 'h'", "unknown tensor type 42"});
}

TEST(Malformed, NegativeTensorType) {
  Model m = fc_model();
  m.main().tensors[kY].dtype = static_cast<DType>(-7);
  expect_rejected(m, {"tensor 4 'y'", "unknown tensor type -7"});
}

TEST(Malformed, PerChannelScaleCountNotChannelCount) {
  Model m = quantized_fc_model();
  m.main().tensors[kW].quant.scale = {0.1f, 0.2f, 0.3f, 0.4f};
  m.main().tensors[kW].quant.zero_point = {0, 0, 0, 0};
  expect_rejected(m, {"tensor 1 'w'", "4 per-channel scales", "dimension 0 has 3 channels"});
}

TEST(Malformed, QuantizedDimensionOutOfRange) {
  Model m = quantized_fc_model();
  m.main().tensors[kW].quant.quantized_dimension = 2;
  expect_rejected(m, {"tensor 1 'w'", "quantized_dimension 2 is out of range for rank 2"});
}

TEST(Malformed, QuantizedDimensionNegative) {
  Model m = quantized_fc_model();
  m.main().tensors[kW].quant.quantized_dimension = -1;
  expect_rejected(m, {"tensor 1 'w'", "quantized_dimension -1"});
}

TEST(Malformed, ScalesAndZeroPointsCountsDiffer) {
  Model m = quantized_fc_model();
  m.main().tensors[kW].quant.zero_point = {0, 0};
  expect_rejected(m, {"tensor 1 'w'", "3 scales but 2 zero points"});
}

TEST(Malformed, ZeroPointsWithoutScales) {
  Model m = fc_model();
  m.main().tensors[kH].quant.zero_point = {4};
  expect_rejected(m, {"tensor 3 'h'", "0 scales but 1 zero points"});
}

TEST(Malformed, NegativeScale) {
  Model m = quantized_fc_model();
  m.main().tensors[kW].quant.scale[1] = -0.5f;
  expect_rejected(m, {"tensor 1 'w'", "scale -0.5", "not a finite non-negative number"});
}

TEST(Malformed, NaNScale) {
  Model m = fc_model();
  m.main().tensors[kH].quant.scale = {std::numeric_limits<float>::quiet_NaN()};
  m.main().tensors[kH].quant.zero_point = {0};
  expect_rejected(m, {"tensor 3 'h'", "scale nan", "not a finite"});
}

TEST(Malformed, InfiniteScale) {
  Model m = fc_model();
  m.main().tensors[kH].quant.scale = {std::numeric_limits<float>::infinity()};
  m.main().tensors[kH].quant.zero_point = {0};
  expect_rejected(m, {"tensor 3 'h'", "scale inf", "not a finite"});
}

TEST(Malformed, CustomQuantizationDetails) {
  RawEdits e;
  e.custom_quantization.insert(kH);
  expect_rejected(fc_model(), {"tensor 3 'h'", "custom quantization details"}, e);
}

// ---------------------------------------------------------------------------
// The graph: cycles, producers, constants, arity.

TEST(Malformed, TwoOpsFeedingEachOther) {
  Model m = fc_model();
  m.main().ops[0].inputs[0] = kY;  // FULLY_CONNECTED reads RELU's output, RELU reads FC's
  expect_rejected(m, {"op 0 (FULLY_CONNECTED)", "cycle"});
}

TEST(Malformed, OpReadsItsOwnOutput) {
  Model m = fc_model();
  m.main().ops[1].inputs[0] = kY;
  expect_rejected(m, {"op 1 (RELU)", "reads its own output tensor 4 'y'", "cycle"});
}

TEST(Malformed, TensorWrittenByTwoOps) {
  Model m = fc_model();
  m.main().ops.push_back(make_op(BuiltinOp::Relu, {kX}, {kH}));
  expect_rejected(m, {"tensor 3 'h'", "written by op 0 and by op 2"});
}

TEST(Malformed, InputNeitherConstantNorInputNorProduced) {
  Model m = fc_model();
  GraphBuilder(m).add_tensor("ghost", DType::Float32, {1, 3});
  m.main().ops[1].inputs[0] = 5;
  expect_rejected(m, {"op 1 (RELU)", "input 0 is tensor 5 'ghost'", "no op writes"});
}

TEST(Malformed, OpOutputIsAConstant) {
  Model m = fc_model();
  m.main().ops[1].outputs[0] = kB;
  expect_rejected(m, {"op 1 (RELU)", "output 0 is tensor 2 'b'", "constant"});
}

TEST(Malformed, SubgraphOutputNeverWritten) {
  Model m = fc_model();
  GraphBuilder g(m);
  g.mark_output(g.add_tensor("z", DType::Float32, {1}));
  expect_rejected(m, {"subgraph 0", "output tensor 5 'z' is never written"});
}

TEST(Malformed, AddWithOneInput) {
  Model m = fc_model();
  m.main().ops[1] = make_op(BuiltinOp::Add, {kH}, {kY});
  expect_rejected(m, {"op 1 (ADD)", "has 1 inputs, expected 2"});
}

TEST(Malformed, Conv2dWithOneInput) {
  Model m = fc_model();
  m.main().ops[0] = make_op(BuiltinOp::Conv2d, {kX}, {kH});
  expect_rejected(m, {"op 0 (CONV_2D)", "has 1 inputs, expected 2 to 3"});
}

TEST(Malformed, FullyConnectedWithFourInputs) {
  Model m = fc_model();
  m.main().ops[0].inputs.push_back(kB);
  expect_rejected(m, {"op 0 (FULLY_CONNECTED)", "has 4 inputs, expected 2 to 3"});
}

TEST(Malformed, ReluWithTwoOutputs) {
  Model m = fc_model();
  GraphBuilder(m).add_tensor("extra", DType::Float32, {1, 3});
  m.main().ops[1].outputs.push_back(5);
  expect_rejected(m, {"op 1 (RELU)", "has 2 outputs, expected 1"});
}

TEST(Malformed, RequiredInputOmitted) {
  Model m = fc_model();
  m.main().ops[0].inputs[1] = -1;
  expect_rejected(m, {"op 0 (FULLY_CONNECTED)", "required input 1 is omitted"});
}

// ---------------------------------------------------------------------------
// Model-level tables: signatures, metadata, subgraphs, buffers.

TEST(Malformed, SignatureNamesMissingSubgraph) {
  Model m = fc_model();
  m.signatures[0].subgraph = 3;
  expect_rejected(m, {"signature 'serving_default'", "refers to subgraph 3", "the model has 1"});
}

TEST(Malformed, SignatureNamesMissingTensor) {
  Model m = fc_model();
  m.signatures[0].outputs[0].tensor = 99;
  expect_rejected(m, {"signature 'serving_default'", "maps 'y' to tensor 99", "5 tensors"});
}

TEST(Malformed, MetadataBufferOutOfRange) {
  Model m = fc_model();
  m.metadata[0].buffer = 12;
  expect_rejected(m, {"metadata 0 'note'", "refers to buffer 12", "4 buffers"});
}

TEST(Malformed, NoSubgraphs) {
  Model m = fc_model();
  m.subgraphs.clear();
  m.signatures.clear();
  expect_rejected(m, {"no subgraph"});
}

TEST(Malformed, ErrorInSecondSubgraphNamesIt) {
  Model m = fc_model();
  GraphBuilder g(m, 1);
  const int32_t a = g.add_input("a", DType::Float32, {2});
  const int32_t c = g.add_tensor("c", DType::Float32, {2});
  g.add_op(BuiltinOp::Relu, {a}, {c});
  g.mark_output(c);
  m.subgraphs[1].ops[0].inputs[0] = 3;
  expect_rejected(m, {"subgraph 1, op 0 (RELU)", "input 0 refers to tensor 3", "2 tensors"});
}

TEST(Malformed, BufferOffsetOutsideTheFile) {
  RawEdits e;
  e.external_buffers.push_back({uint64_t{1} << 30, 16});
  expect_rejected(fc_model(), {"buffer 4", "16 bytes from offset 1073741824", "outside"}, e);
}

TEST(Malformed, BufferSizeRunsPastTheEnd) {
  RawEdits e;
  e.external_buffers.push_back({64, uint64_t{1} << 40});
  expect_rejected(fc_model(), {"buffer 4", "from offset 64", "outside"}, e);
}

TEST(Malformed, BufferOffsetPlusSizeWrapsUint64) {
  RawEdits e;
  e.external_buffers.push_back({64, std::numeric_limits<uint64_t>::max() - 32});
  expect_rejected(fc_model(), {"buffer 4", "from offset 64", "outside"}, e);
}

TEST(Malformed, LargeCustomOptionsOutsideTheFile) {
  RawEdits e;
  e.large_custom_options[1] = {100, uint64_t{1} << 33};
  expect_rejected(fc_model(), {"op 1", "custom options", "outside"}, e);
}

// ---------------------------------------------------------------------------
// Sparse constants.

TEST(Malformed, SparsityTraversalAndMetadataCountsDiffer) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->traversal_order = {0};
  expect_rejected(m, {"tensor 1 'w'", "1 traversal dimensions but 2 dimension metadata"});
}

TEST(Malformed, SparsityTraversalNotAPermutation) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->traversal_order = {1, 1};
  expect_rejected(m, {"tensor 1 'w'", "traversal order [1,1]", "dimensions 0 to 1 once each"});
}

TEST(Malformed, SparseBufferSizeDisagreesWithMetadata) {
  Model m = sparse_fc_model();
  m.buffers[1] = buffer_of(std::vector<float>(5, 1.f));
  expect_rejected(m, {"tensor 1 'w'", "sparse buffer 1 is 20 bytes", "stores 4 float32 values"});
}

TEST(Malformed, SparseIndexOutOfRange) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->dim_metadata[1].array_indices = {0, 2, 1, 4};
  expect_rejected(m, {"tensor 1 'w'", "index 3 is 4", "out of range for a dimension of 4"});
}

TEST(Malformed, SparseSegmentsDecrease) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->dim_metadata[1].array_segments = {0, 2, 1, 4};
  expect_rejected(m, {"tensor 1 'w'", "segments are not non-decreasing"});
}

TEST(Malformed, SparseSegmentCountWrong) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->dim_metadata[1].array_segments = {0, 2, 4};
  expect_rejected(m, {"tensor 1 'w'", "3 segments, expected 4"});
}

TEST(Malformed, SparsityDenseSizeDisagreesWithShape) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->dim_metadata[0].dense_size = 5;
  expect_rejected(m, {"tensor 1 'w'", "dense with size 5, but its dimension has 3"});
}

TEST(Malformed, SparsityBlockMapOutOfRange) {
  Model m = sparse_fc_model();
  Sparsity& sp = *m.main().tensors[kW].sparsity;
  sp.traversal_order = {0, 1, 2};
  sp.block_map = {7};
  DimensionMetadata block;
  block.dense_size = 2;
  sp.dim_metadata.push_back(block);
  expect_rejected(m, {"tensor 1 'w'", "block_map entry 0 is 7"});
}

TEST(Malformed, SparseDimensionWithoutIndexArrays) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->dim_metadata[1].segments_type = 0;  // written without segments
  expect_rejected(m, {"tensor 1 'w'", "sparsity level 1 is sparse (CSR)", "lacks its segments"});
}

TEST(Malformed, SparsityUnknownFormat) {
  Model m = sparse_fc_model();
  m.main().tensors[kW].sparsity->dim_metadata[0].format = static_cast<DimensionMetadata::Format>(5);
  expect_rejected(m, {"tensor 1 'w'", "level 0 has unknown format 5"});
}

// ---------------------------------------------------------------------------
// Messages stay one line and inputs stay bounded.

TEST(Malformed, TensorNameWithNewlineStaysOneLine) {
  Model m = fc_model();
  m.main().tensors[kH].name = "first line\nsecond line\t\x01";
  m.main().tensors[kH].shape = {1, -3};
  expect_rejected(m, {"tensor 3 'first line\\nsecond line\\t\\x01'", "negative dimension"});
}

TEST(Malformed, CustomOpNameWithNewlineStaysOneLine) {
  Model m = fc_model();
  m.main().ops[1].code = OpCode{BuiltinOp::Custom, "My\nOp", 1};
  m.main().ops[1].options = {};
  m.main().ops[1].outputs[0] = kW;
  expect_rejected(m, {"op 1 (custom My\\nOp)", "output 0 is tensor 1 'w'"});
}

TEST(Malformed, SignatureNameWithNewlineStaysOneLine) {
  Model m = fc_model();
  m.signatures[0].key = "serving\r\ndefault";
  m.signatures[0].inputs[0].tensor = 50;
  expect_rejected(m, {"signature 'serving\\r\\ndefault'", "tensor 50"});
}

// 20000 tensor tables all pointing at one 64 KiB shape vector: about 0.5 MB of
// file that would copy into 1.3 GB of shapes. The loader refuses it quickly.
TEST(Malformed, TablesSharingOneHugeVector) {
  flatbuffers::FlatBufferBuilder fbb;
  auto shape = fbb.CreateVector(std::vector<int32_t>(16384, 1));
  auto name = fbb.CreateString("t");
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  for (int i = 0; i < 20000; ++i) tensors.push_back(fb::CreateTensor(fbb, shape, fb::TensorType::FLOAT32, 0, name));
  auto sg = fb::CreateSubGraph(fbb, fbb.CreateVector(tensors));
  auto buffers = fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Buffer>>{fb::CreateBuffer(fbb)});
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, 3, 0, fbb.CreateVector(std::vector{sg}), 0, buffers));
  const Bytes b(reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()),
                reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()) + fbb.GetSize());
  const auto start = std::chrono::steady_clock::now();
  expect_rejected(b, {"share", "4x its size"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// One subgraph table listed 3000 times, each listing one tensor table 3000
// times: a 24 KB file whose tree has 9 million tensors.
TEST(Malformed, TablesRepeatedWithoutBound) {
  flatbuffers::FlatBufferBuilder fbb;
  auto tensor = fb::CreateTensor(fbb, fbb.CreateVector(std::vector<int32_t>{1}));
  auto sg = fb::CreateSubGraph(fbb, fbb.CreateVector(std::vector(3000, tensor)));
  auto buffers = fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Buffer>>{fb::CreateBuffer(fbb)});
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, 3, 0, fbb.CreateVector(std::vector(3000, sg)), 0, buffers));
  const Bytes b(reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()),
                reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()) + fbb.GetSize());
  const auto start = std::chrono::steady_clock::now();
  expect_rejected(b, {"malformed", "repeat without bound"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace octet
