// Each subcommand lives in its own file and registers itself on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace octet::cli {

void add_inspect(CLI::App& app);
void add_run(CLI::App& app);
void add_compare(CLI::App& app);
void add_eval(CLI::App& app);
void add_calibrate(CLI::App& app);
void add_quantize(CLI::App& app);
void add_translate(CLI::App& app);
void add_import_marian(CLI::App& app);
void add_quantize_marian(CLI::App& app);
void add_doctor(CLI::App& app);
void add_debug(CLI::App& app);

}  // namespace octet::cli
