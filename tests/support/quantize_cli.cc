#include "support/quantize_cli.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "octet/error.h"
#include "octet/npy.h"

namespace octet::testing {

namespace fs = std::filesystem;

namespace {

const fs::path kOctet = fs::path(OCTET_BINARY_DIR) / "octet";

std::string last_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

// Paths come from the test's own temp folders; quoted for the shell anyway.
std::string quoted(const fs::path& p) { return fmt::format("'{}'", p.string()); }

}  // namespace

bool quantize_cli_available() {
  if (!fs::exists(kOctet)) return false;
  // `octet quantize --help` exits 0 even without the subcommand (CLI11
  // handles --help first), so look for it in the command list.
  const std::string cmd =
      quoted(kOctet) + " --help 2>/dev/null | grep -Eq '^[[:space:]]+quantize[[:space:]]'";
  return std::system(cmd.c_str()) == 0;
}

void write_calibration_data(const fs::path& dir, const std::vector<int64_t>& shape,
                            const std::vector<std::vector<float>>& samples) {
  fs::create_directories(dir / "input_0");
  for (size_t i = 0; i < samples.size(); ++i) {
    NpyArray a;
    a.dtype = DType::Float32;
    a.shape = shape;
    a.data.resize(samples[i].size() * 4);
    std::memcpy(a.data.data(), samples[i].data(), a.data.size());
    write_npy(dir / "input_0" / fmt::format("{:03}.npy", i), a);
  }
}

void quantize_int8(const fs::path& model, const fs::path& out, const fs::path& data_dir,
                   const std::string& estimator, const std::string& io) {
  const fs::path log = out.string() + ".log";
  const std::string cmd =
      fmt::format("{} quantize {} {} --data {} --mode int8 --estimator {} --io {} >{} 2>&1",
                  quoted(kOctet), quoted(model), quoted(out), quoted(data_dir), estimator, io,
                  quoted(log));
  if (std::system(cmd.c_str()) != 0 || !fs::exists(out)) {
    fail("octet quantize {} --estimator {} --io {} failed: {}", model.filename().string(),
         estimator, io, last_line(log));
  }
}

}  // namespace octet::testing
