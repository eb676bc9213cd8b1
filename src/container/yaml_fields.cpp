// File: yaml_fields.cpp
#include "yaml_fields.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "awshpc/core/text.hpp"

namespace awshpc::container::internal {

Result<YAML::Node> YamlFields::Load(std::string_view text) const {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(
        fmt::format("{}:{}:{}: {}", origin_, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

Status YamlFields::Error(const YAML::Node& node, std::string_view field,
                         std::string_view message) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null())
    return InvalidArgumentError(fmt::format("{}: {}: {}", origin_, field, message));
  return InvalidArgumentError(
      fmt::format("{}:{}:{}: {}: {}", origin_, mark.line + 1, mark.column + 1, field, message));
}

Status YamlFields::CheckKeys(const YAML::Node& map, std::string_view field,
                             const std::vector<std::string>& allowed) const {
  if (!map.IsMap()) return Error(map, field, "expected a mapping");
  for (const auto& item : map) {
    const std::string key = item.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string near = ClosestMatch(key, allowed);
      return Error(item.first, field,
                   fmt::format("unknown key \"{}\"{}", key,
                               near.empty() ? "" : " (did you mean " + near + "?)"));
    }
  }
  return Status::Ok();
}

Result<std::string> YamlFields::String(const YAML::Node& map, const std::string& key,
                                       std::string_view field, bool required) const {
  const YAML::Node node = map[key];
  const std::string where = fmt::format("{}.{}", field, key);
  if (!node) {
    if (required) return Error(map, field, fmt::format("missing \"{}\"", key));
    return std::string();
  }
  if (!node.IsScalar()) return Error(node, where, "expected a string");
  return node.as<std::string>();
}

Result<std::vector<std::string>> YamlFields::Strings(const YAML::Node& map, const std::string& key,
                                                     std::string_view field) const {
  const YAML::Node node = map[key];
  const std::string where = fmt::format("{}.{}", field, key);
  std::vector<std::string> out;
  if (!node) return out;
  if (!node.IsSequence()) return Error(node, where, "expected a list of strings");
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    if (!item.IsScalar() || item.as<std::string>().empty()) {
      return Error(item, fmt::format("{}[{}]", where, i), "expected a non-empty string");
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

}  // namespace awshpc::container::internal
