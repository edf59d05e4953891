// octet debug FLOAT INT (--data DIR|LIST | --random N) [--threshold 20] [--isolated] [--top K]
//             [--samples N] [--json OUT]
// Per tensor: how far the integer model's values are from the float model's.
#include <cstdio>

#include "calib/data.h"
#include "diag/tensor_error.h"
#include "octet/commands.h"
#include "octet/error.h"
#include "octet/model.h"

namespace octet::cli {
namespace {

struct Args {
  std::string float_model, int_model, data, json;
  size_t random = 0, top = 0, samples = 0;
  diag::DebugOptions options;
};

void run(const Args& a) {
  const Model f = load_model(a.float_model), q = load_model(a.int_model);
  std::unique_ptr<calib::DataSource> data;
  if (!a.data.empty()) data = calib::open_data(f, a.data);
  else if (a.random > 0) data = calib::random_data(f, {.samples = a.random});
  else fail("debug needs inputs: --data DIR|LIST (samples for the float model) or --random N");
  diag::DebugOptions o = a.options;
  o.max_samples = a.samples;
  const diag::DebugReport r = diag::debug_tensors(f, q, *data, o);
  std::printf("%zu tensors compared over %zu samples\n%s", r.tensors.size(), r.samples,
              diag::format_debug(r, o, a.top).c_str());
  if (!a.json.empty()) {
    const std::string text = diag::debug_json(r).dump(2) + "\n";
    write_file_atomically(a.json, std::as_bytes(std::span(text.data(), text.size())));
  }
}

}  // namespace

void add_debug(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("debug", "Per-tensor error of a quantized model against its float original");
  cmd->add_option("float", a->float_model, "float .tflite")->required()->check(CLI::ExistingFile);
  cmd->add_option("int", a->int_model, "its quantized .tflite (octet quantize keeps tensor names)")
      ->required()->check(CLI::ExistingFile);
  cmd->add_option("--data", a->data, "samples for the float model: a folder or a list file (as octet calibrate)");
  cmd->add_option("--random", a->random, "N seeded random samples instead");
  cmd->add_option("--samples", a->samples, "use at most N samples");
  cmd->add_option("--threshold", a->options.threshold_db, "SQNR (dB) below which a tensor is bad (default 20)");
  cmd->add_flag("--isolated", a->options.isolated, "also run each integer op alone on quantized float inputs");
  cmd->add_option("--top", a->top, "print only the K worst tensors");
  cmd->add_option("--json", a->json, "write every figure as JSON");
  cmd->callback([a] { run(*a); });
}

}  // namespace octet::cli
