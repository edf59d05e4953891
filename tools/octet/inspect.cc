// octet inspect FILE [--ops] [--json]
#include <cstdio>
#include <filesystem>

#include "model/summary.h"
#include "octet/commands.h"

namespace octet::cli {

void add_inspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Signature, op histogram, tensors and precision of a .tflite");
  static std::string file;
  static bool json = false, ops = false;
  cmd->add_option("FILE", file, ".tflite file")->required();
  cmd->add_flag("--json", json, "print JSON instead of text");
  cmd->add_flag("--ops", ops, "also list every op with its precision and output parameters");
  cmd->callback([] {
    const Model model = load_model(file);
    auto summary = summarize_model(model, file, std::filesystem::file_size(file));
    if (ops) summary["op_list"] = summarize_ops(model);
    std::string text = json ? summary.dump(2) + "\n" : format_summary(summary);
    if (ops && !json) text += "op list\n" + format_ops(summary["op_list"]);
    std::fwrite(text.data(), 1, text.size(), stdout);
  });
}

}  // namespace octet::cli
