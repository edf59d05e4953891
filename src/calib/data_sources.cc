// The folder and list-file data sources (see data.h for their layouts).
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "calib/data.h"

namespace octet::calib {

namespace {

namespace fs = std::filesystem;

std::string known_names(const std::vector<InputSpec>& inputs) {
  std::vector<std::string> parts;
  for (const InputSpec& in : inputs) parts.push_back(fmt::format("{}", fmt::join(in.aliases(), " / ")));
  return fmt::format("{}", fmt::join(parts, ", "));
}

const InputSpec* find_input(const std::vector<InputSpec>& inputs, const std::string& name) {
  for (const InputSpec& in : inputs) {
    const auto a = in.aliases();
    if (std::find(a.begin(), a.end(), name) != a.end()) return &in;
  }
  return nullptr;
}

// "2" < "10", and plain string order otherwise.
bool natural_less(const std::string& a, const std::string& b) {
  const bool da = !a.empty() && std::all_of(a.begin(), a.end(), ::isdigit);
  const bool db = !b.empty() && std::all_of(b.begin(), b.end(), ::isdigit);
  if (da && db && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

bool is_sample_file(const fs::path& p) { return p.extension() == ".npy" || p.extension() == ".bin"; }

class FolderSource : public DataSource {
 public:
  FolderSource(const Model& model, const fs::path& dir) : inputs_(model_inputs(model)), dir_(dir) {
    try {
      scan();
    } catch (const fs::filesystem_error& e) {
      fail("{}: {}", dir.string(), e.what());
    }
  }
  size_t size() const override { return samples_.size(); }
  std::string description() const override {
    return fmt::format("folder {}, {} samples", dir_.string(), samples_.size());
  }
  Sample read(size_t i) override {
    Sample s;
    s.name = samples_.at(i);
    for (size_t k = 0; k < inputs_.size(); ++k) s.inputs.push_back(read_input_file(files_[i][k], inputs_[k], s.name));
    return s;
  }

 private:
  void scan() {
    std::vector<fs::path> subdirs;
    bool loose_files = false;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().filename().string().starts_with(".")) continue;
      if (e.is_directory()) subdirs.push_back(e.path());
      else if (is_sample_file(e.path())) loose_files = true;
    }
    std::vector<fs::path> folder(inputs_.size());
    if (subdirs.empty()) {
      if (inputs_.size() != 1 || !loose_files)
        fail("{}: no sub-folders; expected one sub-folder of .npy/.bin samples per model input ({})", dir_.string(),
             known_names(inputs_));
      folder[0] = dir_;
    } else {
      for (const fs::path& sub : subdirs) {
        const InputSpec* in = find_input(inputs_, sub.filename().string());
        if (!in)
          fail("{}: sub-folder '{}' names no model input (inputs: {})", dir_.string(), sub.filename().string(),
               known_names(inputs_));
        if (!folder[in->index].empty())
          fail("{}: sub-folders '{}' and '{}' both name {}", dir_.string(), folder[in->index].filename().string(),
               sub.filename().string(), in->label());
        folder[in->index] = sub;
      }
      for (const InputSpec& in : inputs_)
        if (folder[in.index].empty())
          fail("{}: no sub-folder for {} (name it one of: {})", dir_.string(), in.label(),
               fmt::join(in.aliases(), ", "));
    }
    // Per input: sample name (file stem) → file.
    std::vector<std::map<std::string, fs::path>> by_name(inputs_.size());
    std::set<std::string> names;
    for (size_t k = 0; k < inputs_.size(); ++k) {
      for (const auto& e : fs::directory_iterator(folder[k])) {
        if (!e.is_regular_file() || !is_sample_file(e.path())) continue;
        const std::string stem = e.path().stem().string();
        auto [it, fresh] = by_name[k].emplace(stem, e.path());
        if (!fresh)
          fail("{}: sample '{}' has two files for {}: {} and {}", folder[k].string(), stem, inputs_[k].label(),
               it->second.filename().string(), e.path().filename().string());
        names.insert(stem);
      }
    }
    if (names.empty()) fail("{}: no samples (.npy or .bin files)", dir_.string());
    samples_.assign(names.begin(), names.end());
    std::sort(samples_.begin(), samples_.end(), natural_less);
    for (const std::string& name : samples_) {
      std::vector<fs::path> row;
      for (size_t k = 0; k < inputs_.size(); ++k) {
        auto it = by_name[k].find(name);
        if (it == by_name[k].end())
          fail("{}: sample '{}' has no file for {} ({}.npy or {}.bin)", folder[k].string(), name,
               inputs_[k].label(), name, name);
        row.push_back(it->second);
      }
      files_.push_back(std::move(row));
    }
  }

  std::vector<InputSpec> inputs_;
  fs::path dir_;
  std::vector<std::string> samples_;
  std::vector<std::vector<fs::path>> files_;  // [sample][input]
};

class ListSource : public DataSource {
 public:
  ListSource(const Model& model, const fs::path& list) : inputs_(model_inputs(model)), list_(list) {
    std::ifstream in(list);
    if (!in) fail("{}: cannot open", list.string());
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
      const std::string where = fmt::format("{}:{}", list.string(), number);
      std::istringstream words(line);
      std::string word;
      std::vector<fs::path> row(inputs_.size());
      bool any = false;
      while (words >> word) {
        if (word.starts_with("#")) break;
        const auto eq = word.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == word.size())
          fail("{}: '{}' is not NAME=PATH", where, word);
        const std::string name = word.substr(0, eq);
        const InputSpec* spec = find_input(inputs_, name);
        if (!spec) fail("{}: no model input named '{}' (inputs: {})", where, name, known_names(inputs_));
        if (!row[spec->index].empty()) fail("{}: {} is given twice", where, spec->label());
        const fs::path path = word.substr(eq + 1);
        row[spec->index] = path.is_absolute() ? path : list.parent_path() / path;
        any = true;
      }
      if (!any) continue;
      for (const InputSpec& spec : inputs_)
        if (row[spec.index].empty())
          fail("{}: {} is not given (as one of: {})", where, spec.label(), fmt::join(spec.aliases(), ", "));
      names_.push_back(where);
      files_.push_back(std::move(row));
    }
    if (in.bad()) fail("{}: cannot read", list.string());
    if (files_.empty()) fail("{}: no samples (expected lines of NAME=PATH ...)", list.string());
  }
  size_t size() const override { return files_.size(); }
  std::string description() const override {
    return fmt::format("list {}, {} samples", list_.string(), files_.size());
  }
  Sample read(size_t i) override {
    Sample s;
    s.name = names_.at(i);
    for (size_t k = 0; k < inputs_.size(); ++k) s.inputs.push_back(read_input_file(files_[i][k], inputs_[k], s.name));
    return s;
  }

 private:
  std::vector<InputSpec> inputs_;
  fs::path list_;
  std::vector<std::string> names_;            // "LIST:line"
  std::vector<std::vector<fs::path>> files_;  // [sample][input]
};

}  // namespace

std::unique_ptr<DataSource> open_data(const Model& model, const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return std::make_unique<FolderSource>(model, path);
  if (fs::is_regular_file(path, ec)) return std::make_unique<ListSource>(model, path);
  fail("{}: no such data folder or list file", path.string());
}

}  // namespace octet::calib
