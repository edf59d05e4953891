#include "golden.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "octet/error.h"
#include "octet/interpreter.h"
#include "support/oracle.h"

namespace octet::testing {
namespace {

namespace fs = std::filesystem;

std::pair<int64_t, int64_t> full_range(DType dtype) {
  switch (dtype) {
    case DType::Int8: return {-128, 127};
    case DType::UInt8: return {0, 255};
    case DType::Int16: return {-32768, 32767};
    case DType::Bool: return {0, 1};
    case DType::Int32: return {-1000, 1000};
    default: return {-100, 100};
  }
}

template <class T>
std::vector<std::byte> random_bytes(size_t n, int64_t lo, int64_t hi, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<std::byte> bytes(n * sizeof(T));
  for (size_t i = 0; i < n; ++i) {
    const T v = static_cast<T>(dist(rng));
    std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
  }
  return bytes;
}

std::vector<std::byte> random_values(DType dtype, size_t n, int64_t lo, int64_t hi,
                                     std::mt19937& rng) {
  switch (dtype) {
    case DType::Int8: return random_bytes<int8_t>(n, lo, hi, rng);
    case DType::UInt8: return random_bytes<uint8_t>(n, lo, hi, rng);
    case DType::Bool: return random_bytes<uint8_t>(n, lo, hi, rng);
    case DType::Int16: return random_bytes<int16_t>(n, lo, hi, rng);
    case DType::Int32: return random_bytes<int32_t>(n, lo, hi, rng);
    case DType::Int64: return random_bytes<int64_t>(n, lo, hi, rng);
    case DType::Float32: {
      std::uniform_real_distribution<float> dist(static_cast<float>(lo), static_cast<float>(hi));
      std::vector<std::byte> bytes(n * sizeof(float));
      for (size_t i = 0; i < n; ++i) {
        const float v = dist(rng);
        std::memcpy(bytes.data() + i * sizeof(float), &v, sizeof(float));
      }
      return bytes;
    }
    default: fail("golden: no random values for {}", dtype_name(dtype));
  }
}

size_t element_count(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

// Element i of an integer or float array, widened.
double element(const NpyArray& a, size_t i) {
  const std::byte* p = a.data.data();
  switch (a.dtype) {
    case DType::Int8: return static_cast<double>(reinterpret_cast<const int8_t*>(p)[i]);
    case DType::UInt8:
    case DType::Bool: return static_cast<double>(reinterpret_cast<const uint8_t*>(p)[i]);
    case DType::Int16: return static_cast<double>(reinterpret_cast<const int16_t*>(p)[i]);
    case DType::Int32: return static_cast<double>(reinterpret_cast<const int32_t*>(p)[i]);
    case DType::Int64: return static_cast<double>(reinterpret_cast<const int64_t*>(p)[i]);
    case DType::Float32: return static_cast<double>(reinterpret_cast<const float*>(p)[i]);
    default: fail("golden: cannot compare {}", dtype_name(a.dtype));
  }
}

// |a − b| in units of the last place: integer distance for integer types,
// the distance between float bit patterns (ulps) for float32.
int64_t distance(const NpyArray& a, const NpyArray& b, size_t i) {
  if (a.dtype == DType::Float32) {
    int32_t x, y;
    std::memcpy(&x, a.data.data() + i * 4, 4);
    std::memcpy(&y, b.data.data() + i * 4, 4);
    if (x < 0) x = std::numeric_limits<int32_t>::min() - x;
    if (y < 0) y = std::numeric_limits<int32_t>::min() - y;
    return std::abs(int64_t{x} - int64_t{y});
  }
  return static_cast<int64_t>(std::abs(element(a, i) - element(b, i)));
}

fs::path scratch_root() {
  auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(OCTET_BINARY_DIR) / "test_scratch" / "golden";
  if (info != nullptr) dir = dir / info->test_suite_name() / info->name();
  return dir;
}

}  // namespace

QuantParams qparams(float scale, int64_t zero_point) {
  QuantParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

QuantParams per_channel(std::vector<float> scales, int32_t axis) {
  QuantParams q;
  q.zero_point.assign(scales.size(), 0);
  q.scale = std::move(scales);
  q.quantized_dimension = axis;
  return q;
}

GTensor int8_tensor(std::vector<int32_t> shape, float scale, int64_t zero_point) {
  return GTensor{DType::Int8, std::move(shape), qparams(scale, zero_point)};
}
GTensor int16_tensor(std::vector<int32_t> shape, float scale) {
  return GTensor{DType::Int16, std::move(shape), qparams(scale, 0)};
}
GTensor int32_input(std::vector<int32_t> shape, int64_t lo, int64_t hi) {
  GTensor t{DType::Int32, std::move(shape)};
  t.lo = lo;
  t.hi = hi;
  return t;
}

GTensor int8_weights(std::vector<int32_t> shape, QuantParams quant, uint32_t seed) {
  std::mt19937 rng(seed);
  GTensor t{DType::Int8, shape, std::move(quant)};
  t.data = random_values(DType::Int8, element_count(shape), -127, 127, rng);
  return t;
}
GTensor int32_bias(std::vector<int32_t> shape, QuantParams quant, int64_t lo, int64_t hi,
                   uint32_t seed) {
  std::mt19937 rng(seed);
  GTensor t{DType::Int32, shape, std::move(quant)};
  t.data = random_values(DType::Int32, element_count(shape), lo, hi, rng);
  return t;
}
GTensor int64_bias(std::vector<int32_t> shape, QuantParams quant, int64_t lo, int64_t hi,
                   uint32_t seed) {
  std::mt19937 rng(seed);
  GTensor t{DType::Int64, shape, std::move(quant)};
  t.data = random_values(DType::Int64, element_count(shape), lo, hi, rng);
  return t;
}

GTensor omitted() {
  GTensor t;
  t.omitted = true;
  return t;
}

Model one_op_model(BuiltinOp op, OptionsValue options, const std::vector<GTensor>& inputs,
                   const std::vector<GTensor>& outputs, int32_t version) {
  Model model;
  GraphBuilder b(model);
  std::vector<int32_t> ins, outs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const GTensor& t = inputs[i];
    if (t.omitted) {
      ins.push_back(-1);
    } else if (!t.data.empty()) {
      ins.push_back(b.add_constant(fmt::format("in{}", i), t.dtype, t.shape, t.data, t.quant));
    } else {
      ins.push_back(b.add_input(fmt::format("in{}", i), t.dtype, t.shape, t.quant));
    }
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    outs.push_back(b.add_tensor(fmt::format("out{}", o), outputs[o].dtype, outputs[o].shape,
                                outputs[o].quant));
    b.mark_output(outs.back());
  }
  if (std::holds_alternative<opt::None>(options)) {
    b.add_op(op, ins, outs).code.version = version;
  } else {
    b.add_op(op, ins, outs, std::move(options), version);
  }
  return model;
}

GoldenCase golden_case(std::string op_name, std::string name, BuiltinOp op, OptionsValue options,
                       const std::vector<GTensor>& inputs, const std::vector<GTensor>& outputs,
                       int32_t version) {
  GoldenCase c{std::move(op_name), std::move(name),
               one_op_model(op, std::move(options), inputs, outputs, version)};
  for (const GTensor& t : inputs) {
    if (t.omitted || !t.data.empty()) continue;
    auto range = full_range(t.dtype);
    if (t.hi >= t.lo) range = {t.lo, t.hi};
    c.input_ranges.push_back(range);
  }
  return c;
}

std::vector<GoldenResult> run_golden(const std::vector<GoldenCase>& cases, uint32_t seed,
                                     int samples) {
  const fs::path root = scratch_root();
  fs::remove_all(root);
  fs::create_directories(root);
  std::vector<GoldenResult> results(cases.size());
  std::vector<std::vector<std::vector<NpyArray>>> ours(cases.size());  // [case][sample][output]
  std::vector<LiteRtJob> jobs;
  std::vector<std::pair<size_t, int>> job_of;  // (case, sample)
  std::mt19937 rng(seed);
  for (size_t c = 0; c < cases.size(); ++c) {
    const GoldenCase& gc = cases[c];
    results[c].op = gc.op;
    results[c].name = gc.name;
    const fs::path dir = root / fmt::format("case_{:03}", c);
    fs::create_directories(dir);
    try {
      save_model(gc.model, dir / "model.tflite");
      Interpreter interp(gc.model);
      const Graph& g = interp.graph();
      if (gc.input_ranges.size() != interp.num_inputs())
        fail("{} input ranges for {} model inputs", gc.input_ranges.size(), interp.num_inputs());
      for (int s = 0; s < samples; ++s) {
        LiteRtJob job;
        job.model = dir / "model.tflite";
        job.out_dir = dir / fmt::format("litert_{}", s);
        for (size_t i = 0; i < interp.num_inputs(); ++i) {
          const Tensor& t = g.tensors[static_cast<size_t>(interp.input_tensor(i))];
          NpyArray a;
          a.dtype = t.dtype;
          a.shape.assign(t.shape.begin(), t.shape.end());
          a.data = random_values(t.dtype, element_count(t.shape), gc.input_ranges[i].first,
                                 gc.input_ranges[i].second, rng);
          interp.set_input(i, a.data);
          const fs::path file = dir / fmt::format("input_{}_{}.npy", s, i);
          write_npy(file, a);
          job.input_npys.push_back(file);
        }
        interp.invoke();
        std::vector<NpyArray> outs;
        for (size_t o = 0; o < interp.num_outputs(); ++o) {
          const int32_t t = interp.output_tensor(o);
          NpyArray a;
          a.dtype = g.tensors[static_cast<size_t>(t)].dtype;
          const auto shape = interp.tensor_shape(t);
          a.shape.assign(shape.begin(), shape.end());
          const auto bytes = interp.output_data(o);
          a.data.assign(bytes.begin(), bytes.end());
          outs.push_back(std::move(a));
        }
        ours[c].push_back(std::move(outs));
        jobs.push_back(std::move(job));
        job_of.emplace_back(c, s);
      }
    } catch (const std::exception& e) {
      results[c].error = std::string("octet: ") + e.what();
    }
  }
  const std::vector<LiteRtJobResult> theirs = run_litert_batch(jobs, root / "jobs.json");
  for (size_t j = 0; j < jobs.size(); ++j) {
    const auto [c, s] = job_of[j];
    GoldenResult& r = results[c];
    if (!theirs[j].ok()) {
      if (r.error.empty()) r.error = "LiteRT: " + theirs[j].error;
      continue;
    }
    const auto& mine = ours[c][static_cast<size_t>(s)];
    const auto& ref = theirs[j].outputs;
    if (mine.size() != ref.size()) {
      r.error = fmt::format("octet gives {} outputs, LiteRT {}", mine.size(), ref.size());
      continue;
    }
    for (size_t o = 0; o < mine.size(); ++o) {
      if (mine[o].dtype != ref[o].dtype || mine[o].shape != ref[o].shape) {
        r.error = fmt::format("output {}: octet {} [{}], LiteRT {} [{}]", o,
                              dtype_name(mine[o].dtype), fmt::join(mine[o].shape, ","),
                              dtype_name(ref[o].dtype), fmt::join(ref[o].shape, ","));
        break;
      }
      const size_t n = mine[o].data.size() / dtype_size(mine[o].dtype);
      for (size_t i = 0; i < n; ++i) {
        const int64_t d = distance(mine[o], ref[o], i);
        r.max_diff = std::max(r.max_diff, d);
        if (mine[o].dtype == DType::Float32)
          r.max_abs_diff = std::max(r.max_abs_diff, std::abs(element(mine[o], i) - element(ref[o], i)));
        if (d != 0) ++r.differing;
      }
      r.total += static_cast<int64_t>(n);
    }
  }
  return results;
}

void expect_golden(const std::vector<GoldenCase>& cases, uint32_t seed, int samples) {
  const std::vector<GoldenResult> results = run_golden(cases, seed, samples);
  const fs::path table = fs::path(OCTET_BINARY_DIR) / "test_scratch" / "golden" / "differences.tsv";
  fs::create_directories(table.parent_path());
  std::ofstream tsv(table, std::ios::app);
  for (size_t c = 0; c < cases.size(); ++c) {
    const GoldenResult& r = results[c];
    const GoldenCase& gc = cases[c];
    EXPECT_EQ(r.error, "") << gc.op << " " << gc.name;
    if (gc.abs_tolerance >= 0) {
      EXPECT_LE(r.max_abs_diff, gc.abs_tolerance)
          << gc.op << " " << gc.name << ": " << r.differing << " of " << r.total
          << " elements differ from LiteRT, by up to " << r.max_abs_diff << " (allowed "
          << gc.abs_tolerance << ": " << gc.reason << ")";
    } else {
      EXPECT_LE(r.max_diff, gc.tolerance)
          << gc.op << " " << gc.name << ": " << r.differing << " of " << r.total
          << " elements differ from LiteRT, by up to " << r.max_diff
          << (gc.reason.empty() ? " (must be bit-exact)" : " (allowed " + std::to_string(gc.tolerance) + ": " + gc.reason + ")");
    }
    std::string line = fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}", gc.op, gc.name, r.max_diff,
                                   r.differing, r.total, gc.tolerance, gc.reason);
    if (gc.abs_tolerance >= 0)
      line = fmt::format("{}\t{}\t{}\t{}\t{}\tabs {:.4g} (max |Δ| {:.4g})\t{}", gc.op, gc.name,
                         r.max_diff, r.differing, r.total, gc.abs_tolerance, r.max_abs_diff, gc.reason);
    std::printf("[golden] %s\n", line.c_str());
    tsv << line << "\n";
  }
}

}  // namespace octet::testing
