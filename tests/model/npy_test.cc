#include "octet/npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>

namespace octet {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<std::byte> bytes_of(std::string_view s) {
  auto b = std::as_bytes(std::span<const char>(s.data(), s.size()));
  return {b.begin(), b.end()};
}

// A version 1.0 file the way numpy 1.24 writes it: header padded with spaces
// so that the data starts at byte 128, then a newline.
std::string numpy_file(std::string_view dict, std::string_view data) {
  std::string header(dict);
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  return out + header + std::string(data);
}

// Like numpy_file but with any version and the length field as wide as that version wants.
std::string versioned_file(int major, std::string_view dict, std::string_view data) {
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back('\x00');
  std::string header = std::string(dict) + "\n";
  size_t n = header.size();
  out.push_back(static_cast<char>(n & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  if (major >= 2) {
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    out.push_back(static_cast<char>(n >> 24));
  }
  return out + header + std::string(data);
}

std::string parse_error(std::string_view file) {
  try {
    parse_npy(bytes_of(file), "t.npy");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

class NpyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("octet_npy_test_{}_{}", ::testing::UnitTest::GetInstance()->random_seed(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST(Npy, ReadsWhatNumpyWrites) {
  // np.save(f, np.arange(6, dtype='<i4').reshape(2, 3))
  std::string data;
  for (int i = 0; i < 6; ++i) data += std::string{static_cast<char>(i), 0, 0, 0};
  auto file = numpy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data);
  ASSERT_EQ(file.size(), 128u + 24u);
  NpyArray a = parse_npy(bytes_of(file), "arange.npy");
  EXPECT_EQ(a.dtype, DType::Int32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.num_elements(), 6);
  auto v = a.as<int32_t>();
  ASSERT_EQ(v.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(v[i], i);
}

TEST(Npy, WritesWhatNumpyWrites) {
  std::array<int8_t, 3> values = {1, -2, 3};
  NpyArray a = NpyArray::of<int8_t>(values, {3});
  auto expected = numpy_file("{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }",
                             std::string{'\x01', '\xfe', '\x03'});
  EXPECT_EQ(npy_bytes(a), bytes_of(expected));

  NpyArray scalar = NpyArray::of<bool>(std::array<bool, 1>{true}, {});
  EXPECT_EQ(
      npy_bytes(scalar),
      bytes_of(numpy_file("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", "\x01")));
}

TEST(Npy, AcceptsOtherSpellingsOfTheHeader) {
  // Double quotes, no spaces, keys in another order, no trailing comma, Python 2 longs.
  float one = 1.0f;
  std::string data(reinterpret_cast<const char*>(&one), 4);
  auto a = parse_npy(
      bytes_of(numpy_file(R"({"shape":(1L,),"fortran_order":False,"descr":"<f4"})", data)), "x");
  EXPECT_EQ(a.dtype, DType::Float32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{1}));
  EXPECT_EQ(a.as<float>()[0], 1.0f);
  // '<' instead of '|' on a one-byte type.
  auto b = parse_npy(
      bytes_of(numpy_file("{'descr': '<u1', 'fortran_order': False, 'shape': (2,), }", "\x07\x08")),
      "x");
  EXPECT_EQ(b.dtype, DType::UInt8);
  EXPECT_EQ(b.as<uint8_t>()[1], 8);
}

TEST(Npy, ReadsVersions2And3) {
  for (int major : {2, 3}) {
    auto file = versioned_file(major, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }",
                               std::string{'\x01', '\x00', '\xff', '\xff'});
    auto a = parse_npy(bytes_of(file), "v.npy");
    EXPECT_EQ(a.dtype, DType::Int16) << major;
    EXPECT_EQ(a.as<int16_t>()[0], 1) << major;
    EXPECT_EQ(a.as<int16_t>()[1], -1) << major;
  }
}

TEST(Npy, RoundTripsEveryDtype) {
  const std::vector<DType> dtypes = {DType::Float32, DType::Float16, DType::Float64, DType::Int8,
                                     DType::UInt8,   DType::Int16,   DType::UInt16,  DType::Int32,
                                     DType::UInt32,  DType::Int64,   DType::UInt64,  DType::Bool};
  for (DType t : dtypes) {
    NpyArray a = NpyArray::zeros(t, {2, 1, 3});
    for (size_t i = 0; i < a.data.size(); ++i) {
      a.data[i] = static_cast<std::byte>(t == DType::Bool ? i % 2 : i * 7 + 1);
    }
    NpyArray b = parse_npy(npy_bytes(a), "round trip");
    EXPECT_EQ(b.dtype, t) << dtype_name(t);
    EXPECT_EQ(b.shape, a.shape) << dtype_name(t);
    EXPECT_EQ(b.data, a.data) << dtype_name(t);
  }
}

TEST(Npy, RoundTripsEmptyAndScalarShapes) {
  for (auto shape : {std::vector<int64_t>{}, std::vector<int64_t>{0}, std::vector<int64_t>{0, 4},
                     std::vector<int64_t>{1, 1, 1, 1, 5}}) {
    NpyArray a = NpyArray::zeros(DType::Int64, shape);
    NpyArray b = parse_npy(npy_bytes(a), "x");
    EXPECT_EQ(b.shape, shape);
    EXPECT_EQ(b.data.size(), a.data.size());
  }
}

TEST(Npy, LongHeadersUseVersion2) {
  std::vector<int64_t> shape(30000, 1);  // "1, " × 30000 does not fit a uint16 header length
  NpyArray a = NpyArray::zeros(DType::Float32, shape);
  auto bytes = npy_bytes(a);
  EXPECT_EQ(static_cast<int>(bytes[6]), 2);
  EXPECT_EQ(parse_npy(bytes, "long").shape.size(), 30000u);
  EXPECT_EQ((bytes.size() - 4) % 64, 0u);  // data still starts on a 64-byte boundary
}

TEST(Npy, AsChecksTheDtype) {
  NpyArray a = NpyArray::zeros(DType::Int8, {4});
  EXPECT_EQ(a.as<int8_t>().size(), 4u);
  try {
    (void)a.as<float>();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("holds int8"));
    EXPECT_THAT(e.what(), HasSubstr("float32"));
  }
  EXPECT_THROW((void)NpyArray::of<float>(std::array<float, 3>{}, {2, 2}), Error);
}

TEST(Npy, RejectsMalformedHeaders) {
  const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  const std::string four(4, '\0');
  struct Case {
    std::string file;
    std::string message;
  };
  std::string bad_version = numpy_file(ok_dict, four);
  bad_version[6] = '\x04';
  std::string long_length = numpy_file(ok_dict, four);
  long_length[8] = '\xff';
  long_length[9] = '\xff';
  const Case cases[] = {
      {"", "not a .npy file"},
      {"PK\x03\x04 this is a zip file", "not a .npy file"},
      {std::string("\x93NUMPY\x01\x00", 8), "not a .npy file"},
      {bad_version, "unsupported .npy version 4.0"},
      {long_length, "truncated .npy header"},
      {std::string("\x93NUMPY\x02\x00\x10\x00", 10), "truncated .npy file"},
      {numpy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", four),
       "Fortran-ordered"},
      {numpy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", four), "big-endian"},
      {numpy_file("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", four + four),
       "unsupported dtype '<c8'"},
      {numpy_file("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", four),
       "unsupported dtype"},
      {numpy_file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", four),
       "structured"},
      {numpy_file("{'descr': '<f4', 'fortran_order': False, }", four), "must give"},
      {numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", four),
       "unexpected key 'x'"},
      {numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", four),
       "non-negative dimension"},
      {numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
                  four),
       "dimension too large"},
      {numpy_file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", four),
       "True or False"},
      {numpy_file("{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }", four), "bad .npy"},
      {numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", four), "bad .npy"},
      {numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1 2), }", four),
       "expected ',' or ')'"},
      {numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", four),
       "after the header"},
      {numpy_file(
           "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }",
           four),
       "too large"},
  };
  for (const auto& c : cases) {
    std::string message = parse_error(c.file);
    EXPECT_THAT(message, HasSubstr(c.message)) << c.file;
    EXPECT_THAT(message, HasSubstr("t.npy")) << c.file;
  }
}

TEST(Npy, RejectsDataOfTheWrongLength) {
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_THAT(parse_error(numpy_file(dict, std::string(23, '\0'))),
              HasSubstr("needs 24 data bytes, the file has 23 (truncated?)"));
  EXPECT_THAT(parse_error(numpy_file(dict, std::string(25, '\0'))),
              HasSubstr("needs 24 data bytes, the file has 25"));
  EXPECT_THAT(parse_error(numpy_file(dict, "")), HasSubstr("the file has 0"));
  // Every prefix of a good file fails cleanly.
  auto good = npy_bytes(NpyArray::zeros(DType::Float32, {2, 3}));
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_THROW(parse_npy(std::span(good).first(n), "prefix"), Error) << n;
  }
}

TEST(Npy, MutatedFilesFailOnlyWithError) {
  // Every header byte set to a handful of troublesome values: the parser may
  // accept or reject, but only ever by returning or throwing octet::Error.
  auto good = npy_bytes(NpyArray::zeros(DType::Int16, {3, 2}));
  const unsigned char values[] = {0,   '\n', ' ', '\'', '(',  ')', ',',
                                  ':', '9',  '{', '}',  0x7f, 0xff};
  int accepted = 0;
  for (size_t pos = 0; pos < good.size(); ++pos) {
    for (unsigned char v : values) {
      auto bytes = good;
      bytes[pos] = static_cast<std::byte>(v);
      try {
        NpyArray a = parse_npy(bytes, "mutated");
        EXPECT_EQ(a.data.size(), static_cast<size_t>(a.num_elements()) * dtype_size(a.dtype));
        ++accepted;
      } catch (const Error&) {
      }
    }
  }
  EXPECT_GT(accepted, 0);  // e.g. changes to the padding or the data
}

TEST(Npy, RejectsBoolBytesOtherThan0And1) {
  auto file = numpy_file("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                         std::string("\x01\x00\x02", 3));
  EXPECT_THAT(parse_error(file), HasSubstr("bool element 2 has byte value 2"));
}

TEST_F(NpyFiles, WriteThenReadFromDisk) {
  std::array<float, 4> values = {1.5f, -2.0f, 0.0f, 3.25f};
  fs::path path = dir_ / "a.npy";
  write_npy(path, NpyArray::of<float>(values, {2, 2}));
  NpyArray back = read_npy(path);
  EXPECT_EQ(back.shape, (std::vector<int64_t>{2, 2}));
  auto v = back.as<float>();
  EXPECT_TRUE(std::equal(v.begin(), v.end(), values.begin()));
  // Overwriting works and leaves no temporary file behind.
  write_npy(path, NpyArray::zeros(DType::Int32, {1}));
  EXPECT_EQ(read_npy(path).dtype, DType::Int32);
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(NpyFiles, ErrorsNameTheFile) {
  try {
    read_npy(dir_ / "missing.npy");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.npy"));
    EXPECT_THAT(e.what(), HasSubstr("cannot open"));
  }
  fs::path bad = dir_ / "bad.npy";
  std::ofstream(bad) << "hello";
  try {
    read_npy(bad);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.npy: not a .npy file"));
  }
  try {
    write_npy(dir_ / "no_such_dir" / "x.npy", NpyArray::zeros(DType::Float32, {1}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("x.npy"));
  }
  EXPECT_THROW(write_npy(dir_ / "y.npy", NpyArray{DType::Float32, {2}, {}}), Error);
  EXPECT_FALSE(fs::exists(dir_ / "y.npy"));
}

}  // namespace
}  // namespace octet
