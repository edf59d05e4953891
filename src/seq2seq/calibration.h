// Seq2seq calibration sets: what the encoder and the decoder step see while
// translating, not just what a converter's one-input-per-model calibration
// feeds them. Encoder samples are tokenized sources; decoder-step samples are
// the float encoder's real states for a source with a decoder prefix of the
// target (teacher forcing) at several lengths — the start token alone, early,
// middle and near the end — exactly as the Translator feeds the step at that
// position. Without targets, the prefixes come from the float model's own
// greedy output.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "calib/data.h"
#include "octet/translate.h"

namespace octet::seq2seq {

struct CalibrationOptions {
  size_t sentences = 64;  // the first N sentences of the calibration text
  int prefixes = 4;       // decoder prefixes per sentence (1: the start token only)
  bool start_only = false;  // the naive recipe: every decoder sample is the start token
  int threads = 1;          // for the greedy pass when there are no targets
  // Called as work advances with (done, total) sentences.
  std::function<void(size_t, size_t)> progress;
};

struct CalibrationSets {
  std::unique_ptr<calib::DataSource> encoder;
  std::unique_ptr<calib::DataSource> decoder;
  size_t sentences = 0, decoder_samples = 0;
};

// Prefix lengths (each ≥ 1, at most `tokens`, ascending, distinct) for a
// target of `tokens` ids ending in </s>: 1, then evenly up to `tokens` (the
// step that predicts </s>).
std::vector<int> prefix_lengths(int tokens, int prefixes);

// Reads non-empty lines of a UTF-8 text file; errors name the file and line.
std::vector<std::string> read_sentences(const std::filesystem::path& path, size_t limit = 0);

// `targets` empty: prefixes from the float model's greedy output. Throws
// octet::Error naming the file and line for empty or mismatched inputs.
CalibrationSets make_calibration_sets(const TranslatorFiles& float_files, const std::vector<std::string>& sources,
                                      const std::vector<std::string>& targets, const CalibrationOptions& options);

}  // namespace octet::seq2seq
