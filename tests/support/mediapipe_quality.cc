#include "support/mediapipe_quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "octet/error.h"
#include "octet/interpreter.h"
#include "support/photos.h"

namespace octet::testing {

namespace fs = std::filesystem;

namespace {

// Debian's python3-skimage keeps its sample images here.
const fs::path kSkimageData = "/usr/lib/python3/dist-packages/skimage/data";

// The first output (graph order) whose element count is `n`, among the
// outputs of a face detector: regressors hold 16 values an anchor, scores 1.
int output_with_size(const Graph& g, size_t n, std::string_view what) {
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    size_t count = 1;
    for (int32_t d : g.tensors[g.outputs[i]].shape) count *= static_cast<size_t>(d);
    if (count == n) return static_cast<int>(i);
  }
  fail("face detector has no {} output of {} values", what, n);
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

const std::vector<MediaPipeSpec>& mediapipe_specs() {
  // Input ranges and anchor options from MediaPipe's graphs:
  // selfie_segmentation_cpu / hand_landmark_cpu / pose_landmark_cpu feed 0..1,
  // face_detection_*_range_common feed -1..1. Short range: 4 layers, strides
  // 8,16,16,16, aspect ratio 1 plus the interpolated one → 2 anchors a cell a
  // layer; full range: 1 layer, stride 4, interpolated ratio off → 1 anchor.
  static const std::vector<MediaPipeSpec> specs = {
      {"selfie_segmentation.tflite", MediaPipeTask::Segmentation, 0, 1},
      {"selfie_segmentation_landscape.tflite", MediaPipeTask::Segmentation, 0, 1},
      {"face_detection_short_range.tflite", MediaPipeTask::FaceDetection, -1, 1, {8, 16, 16, 16}, 2,
       128},
      {"face_detection_full_range.tflite", MediaPipeTask::FaceDetection, -1, 1, {4}, 1, 192},
      {"face_detection_full_range_sparse.tflite", MediaPipeTask::FaceDetection, -1, 1, {4}, 1, 192},
      {"hand_landmark_lite.tflite", MediaPipeTask::Landmarks, 0, 1, {}, 0, 0, 0, 3},
      {"hand_landmark_full.tflite", MediaPipeTask::Landmarks, 0, 1, {}, 0, 0, 0, 3},
      {"pose_landmark_lite.tflite", MediaPipeTask::Landmarks, 0, 1, {}, 0, 0, 0, 5},
      {"pose_landmark_full.tflite", MediaPipeTask::Landmarks, 0, 1, {}, 0, 0, 0, 5},
      {"pose_landmark_heavy.tflite", MediaPipeTask::Landmarks, 0, 1, {}, 0, 0, 0, 5},
  };
  return specs;
}

const MediaPipeSpec& mediapipe_spec(std::string_view file) {
  for (const auto& s : mediapipe_specs())
    if (s.file == file) return s;
  fail("no MediaPipe spec for '{}'", file);
}

fs::path find_photo(std::string_view file) {
  if (fs::path p = photo_path(file); fs::exists(p)) return p;
  if (fs::path p = kSkimageData / file; fs::exists(p)) return p;
  return {};
}

// Photos of people are what these models are for, and scikit-image has two:
// the astronaut (colour) and the cameraman (grey, read as RGB). The
// cameraman (whole and a crop on his head), with objects and a street scene,
// calibrates; the astronaut (whole
// and a crop on her face, so the detectors see a large and a small face) and
// other scenes are evaluated.
std::vector<Photo> calibration_photos() {
  // camera_face: a crop on the cameraman's head (float full-range detector:
  // centre x 0.47, y 0.31, size 0.14), so the face outputs see a close face
  // in calibration too; without it their ranges clip on the astronaut crop.
  return {{"camera", "camera.png", 0, 0, 1, 1, true},
          {"camera_face", "camera.png", 0.13f, 0.29f, 0.48f, 0.64f, true},
          {"rocket", "rocket.jpg"},
          {"motorcycle_left", "motorcycle_left.png"},
          {"coffee", "coffee.png"}};
}

std::vector<Photo> evaluation_photos() {
  return {{"astronaut", "astronaut.png", 0, 0, 1, 1, true},
          {"astronaut_face", "astronaut.png", 0.0f, 0.2f, 0.6f, 0.8f, true},
          {"chelsea", "chelsea.png"},
          {"motorcycle_right", "motorcycle_right.png"}};
}

std::vector<float> photo_input(const Model& model, const MediaPipeSpec& spec, const Photo& photo) {
  const fs::path path = find_photo(photo.file);
  if (path.empty()) fail("photo {} not found in .cache/photos or {}", photo.file,
                         kSkimageData.string());
  const Tensor& in = model.main().tensors.at(model.main().inputs.at(0));
  if (in.shape.size() != 4 || in.shape[3] != 3) {
    fail("{}: input '{}' is not [1,H,W,3]", spec.file, in.name);
  }
  const int h = in.shape[1], w = in.shape[2];
  // Resize the whole photo so that the crop comes out at h × w, then cut it.
  const int full_h = static_cast<int>(std::lround(h / (photo.y1 - photo.y0)));
  const int full_w = static_cast<int>(std::lround(w / (photo.x1 - photo.x0)));
  const auto full = load_photo_nhwc(path, full_h, full_w, 3, spec.input_lo, spec.input_hi);
  const int top = std::min(static_cast<int>(std::lround(photo.y0 * full_h)), full_h - h);
  const int left = std::min(static_cast<int>(std::lround(photo.x0 * full_w)), full_w - w);
  std::vector<float> out(static_cast<size_t>(h) * w * 3);
  for (int y = 0; y < h; ++y) {
    std::memcpy(out.data() + static_cast<size_t>(y) * w * 3,
                full.data() + (static_cast<size_t>(top + y) * full_w + left) * 3,
                static_cast<size_t>(w) * 3 * sizeof(float));
  }
  return out;
}

NpyArray input_from_floats(const Model& model, std::span<const float> input) {
  const Tensor& in = model.main().tensors.at(model.main().inputs.at(0));
  NpyArray a;
  a.dtype = in.dtype;
  a.shape.assign(in.shape.begin(), in.shape.end());
  const size_t n = input.size();
  if (static_cast<int64_t>(n) != a.num_elements()) {
    fail("input '{}' holds {} values, the photo {}", in.name, a.num_elements(), n);
  }
  a.data.resize(n * dtype_size(in.dtype));
  auto quantize = [&](auto* out, float lo, float hi) {
    const float scale = in.quant.scale.at(0);
    const float zp = static_cast<float>(in.quant.zero_point.at(0));
    for (size_t i = 0; i < n; ++i)
      out[i] = static_cast<std::remove_pointer_t<decltype(out)>>(
          std::clamp(std::nearbyint(input[i] / scale) + zp, lo, hi));
  };
  switch (in.dtype) {
    case DType::Float32: std::memcpy(a.data.data(), input.data(), n * 4); break;
    case DType::Int8: quantize(reinterpret_cast<int8_t*>(a.data.data()), -128, 127); break;
    case DType::UInt8: quantize(reinterpret_cast<uint8_t*>(a.data.data()), 0, 255); break;
    case DType::Int16: quantize(reinterpret_cast<int16_t*>(a.data.data()), -32768, 32767); break;
    default: fail("input '{}' is {}, not float32 or a quantized integer", in.name,
                  dtype_name(in.dtype));
  }
  return a;
}

std::vector<std::vector<float>> run_float_io(const Model& model, std::span<const float> input) {
  Interpreter interp(model);
  const Graph& g = interp.graph();
  interp.set_input(0, input_from_floats(model, input).data);
  interp.invoke();

  std::vector<std::vector<float>> outputs;
  for (size_t o = 0; o < interp.num_outputs(); ++o) {
    const Tensor& t = g.tensors[interp.output_tensor(o)];
    auto bytes = interp.output_data(o);
    const size_t count = bytes.size() / dtype_size(t.dtype);
    std::vector<float> v(count);
    auto dequantize = [&](const auto* src) {
      const float scale = t.quant.scale.at(0);
      const float zp = static_cast<float>(t.quant.zero_point.at(0));
      for (size_t i = 0; i < count; ++i) v[i] = scale * (static_cast<float>(src[i]) - zp);
    };
    switch (t.dtype) {
      case DType::Float32: std::memcpy(v.data(), bytes.data(), count * 4); break;
      case DType::Int8: dequantize(reinterpret_cast<const int8_t*>(bytes.data())); break;
      case DType::UInt8: dequantize(reinterpret_cast<const uint8_t*>(bytes.data())); break;
      case DType::Int16: dequantize(reinterpret_cast<const int16_t*>(bytes.data())); break;
      default: fail("output '{}' is {}, not float32 or a quantized integer", t.name,
                    dtype_name(t.dtype));
    }
    outputs.push_back(std::move(v));
  }
  return outputs;
}

std::vector<Anchor> ssd_anchors(int input_size, const std::vector<int>& strides,
                                int anchors_per_layer) {
  // SsdAnchorsCalculator walks the layers; consecutive layers with the same
  // stride share one feature map whose cells carry all their anchors. With
  // fixed_anchor_size every anchor is 1 × 1 at the cell centre.
  std::vector<Anchor> anchors;
  for (size_t layer = 0; layer < strides.size();) {
    size_t last = layer;
    while (last + 1 < strides.size() && strides[last + 1] == strides[layer]) ++last;
    const int per_cell = anchors_per_layer * static_cast<int>(last - layer + 1);
    const int cells = (input_size + strides[layer] - 1) / strides[layer];
    for (int y = 0; y < cells; ++y) {
      for (int x = 0; x < cells; ++x) {
        for (int k = 0; k < per_cell; ++k) {
          anchors.push_back({(y + 0.5f) / static_cast<float>(cells),
                             (x + 0.5f) / static_cast<float>(cells)});
        }
      }
    }
    layer = last + 1;
  }
  return anchors;
}

float box_iou(const Box& a, const Box& b) {
  const float iy = std::max(0.0f, std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin));
  const float ix = std::max(0.0f, std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin));
  const float inter = iy * ix;
  const float uni = (a.ymax - a.ymin) * (a.xmax - a.xmin) + (b.ymax - b.ymin) * (b.xmax - b.xmin) -
                    inter;
  return uni > 0 ? inter / uni : 0.0f;
}

std::vector<Box> decode_faces(const MediaPipeSpec& spec, std::span<const float> regressors,
                              std::span<const float> scores, float score_threshold,
                              float nms_iou) {
  const auto anchors = ssd_anchors(static_cast<int>(spec.box_scale), spec.anchor_strides,
                                   spec.anchors_per_layer);
  if (scores.size() != anchors.size() || regressors.size() != anchors.size() * 16) {
    fail("{}: {} anchors from the spec but {} scores and {} regressor values", spec.file,
         anchors.size(), scores.size(), regressors.size());
  }
  std::vector<Box> boxes;
  for (size_t i = 0; i < anchors.size(); ++i) {
    // MediaPipe clips the raw score to ±100 before the sigmoid.
    const float score = sigmoid(std::clamp(scores[i], -100.0f, 100.0f));
    if (score < score_threshold) continue;
    // reverse_output_order: x, y, w, h; the 12 keypoint values are unused.
    const float* r = regressors.data() + i * 16;
    const float xc = r[0] / spec.box_scale + anchors[i].x_center;
    const float yc = r[1] / spec.box_scale + anchors[i].y_center;
    const float w = r[2] / spec.box_scale, h = r[3] / spec.box_scale;
    boxes.push_back({yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2, score});
  }
  std::stable_sort(boxes.begin(), boxes.end(),
                   [](const Box& a, const Box& b) { return a.score > b.score; });
  // MediaPipe's weighted NMS (NonMaxSuppressionCalculator, algorithm
  // WEIGHTED, as its face detection graphs use): the best remaining box and
  // every box overlapping it by more than nms_iou form a cluster; the kept
  // box is the cluster's score-weighted mean, with the best box's score.
  // Averaging makes the top box stable when neighbouring anchors trade places.
  std::vector<Box> kept;
  std::vector<Box> remaining = boxes;
  while (!remaining.empty()) {
    const Box top = remaining.front();
    std::vector<Box> rest;
    Box sum{0, 0, 0, 0, top.score};
    float total = 0;
    for (const Box& b : remaining) {
      if (box_iou(top, b) > nms_iou || &b == &remaining.front()) {
        sum.ymin += b.ymin * b.score;
        sum.xmin += b.xmin * b.score;
        sum.ymax += b.ymax * b.score;
        sum.xmax += b.xmax * b.score;
        total += b.score;
      } else {
        rest.push_back(b);
      }
    }
    kept.push_back({sum.ymin / total, sum.xmin / total, sum.ymax / total, sum.xmax / total,
                    top.score});
    remaining = std::move(rest);
  }
  return kept;
}

double mask_iou(std::span<const float> a, std::span<const float> b, float threshold) {
  if (a.size() != b.size()) fail("mask_iou: masks of {} and {} values", a.size(), b.size());
  size_t inter = 0, uni = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const bool x = a[i] >= threshold, y = b[i] >= threshold;
    inter += x && y;
    uni += x || y;
  }
  return uni == 0 ? 1.0 : static_cast<double>(inter) / static_cast<double>(uni);
}

std::string Quality::summary() const {
  switch (task) {
    case MediaPipeTask::Segmentation:
      return fmt::format("mask IoU {:.4f} (mask {:.1f}% of pixels)", mask_iou,
                         100 * mask_fraction);
    case MediaPipeTask::FaceDetection:
      return fmt::format("faces {}/{} top box IoU {:.4f}", faces_candidate, faces_reference,
                         top_box_iou);
    case MediaPipeTask::Landmarks:
      return fmt::format("landmarks max |d| {:.4f} of input size, cosine {:.6f}",
                         max_landmark_delta, cosine);
  }
  return {};
}

bool mask_is_probability(const Model& float_model) {
  const Graph& g = float_model.main();
  for (const Op& op : g.ops)
    for (int32_t t : op.outputs)
      if (t == g.outputs.at(0)) return op.code.builtin == BuiltinOp::Logistic;
  return false;
}

Quality compare_quality(const MediaPipeSpec& spec, const Model& model,
                        const std::vector<std::vector<float>>& reference,
                        const std::vector<std::vector<float>>& candidate) {
  if (reference.size() != candidate.size()) {
    fail("{}: {} reference outputs, {} candidate outputs", spec.file, reference.size(),
         candidate.size());
  }
  for (size_t i = 0; i < reference.size(); ++i) {
    if (reference[i].size() != candidate[i].size()) {
      fail("{}: output {} has {} values in the reference, {} in the candidate", spec.file, i,
           reference[i].size(), candidate[i].size());
    }
  }
  Quality q{spec.task};
  const Graph& g = model.main();
  switch (spec.task) {
    case MediaPipeTask::Segmentation: {
      // The mask output is already a probability when LOGISTIC produces it;
      // otherwise it is a logit and threshold 0.5 on p means 0 on the logit.
      const float threshold = mask_is_probability(model) ? 0.5f : 0.0f;
      q.mask_iou = mask_iou(reference[0], candidate[0], threshold);
      size_t in_mask = 0;
      for (float v : reference[0]) in_mask += v >= threshold;
      q.mask_fraction = static_cast<double>(in_mask) / static_cast<double>(reference[0].size());
      break;
    }
    case MediaPipeTask::FaceDetection: {
      const size_t n = ssd_anchors(static_cast<int>(spec.box_scale), spec.anchor_strides,
                                   spec.anchors_per_layer)
                           .size();
      const int reg = output_with_size(g, n * 16, "regressor");
      const int cls = output_with_size(g, n, "score");
      const auto ref = decode_faces(spec, reference[reg], reference[cls]);
      const auto cand = decode_faces(spec, candidate[reg], candidate[cls]);
      q.faces_reference = static_cast<int>(ref.size());
      q.faces_candidate = static_cast<int>(cand.size());
      q.top_box_iou = ref.empty() && cand.empty() ? 1.0
                      : ref.empty() || cand.empty() ? 0.0
                                                    : box_iou(ref[0], cand[0]);
      break;
    }
    case MediaPipeTask::Landmarks: {
      const auto& r = reference.at(spec.landmark_output);
      const auto& c = candidate.at(spec.landmark_output);
      const Tensor& in = g.tensors[g.inputs[0]];
      const double size = std::max(in.shape[1], in.shape[2]);
      double dot = 0, rr = 0, cc = 0, worst = 0;
      for (size_t i = 0; i < r.size(); ++i) {
        dot += static_cast<double>(r[i]) * c[i];
        rr += static_cast<double>(r[i]) * r[i];
        cc += static_cast<double>(c[i]) * c[i];
        if (static_cast<int>(i % spec.landmark_stride) < 2) {
          worst = std::max(worst, std::abs(static_cast<double>(r[i]) - c[i]) / size);
        }
      }
      q.max_landmark_delta = worst;
      q.cosine = rr > 0 && cc > 0 ? dot / std::sqrt(rr * cc) : (rr == cc ? 1.0 : 0.0);
      break;
    }
  }
  return q;
}

}  // namespace octet::testing
