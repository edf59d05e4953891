// octet translate DIR [--input FILE|-] [--output FILE] [--beam N] [--max-len N] [--threads N]
//                     [--encoder E --decoder D]
// One sentence a line in, one translation a line out; speed to stderr. A source
// longer than the encoder's S is cut to S - 1 tokens + </s>, with a warning
// (counted in the summary line): one long line should not stop a whole file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "octet/commands.h"
#include "octet/error.h"
#include "octet/model.h"
#include "octet/translate.h"

namespace octet::cli {

namespace {

struct TranslateArgs {
  std::string dir;
  std::string input = "-";
  std::string output;
  std::string encoder, decoder;
  bool ids = false;
  seq2seq::TranslatorOptions options;
};

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) fail("{}: cannot open", path);
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

void translate(const TranslateArgs& args) {
  seq2seq::TranslatorFiles files =
      seq2seq::TranslatorFiles::from_folder(args.dir, args.encoder.empty() || args.decoder.empty());
  if (!args.encoder.empty()) files.encoder = args.encoder;
  if (!args.decoder.empty()) files.decoder = args.decoder;
  seq2seq::Translator translator(files, args.options);
  const std::vector<std::string> lines = read_lines(args.input);

  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<seq2seq::Translation> out = translator.translate(lines);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::string text;
  size_t truncated = 0, steps = 0;
  double decoder_ms = 0, encoder_ms = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    text += args.ids ? fmt::format("{}\n", fmt::join(out[i].ids, " ")) : out[i].text + '\n';
    steps += static_cast<size_t>(out[i].decoder_steps);
    decoder_ms += out[i].decoder_ms;
    encoder_ms += out[i].encoder_ms;
    if (out[i].truncated) {
      ++truncated;
      std::fprintf(stderr, "octet: warning: line %zu: longer than the encoder's %d source tokens; translated its first %d\n",
                   i + 1, translator.source_length(), translator.source_length() - 1);
    }
  }
  if (args.output.empty() || args.output == "-")
    std::fwrite(text.data(), 1, text.size(), stdout);
  else
    write_file_atomically(args.output, std::as_bytes(std::span(text)));

  std::fprintf(stderr,
               "translate: %zu sentences in %.2f s: %.2f sentences/s; %zu decoder steps, %.3f ms/step, "
               "encoder %.3f ms/sentence (beam %d, %d thread(s), %s); %zu truncated\n",
               out.size(), seconds, out.size() / std::max(seconds, 1e-9), steps,
               steps ? decoder_ms / static_cast<double>(steps) : 0.0,
               out.empty() ? 0.0 : encoder_ms / static_cast<double>(out.size()), args.options.beam_size,
               args.options.threads, translator.bridge_description().c_str(), truncated);
}

}  // namespace

void add_translate(CLI::App& app) {
  auto* cmd = app.add_subcommand("translate", "Translate text with an encoder + decoder-step model folder");
  static TranslateArgs args;
  cmd->add_option("DIR", args.dir, "model folder (encoder.tflite, decoder_step.tflite, *.spm, vocab.json)")->required();
  cmd->add_option("--input", args.input, "one sentence a line; - for stdin (default)");
  cmd->add_option("--output", args.output, "where the translations go (default stdout)");
  cmd->add_option("--beam", args.options.beam_size, "beam size (1: greedy)")->check(CLI::PositiveNumber);
  cmd->add_option("--max-len", args.options.max_length, "cap on generated tokens, </s> included")->check(CLI::PositiveNumber);
  cmd->add_option("--threads", args.options.threads, "sentences in parallel")->check(CLI::PositiveNumber);
  cmd->add_flag("--ids", args.ids, "write the generated token ids (space-separated, </s> included) instead of text");
  cmd->add_option("--encoder", args.encoder, "encoder .tflite instead of DIR/encoder.tflite");
  cmd->add_option("--decoder", args.decoder, "decoder step .tflite instead of DIR/decoder_step.tflite");
  cmd->callback([] { translate(args); });
}

}  // namespace octet::cli
