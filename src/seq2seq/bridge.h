// The explicit boundary between the encoder's output and the decoder's
// encoder_hidden_states input (DESIGN.md, "The seq2seq deployment shape").
// Either side may be float32, int8 or int16; the bridge converts:
//   quantized → float:   x = s_e · (q_e − z_e)
//   float → quantized:   q_d = clamp(round(x / s_d) + z_d)        (TFLite QUANTIZE)
//   quantized → quantized, other parameters:
//                        q_d = clamp(round(s_e / s_d · (q_e − z_e)) + z_d)
//   same type and parameters: a copy.
// round() is half away from zero, as TFLite's TfLiteRound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "octet/types.h"

namespace octet::seq2seq {

struct Encoding {
  DType dtype = DType::Float32;
  float scale = 1.0f;       // quantized types only
  int64_t zero_point = 0;
  std::string describe() const;
};

enum class BridgeKind { Copy, Dequantize, Quantize, Requantize };
BridgeKind bridge_kind(const Encoding& from, const Encoding& to);

// Converts src (encoded as `from`) into dst (encoded as `to`); both hold the
// same number of elements. Throws octet::Error on unsupported types or sizes.
void bridge(const Encoding& from, std::span<const std::byte> src, const Encoding& to, std::span<std::byte> dst);

}  // namespace octet::seq2seq
