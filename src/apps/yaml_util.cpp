// File: yaml_util.cpp
#include "yaml_util.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "awshpc/core/paths.hpp"

namespace awshpc::apps {

Result<YAML::Node> LoadYamlFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError(path + ": no such file");
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, 1 << 20));
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(
        fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

Status YamlError(const std::string& file, const YAML::Node& node, const std::string& field,
                 const std::string& message) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return InvalidArgumentError(fmt::format("{}: {}: {}", file, field, message));
  return InvalidArgumentError(
      fmt::format("{}:{}:{}: {}: {}", file, mark.line + 1, mark.column + 1, field, message));
}

Result<std::string> ScalarAt(const std::string& file, const YAML::Node& node,
                             const std::string& field) {
  if (!node.IsDefined() || node.IsNull()) {
    return InvalidArgumentError(fmt::format("{}: {}: missing", file, field));
  }
  if (!node.IsScalar()) return YamlError(file, node, field, "expected a scalar");
  return node.Scalar();
}

}  // namespace awshpc::apps
