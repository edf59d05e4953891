// octet run FILE --input NAME=PATH ... [--random-inputs SEED] --output-dir DIR [--repeat N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>

#include "octet/commands.h"
#include "octet/interpreter.h"
#include "octet/npy.h"

namespace octet::cli {

namespace {

struct RunArgs {
  std::string file;
  std::vector<std::string> inputs;
  std::optional<uint64_t> seed;
  std::string output_dir;
  int repeat = 0;
  bool profile = false;
  int threads = 0;
};

// Resolves NAME (signature name, tensor name or position) to an input index.
size_t find_input(const Model& model, const Interpreter& interp, const std::string& name) {
  for (const Signature& s : model.signatures)
    if (s.subgraph == 0)
      for (const auto& t : s.inputs)
        if (t.name == name)
          for (size_t i = 0; i < interp.num_inputs(); ++i)
            if (interp.input_tensor(i) == t.tensor) return i;
  for (size_t i = 0; i < interp.num_inputs(); ++i)
    if (interp.graph().tensors[interp.input_tensor(i)].name == name) return i;
  if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
    const size_t i = std::stoul(name);
    if (i < interp.num_inputs()) return i;
  }
  std::string known;
  for (size_t i = 0; i < interp.num_inputs(); ++i)
    known += (i ? ", " : "") + interp.graph().tensors[interp.input_tensor(i)].name;
  fail("--input {}: the model has no input of that name or index (its inputs: {})", name, known);
}

NpyArray read_input_file(const std::filesystem::path& path, const Tensor& tensor,
                         std::span<const int32_t> shape) {
  NpyArray a;
  if (path.extension() == ".npy") {
    a = read_npy(path);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("{}: cannot open", path.string());
    std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    a.dtype = tensor.dtype;
    a.shape.assign(shape.begin(), shape.end());
    a.data.resize(raw.size());
    std::memcpy(a.data.data(), raw.data(), raw.size());
  }
  return a;
}

// Deterministic values for an input: floats uniform in [-1, 1), integers in
// a small non-negative range (ids, indices), the full range for int8/uint8.
NpyArray random_input(const Tensor& tensor, std::span<const int32_t> shape, std::mt19937_64& rng) {
  NpyArray a;
  a.dtype = tensor.dtype;
  a.shape.assign(shape.begin(), shape.end());
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  a.data.resize(n * dtype_size(tensor.dtype));
  auto fill = [&](auto* p, auto dist) {
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<std::remove_pointer_t<decltype(p)>>(dist(rng));
  };
  switch (tensor.dtype) {
    case DType::Float32: fill(reinterpret_cast<float*>(a.data.data()), std::uniform_real_distribution<float>(-1.f, 1.f)); break;
    case DType::Int32: fill(reinterpret_cast<int32_t*>(a.data.data()), std::uniform_int_distribution<int32_t>(0, 15)); break;
    case DType::Int64: fill(reinterpret_cast<int64_t*>(a.data.data()), std::uniform_int_distribution<int64_t>(0, 15)); break;
    case DType::Int8: fill(reinterpret_cast<int8_t*>(a.data.data()), std::uniform_int_distribution<int>(-128, 127)); break;
    case DType::UInt8: fill(reinterpret_cast<uint8_t*>(a.data.data()), std::uniform_int_distribution<int>(0, 255)); break;
    case DType::Int16: fill(reinterpret_cast<int16_t*>(a.data.data()), std::uniform_int_distribution<int>(-32768, 32767)); break;
    case DType::Bool: fill(reinterpret_cast<uint8_t*>(a.data.data()), std::uniform_int_distribution<int>(0, 1)); break;
    default: fail("input '{}': cannot make random values of type {}", tensor.name, dtype_name(tensor.dtype));
  }
  return a;
}

void check_input(const NpyArray& a, const Tensor& tensor, std::span<const int32_t> shape,
                 const std::string& origin) {
  if (a.dtype != tensor.dtype)
    fail("{}: is {}, input '{}' is {}", origin, dtype_name(a.dtype), tensor.name, dtype_name(tensor.dtype));
  const std::vector<int64_t> want(shape.begin(), shape.end());
  size_t bytes = dtype_size(tensor.dtype);
  for (int32_t d : shape) bytes *= static_cast<size_t>(d);
  if (a.data.size() != bytes || (origin.ends_with(".npy") && a.shape != want))
    fail("{}: shape [{}] ({} bytes), input '{}' needs [{}] ({} bytes)", origin, fmt::join(a.shape, ","),
         a.data.size(), tensor.name, fmt::join(shape, ","), bytes);
}

std::string describe(const NpyArray& a) {
  if (a.dtype != DType::Float32 || a.data.empty()) return "";
  const auto* p = reinterpret_cast<const float*>(a.data.data());
  const size_t n = a.data.size() / 4;
  double lo = p[0], hi = p[0], sum = 0;
  for (size_t i = 0; i < n; ++i) {
    lo = std::min<double>(lo, p[i]);
    hi = std::max<double>(hi, p[i]);
    sum += p[i];
  }
  return fmt::format("min {:.6g} max {:.6g} mean {:.6g}", lo, hi, sum / static_cast<double>(n));
}

// Time per op type, and the slowest single ops, averaged over the repeats.
void print_profile(const Graph& g, const std::vector<double>& op_ms, int repeat) {
  std::map<std::string, std::pair<double, int>> by_type;
  double total = 0;
  for (size_t o = 0; o < g.ops.size(); ++o) {
    if (op_ms[o] == 0) continue;
    const Op& op = g.ops[o];
    const std::string name = op.code.is_custom() ? op.code.custom_name : std::string(builtin_op_name(op.code.builtin));
    by_type[name].first += op_ms[o] / repeat;
    by_type[name].second += 1;
    total += op_ms[o] / repeat;
  }
  std::vector<std::pair<std::string, std::pair<double, int>>> rows(by_type.begin(), by_type.end());
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.second.first > b.second.first; });
  std::printf("profile (ms per invoke, %d invokes)\n", repeat);
  for (const auto& [name, v] : rows)
    std::printf("  %-32s %9.3f  %5.1f%%  (%d ops)\n", name.c_str(), v.first, 100 * v.first / total, v.second);
  std::vector<size_t> order(g.ops.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return op_ms[a] > op_ms[b]; });
  std::printf("slowest ops\n");
  for (size_t k = 0; k < std::min<size_t>(5, order.size()) && op_ms[order[k]] > 0; ++k) {
    const size_t o = order[k];
    const int32_t out = g.ops[o].outputs.empty() ? -1 : g.ops[o].outputs[0];
    std::printf("  op %-5zu %-24s %9.3f  -> %s\n", o, std::string(builtin_op_name(g.ops[o].code.builtin)).c_str(),
                op_ms[o] / repeat, out >= 0 ? fmt::format("[{}]", fmt::join(g.tensors[out].shape, ",")).c_str() : "");
  }
}

void run(const RunArgs& args) {
  using clock = std::chrono::steady_clock;
  const Model model = load_model(args.file);
  const auto t0 = clock::now();
  Interpreter interp(model, 0, InterpreterOptions{.num_threads = args.threads});
  const double plan_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();

  const std::filesystem::path out_dir = args.output_dir;
  std::filesystem::create_directories(out_dir / "inputs");
  std::vector<bool> given(interp.num_inputs(), false);
  for (const std::string& spec : args.inputs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) fail("--input {}: expected NAME=PATH", spec);
    const size_t i = find_input(model, interp, spec.substr(0, eq));
    const int32_t t = interp.input_tensor(i);
    const Tensor& tensor = interp.graph().tensors[t];
    const std::filesystem::path path = spec.substr(eq + 1);
    const NpyArray a = read_input_file(path, tensor, interp.tensor_shape(t));
    check_input(a, tensor, interp.tensor_shape(t), path.string());
    interp.set_input(i, a.data);
    write_npy(out_dir / "inputs" / fmt::format("input_{}.npy", i), a);
    given[i] = true;
  }
  std::mt19937_64 rng(args.seed.value_or(0));
  for (size_t i = 0; i < interp.num_inputs(); ++i) {
    if (given[i]) continue;
    const int32_t t = interp.input_tensor(i);
    const Tensor& tensor = interp.graph().tensors[t];
    if (!args.seed) fail("input {} '{}' is not given: pass --input {}=PATH or --random-inputs SEED", i, tensor.name, tensor.name);
    const NpyArray a = random_input(tensor, interp.tensor_shape(t), rng);
    interp.set_input(i, a.data);
    write_npy(out_dir / "inputs" / fmt::format("input_{}.npy", i), a);
  }

  const auto t1 = clock::now();
  interp.invoke();
  const double first_ms = std::chrono::duration<double, std::milli>(clock::now() - t1).count();
  // Per-op time: the observer fires after each op, so the time since the
  // previous call (or the invoke's start) is that op's.
  std::vector<double> op_ms(interp.graph().ops.size(), 0.0);
  auto last = clock::now();
  if (args.profile)
    interp.set_observer([&](const OpEvent& e) {
      const auto now = clock::now();
      op_ms[e.op_index] += std::chrono::duration<double, std::milli>(now - last).count();
      last = now;
    });
  std::vector<double> runs;
  for (int r = 0; r < args.repeat; ++r) {
    last = clock::now();
    const auto s = clock::now();
    interp.invoke();
    runs.push_back(std::chrono::duration<double, std::milli>(clock::now() - s).count());
  }

  nlohmann::json outputs = nlohmann::json::array();
  for (size_t o = 0; o < interp.num_outputs(); ++o) {
    const int32_t t = interp.output_tensor(o);
    const Tensor& tensor = interp.graph().tensors[t];
    NpyArray a;
    a.dtype = tensor.dtype;
    const auto shape = interp.tensor_shape(t);
    a.shape.assign(shape.begin(), shape.end());
    const auto bytes = interp.output_data(o);
    a.data.assign(bytes.begin(), bytes.end());
    const std::string file = fmt::format("output_{}.npy", o);
    write_npy(out_dir / file, a);
    outputs.push_back({{"index", o}, {"name", tensor.name}, {"dtype", dtype_name(tensor.dtype)},
                       {"shape", a.shape}, {"file", file}});
    std::printf("output %zu %-32s %-8s [%s]  %s\n", o, tensor.name.c_str(),
                std::string(dtype_name(tensor.dtype)).c_str(), fmt::format("{}", fmt::join(a.shape, ",")).c_str(),
                describe(a).c_str());
  }
  const std::string json = outputs.dump(2);
  write_file_atomically(out_dir / "outputs.json", std::as_bytes(std::span(json)));
  if (args.profile && args.repeat > 0) print_profile(interp.graph(), op_ms, args.repeat);
  const auto& stats = interp.plan_stats();
  std::printf("plan_ms %.2f (ops: %zu at run time, %zu folded; arena %.1f MiB for %.1f MiB of tensors)\n",
              plan_ms, stats.runtime_ops, stats.folded_ops, stats.arena_bytes / 1048576.0,
              stats.tensor_bytes / 1048576.0);
  std::printf("first_invoke_ms %.3f\n", first_ms);
  if (!runs.empty()) {
    std::sort(runs.begin(), runs.end());
    std::printf("latency_ms median=%.3f min=%.3f runs=%zu\n", runs[runs.size() / 2], runs.front(), runs.size());
  }
}

}  // namespace

void add_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run a .tflite with octet's interpreter");
  static RunArgs args;
  static uint64_t seed = 0;
  cmd->add_option("FILE", args.file, ".tflite file")->required();
  cmd->add_option("--input", args.inputs, "NAME=PATH (.npy, or raw bytes); NAME is a signature or tensor name, or an index");
  auto* seed_opt = cmd->add_option("--random-inputs", seed, "fill inputs not given with deterministic random values from SEED");
  cmd->add_option("--output-dir", args.output_dir, "where output_<i>.npy, outputs.json and inputs/ go")->required();
  cmd->add_option("--repeat", args.repeat, "invoke N more times and print latency")->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", args.threads, "threads for large ops (default: one per core)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--profile", args.profile, "with --repeat: time per op type and the slowest ops");
  cmd->callback([seed_opt] {
    if (*seed_opt) args.seed = seed;
    run(args);
  });
}

}  // namespace octet::cli
