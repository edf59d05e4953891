// The shipped Marian fixture, imported once per test binary (lowering reads
// 16 MB of float16 weights; every seq2seq test shares the result).
#pragma once

#include <filesystem>

#include "seq2seq/marian_import.h"
#include "support/test_data.h"

namespace octet::testing {

inline std::filesystem::path marian_fixture_dir() {
  return source_dir() / "models" / "opus-mt-en-de-octet";
}

// The fixture imported with the default lengths and written to a temporary
// folder (encoder.tflite, decoder_step.tflite, ...).
inline const std::filesystem::path& marian_imported_dir() {
  static const std::filesystem::path dir = [] {
    const auto d = temp_dir("marian-imported");
    const auto imported = seq2seq::import_marian(marian_fixture_dir());
    seq2seq::write_marian(imported, marian_fixture_dir(), d);
    return d;
  }();
  return dir;
}

}  // namespace octet::testing
