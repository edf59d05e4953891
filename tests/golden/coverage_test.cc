// Every op octet runs in integers has golden cases against LiteRT: the golden
// test sources must name each integer-registered op (BuiltinOp::X) in a case.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "kernels/kernel.h"
#include "support/test_data.h"

namespace octet::testing {
namespace {

// "FULLY_CONNECTED" and "FullyConnected" both become "FULLYCONNECTED".
std::string normalized(std::string_view name) {
  std::string out;
  for (char c : name)
    if (c != '_') out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

TEST(GoldenCoverage, EveryIntegerKernelHasGoldenCases) {
  std::set<std::string> named;
  const std::regex op_token(R"(BuiltinOp::([A-Za-z0-9_]+))");
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "tests" / "golden")) {
    if (entry.path().extension() != ".cc" || entry.path().filename() == "coverage_test.cc") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto it = std::sregex_iterator(s.begin(), s.end(), op_token); it != std::sregex_iterator(); ++it)
      named.insert(normalized((*it)[1].str()));
  }
  std::vector<std::string> missing;
  for (BuiltinOp op : kernels::builtin_registry().ops(kernels::Arithmetic::Integer)) {
    if (!named.count(normalized(builtin_op_name(op))))
      missing.emplace_back(builtin_op_name(op));
  }
  EXPECT_TRUE(missing.empty()) << "integer kernels without golden cases: " << ::testing::PrintToString(missing);
}

// The same for the dynamic-range (hybrid) kernels: their golden cases live in
// hybrid_golden_test.cc.
TEST(GoldenCoverage, EveryHybridKernelHasGoldenCases) {
  std::ifstream in(source_dir() / "tests" / "golden" / "hybrid_golden_test.cc");
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  std::set<std::string> named;
  const std::regex op_token(R"(BuiltinOp::([A-Za-z0-9_]+))");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), op_token); it != std::sregex_iterator(); ++it)
    named.insert(normalized((*it)[1].str()));
  std::vector<std::string> missing;
  for (BuiltinOp op : kernels::builtin_registry().ops(kernels::Arithmetic::Hybrid))
    if (!named.count(normalized(builtin_op_name(op)))) missing.emplace_back(builtin_op_name(op));
  EXPECT_FALSE(kernels::builtin_registry().ops(kernels::Arithmetic::Hybrid).empty());
  EXPECT_TRUE(missing.empty()) << "hybrid kernels without golden cases: " << ::testing::PrintToString(missing);
}

}  // namespace
}  // namespace octet::testing
