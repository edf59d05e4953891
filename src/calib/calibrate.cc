#include "calib/calibrate.h"

#include "octet/interpreter.h"

namespace octet::calib {

Stats calibrate(const Model& model, DataSource& data, const CalibrateOptions& options) {
  Interpreter interpreter(model, 0, InterpreterOptions{.fold_constants = true, .num_threads = options.num_threads});
  const std::vector<InputSpec> inputs = model_inputs(model);
  if (inputs.size() != interpreter.num_inputs())
    fail("calibrate: the model has {} inputs, its interpreter {}", inputs.size(), interpreter.num_inputs());
  for (const InputSpec& in : inputs)
    if (interpreter.input_tensor(in.index) != in.tensor)
      fail("calibrate: {} is tensor {} in the graph, {} in the interpreter", in.label(), in.tensor,
           interpreter.input_tensor(in.index));
  Observer observer(interpreter, options.observer);
  const size_t total = options.max_samples ? std::min(options.max_samples, data.size()) : data.size();
  if (total == 0) fail("calibrate: {}: no samples", data.description());
  for (size_t i = 0; i < total; ++i) {
    const Sample sample = data.read(i);
    if (sample.inputs.size() != inputs.size())
      fail("calibrate: sample '{}' has {} inputs, the model {}", sample.name, sample.inputs.size(), inputs.size());
    for (size_t k = 0; k < inputs.size(); ++k) interpreter.set_input(k, sample.inputs[k]);
    observer.run_sample();
    if (options.progress) options.progress(i + 1, total);
  }
  Stats stats = std::move(observer.stats());
  stats.model = options.model_name.empty() ? data.description()
                                            : fmt::format("{} (data: {})", options.model_name, data.description());
  return stats;
}

}  // namespace octet::calib
