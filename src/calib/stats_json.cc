// Stats as JSON, so a model can be re-quantized with another recipe without
// running it again. Layout (version 1):
//   {"format": "octet-calibration-stats", "version": 1, "model": "...", "samples": N,
//    "tensors": [{"name", "count", "nonfinite", "masked", "min", "max", "ema_min", "ema_max",
//                 "histogram": {"lo", "hi", "counts": [...]}}, ...]}
// Doubles are written in their shortest round-trip form, so load(save(s)) == s.
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "calib/histogram.h"
#include "calib/stats.h"
#include "octet/error.h"
#include "octet/model.h"

namespace octet::calib {

namespace {

constexpr const char* kFormat = "octet-calibration-stats";
constexpr int kVersion = 1;

using nlohmann::json;

json tensor_json(const TensorStats& t) {
  for (double v : {t.min, t.max, t.ema_min, t.ema_max, t.histogram.lo, t.histogram.hi})
    if (!std::isfinite(v)) fail("save_stats: tensor '{}': non-finite statistic {}", t.name, v);
  return {{"name", t.name},
          {"count", t.count},
          {"nonfinite", t.nonfinite},
          {"masked", t.masked},
          {"min", t.min},
          {"max", t.max},
          {"ema_min", t.ema_min},
          {"ema_max", t.ema_max},
          {"histogram", {{"lo", t.histogram.lo}, {"hi", t.histogram.hi}, {"counts", t.histogram.counts}}}};
}

// Reads keys with messages that say which file, tensor and key.
struct Reader {
  std::string where;  // "FILE" or "FILE: tensor 'x'"

  const json& at(const json& j, const char* key) const {
    if (!j.is_object()) fail("{}: expected an object holding '{}'", where, key);
    auto it = j.find(key);
    if (it == j.end()) fail("{}: missing key '{}'", where, key);
    return *it;
  }
  double number(const json& j, const char* key) const {
    const json& v = at(j, key);
    if (!v.is_number()) fail("{}: key '{}' is {}, expected a number", where, key, v.type_name());
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail("{}: key '{}' is not finite", where, key);
    return d;
  }
  uint64_t count(const json& j, const char* key) const {
    const json& v = at(j, key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      fail("{}: key '{}' is {}, expected a non-negative integer", where, key, v.dump());
    return v.get<uint64_t>();
  }
  std::string text(const json& j, const char* key) const {
    const json& v = at(j, key);
    if (!v.is_string()) fail("{}: key '{}' is {}, expected a string", where, key, v.type_name());
    return v.get<std::string>();
  }
};

TensorStats tensor_from_json(const json& j, const std::string& file, size_t index) {
  Reader r{fmt::format("{}: tensors[{}]", file, index)};
  TensorStats t;
  t.name = r.text(j, "name");
  r.where = fmt::format("{}: tensor '{}'", file, t.name);
  t.count = r.count(j, "count");
  t.nonfinite = r.count(j, "nonfinite");
  t.masked = r.count(j, "masked");
  t.min = r.number(j, "min");
  t.max = r.number(j, "max");
  t.ema_min = r.number(j, "ema_min");
  t.ema_max = r.number(j, "ema_max");
  const json& h = r.at(j, "histogram");
  r.where += " histogram";
  t.histogram.lo = r.number(h, "lo");
  t.histogram.hi = r.number(h, "hi");
  const json& counts = r.at(h, "counts");
  if (!counts.is_array()) fail("{}: key 'counts' is {}, expected an array", r.where, counts.type_name());
  t.histogram.counts.reserve(counts.size());
  for (const json& c : counts) {
    if (!c.is_number_unsigned() && !(c.is_number_integer() && c.get<int64_t>() >= 0))
      fail("{}: counts[{}] is {}, expected a non-negative integer", r.where, t.histogram.counts.size(), c.dump());
    t.histogram.counts.push_back(c.get<uint64_t>());
  }
  // What the observer guarantees, so estimators can rely on it.
  const Histogram& hist = t.histogram;
  if (hist.lo > 0 || hist.hi < 0 || hist.hi < hist.lo)
    fail("{}: range [{}, {}] must contain 0", r.where, hist.lo, hist.hi);
  if (hist.counts.size() > 1 && !(hist.hi > hist.lo))
    fail("{}: {} bins over an empty range", r.where, hist.counts.size());
  if (hist.counts.size() > 1) {
    const HistogramGeometry g = geometry(hist);
    if (std::abs(hist.lo + static_cast<double>(g.zero_bin) * g.width) > g.width * 1e-6)
      fail("{}: 0 is not on a bin edge of [{}, {}] in {} bins", r.where, hist.lo, hist.hi, hist.counts.size());
  }
  if (hist.total() != t.count)
    fail("{}: counts add up to {}, but count is {}", r.where, hist.total(), t.count);
  if (t.count > 0 && t.min > t.max) fail("{}: min {} > max {}", r.where, t.min, t.max);
  return t;
}

}  // namespace

void save_stats(const Stats& stats, const std::filesystem::path& path) {
  json tensors = json::array();
  for (const auto& [name, t] : stats.tensors) {
    if (name != t.name) fail("save_stats: tensor '{}' is filed under '{}'", t.name, name);
    tensors.push_back(tensor_json(t));
  }
  const json doc = {{"format", kFormat},
                    {"version", kVersion},
                    {"model", stats.model},
                    {"samples", stats.samples},
                    {"tensors", std::move(tensors)}};
  const std::string text = doc.dump() + "\n";
  write_file_atomically(path, std::as_bytes(std::span(text)));
}

Stats load_stats(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open", file);
  std::stringstream buffer;
  buffer << in.rdbuf();
  json doc;
  try {
    doc = json::parse(buffer.str());
  } catch (const json::parse_error& e) {
    fail("{}: not valid JSON (byte {}): {}", file, e.byte, e.what());
  }
  const Reader r{file};
  const std::string format = r.text(doc, "format");
  if (format != kFormat) fail("{}: format is '{}', expected '{}'", file, format, kFormat);
  const json& version = r.at(doc, "version");
  if (!version.is_number_integer() || version.get<int64_t>() != kVersion)
    fail("{}: version {} is not one this octet reads ({})", file, version.dump(), kVersion);
  Stats stats;
  stats.model = r.text(doc, "model");
  stats.samples = r.count(doc, "samples");
  const json& tensors = r.at(doc, "tensors");
  if (!tensors.is_array()) fail("{}: key 'tensors' is {}, expected an array", file, tensors.type_name());
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorStats t = tensor_from_json(tensors[i], file, i);
    if (stats.tensors.contains(t.name)) fail("{}: tensor '{}' appears twice (tensors[{}])", file, t.name, i);
    std::string name = t.name;
    stats.tensors.emplace(std::move(name), std::move(t));
  }
  return stats;
}

}  // namespace octet::calib
