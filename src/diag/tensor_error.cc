#include "diag/tensor_error.h"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include "octet/builder.h"
#include "octet/error.h"
#include "octet/interpreter.h"

namespace octet::diag {
namespace {

constexpr double kMaskValue = -1e4;

bool quantized(DType t) { return t == DType::Int8 || t == DType::Int16; }

// The float tensor a name stands for: octet's inserted twins carry a suffix.
std::string base_name(const std::string& name) {
  for (const char* suffix : {"/int8", "/int16", "/requantized", "/float"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0)
      return name.substr(0, name.size() - s.size());
  }
  return name;
}

std::vector<float> floats_of(std::span<const std::byte> b) {
  std::vector<float> v(b.size() / 4);
  std::memcpy(v.data(), b.data(), v.size() * 4);
  return v;
}

int64_t code_at(DType t, std::span<const std::byte> b, size_t i) {
  if (t == DType::Int8) return static_cast<int8_t>(b[i]);
  int16_t v;
  std::memcpy(&v, b.data() + 2 * i, 2);
  return v;
}

std::vector<std::byte> quantize_to(const Tensor& t, const std::vector<float>& v) {
  const double s = t.quant.scale.at(0), z = static_cast<double>(t.quant.zero_point.at(0));
  const double lo = t.dtype == DType::Int8 ? -128 : -32768, hi = t.dtype == DType::Int8 ? 127 : 32767;
  std::vector<std::byte> out(v.size() * (t.dtype == DType::Int8 ? 1 : 2));
  for (size_t i = 0; i < v.size(); ++i) {
    const double q = std::clamp(std::round(static_cast<double>(v[i]) / s) + z, lo, hi);
    if (t.dtype == DType::Int8) {
      out[i] = static_cast<std::byte>(static_cast<int8_t>(q));
    } else {
      const auto q16 = static_cast<int16_t>(q);
      std::memcpy(out.data() + 2 * i, &q16, 2);
    }
  }
  return out;
}

// Running sums of one comparison.
struct Acc {
  double ff = 0, ee = 0, fd = 0, dd = 0;
  uint64_t n = 0, clipped = 0, saturated = 0, masked = 0;
  double fmin = INFINITY, fmax = -INFINITY;
  std::vector<bool> seen;  // codes seen

  void add(const Tensor& t, const std::vector<float>& f, std::span<const std::byte> codes) {
    const double s = t.quant.scale.at(0), z = static_cast<double>(t.quant.zero_point.at(0));
    const int64_t lo = t.dtype == DType::Int8 ? -128 : -32768, hi = t.dtype == DType::Int8 ? 127 : 32767;
    if (seen.empty()) seen.assign(static_cast<size_t>(hi - lo + 1), false);
    const double rlo = s * (lo - z), rhi = s * (hi - z);
    const size_t count = std::min(f.size(), codes.size() / (t.dtype == DType::Int8 ? 1 : 2));
    for (size_t i = 0; i < count; ++i) {
      const int64_t q = code_at(t.dtype, codes, i);
      const double d = s * (static_cast<double>(q) - z), x = f[i];
      // Additive-mask values are not signal: a mask-aware file maps them to
      // its own mask value on purpose.
      if (x <= kMaskValue) {
        ++masked;
        continue;
      }
      ff += x * x;
      ee += (x - d) * (x - d);
      fd += x * d;
      dd += d * d;
      clipped += x < rlo - s / 2 || x > rhi + s / 2;
      saturated += q == lo || q == hi;
      seen[static_cast<size_t>(q - lo)] = true;
      fmin = std::min(fmin, x);
      fmax = std::max(fmax, x);
    }
    n += count - masked_before(count);
  }
  uint64_t masked_before(size_t) { const uint64_t m = masked - counted_masked; counted_masked = masked; return m; }
  uint64_t counted_masked = 0;
  double sqnr() const { return ee == 0 ? INFINITY : 10 * std::log10(ff / ee); }
};

// One integer op alone, its non-constant inputs fed from outside.
struct Isolated {
  Model model;
  std::unique_ptr<Interpreter> interpreter;
  std::vector<int32_t> fed;  // the int model's tensor for each input
};

std::unique_ptr<Isolated> isolate(const Model& m, const Op& op) {
  auto iso = std::make_unique<Isolated>();
  iso->model = extract_op(m, op, iso->fed);
  iso->interpreter = std::make_unique<Interpreter>(iso->model, 0, InterpreterOptions{.num_threads = 1});
  return iso;
}

}  // namespace

DebugReport debug_tensors(const Model& float_model, const Model& int_model, calib::DataSource& data,
                          const DebugOptions& options) {
  Interpreter fi(float_model), qi(int_model);
  const Graph& fg = float_model.main();
  const Graph& qg = int_model.main();
  DebugReport report;
  for (int32_t t : qg.inputs)
    if (quantized(qg.tensors[t].dtype))
      report.boundary.push_back(fmt::format("input '{}' {} scale {:g} zero point {}", qg.tensors[t].name,
                                            dtype_name(qg.tensors[t].dtype), qg.tensors[t].quant.scale.at(0),
                                            qg.tensors[t].quant.zero_point.at(0)));
  for (int32_t t : qg.outputs)
    if (quantized(qg.tensors[t].dtype))
      report.boundary.push_back(fmt::format("output '{}' {} scale {:g} zero point {}", qg.tensors[t].name,
                                            dtype_name(qg.tensors[t].dtype), qg.tensors[t].quant.scale.at(0),
                                            qg.tensors[t].quant.zero_point.at(0)));

  // The integer ops whose (first) output names a float tensor: what is compared.
  std::vector<int32_t> compared;  // op indices in int model order
  std::map<std::string, int32_t> float_tensor;
  for (size_t t = 0; t < fg.tensors.size(); ++t) float_tensor[fg.tensors[t].name] = static_cast<int32_t>(t);
  for (size_t i = 0; i < qg.ops.size(); ++i) {
    const Op& op = qg.ops[i];
    if (op.outputs.empty() || op.outputs[0] < 0) continue;
    const Tensor& t = qg.tensors[op.outputs[0]];
    if (quantized(t.dtype) && t.quant.scale.size() == 1 && float_tensor.count(t.name))
      compared.push_back(static_cast<int32_t>(i));
  }
  std::vector<Acc> e2e(compared.size()), iso(compared.size());
  std::vector<std::unique_ptr<Isolated>> isolated(compared.size());
  if (options.isolated)
    for (size_t k = 0; k < compared.size(); ++k) isolated[k] = isolate(int_model, qg.ops[compared[k]]);

  const size_t samples = options.max_samples ? std::min(options.max_samples, data.size()) : data.size();
  for (size_t s = 0; s < samples; ++s) {
    const calib::Sample sample = data.read(s);
    // Float run: every float tensor's values by name.
    std::map<std::string, std::vector<float>> fvals;
    for (size_t i = 0; i < fi.num_inputs(); ++i) {
      fi.set_input(i, sample.inputs.at(i));
      const Tensor& t = fg.tensors[fi.input_tensor(i)];
      if (t.dtype == DType::Float32) fvals[t.name] = floats_of(sample.inputs[i]);
    }
    fi.set_observer([&](const OpEvent& e) {
      for (int32_t t : e.op.outputs)
        if (t >= 0 && fg.tensors[t].dtype == DType::Float32) fvals[fg.tensors[t].name] = floats_of(fi.tensor_data(t));
    });
    fi.invoke();
    // Integer run: inputs by name, quantized where the integer model wants codes.
    std::map<std::string, std::vector<std::byte>> qvals;
    for (size_t i = 0; i < qi.num_inputs(); ++i) {
      const Tensor& t = qg.tensors[qi.input_tensor(i)];
      std::vector<std::byte> bytes;
      for (size_t j = 0; j < fi.num_inputs(); ++j)
        if (fg.tensors[fi.input_tensor(j)].name == base_name(t.name)) bytes = sample.inputs[j];
      if (bytes.empty()) fail("integer model input '{}' has no float model input of that name", t.name);
      if (quantized(t.dtype) && fg.tensors[float_tensor.at(base_name(t.name))].dtype == DType::Float32)
        bytes = quantize_to(t, floats_of(bytes));
      qi.set_input(i, bytes);
      qvals[t.name] = bytes;
    }
    std::map<int32_t, size_t> slot;
    for (size_t k = 0; k < compared.size(); ++k) slot[compared[k]] = k;
    qi.set_observer([&](const OpEvent& e) {
      for (int32_t t : e.op.outputs) {
        if (t < 0) continue;
        const auto bytes = qi.tensor_data(t);
        if (options.isolated) qvals[qg.tensors[t].name].assign(bytes.begin(), bytes.end());
      }
      auto it = slot.find(e.op_index);
      if (it == slot.end()) return;
      const Tensor& out = qg.tensors[e.op.outputs[0]];
      e2e[it->second].add(out, fvals.at(out.name), qi.tensor_data(e.op.outputs[0]));
    });
    qi.invoke();
    if (!options.isolated) continue;
    for (size_t k = 0; k < compared.size(); ++k) {
      Isolated& one = *isolated[k];
      bool ok = true;
      for (size_t j = 0; j < one.fed.size() && ok; ++j) {
        const Tensor& t = qg.tensors[one.fed[j]];
        auto f = fvals.find(base_name(t.name));
        if (quantized(t.dtype) && f != fvals.end()) {
          one.interpreter->set_input(j, quantize_to(t, f->second));
        } else if (auto q = qvals.find(t.name); q != qvals.end()) {
          one.interpreter->set_input(j, q->second);  // ids, masks: as the integer model had them
        } else {
          ok = false;
        }
      }
      if (!ok) continue;
      one.interpreter->invoke();
      const Tensor& out = qg.tensors[qg.ops[compared[k]].outputs[0]];
      iso[k].add(out, fvals.at(out.name), one.interpreter->output_data(0));
    }
  }
  report.samples = samples;
  for (size_t k = 0; k < compared.size(); ++k) {
    const Op& op = qg.ops[compared[k]];
    const Tensor& t = qg.tensors[op.outputs[0]];
    const Acc& a = e2e[k];
    TensorError te;
    te.name = t.name;
    te.op = std::string(builtin_op_name(op.code.builtin));
    te.op_index = compared[k];
    te.dtype = t.dtype;
    te.scale = t.quant.scale.at(0);
    te.zero_point = t.quant.zero_point.at(0);
    te.sqnr_db = a.sqnr();
    te.cosine = a.ff > 0 && a.dd > 0 ? a.fd / std::sqrt(a.ff * a.dd) : (a.ee == 0 ? 1.0 : 0.0);
    te.rmse_steps = a.n ? std::sqrt(a.ee / static_cast<double>(a.n)) / te.scale : 0;
    te.clip_rate = a.n ? static_cast<double>(a.clipped) / static_cast<double>(a.n) : 0;
    te.saturation = a.n ? static_cast<double>(a.saturated) / static_cast<double>(a.n) : 0;
    te.levels_used = a.seen.empty() ? 0 : static_cast<double>(std::count(a.seen.begin(), a.seen.end(), true)) /
                                              static_cast<double>(a.seen.size());
    te.float_min = a.fmin;
    te.float_max = a.fmax;
    // The range reaches an additive-mask value, or the step is so coarse that
    // a mask constant must have set it.
    te.mask_dominated = a.masked > 0 && te.scale * 255 >= -kMaskValue;
    if (options.isolated && iso[k].n) te.isolated_sqnr_db = iso[k].sqnr();
    if (!report.first_below && te.sqnr_db < options.threshold_db) report.first_below = report.tensors.size();
    report.tensors.push_back(te);
  }
  return report;
}

std::string format_debug(const DebugReport& r, const DebugOptions& o, size_t top) {
  std::vector<size_t> order(r.tensors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (top) {
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return r.tensors[a].sqnr_db < r.tensors[b].sqnr_db; });
    order.resize(std::min(top, order.size()));
  }
  std::string out = fmt::format("{:>5} {:<18} {:>8} {:>8} {:>8} {:>7} {:>7} {:>6} {:>6}  {}\n", "op", "", "SQNR dB",
                                o.isolated ? "isolated" : "", "cosine", "rmse/s", "clip%", "lvl%", "sat%", "tensor");
  for (size_t i : order) {
    const TensorError& t = r.tensors[i];
    std::string flags;
    if (t.mask_dominated) flags += " [mask-dominated range]";
    if (t.saturation > 0.01) flags += " [saturated]";
    out += fmt::format("{:>5} {:<18} {:>8.1f} {:>8} {:>8.4f} {:>7.2f} {:>7.2f} {:>6.1f} {:>6.1f}  {}{}\n", t.op_index,
                       t.op, t.sqnr_db, t.isolated_sqnr_db ? fmt::format("{:.1f}", *t.isolated_sqnr_db) : "",
                       t.cosine, t.rmse_steps, 100 * t.clip_rate, 100 * t.levels_used, 100 * t.saturation, t.name,
                       flags);
  }
  if (r.first_below) {
    const TensorError& t = r.tensors[*r.first_below];
    std::string why = "";
    if (t.isolated_sqnr_db)
      why = *t.isolated_sqnr_db < o.threshold_db ? "; isolated it is low too: this op is the culprit"
                                                 : fmt::format("; isolated {:.1f} dB: the error is carried in", *t.isolated_sqnr_db);
    out += fmt::format("first tensor below {:.0f} dB: op {} ({}) '{}' at {:.1f} dB{}\n", o.threshold_db, t.op_index,
                       t.op, t.name, t.sqnr_db, why);
  } else {
    out += fmt::format("no tensor below {:.0f} dB\n", o.threshold_db);
  }
  for (const std::string& b : r.boundary) out += "boundary: " + b + "\n";
  return out;
}

nlohmann::json debug_json(const DebugReport& r) {
  nlohmann::json j;
  j["samples"] = r.samples;
  j["tensors"] = nlohmann::json::array();
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  for (const TensorError& t : r.tensors) {
    nlohmann::json e{{"name", t.name}, {"op", t.op}, {"op_index", t.op_index}, {"dtype", dtype_name(t.dtype)},
                     {"scale", t.scale}, {"zero_point", t.zero_point}, {"sqnr_db", num(t.sqnr_db)},
                     {"cosine", t.cosine}, {"rmse_steps", t.rmse_steps}, {"clip_rate", t.clip_rate},
                     {"levels_used", t.levels_used}, {"saturation", t.saturation}, {"float_min", num(t.float_min)},
                     {"float_max", num(t.float_max)}, {"mask_dominated", t.mask_dominated}};
    if (t.isolated_sqnr_db) e["isolated_sqnr_db"] = num(*t.isolated_sqnr_db);
    j["tensors"].push_back(e);
  }
  if (r.first_below) j["first_below"] = r.tensors[*r.first_below].name;
  j["boundary"] = r.boundary;
  return j;
}

}  // namespace octet::diag
