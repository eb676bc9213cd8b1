// File: env_presets.hpp
// Named parameter presets stored as data next to an app: <app dir>/envs/<name>.yaml with a
// `description` and a `params` mapping. `--env NAME` applies one; --param values override it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::apps {

struct EnvPreset {
  std::string name;
  std::string description;
  std::vector<std::pair<std::string, std::string>> params;  // in file order
};

// NotFound (listing the presets there are) when <app_dir>/envs/<name>.yaml does not exist;
// InvalidArgument naming file, line and field when it is malformed.
Result<EnvPreset> LoadEnvPreset(const std::string& app_dir, const std::string& name);

// Names of the presets in <app_dir>/envs, sorted.
std::vector<std::string> ListEnvPresets(const std::string& app_dir);

// The preset's params with `overrides` applied: an override replaces the preset's value for the
// same name; new names are appended. Order: preset first, then new overrides.
std::vector<std::pair<std::string, std::string>> MergeParams(
    const std::vector<std::pair<std::string, std::string>>& preset,
    const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace awshpc::apps
