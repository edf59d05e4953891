// A one-line progress bar with ETA for long loops (calibration, later the
// seq2seq calibration and evaluation). It draws on stderr only when stderr is
// a terminal, so logs and pipes stay clean.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace octet::calib {

class Progress {
 public:
  // total 0: unknown (counts without a bar or ETA).
  Progress(std::string label, size_t total, std::FILE* stream = stderr);
  // Draws whether or not `stream` is a terminal (for tests and --progress).
  Progress(std::string label, size_t total, std::FILE* stream, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Redraws at most ~10 times a second, and always for the last item.
  void update(size_t done);
  // Ends the line (the destructor does it too).
  void finish();
  bool enabled() const { return enabled_; }

  // The line drawn for `done` of `total` after `elapsed_s` seconds, `width`
  // columns wide at most.
  static std::string line(const std::string& label, size_t done, size_t total, double elapsed_s, size_t width);

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  size_t total_;
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false, finished_ = false;
  Clock::time_point start_, last_draw_;
  size_t done_ = 0;
};

std::string format_seconds(double s);  // "0.4 s", "12 s", "3 min 05 s", "1 h 02 min"

}  // namespace octet::calib
