// Real photos as model inputs, for end-to-end tests that should see natural
// images rather than constants or noise. scripts/setup.sh puts scikit-image's
// astronaut.png, chelsea.png and coffee.png into .cache/photos/.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "support/test_data.h"  // cache_dir()

namespace octet::testing {

// cache_dir()/photos/<name>; the file may not exist (tests then GTEST_SKIP).
std::filesystem::path photo_path(std::string_view name);

// Decodes an image (PNG, JPEG, ... as stb_image reads them), resizes it
// bilinearly to height × width and returns it as NHWC floats (N = 1), row by
// row, with 0..255 mapped linearly onto lo..hi. channels is 3 (RGB) or 1
// (stb_image's luma, (77 R + 150 G + 29 B) >> 8). Throws octet::Error naming
// the file if it cannot be read.
//
// The resize samples at half-pixel centres (source x = (x + 0.5) · in / out −
// 0.5, clamped to the edge), like OpenCV's INTER_LINEAR and TensorFlow's
// resize with half_pixel_centers, without antialiasing.
std::vector<float> load_photo_nhwc(const std::filesystem::path& path, int height, int width,
                                   int channels, float lo, float hi);

}  // namespace octet::testing
