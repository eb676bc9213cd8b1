// File: yaml_fields.hpp
// Reading the small YAML files of the container module (bases.yaml, recipes) with errors that
// name file:line:column and the field. Private to src/container.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"

namespace awshpc::container::internal {

class YamlFields {
 public:
  explicit YamlFields(std::string_view origin) : origin_(origin) {}

  // Parses a document; YAML syntax errors carry the line.
  Result<YAML::Node> Load(std::string_view text) const;

  Status Error(const YAML::Node& node, std::string_view field, std::string_view message) const;
  Status CheckKeys(const YAML::Node& map, std::string_view field,
                   const std::vector<std::string>& allowed) const;
  Result<std::string> String(const YAML::Node& map, const std::string& key, std::string_view field,
                             bool required) const;
  Result<std::vector<std::string>> Strings(const YAML::Node& map, const std::string& key,
                                           std::string_view field) const;

 private:
  std::string origin_;
};

}  // namespace awshpc::container::internal
