// Fuzzes the text path of `octet eval` (UTF-8 decoding, the 13a and intl
// tokenizers, BLEU and chrF++): bytes before the first NUL are hypotheses,
// after it references, one a line. Any bytes must score or throw
// octet::Error; a score must be finite and within [0, 100]; valid UTF-8
// must encode back to the same bytes.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "diag/bleu.h"
#include "diag/chrf.h"
#include "diag/text.h"
#include "octet/error.h"

namespace {

std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void check(double score, const char* what) {
  if (!std::isfinite(score) || score < 0 || score > 100.0000001) {
    std::fprintf(stderr, "metrics_fuzz: %s = %g\n", what, score);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const std::u32string decoded = octet::diag::decode_utf8(bytes, "fuzz input");
    if (octet::diag::encode_utf8(decoded) != bytes) {
      std::fprintf(stderr, "metrics_fuzz: UTF-8 round trip differs\n");
      std::abort();
    }
  } catch (const octet::Error&) {
  }
  const size_t split = bytes.find('\0');
  std::vector<std::string> hyps = lines(bytes.substr(0, split));
  std::vector<std::string> refs = lines(split == std::string_view::npos ? "" : bytes.substr(split + 1));
  refs.resize(hyps.size());
  const std::vector<std::vector<std::string>> streams = {refs};
  try {
    octet::diag::BleuOptions bleu;
    check(octet::diag::corpus_bleu(hyps, streams, bleu).score, "BLEU 13a");
    bleu.tokenizer = octet::diag::Tokenizer::kIntl;
    bleu.lowercase = true;
    check(octet::diag::corpus_bleu(hyps, streams, bleu).score, "BLEU intl lowercase");
    octet::diag::ChrfOptions chrf;
    chrf.word_order = 2;
    check(octet::diag::corpus_chrf(hyps, streams, chrf).score, "chrF++");
  } catch (const octet::Error&) {
  }
  return 0;
}
