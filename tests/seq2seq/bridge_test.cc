// The encoder → decoder boundary on numbers worked out by hand.
#include <cstring>

#include <gtest/gtest.h>

#include "octet/error.h"
#include "seq2seq/bridge.h"

namespace octet::seq2seq {
namespace {

template <class To, class From>
std::vector<To> run(const Encoding& from, const std::vector<From>& src, const Encoding& to) {
  std::vector<To> dst(src.size());
  bridge(from, std::as_bytes(std::span(src)), to, std::as_writable_bytes(std::span(dst)));
  return dst;
}

TEST(Bridge, DequantizesInt8) {
  // s = 0.5, z = -3: x = 0.5 (q + 3).
  const Encoding from{DType::Int8, 0.5f, -3};
  EXPECT_EQ(bridge_kind(from, Encoding{}), BridgeKind::Dequantize);
  EXPECT_EQ(run<float>(from, std::vector<int8_t>{-128, -3, 0, 127}, Encoding{}),
            (std::vector<float>{-62.5f, 0.0f, 1.5f, 65.0f}));
}

TEST(Bridge, DequantizesInt16) {
  const Encoding from{DType::Int16, 0.25f, 0};
  EXPECT_EQ(run<float>(from, std::vector<int16_t>{-32768, -1, 0, 32767}, Encoding{}),
            (std::vector<float>{-8192.0f, -0.25f, 0.0f, 8191.75f}));
}

TEST(Bridge, QuantizesRoundingHalfAwayFromZeroAndClamping) {
  // s = 0.5, z = 10: x / s = {0.5, -0.5, 1.5, 200, -200, 2, -2.5}
  //   → round {1, -1, 2, 200, -200, 2, -3} + 10 → {11, 9, 12, 210→127, -190→-128, 12, 7}.
  const Encoding to{DType::Int8, 0.5f, 10};
  EXPECT_EQ(bridge_kind(Encoding{}, to), BridgeKind::Quantize);
  EXPECT_EQ(run<int8_t>(Encoding{}, std::vector<float>{0.25f, -0.25f, 0.75f, 100.f, -100.f, 1.0f, -1.25f}, to),
            (std::vector<int8_t>{11, 9, 12, 127, -128, 12, 7}));
  // int16, z = 0: 1.25 / 0.5 = 2.5 → 3; 20000 / 0.5 = 40000 → 32767.
  const Encoding to16{DType::Int16, 0.5f, 0};
  EXPECT_EQ(run<int16_t>(Encoding{}, std::vector<float>{1.25f, -1.25f, 20000.f, -20000.f}, to16),
            (std::vector<int16_t>{3, -3, 32767, -32768}));
}

TEST(Bridge, RequantizesBetweenDifferentParameters) {
  // s_e = 0.2, z_e = 5 → s_d = 0.4, z_d = -10: s_e / s_d = 0.5 exactly (0.4f = 2 · 0.2f).
  // q_e - z_e = {0, 1, 2, 3, 122, -133} → ×0.5 = {0, 0.5, 1, 1.5, 61, -66.5}
  //   → round {0, 1, 1, 2, 61, -67} - 10 = {-10, -9, -9, -8, 51, -77}.
  const Encoding from{DType::Int8, 0.2f, 5}, to{DType::Int8, 0.4f, -10};
  EXPECT_EQ(bridge_kind(from, to), BridgeKind::Requantize);
  EXPECT_EQ(run<int8_t>(from, std::vector<int8_t>{5, 6, 7, 8, 127, -128}, to),
            (std::vector<int8_t>{-10, -9, -9, -8, 51, -77}));
  // Towards a finer scale the result clamps: s_e / s_d = 4, z_d = 0: 127·4 → 127, -128·4 → -128, 3·4 = 12.
  const Encoding fine{DType::Int8, 0.05f, 0}, coarse{DType::Int8, 0.2f, 0};
  EXPECT_EQ(run<int8_t>(coarse, std::vector<int8_t>{127, -128, 3}, fine), (std::vector<int8_t>{127, -128, 12}));
}

TEST(Bridge, RequantizesInt8ToInt16) {
  // s_e = 0.5, z_e = 1 → s_d = 0.0078125 (2^-7), z_d = 0: factor 64.
  // (q - 1)·64 = {-8256, 0, 8064}; to s_d = 2^-9 (factor 256): 126·256 = 32256, -129·256 → -32768.
  const Encoding from{DType::Int8, 0.5f, 1};
  EXPECT_EQ(run<int16_t>(from, std::vector<int8_t>{-128, 1, 127}, Encoding{DType::Int16, 0.0078125f, 0}),
            (std::vector<int16_t>{-8256, 0, 8064}));
  EXPECT_EQ(run<int16_t>(from, std::vector<int8_t>{127, -128}, Encoding{DType::Int16, 0.001953125f, 0}),
            (std::vector<int16_t>{32256, -32768}));
}

TEST(Bridge, CopiesWhenBothSidesAgree) {
  const Encoding q{DType::Int8, 0.3f, 7};
  EXPECT_EQ(bridge_kind(q, q), BridgeKind::Copy);
  EXPECT_EQ(bridge_kind(Encoding{}, Encoding{}), BridgeKind::Copy);
  EXPECT_EQ(bridge_kind(q, Encoding{DType::Int8, 0.3f, 8}), BridgeKind::Requantize);
  const std::vector<int8_t> src{-128, -1, 0, 7, 127};
  EXPECT_EQ(run<int8_t>(q, src, q), src);
  const std::vector<float> f{-1.5f, 0.f, 3.25e-7f};
  EXPECT_EQ(run<float>(Encoding{}, f, Encoding{}), f);
}

TEST(Bridge, RejectsMismatchedSizesAndTypes) {
  std::vector<int8_t> src(4), dst(3);
  const Encoding q{DType::Int8, 0.5f, 0};
  EXPECT_THROW(bridge(q, std::as_bytes(std::span(src)), q, std::as_writable_bytes(std::span(dst))), Error);
  std::vector<float> fdst(4);
  EXPECT_THROW(bridge(Encoding{DType::Int32}, std::as_bytes(std::span(src)), Encoding{},
                      std::as_writable_bytes(std::span(fdst))),
               Error);
  EXPECT_THROW(bridge(Encoding{DType::Int8, 0.0f, 0}, std::as_bytes(std::span(src)), Encoding{},
                      std::as_writable_bytes(std::span(fdst))),
               Error);
}

}  // namespace
}  // namespace octet::seq2seq
