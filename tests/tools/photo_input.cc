// octet_photo_input MODEL PHOTO OUT.npy [LO HI]: a real photo as the float
// input of an image model (resized to its first input's H×W, values mapped
// to [LO, HI]; by default [-1, 1] for face_detection models, [0, 1] otherwise,
// as MediaPipe's graphs feed them).
#include <cstdio>
#include <string>

#include "octet/interpreter.h"
#include "octet/npy.h"
#include "support/photos.h"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 6) {
    std::fprintf(stderr, "usage: octet_photo_input MODEL PHOTO OUT.npy [LO HI]\n");
    return 2;
  }
  try {
    const octet::Model model = octet::load_model(argv[1]);
    const octet::Tensor& input = model.main().tensors.at(model.main().inputs.at(0));
    if (input.dtype != octet::DType::Float32 || input.shape.size() != 4 || input.shape[3] != 3)
      octet::fail("{}: input 0 '{}' is not a float32 [1,H,W,3] image", argv[1], input.name);
    const bool face = std::string(argv[1]).find("face_detection") != std::string::npos;
    const float lo = argc == 6 ? std::stof(argv[4]) : (face ? -1.f : 0.f);
    const float hi = argc == 6 ? std::stof(argv[5]) : 1.f;
    const auto pixels = octet::testing::load_photo_nhwc(argv[2], input.shape[1], input.shape[2], 3, lo, hi);
    octet::write_npy(argv[3], octet::NpyArray::of<float>(pixels, {1, input.shape[1], input.shape[2], 3}));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "octet_photo_input: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
