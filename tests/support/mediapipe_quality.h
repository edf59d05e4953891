// How good a candidate MediaPipe model (a quantized one, or the same model in
// another runtime) is next to the float original, judged on real photos by
// what the model is for rather than by raw output error:
//   - selfie segmentation: IoU of the person masks at threshold 0.5;
//   - BlazeFace detection: faces decoded as MediaPipe decodes them (SSD
//     anchors, box = anchor centre + offset / scale, sigmoid score ≥ 0.5,
//     MediaPipe's weighted non-maximum suppression at IoU 0.3); same face
//     count, and the IoU of the top-scoring boxes;
//   - hand and pose landmarks: max |Δ| of the landmark x, y in units of the
//     input size, and the cosine similarity of the landmark vectors.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "octet/model.h"
#include "octet/npy.h"

namespace octet::testing {

enum class MediaPipeTask { Segmentation, FaceDetection, Landmarks };

// What octet needs to know about one MediaPipe file to judge it; the values
// come from MediaPipe's graphs for these models (their calculator options).
struct MediaPipeSpec {
  std::string file;  // "selfie_segmentation.tflite"
  MediaPipeTask task;
  float input_lo, input_hi;  // the input's value range (0..1 or -1..1)
  // FaceDetection: SsdAnchorsCalculator's layer strides, anchors per cell
  // for each layer (2 with interpolated_scale_aspect_ratio 1.0, else 1), and
  // the coordinate scale (the input size).
  std::vector<int> anchor_strides = {};
  int anchors_per_layer = 0;
  float box_scale = 0;
  // Landmarks: which output holds them and how many values a landmark has
  // (x, y, z[, visibility, presence]); x and y are pixels of the input.
  int landmark_output = 0;
  int landmark_stride = 0;
};

// The spec of a MediaPipe file by name; fails for a file it does not know.
const MediaPipeSpec& mediapipe_spec(std::string_view file);
const std::vector<MediaPipeSpec>& mediapipe_specs();

// A photo, optionally a crop of it (fractions of the height and width).
struct Photo {
  std::string name;  // "astronaut", "astronaut_face"
  std::string file;  // "astronaut.png"
  float y0 = 0, x0 = 0, y1 = 1, x1 = 1;
  // Shows a person: the photos the person models are meant for and the
  // only ones their quality bounds apply to (others are reported).
  bool has_person = false;
};
// Where a photo file is: .cache/photos/ (scripts/setup.sh), else the
// scikit-image data folder Debian's python3-skimage installs (read as a
// plain image file; nothing runs Python). Empty when neither has it.
std::filesystem::path find_photo(std::string_view file);
// The two disjoint photo sets: calibrate on the first, evaluate on the
// second, so a quantizer is not judged on the images it was tuned on.
std::vector<Photo> calibration_photos();
std::vector<Photo> evaluation_photos();

// The photo as the model's input: NHWC float32 at the model's input size, in
// the spec's value range.
std::vector<float> photo_input(const Model& model, const MediaPipeSpec& spec, const Photo& photo);

// A float input (photo_input) as the model's first input: copied for a
// float32 input, quantized with the input's parameters for an integer one.
NpyArray input_from_floats(const Model& model, std::span<const float> input);

// Runs a model in octet's interpreter on a float input and returns every
// output as floats: int8/uint8/int16 inputs are quantized with the input's
// parameters and such outputs dequantized, so float and integer-I/O models
// are compared alike.
std::vector<std::vector<float>> run_float_io(const Model& model, std::span<const float> input);

// BlazeFace decoding.
struct Anchor {
  float y_center, x_center;  // fractions of the input; size fixed at 1 × 1
};
std::vector<Anchor> ssd_anchors(int input_size, const std::vector<int>& strides,
                                int anchors_per_layer);
struct Box {
  float ymin, xmin, ymax, xmax;  // fractions of the input
  float score;
};
float box_iou(const Box& a, const Box& b);
// Boxes above the score threshold, merged by weighted NMS, best first. Fails unless the
// regressor/score sizes match the anchor count.
std::vector<Box> decode_faces(const MediaPipeSpec& spec, std::span<const float> regressors,
                              std::span<const float> scores, float score_threshold = 0.5f,
                              float nms_iou = 0.3f);

// IoU of the masks {v ≥ threshold}; 1 when both are empty.
double mask_iou(std::span<const float> a, std::span<const float> b, float threshold = 0.5f);

// Whether a segmentation model's mask output is already a probability (made
// by LOGISTIC) rather than a logit; decides the 0.5 threshold's meaning.
bool mask_is_probability(const Model& float_model);

// One candidate against the reference on one photo. `model` is the float
// reference: outputs are read in its order, its graph tells the mask kind.
struct Quality {
  MediaPipeTask task;
  // Segmentation
  double mask_iou = 0;
  double mask_fraction = 0;  // share of pixels in the reference mask
  // FaceDetection
  int faces_reference = 0, faces_candidate = 0;
  double top_box_iou = 0;  // 1 when neither finds a face, 0 when one does not
  // Landmarks
  double max_landmark_delta = 0;  // in units of the input width/height
  double cosine = 0;
  bool same_faces() const { return faces_reference == faces_candidate; }
  std::string summary() const;  // "IoU 0.987 (mask 23.1%)", "faces 1/1 top IoU 0.95", ...
};
Quality compare_quality(const MediaPipeSpec& spec, const Model& model,
                        const std::vector<std::vector<float>>& reference,
                        const std::vector<std::vector<float>>& candidate);

}  // namespace octet::testing
