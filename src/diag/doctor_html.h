// report.html of the doctor: one self-contained page (inline CSS and SVG, no
// script, no network) with the ladder table, the verdict and bar charts of
// the rows' BLEU and first-step source sensitivity.
#pragma once

#include <string>

#include "diag/doctor.h"

namespace octet::diag {

std::string doctor_html(const DoctorReport& report, const DoctorOptions& options);

// Text made safe for HTML (& < > " ').
std::string html_escape(std::string_view text);

// A horizontal bar chart as inline SVG: one bar a label, values ≥ 0, an
// optional dashed reference line; NaN/negative values drawn as "n/a".
std::string svg_bars(const std::string& title, const std::vector<std::pair<std::string, double>>& bars,
                     const std::string& colour, double reference = -1);

// Lines over a common x (the index in each series) as inline SVG; y clamped
// to [lo, hi] (+inf drawn at hi), with a dashed horizontal line at `mark`.
struct LineSeries {
  std::string label, colour;
  std::vector<double> y;
};
std::string svg_lines(const std::string& title, const std::vector<LineSeries>& series, double lo, double hi,
                      double mark, const std::string& x_label, const std::string& y_label);

}  // namespace octet::diag
