#include "calib/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace octet::calib {

namespace {

size_t terminal_width(std::FILE* stream) {
  winsize ws{};
  if (ioctl(fileno(stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 80;
}

}  // namespace

std::string format_seconds(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 10) return fmt::format("{:.1f} s", s);
  if (s < 60) return fmt::format("{:.0f} s", s);
  const long total = std::lround(s);
  if (total < 3600) return fmt::format("{} min {:02} s", total / 60, total % 60);
  return fmt::format("{} h {:02} min", total / 3600, (total % 3600) / 60);
}

std::string Progress::line(const std::string& label, size_t done, size_t total, double elapsed_s, size_t width) {
  if (total == 0) return fmt::format("{} {}  {}", label, done, format_seconds(elapsed_s));
  done = std::min(done, total);
  std::string tail = fmt::format(" {}/{}  {}", done, total, format_seconds(elapsed_s));
  if (done > 0 && done < total)
    tail += ", ETA " + format_seconds(elapsed_s / static_cast<double>(done) * static_cast<double>(total - done));
  const size_t fixed = label.size() + tail.size() + 3;
  const size_t bar = width > fixed + 10 ? std::min<size_t>(width - fixed, 40) : 10;
  const size_t full = bar * done / total;
  return fmt::format("{} [{}{}]{}", label, std::string(full, '#'), std::string(bar - full, '.'), tail);
}

Progress::Progress(std::string label, size_t total, std::FILE* stream)
    : Progress(std::move(label), total, stream, isatty(fileno(stream)) != 0) {}

Progress::Progress(std::string label, size_t total, std::FILE* stream, bool enabled)
    : label_(std::move(label)), total_(total), stream_(stream), enabled_(enabled), start_(Clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::update(size_t done) {
  done_ = done;
  if (!enabled_ || finished_) return;
  const auto now = Clock::now();
  if (drawn_ && done != total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string text = line(label_, done, total_, elapsed, terminal_width(stream_) - 1);
  // \r and erase-to-end-of-line: redraw in place.
  std::fprintf(stream_, "\r%s\x1b[K", text.c_str());
  std::fflush(stream_);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_ && drawn_) {
    std::fputc('\n', stream_);
    std::fflush(stream_);
  }
}

}  // namespace octet::calib
