// octet inspect FILE [--json]
#include <cstdio>
#include <filesystem>

#include "model/summary.h"
#include "octet/commands.h"

namespace octet::cli {

void add_inspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Signature, op histogram, tensors and precision of a .tflite");
  static std::string file;
  static bool json = false;
  cmd->add_option("FILE", file, ".tflite file")->required();
  cmd->add_flag("--json", json, "print JSON instead of text");
  cmd->callback([] {
    const Model model = load_model(file);
    const auto summary = summarize_model(model, file, std::filesystem::file_size(file));
    const std::string text = json ? summary.dump(2) + "\n" : format_summary(summary);
    std::fwrite(text.data(), 1, text.size(), stdout);
  });
}

}  // namespace octet::cli
