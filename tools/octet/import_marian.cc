// octet import-marian DIR OUT_DIR [--src-len S] [--tgt-len T]
#include <cstdio>

#include "octet/commands.h"
#include "seq2seq/marian_import.h"

namespace octet::cli {

void add_import_marian(CLI::App& app) {
  struct Args {
    std::string dir, out_dir;
    seq2seq::MarianImportOptions options;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "import-marian", "Hugging Face MarianMTModel folder → float32 encoder.tflite + decoder_step.tflite");
  cmd->add_option("DIR", args->dir, "folder with config.json, model.safetensors, source/target.spm, vocab.json")
      ->required();
  cmd->add_option("OUT_DIR", args->out_dir, "folder to write (created if needed)")->required();
  cmd->add_option("--src-len", args->options.src_len, "source length S of the encoder (default 96)");
  cmd->add_option("--tgt-len", args->options.tgt_len, "decoder length T (default 96)");
  cmd->callback([args] {
    const auto imported = seq2seq::import_marian(args->dir, args->options);
    seq2seq::write_marian(imported, args->dir, args->out_dir);
    std::printf("wrote %s/{encoder.tflite, decoder_step.tflite, octet_seq2seq.json} (S=%d, T=%d, %d+%d layers, V=%d)\n",
                args->out_dir.c_str(), args->options.src_len, args->options.tgt_len, imported.config.encoder_layers,
                imported.config.decoder_layers, imported.config.vocab_size);
  });
}

}  // namespace octet::cli
