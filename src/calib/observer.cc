#include "calib/observer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "calib/histogram.h"

namespace octet::calib {

namespace {

bool finite_bits(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return (bits & 0x7f800000u) != 0x7f800000u;
}

struct Extremes {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  uint64_t nonfinite = 0, masked = 0;
};

// One pass the compiler can vectorise: extremes and a count of NaN/Inf. Only
// when that count is non-zero (or a mask is set) does the filtered pass run.
Extremes scan(std::span<const float> values) {
  Extremes e;
  float lo = e.lo, hi = e.hi;
  uint64_t bad = 0;
  for (float v : values) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    bad += finite_bits(v) ? 0 : 1;
  }
  e.lo = lo;
  e.hi = hi;
  e.nonfinite = bad;
  return e;
}

template <class Keep>
Extremes scan_kept(std::span<const float> values, Keep keep) {
  Extremes e;
  for (float v : values) {
    if (!keep(v)) continue;
    e.lo = std::min(e.lo, v);
    e.hi = std::max(e.hi, v);
  }
  return e;
}

}  // namespace

void accumulate(TensorStats& stats, std::span<const float> values, const ObserverOptions& options) {
  Extremes e = scan(values);
  const bool masking = options.mask_at_or_below.has_value();
  const float mask = options.mask_at_or_below.value_or(0.f);
  auto keep = [masking, mask](float v) { return finite_bits(v) && !(masking && v <= mask); };
  uint64_t kept = values.size() - e.nonfinite;
  const bool filtered = e.nonfinite > 0 || (masking && e.lo <= mask);
  if (filtered) {
    const uint64_t nonfinite = e.nonfinite;
    uint64_t masked = 0;
    if (masking)
      for (float v : values) masked += (finite_bits(v) && v <= mask) ? 1 : 0;
    e = scan_kept(values, keep);
    e.nonfinite = nonfinite;
    e.masked = masked;
    kept -= masked;
  }
  stats.nonfinite += e.nonfinite;
  stats.masked += e.masked;
  if (kept == 0) return;

  const double lo = e.lo, hi = e.hi;
  if (stats.count == 0) {
    stats.min = lo;
    stats.max = hi;
    stats.ema_min = lo;
    stats.ema_max = hi;
  } else {
    stats.min = std::min(stats.min, lo);
    stats.max = std::max(stats.max, hi);
    const double d = options.ema_decay;
    stats.ema_min = d * stats.ema_min + (1 - d) * lo;
    stats.ema_max = d * stats.ema_max + (1 - d) * hi;
  }
  stats.count += kept;
  widen_to_cover(stats.histogram, lo, hi);
  if (filtered)
    add_values(stats.histogram, values, keep);
  else
    add_values(stats.histogram, values, [](float) { return true; });
}

std::string stats_name(const Graph& graph, int32_t tensor) {
  const std::string& name = graph.tensors[static_cast<size_t>(tensor)].name;
  return name.empty() ? "#" + std::to_string(tensor) : name;
}

Observer::Observer(Interpreter& interpreter, ObserverOptions options)
    : interpreter_(interpreter), options_(options) {
  const Graph& g = interpreter_.graph();
  auto float_tensor = [&](int32_t t) { return t >= 0 && g.tensors[static_cast<size_t>(t)].dtype == DType::Float32; };
  for (size_t i = 0; i < interpreter_.num_inputs(); ++i)
    if (const int32_t t = interpreter_.input_tensor(i); float_tensor(t)) inputs_.push_back({t, nullptr});
  outputs_.resize(g.ops.size());
  for (size_t o = 0; o < g.ops.size(); ++o)
    for (int32_t t : g.ops[o].outputs)
      if (float_tensor(t)) outputs_[o].push_back({t, nullptr});
  interpreter_.set_observer([this](const OpEvent& event) {
    for (Slot& slot : outputs_[static_cast<size_t>(event.op_index)]) observe(slot);
  });
}

Observer::~Observer() { interpreter_.set_observer(nullptr); }

// Entries are made on first sight, so tensors of ops folded at plan time
// (which never run) do not appear; std::map nodes never move, so the
// pointer stays valid as later entries are added.
void Observer::observe(Slot& slot) {
  if (!slot.stats) {
    const std::string name = stats_name(interpreter_.graph(), slot.tensor);
    slot.stats = &stats_.tensors[name];
    slot.stats->name = name;
    observed_.push_back(slot.tensor);
  }
  const auto bytes = interpreter_.tensor_data(slot.tensor);
  accumulate(*slot.stats, {reinterpret_cast<const float*>(bytes.data()), bytes.size() / sizeof(float)}, options_);
}

void Observer::run_sample() {
  for (Slot& slot : inputs_) observe(slot);
  interpreter_.invoke();
  ++stats_.samples;
}

}  // namespace octet::calib
