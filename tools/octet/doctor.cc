// octet doctor FLOAT_DIR --test SRC REF --calib SRC [TGT] [--lines N] [--beam] [--out DIR]
//              [--rows fp32,dynamic,naive-int8,octet-int8,octet-16x8,boundary] [--threads N]
// Builds every row of the ladder from a float encoder + decoder-step folder,
// translates the test set with each, and prints the table and the verdict;
// writes DIR/report.json and DIR/report.html.
#include <cstdio>
#include <sstream>

#include "diag/doctor.h"
#include "diag/doctor_html.h"
#include "octet/commands.h"
#include "octet/error.h"
#include "octet/model.h"

namespace octet::cli {
namespace {

struct Args {
  diag::DoctorOptions options;
  std::vector<std::string> test, calib;
  std::string rows;
};

void run(Args& a) {
  if (a.test.size() != 2) fail("--test takes two files: sources and references");
  if (a.calib.empty() || a.calib.size() > 2) fail("--calib takes one or two files: sources [and their references]");
  auto& o = a.options;
  o.test_src = a.test[0];
  o.test_ref = a.test[1];
  o.calib_src = a.calib[0];
  if (a.calib.size() == 2) o.calib_tgt = a.calib[1];
  if (!a.rows.empty()) {
    std::stringstream ss(a.rows);
    for (std::string r; std::getline(ss, r, ',');) o.rows.push_back(r);
  }
  const diag::DoctorReport report = diag::run_doctor(o);
  std::printf("%s", diag::format_ladder(report).c_str());
  std::printf("verdict:\n");
  for (const std::string& v : report.verdict) std::printf("  - %s\n", v.c_str());
  const std::string json = diag::report_json(report, o).dump(2) + "\n";
  write_file_atomically(o.out / "report.json", std::as_bytes(std::span(json.data(), json.size())));
  const std::string html = diag::doctor_html(report, o);
  write_file_atomically(o.out / "report.html", std::as_bytes(std::span(html.data(), html.size())));
  std::printf("doctor: %.0f s; %s/report.json, report.html\n", report.seconds, o.out.string().c_str());
}

}  // namespace

void add_doctor(CLI::App& app) {
  auto a = std::make_shared<Args>();
  a->options.out = "out/doctor";
  auto* cmd = app.add_subcommand("doctor", "Build and measure the quantization ladder of a translation model pair");
  cmd->add_option("model", a->options.model, "float encoder + decoder-step folder (octet import-marian)")->required();
  cmd->add_option("--test", a->test, "test sources and references (two files)")->expected(2)->required();
  cmd->add_option("--calib", a->calib, "calibration sources [and references] (never the test set)")->expected(1, 2)->required();
  cmd->add_option("--lines", a->options.lines, "test sentences to use (default: all)");
  cmd->add_flag("--beam", a->options.beam, "also beam 4 (slower)");
  cmd->add_option("--calib-sentences", a->options.calib_sentences, "calibration sentences (default 64)");
  cmd->add_option("--prefixes", a->options.prefixes, "decoder prefixes a calibration sentence (default 4)");
  cmd->add_option("--rows", a->rows, "comma-separated subset: dynamic,naive-int8,octet-int8,octet-16x8,boundary");
  cmd->add_option("--threads", a->options.threads, "sentences translated at once (default 2)");
  cmd->add_flag("--quiet", a->options.quiet, "no progress lines on stderr");
  cmd->add_option("--out", a->options.out, "where the rows' files and the reports go (default out/doctor)");
  cmd->callback([a] { run(*a); });
}

}  // namespace octet::cli
