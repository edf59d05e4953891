#include "diag/doctor_html.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace octet::diag {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string svg_bars(const std::string& title, const std::vector<std::pair<std::string, double>>& bars,
                     const std::string& colour, double reference) {
  const int label_w = 190, chart_w = 420, bar_h = 22, top = 30;
  const int height = top + static_cast<int>(bars.size()) * bar_h + 20;
  double max = reference > 0 ? reference : 0;
  for (const auto& [_, v] : bars)
    if (std::isfinite(v)) max = std::max(max, v);
  if (max <= 0) max = 1;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\">"
      "<title>{}</title><text x=\"4\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>",
      label_w + chart_w + 70, height, html_escape(title), html_escape(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& [label, v] = bars[i];
    const int y = top + static_cast<int>(i) * bar_h;
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>", label_w - 6, y + 15,
                     html_escape(label));
    if (!std::isfinite(v) || v < 0) {
      s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#888\">n/a</text>", label_w + 4, y + 15);
      continue;
    }
    const double w = std::max(1.0, chart_w * v / max);
    s += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>", label_w, y + 3,
                     w, bar_h - 6, colour);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"12\">{:.3g}</text>", label_w + w + 4, y + 15, v);
  }
  if (reference > 0) {
    const double x = label_w + chart_w * reference / max;
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>", x,
                     top - 4, height - 16);
  }
  return s + "</svg>";
}

std::string svg_lines(const std::string& title, const std::vector<LineSeries>& series, double lo, double hi,
                      double mark, const std::string& x_label, const std::string& y_label) {
  const int left = 50, top = 30, w = 760, h = 260;
  size_t n = 1;
  for (const auto& s : series) n = std::max(n, s.y.size());
  auto X = [&](size_t i) { return left + w * static_cast<double>(i) / static_cast<double>(std::max<size_t>(n - 1, 1)); };
  auto Y = [&](double v) {
    v = std::isnan(v) ? lo : std::clamp(std::isinf(v) ? (v > 0 ? hi : lo) : v, lo, hi);
    return top + h * (hi - v) / (hi - lo);
  };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\"><title>{}</title>"
      "<text x=\"4\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>"
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>",
      left + w + 170, top + h + 40, html_escape(title), html_escape(title), left, top, w, h);
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4;
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">{:.0f}</text>", left - 4,
                       Y(v) + 4, v);
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>", left, top + h + 30, html_escape(x_label));
  out += fmt::format("<text x=\"4\" y=\"{}\" font-size=\"12\">{}</text>", top - 4 + 0, "");
  out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>",
                     left, left + w, Y(mark), Y(mark));
  for (size_t k = 0; k < series.size(); ++k) {
    const LineSeries& s = series[k];
    std::string points;
    for (size_t i = 0; i < s.y.size(); ++i) points += fmt::format("{:.1f},{:.1f} ", X(i), Y(s.y[i]));
    out += fmt::format("<polyline class=\"series\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>",
                       s.colour, points);
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
                       "font-size=\"12\">{}</text>",
                       left + w + 10, top + 20 * static_cast<int>(k), s.colour, left + w + 28,
                       top + 10 + 20 * static_cast<int>(k), html_escape(s.label));
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>", left + w + 10,
                     top + 20 * static_cast<int>(series.size()) + 10, html_escape(y_label));
  return out + "</svg>";
}

std::string doctor_html(const DoctorReport& report, const DoctorOptions& o) {
  std::string h =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>octet doctor</title><style>"
      "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;font-size:13px}"
      "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f0f0f0}"
      "td.l{text-align:left}li{margin:4px 0}.fail{color:#b00}</style></head><body>";
  h += fmt::format("<h1>octet doctor</h1><p>model <code>{}</code>, test <code>{}</code>, calibration <code>{}</code>; "
                   "{:.0f} s</p>",
                   html_escape(o.model.string()), html_escape(o.test_src.string()), html_escape(o.calib_src.string()),
                   report.seconds);
  h += "<h2>Verdict</h2><ul>";
  for (const std::string& v : report.verdict) h += "<li>" + html_escape(v) + "</li>";
  h += "</ul><h2>The ladder</h2><table><tr><th>row</th><th>what</th><th>BLEU</th><th>chrF</th><th>beam 4</th>"
       "<th>sensitivity</th><th>first token = fp32</th><th>repeated</th><th>distinct</th><th>MB</th><th>ms/step</th>"
       "<th>ops</th><th>boundary</th></tr>";
  std::vector<std::pair<std::string, double>> bleu, sens;
  for (const RowResult& r : report.rows) {
    if (!r.failure.empty()) {
      h += fmt::format("<tr><td class=\"l\">{}</td><td class=\"l fail\" colspan=\"12\">{}</td></tr>", html_escape(r.name),
                       html_escape(r.failure));
      bleu.emplace_back(r.name, NAN);
      sens.emplace_back(r.name, NAN);
      continue;
    }
    std::string ops;
    for (const auto& [p, n] : r.precision) ops += fmt::format("{}{} {}", ops.empty() ? "" : ", ", n, p);
    h += fmt::format(
        "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.2f}</td><td>{:.2f}</td><td>{}</td><td>{:.3f}</td>"
        "<td>{:.0f}%</td><td>{:.1f}%</td><td>{:.0f}%</td><td>{:.2f}</td><td>{:.2f}</td><td class=\"l\">{}</td>"
        "<td class=\"l\">{}</td></tr>",
        html_escape(r.name), html_escape(r.what), r.bleu, r.chrf,
        r.beam_bleu < 0 ? std::string("–") : fmt::format("{:.2f}", r.beam_bleu), r.first_step.sensitivity,
        100 * r.first_step.reference_argmax_agreement, 100 * r.outputs.repeated_token_rate,
        100 * r.outputs.distinct_share, r.bytes / 1e6, r.ms_per_step, html_escape(ops), html_escape(r.bridge));
    bleu.emplace_back(r.name, r.bleu);
    sens.emplace_back(r.name, r.first_step.sensitivity);
  }
  h += "</table><h2>Plots</h2>";
  const double fp32_bleu = !bleu.empty() ? bleu.front().second : -1;
  const double fp32_sens = !sens.empty() ? sens.front().second : -1;
  h += "<div>" + svg_bars("BLEU (dashed: fp32)", bleu, "#3b7dd8", fp32_bleu) + "</div>";
  h += "<div>" + svg_bars("First-step source sensitivity (dashed: fp32)", sens, "#d8793b", fp32_sens) + "</div>";
  // Per-tensor SQNR along the decoder step for each integer row.
  static const char* kColours[] = {"#2a9d4b", "#c0392b", "#8e44ad", "#7f6000", "#1f77b4"};
  std::vector<LineSeries> lines;
  std::string firsts;
  for (const RowResult& r : report.rows) {
    if (r.decoder_sqnr.empty() || r.name.find("boundary") != std::string::npos || r.name.find("fp32-enc") == 0) continue;
    LineSeries s{r.name, kColours[lines.size() % 5], {}};
    for (const auto& [_, db] : r.decoder_sqnr) s.y.push_back(db);
    lines.push_back(std::move(s));
    if (!r.first_bad_tensor.empty())
      firsts += "<li>" + html_escape(r.name + ": first tensor below 20 dB: " + r.first_bad_tensor) + "</li>";
  }
  if (!lines.empty()) {
    h += "<div>" + svg_lines("Decoder step: SQNR of each tensor against fp32 (dB; dashed: 20 dB)", lines, -10, 60, 20,
                             "tensors in graph order", "dB") + "</div>";
    if (!firsts.empty()) h += "<ul>" + firsts + "</ul>";
  }
  return h + "</body></html>\n";
}

}  // namespace octet::diag
