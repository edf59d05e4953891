// Gathers TensorStats while octet's interpreter runs a float model: every
// float32 graph input and every float32 op output, matched by tensor name.
// Constants are not observed (the quantizer ranges weights itself), and ops
// the interpreter folded at plan time never run, so their outputs are not
// seen either: they are constants too.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "calib/stats.h"
#include "octet/interpreter.h"

namespace octet::calib {

struct ObserverOptions {
  // Weight of the old value in the moving average of per-sample extremes.
  double ema_decay = 0.99;
  // Mask-aware observing: values at or below this (an additive attention
  // mask's -1e9, float lowest) are counted in TensorStats::masked and kept
  // out of min/max/histogram. Unset: every finite value counts.
  std::optional<float> mask_at_or_below;
};

// Adds one sample's values of one tensor to `stats`: NaN/Inf go to
// `nonfinite`, masked values to `masked`, the rest to count, min/max, the
// moving averages (the first sample with values initialises them) and the
// histogram (widened as needed). Fast path: two passes over the values.
void accumulate(TensorStats& stats, std::span<const float> values, const ObserverOptions& options = {});

// The name stats are kept under: the tensor's name, or "#<index>" for the
// rare tensor without one.
std::string stats_name(const Graph& graph, int32_t tensor);

class Observer {
 public:
  // Installs itself as `interpreter`'s observer; the interpreter must
  // outlive it and not be given another observer meanwhile.
  explicit Observer(Interpreter& interpreter, ObserverOptions options = {});
  ~Observer();
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  // One sample: observes the inputs as they are set, invokes, observes
  // every op's float outputs right after it ran.
  void run_sample();

  const Stats& stats() const { return stats_; }
  Stats& stats() { return stats_; }
  // Tensors observed so far (graph inputs and op outputs that ran), as indices.
  const std::vector<int32_t>& observed_tensors() const { return observed_; }

 private:
  struct Slot {
    int32_t tensor;
    TensorStats* stats;  // null until first observed
  };
  void observe(Slot& slot);

  Interpreter& interpreter_;
  ObserverOptions options_;
  Stats stats_;
  std::vector<int32_t> observed_;
  std::vector<Slot> inputs_;
  // For each op index, its float outputs and where their stats go.
  std::vector<std::vector<Slot>> outputs_;
};

}  // namespace octet::calib
