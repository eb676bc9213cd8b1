// File: env_presets.cpp
#include "awshpc/apps/env_presets.hpp"

#include <algorithm>
#include <filesystem>

#include "awshpc/core/text.hpp"
#include "yaml_util.hpp"

namespace awshpc::apps {

Result<EnvPreset> LoadEnvPreset(const std::string& app_dir, const std::string& name) {
  const std::vector<std::string> names = ListEnvPresets(app_dir);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    const std::string close = ClosestMatch(name, names);
    return NotFoundError(
        "no environment " + QuoteForMessage(name) +
        (close.empty() ? "" : " (did you mean " + close + "?)") +
        (names.empty() ? std::string("; this app has none") : "; there are " + JoinOr(names)));
  }
  const std::string file = app_dir + "/envs/" + name + ".yaml";
  ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(file));
  if (!root.IsMap()) return YamlError(file, root, "(document)", "expected a mapping");
  EnvPreset preset;
  preset.name = name;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>("");
    if (key == "description") {
      ASSIGN_OR_RETURN(preset.description, ScalarAt(file, entry.second, key));
    } else if (key == "params") {
      if (!entry.second.IsMap()) return YamlError(file, entry.second, key, "expected a mapping");
      for (const auto& param : entry.second) {
        const std::string pname = param.first.as<std::string>("");
        ASSIGN_OR_RETURN(std::string value, ScalarAt(file, param.second, "params." + pname));
        preset.params.emplace_back(pname, value);
      }
    } else {
      return YamlError(file, entry.first, key, "unknown key (expected description or params)");
    }
  }
  return preset;
}

std::vector<std::string> ListEnvPresets(const std::string& app_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(app_dir + "/envs", ec)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() == ".yaml") names.push_back(path.stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::pair<std::string, std::string>> MergeParams(
    const std::vector<std::pair<std::string, std::string>>& preset,
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::pair<std::string, std::string>> out = preset;
  std::vector<bool> overridden(preset.size(), false);
  for (const auto& [name, value] : overrides) {
    std::size_t i = 0;
    while (i < preset.size() && preset[i].first != name) ++i;
    // An override replaces the preset's value once; a name the user gives twice stays twice so
    // the spec's duplicate check still reports it.
    if (i < preset.size() && !overridden[i]) {
      out[i].second = value;
      overridden[i] = true;
    } else {
      out.emplace_back(name, value);
    }
  }
  return out;
}

}  // namespace awshpc::apps
