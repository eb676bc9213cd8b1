// File: yaml_util.hpp
// Reading the apps' small data files (presets, records, simulations) with yaml-cpp, exceptions
// caught at this edge and turned into "FILE:LINE:COLUMN: FIELD: problem" errors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "awshpc/core/status.hpp"

namespace awshpc::apps {

// Parses `path` (at most 1 MiB). NotFound when it does not exist.
Result<YAML::Node> LoadYamlFile(const std::string& path);

// "FILE:LINE:COLUMN: FIELD: message" as an InvalidArgument.
Status YamlError(const std::string& file, const YAML::Node& node, const std::string& field,
                 const std::string& message);

// Scalar text of `node`, or an error naming the field.
Result<std::string> ScalarAt(const std::string& file, const YAML::Node& node,
                             const std::string& field);

}  // namespace awshpc::apps
