// Representative data: where calibration gets its samples.
//   folder  DIR/<input>/NNN.npy (or NNN.bin, raw bytes of exactly the input's
//           size): one sub-folder per model input, named by the input's
//           signature name, tensor name or `input_<i>`; samples are matched by
//           file name across the sub-folders. A one-input model may also keep
//           its files directly in DIR.
//   list    a text file, one sample a line: `name=path.npy name2=path2.npy`
//           (paths relative to the list file; blank lines and #-comments skipped)
//   random  seeded uniform values, for a quick look without data
// Every sample is checked against the model (every input given once, dtype,
// shape, finite values, readable file); the error names the sample (its
// file) and the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "octet/model.h"

namespace octet::calib {

// One model input as the data readers see it.
struct InputSpec {
  size_t index = 0;              // position among the graph's inputs
  int32_t tensor = 0;
  std::string name;              // tensor name
  std::string signature_name;    // empty if the model has no signature for it
  DType dtype = DType::Float32;
  std::vector<int32_t> shape;
  size_t bytes = 0;

  // The names a sample may use for this input.
  std::vector<std::string> aliases() const;
  std::string label() const;     // "input 0 'name'"
};
std::vector<InputSpec> model_inputs(const Model& model);

struct Sample {
  std::string name;                             // names it in messages (a file, a list line)
  std::vector<std::vector<std::byte>> inputs;   // one per model input, in graph order
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual size_t size() const = 0;
  // Reads and checks sample i (0 ≤ i < size()); throws octet::Error.
  virtual Sample read(size_t i) = 0;
  // What the data is, for Stats::model and messages.
  virtual std::string description() const = 0;
};

// A folder or a list file, as `path` is; the layout is checked up front (every
// sample has a file for every input), the files' contents as they are read.
std::unique_ptr<DataSource> open_data(const Model& model, const std::filesystem::path& path);

struct RandomDataOptions {
  size_t samples = 8;
  uint64_t seed = 0;
  float lo = -1.f, hi = 1.f;  // float inputs: uniform in [lo, hi)
};
// Integers are uniform in [0, 15] (ids, indices), int8/uint8 over their range.
std::unique_ptr<DataSource> random_data(const Model& model, RandomDataOptions options);

// Reads one .npy (or raw .bin) file, checks it against `input` and returns
// its bytes; errors name the file, `sample` and the input.
std::vector<std::byte> read_input_file(const std::filesystem::path& file, const InputSpec& input,
                                       const std::string& sample);

}  // namespace octet::calib
