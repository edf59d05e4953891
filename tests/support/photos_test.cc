#include "support/photos.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "octet/error.h"

namespace octet::testing {
namespace {

#define SKIP_WITHOUT_PHOTO(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " missing: run scripts/setup.sh"

TEST(Photos, AstronautAt256HasShapeAndRange) {
  auto path = photo_path("astronaut.png");
  SKIP_WITHOUT_PHOTO(path);
  auto img = load_photo_nhwc(path, 256, 256, 3, -1.0f, 1.0f);
  ASSERT_EQ(img.size(), 256u * 256u * 3u);
  auto [mn, mx] = std::minmax_element(img.begin(), img.end());
  EXPECT_GE(*mn, -1.0f);
  EXPECT_LE(*mx, 1.0f);
  // A real photo: dark and bright parts, not a constant.
  EXPECT_LT(*mn, -0.8f);
  EXPECT_GT(*mx, 0.8f);
}

TEST(Photos, HalvingAveragesTwoByTwoBlocks) {
  // astronaut.png is 512 × 512: at that size the resize is the identity, and at
  // 256 × 256 each output pixel samples at (2y + 0.5, 2x + 0.5), the mean of a 2 × 2 block.
  auto path = photo_path("astronaut.png");
  SKIP_WITHOUT_PHOTO(path);
  auto full = load_photo_nhwc(path, 512, 512, 3, 0.0f, 255.0f);
  auto half = load_photo_nhwc(path, 256, 256, 3, 0.0f, 255.0f);
  for (float v : {full[0], full[1000], full[77777]}) EXPECT_EQ(v, std::round(v));
  auto f = [&](int y, int x, int c) { return full[(static_cast<size_t>(y) * 512 + x) * 3 + c]; };
  for (int y : {0, 17, 128, 255}) {
    for (int x : {0, 3, 200, 255}) {
      for (int c = 0; c < 3; ++c) {
        float mean = (f(2 * y, 2 * x, c) + f(2 * y, 2 * x + 1, c) + f(2 * y + 1, 2 * x, c) +
                      f(2 * y + 1, 2 * x + 1, c)) /
                     4.0f;
        EXPECT_NEAR(half[(static_cast<size_t>(y) * 256 + x) * 3 + c], mean, 1e-3f)
            << y << "," << x << "," << c;
      }
    }
  }
}

TEST(Photos, GreyIsOneChannelOfLuma) {
  auto path = photo_path("chelsea.png");  // 451 × 300, not square
  SKIP_WITHOUT_PHOTO(path);
  auto rgb = load_photo_nhwc(path, 300, 451, 3, 0.0f, 255.0f);
  auto grey = load_photo_nhwc(path, 300, 451, 1, 0.0f, 255.0f);
  ASSERT_EQ(grey.size(), 300u * 451u);
  for (size_t i : {0u, 1234u, 99999u, 135299u}) {
    float luma = std::floor((77 * rgb[3 * i] + 150 * rgb[3 * i + 1] + 29 * rgb[3 * i + 2]) / 256);
    EXPECT_EQ(grey[i], luma) << i;
  }
  auto small = load_photo_nhwc(path, 7, 5, 1, 0.0f, 1.0f);
  EXPECT_EQ(small.size(), 35u);
}

TEST(Photos, BadInputsSayWhat) {
  try {
    load_photo_nhwc("/nonexistent/cat.png", 8, 8, 3, 0, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("/nonexistent/cat.png"));
  }
  EXPECT_THROW(load_photo_nhwc(photo_path("astronaut.png"), 8, 8, 2, 0, 1), Error);
  EXPECT_THROW(load_photo_nhwc(photo_path("astronaut.png"), 0, 8, 3, 0, 1), Error);
  // A file that is not an image.
  EXPECT_THROW(
      load_photo_nhwc(std::filesystem::path(OCTET_SOURCE_DIR) / "CMakeLists.txt", 8, 8, 3, 0, 1),
      Error);
}

}  // namespace
}  // namespace octet::testing
