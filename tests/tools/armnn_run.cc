// armnn_run: runs a .tflite model in Arm NN's CpuRef backend (a second,
// independent runtime next to LiteRT), with the LiteRT oracle's file
// conventions so the C++ helpers read both alike:
//
//   armnn_run --model M.tflite --input a.npy [--input b.npy ...] --output-dir DIR
//
// writes DIR/output_<i>.npy in the order of the model's outputs, described by
// DIR/outputs.json ([{index, name, dtype, shape, file}]). On failure it writes
// one line naming what Arm NN rejected (the op and Arm NN's message) to stderr
// and DIR/error.txt and exits 1.
//
// Arm NN's TfLiteParser binds inputs and outputs by tensor name and loads
// with the file's static shapes, so each .npy must hold exactly the number of
// elements the model declares (a [1,H,W,C] file for a [1,H,W,C] input).
#include <armnn/ArmNN.hpp>
#include <armnn/Exceptions.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "octet/error.h"
#include "octet/model.h"
#include "octet/npy.h"

#if defined(__SANITIZE_ADDRESS__)
// In the ASan build this program is instrumented too; Arm NN's own
// allocations still alive at exit are not octet's to fix, and a leak report
// would turn every Arm NN run into a failure.
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
#endif

namespace fs = std::filesystem;
using octet::DType;
using octet::fail;
using octet::NpyArray;

namespace {

struct Args {
  fs::path model;
  std::vector<fs::path> inputs;
  fs::path output_dir;
};

Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail("{} needs a value", a);
      return argv[++i];
    };
    if (a == "--model") {
      args.model = value();
    } else if (a == "--input") {
      args.inputs.emplace_back(value());
    } else if (a == "--output-dir") {
      args.output_dir = value();
    } else {
      fail("unknown argument '{}' (usage: armnn_run --model M.tflite --input a.npy ... "
           "--output-dir DIR)",
           a);
    }
  }
  if (args.model.empty()) fail("--model is required");
  if (args.output_dir.empty()) fail("--output-dir is required");
  return args;
}

// The .npy dtype that carries an Arm NN tensor of this type. QSymmS8 is how
// Arm NN names a symmetric int8 tensor (zero point 0); its bytes are int8.
DType npy_dtype(armnn::DataType t, const std::string& what) {
  switch (t) {
    case armnn::DataType::Float32: return DType::Float32;
    case armnn::DataType::QAsymmU8: return DType::UInt8;
    case armnn::DataType::QAsymmS8:
    case armnn::DataType::QSymmS8: return DType::Int8;
    case armnn::DataType::QSymmS16: return DType::Int16;
    case armnn::DataType::Signed32: return DType::Int32;
    case armnn::DataType::Boolean: return DType::Bool;
    default: fail("{} has Arm NN type {}, which armnn_run does not exchange", what,
                  armnn::GetDataTypeName(t));
  }
}

std::vector<int64_t> shape_of(const armnn::TensorInfo& info) {
  std::vector<int64_t> shape;
  for (unsigned d = 0; d < info.GetNumDimensions(); ++d) shape.push_back(info.GetShape()[d]);
  return shape;
}

// The parser names a failing operator by its index ("operator #12"); say
// which op that is, read with octet's own loader (empty if it cannot tell).
std::string op_at(const fs::path& model_path, const std::string& message) {
  std::smatch m;
  if (!std::regex_search(message, m, std::regex(R"(operator #(\d+))"))) return "";
  try {
    const octet::Model model = octet::load_model(model_path);
    const auto& ops = model.main().ops;
    const size_t i = std::stoul(m[1].str());
    if (i >= ops.size()) return "";
    const octet::Op& op = ops[i];
    std::string name = op.code.is_custom() ? "CUSTOM:" + op.code.custom_name
                                           : std::string(octet::builtin_op_name(op.code.builtin));
    return fmt::format("op {} {}", i, name);
  } catch (const std::exception&) {
    return "";
  }
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += "; ";
    s += l;
  }
  return s;
}

// Where the CpuRef backend library lives: Debian ships it as a dynamic
// backend under the multiarch lib dir (armnn22/); OCTET_ARMNN_BACKEND_DIR
// comes from CMake, ARMNN_BACKEND_DIR from the environment overrides it.
std::string backend_dir() {
  if (const char* env = std::getenv("ARMNN_BACKEND_DIR")) return env;
  return OCTET_ARMNN_BACKEND_DIR;
}

void run(const Args& args) {
  if (!fs::is_regular_file(args.model)) fail("model file {} does not exist", args.model.string());
  fs::create_directories(args.output_dir);
  armnn::ConfigureLogging(false, false, armnn::LogSeverity::Fatal);

  auto parser = armnnTfLiteParser::ITfLiteParser::Create();
  armnn::INetworkPtr network{nullptr, [](armnn::INetwork*) {}};
  try {
    network = parser->CreateNetworkFromBinaryFile(args.model.c_str());
  } catch (const armnn::Exception& e) {
    // The parser's message names the operator ("Operator not supported.
    // ... opcode: ..." or the failing check); keep it whole on one line.
    std::string what = e.what();
    for (char& c : what)
      if (c == '\n') c = ' ';
    const std::string op = op_at(args.model, what);
    fail("Arm NN TfLiteParser rejected {}{}{}: {}", args.model.filename().string(),
         op.empty() ? "" : " at ", op, what);
  }

  const auto input_names = parser->GetSubgraphInputTensorNames(0);
  const auto output_names = parser->GetSubgraphOutputTensorNames(0);
  if (args.inputs.size() != input_names.size()) {
    fail("{} has {} inputs but {} --input files were given", args.model.filename().string(),
         input_names.size(), args.inputs.size());
  }

  armnn::IRuntime::CreationOptions options;
  options.m_DynamicBackendsPath = backend_dir();
  armnn::IRuntimePtr runtime = armnn::IRuntime::Create(options);

  std::vector<std::string> messages;
  armnn::IOptimizedNetworkPtr optimized{nullptr, [](armnn::IOptimizedNetwork*) {}};
  try {
    optimized = armnn::Optimize(*network, {armnn::BackendId("CpuRef")}, runtime->GetDeviceSpec(),
                                armnn::OptimizerOptions(),
                                armnn::Optional<std::vector<std::string>&>(messages));
  } catch (const armnn::Exception& e) {
    fail("Arm NN CpuRef rejected {}: {}{}{}", args.model.filename().string(), e.what(),
         messages.empty() ? "" : " — ", joined(messages));
  }
  if (!optimized) {
    fail("Arm NN CpuRef rejected {}: {}", args.model.filename().string(),
         messages.empty() ? "Optimize returned no network (is the CpuRef backend in " +
                                backend_dir() + "?)"
                          : joined(messages));
  }
  armnn::NetworkId id = 0;
  std::string load_error;
  if (runtime->LoadNetwork(id, std::move(optimized), load_error) != armnn::Status::Success) {
    fail("Arm NN CpuRef could not load {}: {}", args.model.filename().string(), load_error);
  }

  std::vector<NpyArray> input_arrays;
  armnn::InputTensors inputs;
  for (size_t i = 0; i < input_names.size(); ++i) {
    auto [binding, info] = parser->GetNetworkInputBindingInfo(0, input_names[i]);
    const std::string what = fmt::format("input {} '{}'", i, input_names[i]);
    input_arrays.push_back(octet::read_npy(args.inputs[i]));
    const NpyArray& a = input_arrays.back();
    const DType want = npy_dtype(info.GetDataType(), what);
    if (a.dtype != want || a.num_elements() != static_cast<int64_t>(info.GetNumElements())) {
      fail("{}: {} is {} [{}] but Arm NN expects {} [{}]", what, args.inputs[i].string(),
           octet::dtype_name(a.dtype), fmt::join(a.shape, ","), octet::dtype_name(want),
           fmt::join(shape_of(info), ","));
    }
    inputs.emplace_back(binding, armnn::ConstTensor(info, a.data.data()));
  }

  std::vector<NpyArray> output_arrays(output_names.size());
  armnn::OutputTensors outputs;
  for (size_t i = 0; i < output_names.size(); ++i) {
    auto [binding, info] = parser->GetNetworkOutputBindingInfo(0, output_names[i]);
    NpyArray& a = output_arrays[i];
    a.dtype = npy_dtype(info.GetDataType(), fmt::format("output {} '{}'", i, output_names[i]));
    a.shape = shape_of(info);
    a.data.resize(info.GetNumBytes());
    outputs.emplace_back(binding, armnn::Tensor(info, a.data.data()));
  }

  try {
    if (runtime->EnqueueWorkload(id, inputs, outputs) != armnn::Status::Success) {
      fail("Arm NN CpuRef failed to run {}", args.model.filename().string());
    }
  } catch (const armnn::Exception& e) {
    fail("Arm NN CpuRef failed to run {}: {}", args.model.filename().string(), e.what());
  }

  nlohmann::json described = nlohmann::json::array();
  for (size_t i = 0; i < output_arrays.size(); ++i) {
    const std::string file = fmt::format("output_{}.npy", i);
    octet::write_npy(args.output_dir / file, output_arrays[i]);
    described.push_back({{"index", i},
                         {"name", output_names[i]},
                         {"dtype", std::string(octet::dtype_name(output_arrays[i].dtype))},
                         {"shape", output_arrays[i].shape},
                         {"file", file}});
  }
  const std::string text = described.dump(1) + "\n";
  octet::write_file_atomically(args.output_dir / "outputs.json",
                               std::as_bytes(std::span(text.data(), text.size())));
}

}  // namespace

int main(int argc, char** argv) {
  fs::path output_dir;
  try {
    Args args = parse_args(argc, argv);
    output_dir = args.output_dir;
    std::error_code ignored;
    fs::remove(output_dir / "outputs.json", ignored);
    fs::remove(output_dir / "error.txt", ignored);
    run(args);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "armnn_run: error: %s\n", e.what());
    if (!output_dir.empty()) {
      std::error_code ignored;
      fs::create_directories(output_dir, ignored);
      std::ofstream(output_dir / "error.txt") << e.what() << "\n";
    }
    return 1;
  }
}
