// The safetensors reader on small hand-made files: conversions, and every
// malformation refused with the file and the key named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "octet/error.h"
#include "seq2seq/safetensors.h"

namespace octet::seq2seq {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::vector<std::byte> file_of(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<std::byte> out(8 + header.size() + data.size());
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = std::byte((n >> (8 * i)) & 0xff);
  std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
  return out;
}

std::string error_of(const std::vector<std::byte>& bytes) {
  try {
    SafetensorsFile::parse(bytes, "w.safetensors");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Safetensors, ConvertsF32F16Bf16AndReadsMetadata) {
  // F32 1.5, F16 {1.0, -2.0} = 0x3c00, 0xc000, BF16 3.0 = 0x4040.
  std::vector<uint8_t> data = {0x00, 0x00, 0xc0, 0x3f, 0x00, 0x3c, 0x00, 0xc0, 0x40, 0x40};
  const std::string header =
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("b":{"dtype":"F16","shape":[2],"data_offsets":[4,8]},"c":{"dtype":"BF16","shape":[1,1],"data_offsets":[8,10]}})";
  const auto f = SafetensorsFile::parse(file_of(header, data), "w.safetensors");
  EXPECT_THAT(f.floats("a", {1}), ::testing::ElementsAre(1.5f));
  EXPECT_THAT(f.floats("b", {2}), ::testing::ElementsAre(1.f, -2.f));
  EXPECT_THAT(f.floats("c", {1, 1}), ::testing::ElementsAre(3.f));
  EXPECT_EQ(f.metadata().at("format"), "pt");
  EXPECT_THAT(f.keys(), ::testing::ElementsAre("a", "b", "c"));
  EXPECT_THAT(error_of(file_of(header, data)), "no error");
}

TEST(Safetensors, RefusesMalformedFilesNamingFileAndKey) {
  const std::vector<uint8_t> data(8, 0);
  EXPECT_THAT(error_of({std::byte{1}, std::byte{2}}), AllOf(HasSubstr("w.safetensors"), HasSubstr("too short")));
  auto big = file_of("{}", {});
  big[5] = std::byte{1};
  EXPECT_THAT(error_of(big), HasSubstr("header length"));
  EXPECT_THAT(error_of(file_of("{nope", data)), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of(file_of("[]", data)), HasSubstr("not a JSON object"));
  EXPECT_THAT(error_of(file_of(R"({"x":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", data)),
              AllOf(HasSubstr("w.safetensors"), HasSubstr("tensor x"), HasSubstr("unknown dtype 'Q4'")));
  EXPECT_THAT(error_of(file_of(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data)),
              AllOf(HasSubstr("tensor x"), HasSubstr("needs 12")));
  EXPECT_THAT(error_of(file_of(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data)),
              AllOf(HasSubstr("tensor x"), HasSubstr("outside the data section")));
  EXPECT_THAT(error_of(file_of(R"({"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", data)),
              AllOf(HasSubstr("tensor x"), HasSubstr("non-negative")));
  EXPECT_THAT(error_of(file_of(R"({"x":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}})", data)),
              AllOf(HasSubstr("tensor x"), HasSubstr("too large")));
  EXPECT_THAT(error_of(file_of(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                               R"("y":{"dtype":"F16","shape":[2],"data_offsets":[2,6]}})",
                               data)),
              AllOf(HasSubstr("tensor y"), HasSubstr("overlap tensor x")));
  EXPECT_THAT(error_of(file_of(R"({"x":{"dtype":"F32","shape":[1]}})", data)),
              AllOf(HasSubstr("tensor x"), HasSubstr("data_offsets")));

  const auto f = SafetensorsFile::parse(
      file_of(R"({"x":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}})", data), "w.safetensors");
  EXPECT_THROW(
      {
        try {
          f.floats("x", {2});
        } catch (const Error& e) {
          EXPECT_THAT(e.what(), AllOf(HasSubstr("tensor x"), HasSubstr("not a float type")));
          throw;
        }
      },
      Error);
  EXPECT_THROW(f.floats("x", {1, 2}), Error);
  EXPECT_THROW(f.entry("missing"), Error);
}

}  // namespace
}  // namespace octet::seq2seq
