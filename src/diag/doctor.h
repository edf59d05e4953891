// The doctor: the ladder of DESIGN.md built and measured on one test set —
// the float pair, dynamic-range, what a generic converter's int8 recipe gives
// (naive), octet's int8 and 16x8 recipes, and the boundary rows — each with
// BLEU and chrF, first-step source sensitivity, degeneration, precision of its
// ops, size and speed; then a verdict that names the causes it finds.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diag/seq2seq_metrics.h"

namespace octet::diag {

struct DoctorOptions {
  std::filesystem::path model;      // a float encoder + decoder-step folder (octet import-marian)
  std::filesystem::path test_src, test_ref;
  std::filesystem::path calib_src, calib_tgt;  // never the test set
  size_t lines = 0;                 // test sentences (0: all)
  bool beam = false;                // also beam 4
  size_t calib_sentences = 64;
  int prefixes = 4;
  size_t sensitivity_sources = 40;  // first-step logits of this many test sources
  int threads = 2;
  std::filesystem::path out;        // work folder: the rows' files, report.json, report.html
  std::vector<std::string> rows;    // empty: every row
  bool quiet = false;               // no progress lines on stderr
};

struct RowResult {
  std::string name, what;
  std::filesystem::path encoder, decoder;
  std::string failure;              // the row could not be built or run
  std::string bridge;
  double bleu = 0, chrf = 0, beam_bleu = -1, beam_chrf = -1;
  FirstStepStats first_step;
  OutputStats outputs;
  std::map<std::string, int> precision;  // op precision → ops, both files
  uint64_t bytes = 0;
  double ms_per_step = 0, sentences_per_second = 0;
  // Integer rows: end-to-end SQNR (dB) of each decoder-step tensor against
  // the float decoder, in graph order, on a few teacher-forced dev samples.
  std::vector<std::pair<std::string, double>> decoder_sqnr;
  std::string first_bad_tensor;  // first below 20 dB, mask-dominated ranges aside
};

struct DoctorReport {
  std::vector<RowResult> rows;
  std::vector<std::string> verdict;   // one finding a line
  nlohmann::json details;             // causes' evidence (tensors, ranges)
  double seconds = 0;
};

DoctorReport run_doctor(const DoctorOptions& options);

// The ladder as aligned text (one row a line) and as JSON.
std::string format_ladder(const DoctorReport& report);
nlohmann::json report_json(const DoctorReport& report, const DoctorOptions& options);

}  // namespace octet::diag
