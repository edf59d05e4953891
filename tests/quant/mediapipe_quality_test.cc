// Quantized MediaPipe files judged by what they are for (support/
// mediapipe_quality.h) on real photos against their float originals:
// selfie mask IoU, BlazeFace face count and top-box IoU, landmark drift.
//
// Photos: calibrate on calibration_photos() (camera, rocket,
// motorcycle_left, coffee), evaluate on evaluation_photos() (astronaut,
// astronaut_face, chelsea, motorcycle_right): disjoint sets.
//
// The harness is first checked where every answer is known: each float
// model against itself (IoU 1, same faces, no drift) and the decoders on a
// photo with a face and a person. The int8 tests run `octet quantize` and
// skip while the binary has no such subcommand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "octet/error.h"
#include "octet/npy.h"
#include "support/fold_float16.h"
#include "support/mediapipe_quality.h"
#include "support/quantize_cli.h"
#include "support/test_data.h"

namespace octet::testing {
namespace {

namespace fs = std::filesystem;

#define SKIP_WITHOUT_MODEL(path) \
  if (!fs::exists(path)) GTEST_SKIP() << path << " missing: run scripts/setup.sh"

fs::path model_file(const std::string& file) { return cache_dir() / "models" / file; }

bool photos_present() {
  for (const auto& p : calibration_photos())
    if (find_photo(p.file).empty()) return false;
  for (const auto& p : evaluation_photos())
    if (find_photo(p.file).empty()) return false;
  return true;
}

#define SKIP_WITHOUT_PHOTOS() \
  if (!photos_present()) GTEST_SKIP() << "photos missing (scripts/setup.sh, python3-skimage)"

TEST(MediaPipeQuality, AnchorCountsMatchTheOutputs) {
  // 896 = 16·16·2 (stride 8) + 8·8·6 (three stride-16 layers);
  // 2304 = 48·48·1 (stride 4). Derived, then checked against the files.
  for (const char* file : {"face_detection_short_range.tflite", "face_detection_full_range.tflite"}) {
    SCOPED_TRACE(file);
    const auto path = model_file(file);
    SKIP_WITHOUT_MODEL(path);
    const Model model = load_model(path);
    const MediaPipeSpec& spec = mediapipe_spec(file);
    const auto anchors = ssd_anchors(static_cast<int>(spec.box_scale), spec.anchor_strides,
                                     spec.anchors_per_layer);
    const Graph& g = model.main();
    ASSERT_EQ(g.outputs.size(), 2u);
    const Tensor& regressors = g.tensors[g.outputs[0]];
    const Tensor& scores = g.tensors[g.outputs[1]];
    ASSERT_EQ(regressors.shape.size(), 3u);
    EXPECT_EQ(static_cast<size_t>(regressors.shape[1]), anchors.size());
    EXPECT_EQ(regressors.shape[2], 16);
    EXPECT_EQ(static_cast<size_t>(scores.shape[1]), anchors.size());
    const Tensor& in = g.tensors[g.inputs[0]];
    EXPECT_EQ(in.shape[1], static_cast<int>(spec.box_scale));
    std::printf("[ figure ] %s: %zu anchors\n", file, anchors.size());
  }
}

TEST(MediaPipeQuality, DecodeOneSyntheticFace) {
  // One confident anchor with a known offset: the box comes back where the
  // formula puts it, and a weaker overlapping box is merged into it with
  // weights of their scores (MediaPipe's weighted NMS).
  const MediaPipeSpec& spec = mediapipe_spec("face_detection_short_range.tflite");
  const auto anchors = ssd_anchors(128, spec.anchor_strides, spec.anchors_per_layer);
  ASSERT_EQ(anchors.size(), 896u);
  std::vector<float> reg(896 * 16, 0.0f), scores(896, -10.0f);
  const size_t a = 16 * 7 * 2 + 2 * 5;  // stride-8 cell (y 7, x 5), first anchor
  reg[a * 16 + 0] = 6.4f;                // x offset 6.4 px = 0.05
  reg[a * 16 + 2] = 32.0f;               // w 0.25
  reg[a * 16 + 3] = 38.4f;               // h 0.3
  scores[a] = 3.0f;
  reg[(a + 1) * 16 + 2] = 32.0f;  // the cell's second anchor: same place, lower score
  reg[(a + 1) * 16 + 3] = 38.4f;
  scores[a + 1] = 1.0f;
  const auto faces = decode_faces(spec, reg, scores);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].score, 1 / (1 + std::exp(-3.0f)), 1e-6);
  // Box 1 centred 0.05 right of the cell centre, box 2 (offset 0) on it.
  const float s1 = 1 / (1 + std::exp(-3.0f)), s2 = 1 / (1 + std::exp(-1.0f));
  EXPECT_NEAR((faces[0].xmin + faces[0].xmax) / 2, 5.5f / 16 + 0.05f * s1 / (s1 + s2), 1e-6);
  EXPECT_NEAR((faces[0].ymin + faces[0].ymax) / 2, 7.5f / 16, 1e-6);
  EXPECT_NEAR(faces[0].xmax - faces[0].xmin, 0.25f, 1e-6);
  EXPECT_NEAR(faces[0].ymax - faces[0].ymin, 0.3f, 1e-6);
}

TEST(MediaPipeQuality, FloatModelsFindTheAstronaut) {
  // The decoders on photos with a known answer: the astronaut has one face
  // and fills a good part of the frame.
  SKIP_WITHOUT_PHOTOS();
  const Photo astronaut = evaluation_photos()[0], face = evaluation_photos()[1];
  for (const char* file : {"face_detection_short_range.tflite", "face_detection_full_range.tflite"}) {
    SCOPED_TRACE(file);
    const auto path = model_file(file);
    SKIP_WITHOUT_MODEL(path);
    const Model model = load_model(path);
    const MediaPipeSpec& spec = mediapipe_spec(file);
    for (const Photo& photo : {astronaut, face}) {
      const auto out = run_float_io(model, photo_input(model, spec, photo));
      const auto faces = decode_faces(spec, out[0], out[1]);
      std::printf("[ figure ] float %s on %s: %zu face(s)", file, photo.name.c_str(), faces.size());
      for (const Box& b : faces) {
        std::printf(" [y %.2f-%.2f x %.2f-%.2f score %.3f]", b.ymin, b.ymax, b.xmin, b.xmax,
                    b.score);
      }
      std::printf("\n");
      // Short range is meant for faces within 2 m (large in the frame): on
      // the whole astronaut photo it may see none; the crop it must see.
      if (photo.name == "astronaut" && spec.box_scale == 128) continue;
      ASSERT_EQ(faces.size(), 1u) << photo.name;
      const Box& b = faces[0];
      EXPECT_GT(b.xmax - b.xmin, 0.05f);
      EXPECT_LT(b.xmax - b.xmin, 0.8f);
      EXPECT_GE(b.ymin, -0.05f);
      EXPECT_LE(b.ymax, 1.05f);
    }
  }
  for (const char* file : {"selfie_segmentation.tflite", "selfie_segmentation_landscape.tflite"}) {
    const auto path = model_file(file);
    SKIP_WITHOUT_MODEL(path);
    const Model model = load_model(path);
    const MediaPipeSpec& spec = mediapipe_spec(file);
    const auto out = run_float_io(model, photo_input(model, spec, astronaut));
    const Quality q = compare_quality(spec, model, out, out);
    std::printf("[ figure ] float %s on astronaut: person mask %.1f%% of pixels (output %s)\n",
                file, 100 * q.mask_fraction,
                mask_is_probability(model) ? "made by LOGISTIC: a probability" : "a logit");
    EXPECT_GT(q.mask_fraction, 0.15) << file;
    EXPECT_LT(q.mask_fraction, 0.9) << file;
  }
}

TEST(MediaPipeQualitySlow, FloatModelsAgainstThemselves) {
  // Every measure at its known value: the float model (and its float16-
  // folded twin, whose weights are the same numbers) against the original.
  SKIP_WITHOUT_PHOTOS();
  if (mediapipe_models().empty()) GTEST_SKIP() << "MediaPipe models missing";
  for (const auto& path : mediapipe_models()) {
    const std::string file = path.filename().string();
    SCOPED_TRACE(file);
    const MediaPipeSpec& spec = mediapipe_spec(file);
    const Model model = load_model(path);
    const Model folded = fold_float16_weights(model);
    for (const Photo& photo : evaluation_photos()) {
      const auto input = photo_input(model, spec, photo);
      const auto reference = run_float_io(model, input);
      const Quality q = compare_quality(spec, model, reference, run_float_io(folded, input));
      std::printf("[ figure ] float vs float16-folded %s on %s: %s\n", file.c_str(),
                  photo.name.c_str(), q.summary().c_str());
      switch (spec.task) {
        case MediaPipeTask::Segmentation: EXPECT_EQ(q.mask_iou, 1.0); break;
        case MediaPipeTask::FaceDetection:
          EXPECT_TRUE(q.same_faces());
          EXPECT_EQ(q.top_box_iou, 1.0);
          break;
        case MediaPipeTask::Landmarks:
          EXPECT_EQ(q.max_landmark_delta, 0.0);
          EXPECT_NEAR(q.cosine, 1.0, 1e-12);
          break;
      }
    }
  }
}

// ---- int8 files from `octet quantize` -------------------------------------

const std::vector<std::string> kEstimators = {"minmax", "ema", "percentile", "mse", "entropy"};
const std::vector<std::string> kQualityModels = {
    "selfie_segmentation.tflite", "selfie_segmentation_landscape.tflite",
    "face_detection_short_range.tflite", "face_detection_full_range.tflite"};

// The worst result of one estimator over the evaluation photos.
struct Worst {
  double mask_iou = 1;   // over the segmentation models and photos of people
  double face_iou = 1;   // top box IoU over photos where the float model finds a face
  bool same_faces = true;
  int count_mismatches = 0;  // photos where the face counts differ
  bool failed = false;   // quantizing or running failed
};

// One way of quantizing: a label for the table, the mode and the estimator.
struct Row {
  std::string label, mode, estimator;
};

// Quantizes each quality model every way in `rows` (calibrated on the
// calibration photos), runs it on the evaluation photos and returns the
// worst figures per row, printing one line per photo.
std::map<std::string, Worst> evaluate_rows(const std::vector<Row>& rows, const std::string& tag) {
  const auto dir = temp_dir("mediapipe_quality_" + tag);
  std::map<std::string, Worst> worst;
  for (const std::string& file : kQualityModels) {
    const auto path = model_file(file);
    if (!fs::exists(path)) continue;
    const MediaPipeSpec& spec = mediapipe_spec(file);
    const Model model = load_model(path);
    std::vector<std::vector<float>> calibration;
    for (const Photo& p : calibration_photos()) calibration.push_back(photo_input(model, spec, p));
    const Tensor& in = model.main().tensors[model.main().inputs[0]];
    const auto data = dir / (path.stem().string() + "_data");
    write_calibration_data(data, {in.shape.begin(), in.shape.end()}, calibration);
    std::vector<std::vector<float>> inputs;
    std::vector<std::vector<std::vector<float>>> references;
    for (const Photo& p : evaluation_photos()) {
      inputs.push_back(photo_input(model, spec, p));
      references.push_back(run_float_io(model, inputs.back()));
    }
    for (const Row& row : rows) {
      Worst& w = worst[row.label];
      const auto out = dir / fmt::format("{}_{}.tflite", path.stem().string(), row.label);
      try {
        quantize_int8(path, out, data, row.estimator, "float", row.mode);
        const Model candidate = load_model(out);
        for (size_t i = 0; i < inputs.size(); ++i) {
          const Photo photo = evaluation_photos()[i];  // a copy: the list is a temporary
          const Quality q =
              compare_quality(spec, model, references[i], run_float_io(candidate, inputs[i]));
          std::printf("[ figure ] %-16s %-38s %-16s %s\n", row.label.c_str(), file.c_str(),
                      photo.name.c_str(), q.summary().c_str());
          // Mask IoU is bound on photos of people only: on the cat and the
          // motorcycle the float "person" mask is the model guessing (90% and
          // 1.4% of the frame) and IoU at 0.5 swings; those are reported.
          if (spec.task == MediaPipeTask::Segmentation && photo.has_person) {
            w.mask_iou = std::min(w.mask_iou, q.mask_iou);
          }
          if (spec.task == MediaPipeTask::FaceDetection) {
            w.same_faces = w.same_faces && q.same_faces();
            w.count_mismatches += !q.same_faces();
            if (q.faces_reference > 0) w.face_iou = std::min(w.face_iou, q.top_box_iou);
          }
        }
      } catch (const Error& e) {
        std::printf("[ figure ] %-16s %-38s failed: %s\n", row.label.c_str(), file.c_str(), e.what());
        w.failed = true;
      }
    }
  }
  for (const auto& [label, w] : worst)
    std::printf("[ figure ] %-16s worst mask IoU %.4f, worst top face IoU %.4f, face count changed on "
                "%d photo(s)%s\n",
                label.c_str(), w.mask_iou, w.face_iou, w.count_mismatches, w.failed ? " (a file failed)" : "");
  return worst;
}

TEST(MediaPipeQualitySlow, Int8EstimatorsOnPhotos) {
  SKIP_WITHOUT_PHOTOS();
  if (!quantize_cli_available()) GTEST_SKIP() << "octet has no quantize subcommand yet";
  std::vector<Row> rows;
  for (const std::string& estimator : kEstimators) rows.push_back({estimator, "int8", estimator});
  std::map<std::string, Worst> worst = evaluate_rows(rows, "int8");
  ASSERT_FALSE(worst.empty()) << "no MediaPipe model found";
  // Best: the largest margin over the two bounds (worst mask IoU over
  // 0.95, worst top face box IoU over 0.9: they measure different things, so
  // each is judged against its own bound), each photo whose face count
  // changed costing 0.1 (a missed or invented face is worse than a box a few
  // percent off).
  std::string best;
  auto score = [](const Worst& w) {
    return w.failed ? -100.0
                    : std::min(w.mask_iou - 0.95, w.face_iou - 0.9) - 0.1 * w.count_mismatches;
  };
  for (const auto& [estimator, w] : worst)
    if (best.empty() || score(w) > score(worst[best])) best = estimator;
  std::printf("[ figure ] best estimator: %s\n", best.c_str());
  const Worst& w = worst[best];
  EXPECT_FALSE(w.failed);
  EXPECT_GE(w.mask_iou, 0.95) << best;
  EXPECT_GE(w.face_iou, 0.9) << best;
  EXPECT_TRUE(w.same_faces) << best;
}

// The three modes side by side (minmax ranges): 16x8 keeps more of the float
// model than int8 (int16 activations), dynamic-range (float activations, int8
// weights, no calibration) as well; both must clear the int8 bounds.
TEST(MediaPipeQualitySlow, ModesOnPhotos) {
  SKIP_WITHOUT_PHOTOS();
  if (!quantize_cli_available()) GTEST_SKIP() << "octet has no quantize subcommand yet";
  std::map<std::string, Worst> worst = evaluate_rows(
      {{"int8", "int8", "minmax"}, {"16x8", "16x8", "minmax"}, {"dynamic", "dynamic", "minmax"}}, "modes");
  ASSERT_EQ(worst.size(), 3u);
  for (const char* mode : {"16x8", "dynamic"}) {
    const Worst& w = worst[mode];
    EXPECT_FALSE(w.failed) << mode;
    EXPECT_GE(w.mask_iou, 0.95) << mode;
    EXPECT_GE(w.face_iou, 0.9) << mode;
    EXPECT_TRUE(w.same_faces) << mode;
  }
  EXPECT_GE(worst["16x8"].mask_iou, worst["int8"].mask_iou);
  EXPECT_GE(worst["16x8"].face_iou, worst["int8"].face_iou);
}

}  // namespace
}  // namespace octet::testing
