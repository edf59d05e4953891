// Recipes as small JSON files, and the mode names the CLI takes.
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "calib/estimators.h"
#include "octet/error.h"
#include "octet/model.h"
#include "octet/quantize.h"

namespace octet::quant {

Mode parse_mode(const std::string& name) {
  if (name == "int8") return Mode::Int8;
  if (name == "16x8") return Mode::Int16x8;
  if (name == "dynamic") return Mode::Dynamic;
  fail("unknown quantization mode '{}': expected int8, 16x8 or dynamic", name);
}

std::string mode_name(Mode mode) {
  return mode == Mode::Int8 ? "int8" : mode == Mode::Int16x8 ? "16x8" : "dynamic";
}

Recipe load_recipe(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("recipe '{}': cannot open the file", path);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    fail("recipe '{}': not valid JSON ({})", path, e.what());
  }
  if (!j.is_object()) fail("recipe '{}': expected a JSON object", path);
  Recipe r;
  auto string_of = [&](const std::string& key, const nlohmann::json& v) {
    if (!v.is_string()) fail("recipe '{}': \"{}\" must be a string", path, key);
    return v.get<std::string>();
  };
  auto globs_of = [&](const std::string& key, const nlohmann::json& v) {
    std::vector<std::string> out;
    if (!v.is_array()) fail("recipe '{}': \"{}\" must be a list of strings", path, key);
    for (const auto& e : v) out.push_back(string_of(key, e));
    return out;
  };
  try {
    for (const auto& [key, v] : j.items()) {
      if (key == "mode") {
        r.mode = parse_mode(string_of(key, v));
      } else if (key == "estimator") {
        const auto e = calib::parse_estimator(string_of(key, v));
        if (!e) fail("unknown estimator '{}': expected minmax, ema, percentile, mse or entropy", v.get<std::string>());
        r.estimator.estimator = *e;
      } else if (key == "percentile") {
        if (!v.is_number() || v.get<double>() <= 50 || v.get<double>() > 100)
          fail("\"percentile\" must be a number in (50, 100]");
        r.estimator.percentile = v.get<double>();
      } else if (key == "per_channel") {
        if (!v.is_boolean()) fail("\"per_channel\" must be true or false");
        r.per_channel = v.get<bool>();
      } else if (key == "io") {
        const std::string io = string_of(key, v);
        if (io != "float" && io != "int8") fail("\"io\" is '{}': expected float or int8", io);
        r.integer_io = io == "int8";
      } else if (key == "keep_float") {
        r.keep_float = globs_of(key, v);
      } else if (key == "int16") {
        r.int16 = globs_of(key, v);
      } else if (key == "mask_threshold") {
        if (!v.is_number() || v.get<double>() >= 0) fail("\"mask_threshold\" must be a negative number");
        r.mask_threshold = v.get<float>();
      } else {
        fail("unknown key \"{}\" (expected mode, estimator, percentile, per_channel, io, keep_float, int16, mask_threshold)", key);
      }
    }
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind("recipe '", 0) == 0) throw;
    fail("recipe '{}': {}", path, what);
  }
  return r;
}

void save_recipe(const Recipe& r, const std::string& path) {
  nlohmann::json j = {{"mode", mode_name(r.mode)},
                            {"estimator", std::string(calib::estimator_name(r.estimator.estimator))},
                            {"percentile", r.estimator.percentile},
                            {"per_channel", r.per_channel},
                            {"io", r.integer_io ? "int8" : "float"},
                            {"keep_float", r.keep_float},
                            {"int16", r.int16}};
  if (r.mask_threshold) j["mask_threshold"] = *r.mask_threshold;
  const std::string text = j.dump(2) + "\n";
  write_file_atomically(path, std::as_bytes(std::span(text.data(), text.size())));
}

}  // namespace octet::quant
