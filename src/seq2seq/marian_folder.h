// Checks of a Marian folder beyond the config: the files it must hold and the
// agreement of vocab.json with the config's ids and the SentencePiece models.
#pragma once

#include <filesystem>

#include "seq2seq/marian_config.h"

namespace octet::seq2seq {

// The files import_marian reads; throws naming the first one missing.
void check_marian_files(const std::filesystem::path& dir);

struct MarianVocab {
  int unk_id = -1;
  int size = 0;  // number of entries in vocab.json
};

// vocab.json: every id in [0, vocab_size), </s> = eos_token_id, <pad> =
// pad_token_id, <unk> present; every piece of source.spm and target.spm in
// vocab.json.
MarianVocab check_marian_vocab(const std::filesystem::path& dir, const MarianConfig& config);

}  // namespace octet::seq2seq
