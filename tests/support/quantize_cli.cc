#include "support/quantize_cli.h"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "octet/error.h"
#include "octet/npy.h"
#include "support/process.h"

namespace octet::testing {

namespace fs = std::filesystem;

namespace {

const fs::path kOctet = fs::path(OCTET_BINARY_DIR) / "octet";

std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace

bool quantize_cli_available() {
  if (!fs::exists(kOctet)) return false;
  // `octet quantize --help` exits 0 even without the subcommand (CLI11
  // handles --help first), so look for it in the command list.
  const fs::path log = fs::temp_directory_path() / fmt::format("octet-help-{}.txt", getpid());
  run_process({kOctet.string(), "--help"}, log, log, std::chrono::minutes(1), "octet --help");
  const std::string help = read_text(log);
  fs::remove(log);
  return help.find("\n  quantize ") != std::string::npos;
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
                   const std::string& estimator, const std::string& io, const std::string& mode) {
  const fs::path log = out.string() + ".log";
  const int status = run_process({kOctet.string(), "quantize", model.string(), out.string(), "--data",
                                  data_dir.string(), "--mode", mode, "--estimator", estimator, "--io", io},
                                 log, log, std::chrono::minutes(10), "octet quantize");
  if (status != 0 || !fs::exists(out))
    fail("octet quantize {} --mode {} --estimator {} --io {} failed: {}", model.filename().string(), mode,
         estimator, io, last_line(read_text(log)));
}

}  // namespace octet::testing
