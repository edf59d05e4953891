// Representative data readers: folder, list file, random; and every kind of
// bad sample gives an error naming the sample and the input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "calib/calibrate.h"
#include "calib/data.h"
#include "octet/builder.h"
#include "octet/npy.h"
#include "support/test_data.h"

namespace octet::calib {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

// a [1,4] + b [1,4] → s, both float32 inputs.
Model two_input_model() {
  Model m;
  GraphBuilder g(m);
  const int32_t a = g.add_input("a", DType::Float32, {1, 4});
  const int32_t b = g.add_input("b", DType::Float32, {1, 4});
  const int32_t s = g.add_tensor("s", DType::Float32, {1, 4});
  g.add_op(BuiltinOp::Add, {a, b}, {s});
  g.mark_output(s);
  return m;
}

void put(const fs::path& p, std::vector<float> v, std::vector<int64_t> shape = {1, 4}) {
  fs::create_directories(p.parent_path());
  write_npy(p, NpyArray::of<float>(v, std::move(shape)));
}

// DIR/a/{0,1,2}.npy and DIR/b/{0,1,2}.npy: sample k has a = k + [0,1,2,3], b = -1.
fs::path good_folder(const std::string& name) {
  const fs::path dir = testing::temp_dir(name);
  for (int k = 0; k < 3; ++k) {
    const float f = static_cast<float>(k);
    put(dir / "a" / fmt::format("{}.npy", k), {f, f + 1, f + 2, f + 3});
    put(dir / "b" / fmt::format("{}.npy", k), {-1, -1, -1, -1});
  }
  return dir;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string calibrate_error(const Model& m, const fs::path& data) {
  return error_of([&] {
    auto source = open_data(m, data);
    calibrate(m, *source);
  });
}

TEST(CalibData, FolderSamplesAreMatchedByFileName) {
  const Model m = two_input_model();
  const fs::path dir = good_folder("calib-data-folder");
  auto source = open_data(m, dir);
  ASSERT_EQ(source->size(), 3u);
  const Stats s = calibrate(m, *source, {.model_name = "two.tflite"});
  EXPECT_EQ(s.samples, 3u);
  EXPECT_THAT(s.model, AllOf(HasSubstr("two.tflite"), HasSubstr("3 samples")));
  EXPECT_EQ(s.tensors.at("a").min, 0.0);
  EXPECT_EQ(s.tensors.at("a").max, 5.0);
  EXPECT_EQ(s.tensors.at("b").max, -1.0);
  EXPECT_EQ(s.tensors.at("s").min, -1.0);
  EXPECT_EQ(s.tensors.at("s").max, 4.0);
  EXPECT_EQ(s.tensors.at("s").count, 12u);
  fs::remove_all(dir);
}

TEST(CalibData, FolderAcceptsIndexNamesRawBinAndLeadingOnes) {
  const Model m = two_input_model();
  const fs::path dir = testing::temp_dir("calib-data-alias");
  put(dir / "input_0" / "7.npy", {1, 2, 3, 4}, {4});  // [4] for a [1,4] input
  const std::vector<float> b = {5, 6, 7, 8};
  fs::create_directories(dir / "b");
  std::ofstream(dir / "b" / "7.bin", std::ios::binary).write(reinterpret_cast<const char*>(b.data()), 16);
  auto source = open_data(m, dir);
  const Stats s = calibrate(m, *source);
  EXPECT_EQ(s.tensors.at("s").max, 12.0);
  fs::remove_all(dir);
}

TEST(CalibData, ListFileWithRelativePaths) {
  const Model m = two_input_model();
  const fs::path dir = good_folder("calib-data-list");
  {
    std::ofstream list(dir / "samples.txt");
    list << "# two samples\n"
         << "a=a/0.npy b=b/0.npy\n\n"
         << "  input_1=b/2.npy   a=a/2.npy  # comment\n";
  }
  auto source = open_data(m, dir / "samples.txt");
  ASSERT_EQ(source->size(), 2u);
  const Stats s = calibrate(m, *source);
  EXPECT_EQ(s.tensors.at("a").max, 5.0);
  EXPECT_EQ(s.tensors.at("a").count, 8u);
  fs::remove_all(dir);
}

TEST(CalibData, RandomIsSeededAndSaysSo) {
  const Model m = two_input_model();
  auto r1 = random_data(m, {.samples = 4, .seed = 5});
  auto r2 = random_data(m, {.samples = 4, .seed = 5});
  auto r3 = random_data(m, {.samples = 4, .seed = 6});
  EXPECT_EQ(r1->read(2).inputs, r2->read(2).inputs);
  EXPECT_NE(r1->read(2).inputs, r3->read(2).inputs);
  const Stats s = calibrate(m, *r1, {.model_name = "two.tflite"});
  EXPECT_THAT(s.model, AllOf(HasSubstr("random"), HasSubstr("seed 5")));
  EXPECT_GE(s.tensors.at("a").min, -1.0);
  EXPECT_LT(s.tensors.at("a").max, 1.0);
}

TEST(CalibData, WrongShapeNamesSampleAndInput) {
  const Model m = two_input_model();
  const fs::path dir = good_folder("calib-data-shape");
  put(dir / "a" / "1.npy", {1, 2, 3, 4, 5}, {1, 5});
  EXPECT_THAT(calibrate_error(m, dir),
              AllOf(HasSubstr("1.npy"), HasSubstr("sample '1'"), HasSubstr("input 0 'a'"), HasSubstr("shape [1,5]"),
                    HasSubstr("[1,4]")));
  fs::remove_all(dir);
}

TEST(CalibData, WrongDtypeNamesSampleAndInput) {
  const Model m = two_input_model();
  const fs::path dir = good_folder("calib-data-dtype");
  const std::vector<double> d = {1, 2, 3, 4};
  write_npy(dir / "b" / "2.npy", NpyArray::of<double>(d, {1, 4}));
  EXPECT_THAT(calibrate_error(m, dir),
              AllOf(HasSubstr("2.npy"), HasSubstr("sample '2'"), HasSubstr("input 1 'b'"), HasSubstr("float64")));
  fs::remove_all(dir);
}

TEST(CalibData, NanNamesSampleInputAndElement) {
  const Model m = two_input_model();
  const fs::path dir = good_folder("calib-data-nan");
  put(dir / "a" / "0.npy", {1, 2, std::nanf(""), 4});
  EXPECT_THAT(calibrate_error(m, dir), AllOf(HasSubstr("0.npy"), HasSubstr("sample '0'"), HasSubstr("input 0 'a'"),
                                             HasSubstr("element 2 is nan")));
  put(dir / "a" / "0.npy", {1, 2, 3, -INFINITY});
  EXPECT_THAT(calibrate_error(m, dir), HasSubstr("element 3 is -inf"));
  fs::remove_all(dir);
}

TEST(CalibData, MissingInputNamesSampleAndInput) {
  const Model m = two_input_model();
  const fs::path dir = good_folder("calib-data-missing");
  fs::remove(dir / "b" / "1.npy");
  EXPECT_THAT(calibrate_error(m, dir), AllOf(HasSubstr("sample '1'"), HasSubstr("input 1 'b'")));
  fs::remove_all(dir / "b");
  EXPECT_THAT(calibrate_error(m, dir), AllOf(HasSubstr("no sub-folder for input 1 'b'"), HasSubstr("input_1")));
  // In a list: a line without b.
  std::ofstream(dir / "list.txt") << "a=a/0.npy\n";
  EXPECT_THAT(calibrate_error(m, dir / "list.txt"),
              AllOf(HasSubstr("list.txt:1"), HasSubstr("input 1 'b' is not given")));
  std::ofstream(dir / "list.txt") << "a=a/0.npy c=a/1.npy\n";
  EXPECT_THAT(calibrate_error(m, dir / "list.txt"), AllOf(HasSubstr("list.txt:1"), HasSubstr("'c'")));
  fs::remove_all(dir);
}

TEST(CalibData, UnreadableFileNamesSampleAndInput) {
  const Model m = two_input_model();
  const fs::path dir = good_folder("calib-data-unreadable");
  std::ofstream(dir / "b" / "2.npy", std::ios::binary) << "\x93NUMPY garbage";
  EXPECT_THAT(calibrate_error(m, dir), AllOf(HasSubstr("2.npy"), HasSubstr("sample '2'"), HasSubstr("input 1 'b'")));
  // A list naming a file that is not there.
  std::ofstream(dir / "list.txt") << "a=a/0.npy b=b/404.npy\n";
  EXPECT_THAT(calibrate_error(m, dir / "list.txt"),
              AllOf(HasSubstr("404.npy"), HasSubstr("list.txt:1"), HasSubstr("input 1 'b'")));
  // A raw file of the wrong size.
  std::ofstream(dir / "b" / "9.bin", std::ios::binary) << "12345";
  std::ofstream(dir / "a" / "9.bin", std::ios::binary) << std::string(16, '\0');
  fs::remove(dir / "b" / "2.npy");
  fs::remove(dir / "a" / "2.npy");
  EXPECT_THAT(calibrate_error(m, dir), AllOf(HasSubstr("9.bin"), HasSubstr("sample '9'"), HasSubstr("5 bytes")));
  EXPECT_THAT(calibrate_error(m, dir / "nothing-here"), HasSubstr("no such data folder or list file"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace octet::calib
