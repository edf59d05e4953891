// octet: full-integer TFLite models that still work.
#include <cstdio>
#include <exception>

#include "octet/error.h"
#include "octet/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"octet: read, check, run and quantize TFLite models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "octet 0.1.0");
  octet::cli::add_inspect(app);
  octet::cli::add_run(app);
  octet::cli::add_compare(app);
  octet::cli::add_eval(app);
  octet::cli::add_calibrate(app);
  octet::cli::add_quantize(app);
  octet::cli::add_translate(app);
  octet::cli::add_import_marian(app);
  octet::cli::add_quantize_marian(app);
  octet::cli::add_doctor(app);
  octet::cli::add_debug(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const octet::Error& e) {
    std::fprintf(stderr, "octet: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "octet: internal error: %s\n", e.what());
    return 2;
  }
  return 0;
}
