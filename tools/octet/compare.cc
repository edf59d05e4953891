// octet compare DIR REFERENCE_DIR [--tolerance T]: outputs written by
// `octet run` against another runtime's (tests/oracle/litert_run.mjs uses the
// same output_<i>.npy names).
#include <cstdio>

#include "diag/compare.h"
#include "octet/commands.h"

namespace octet::cli {

void add_compare(CLI::App& app) {
  auto* cmd = app.add_subcommand("compare", "Compare output_<i>.npy files of two runs");
  static std::string dir, ref_dir;
  static double tolerance = 1e-4;
  cmd->add_option("DIR", dir, "outputs to check")->required();
  cmd->add_option("REFERENCE_DIR", ref_dir, "reference outputs")->required();
  cmd->add_option("--tolerance", tolerance, "fail when max|d|/max(1,|ref|) exceeds this (default 1e-4)");
  cmd->callback([] {
    bool ok = true;
    size_t n = 0;
    for (;; ++n) {
      const auto file = fmt::format("output_{}.npy", n);
      const std::filesystem::path a = std::filesystem::path(dir) / file, r = std::filesystem::path(ref_dir) / file;
      if (!std::filesystem::exists(r)) break;
      if (!std::filesystem::exists(a)) fail("{}: missing (the reference has it)", a.string());
      const ArrayDiff d = compare_arrays(read_npy(a), read_npy(r));
      const bool pass = d.comparable && d.max_scaled <= tolerance;
      ok = ok && pass;
      std::printf("%s %s: %s\n", pass ? "ok  " : "FAIL", file.c_str(), format_diff(d).c_str());
    }
    if (n == 0) fail("{}: no output_<i>.npy files", ref_dir);
    std::printf("%s: %zu outputs within tolerance %g\n", ok ? "match" : "MISMATCH", n, tolerance);
    if (!ok) throw CLI::RuntimeError(1);
  });
}

}  // namespace octet::cli
