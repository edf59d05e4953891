#include "support/photos.h"

#include <stb/stb_image.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "octet/error.h"

namespace octet::testing {

std::filesystem::path photo_path(std::string_view name) { return cache_dir() / "photos" / name; }

namespace {

// Where output coordinate `o` samples the input along one axis: the two
// neighbouring input indices and the weight of the second.
struct Tap {
  int lo, hi;
  float frac;
};

std::vector<Tap> taps(int in, int out) {
  std::vector<Tap> t(static_cast<size_t>(out));
  float scale = static_cast<float>(in) / static_cast<float>(out);
  for (int o = 0; o < out; ++o) {
    float src =
        std::clamp((static_cast<float>(o) + 0.5f) * scale - 0.5f, 0.0f, static_cast<float>(in - 1));
    int lo = static_cast<int>(std::floor(src));
    int hi = std::min(lo + 1, in - 1);
    t[static_cast<size_t>(o)] = {lo, hi, src - static_cast<float>(lo)};
  }
  return t;
}

}  // namespace

std::vector<float> load_photo_nhwc(const std::filesystem::path& path, int height, int width,
                                   int channels, float lo, float hi) {
  if (channels != 1 && channels != 3) {
    fail("load_photo_nhwc: {}: channels must be 1 or 3, got {}", path.string(), channels);
  }
  if (height <= 0 || width <= 0) {
    fail("load_photo_nhwc: {}: size must be positive, got {}x{}", path.string(), height, width);
  }
  int in_w = 0, in_h = 0, in_c = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load(path.c_str(), &in_w, &in_h, &in_c, channels), stbi_image_free);
  if (!pixels) {
    fail("load_photo_nhwc: cannot read image {}: {}", path.string(),
         stbi_failure_reason() ? stbi_failure_reason() : "unknown error");
  }

  auto ys = taps(in_h, height);
  auto xs = taps(in_w, width);
  const float gain = (hi - lo) / 255.0f;
  std::vector<float> out(static_cast<size_t>(height) * width * channels);
  auto at = [&](int y, int x, int c) {
    return static_cast<float>(pixels.get()[(static_cast<size_t>(y) * in_w + x) * channels + c]);
  };
  size_t i = 0;
  for (const Tap& ty : ys) {
    for (const Tap& tx : xs) {
      for (int c = 0; c < channels; ++c) {
        float top = at(ty.lo, tx.lo, c) + (at(ty.lo, tx.hi, c) - at(ty.lo, tx.lo, c)) * tx.frac;
        float bottom = at(ty.hi, tx.lo, c) + (at(ty.hi, tx.hi, c) - at(ty.hi, tx.lo, c)) * tx.frac;
        float v = top + (bottom - top) * ty.frac;
        out[i++] = lo + v * gain;
      }
    }
  }
  return out;
}

}  // namespace octet::testing
