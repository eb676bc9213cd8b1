// File: read_parameters.cpp
// SpecReader: the `parameters` section (types, bounds, patterns, enum values, defaults).
#include "spec_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/spec/param_types.hpp"
#include "awshpc/spec/template.hpp"
#include "suggest.hpp"

namespace awshpc::spec::internal {

void SpecReader::ReadParameters(const YamlNode& node) {
  if (!r_.CheckFreeMapping(node, "parameters")) return;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < node.MapSize(); ++i) {
    const YamlNode& key = node.Key(i);
    if (!key.IsScalar() || !seen.insert(key.scalar).second) continue;
    const std::string path = SubPath("parameters", key.scalar);
    if (!IsIdentifier(key.scalar, true)) {
      r_.Error(key, "parameters",
               fmt::format("expected a parameter name of letters, digits, '_' and '-' starting "
                           "with a letter or '_'; got {}",
                           Quote(key.scalar)));
      continue;
    }
    Parameter p;
    p.name = key.scalar;
    if (ReadParameter(node.Value(i), path, p)) spec_.parameters.push_back(std::move(p));
    // A parameter with errors is still known by name, so templates using it are not flagged.
    else
      broken_parameters_.insert(key.scalar);
  }
}

// Reads min or max of an int, float or duration parameter.
std::optional<double> SpecReader::ReadBound(const YamlNode& node, const std::string& path,
                                            const Parameter& p, std::string& text) {
  if (!node.IsScalar()) {
    r_.Error(node, path, fmt::format("expected a scalar; got {}", KindDescription(node)));
    return std::nullopt;
  }
  Parameter unbounded;
  unbounded.type = p.type;
  Result<std::string> canonical = CanonicalizeValue(unbounded, node.scalar);
  if (!canonical.ok()) {
    r_.Error(node, path, canonical.status().message());
    return std::nullopt;
  }
  text = node.scalar;
  return std::stod(*canonical);
}

bool SpecReader::ReadParameter(const YamlNode& node, const std::string& path, Parameter& p) {
  if (!r_.CheckMapping(node, path, kParameterKeys, {"type"})) return false;
  const std::size_t errors_before = r_.ErrorCount();
  const YamlNode* type_node = FieldReader::Find(node, "type");
  if (type_node == nullptr) return false;
  const auto type = r_.Choice(*type_node, SubPath(path, "type"), ParamTypeNames());
  if (!type) return false;
  p.type = static_cast<ParamType>(*type);
  const bool numeric =
      p.type == ParamType::kInt || p.type == ParamType::kFloat || p.type == ParamType::kDuration;

  if (const YamlNode* n = FieldReader::Find(node, "description")) {
    p.description = r_.String(*n, SubPath(path, "description")).value_or("");
  }
  if (const YamlNode* n = FieldReader::Find(node, "required")) {
    p.required = r_.Bool(*n, SubPath(path, "required")).value_or(false);
  }
  for (const char* bound : {"min", "max"}) {
    const YamlNode* n = FieldReader::Find(node, bound);
    if (n == nullptr) continue;
    const std::string bound_path = SubPath(path, bound);
    if (!numeric) {
      r_.Error(*n, bound_path,
               fmt::format("{} applies only to int, float and duration parameters, not {}", bound,
                           ParamTypeName(p.type)));
      continue;
    }
    std::string& text = std::string_view(bound) == "min" ? p.min_text : p.max_text;
    (std::string_view(bound) == "min" ? p.min : p.max) = ReadBound(*n, bound_path, p, text);
  }
  if (p.min && p.max && *p.min > *p.max) {
    r_.Error(*FieldReader::Find(node, "max"), SubPath(path, "max"),
             fmt::format("max {} is below min {}", p.max_text, p.min_text));
  }
  if (const YamlNode* n = FieldReader::Find(node, "pattern")) {
    const std::string pattern_path = SubPath(path, "pattern");
    if (p.type != ParamType::kString) {
      r_.Error(*n, pattern_path, "pattern applies only to string parameters");
    } else if (auto v = r_.Line(*n, pattern_path)) {
      try {
        std::regex re(*v, std::regex::ECMAScript);
        p.pattern = *v;
      } catch (const std::regex_error& e) {
        r_.Error(
            *n, pattern_path,
            fmt::format("expected an ECMAScript regular expression; {} ({})", Quote(*v), e.what()));
      }
    }
  }
  if (const YamlNode* n = FieldReader::Find(node, "values")) {
    ReadEnumValues(*n, SubPath(path, "values"), p);
  } else if (p.type == ParamType::kEnum) {
    r_.Error(node, SubPath(path, "values"),
             "missing required key (an enum needs its list of values)");
  }
  if (const YamlNode* n = FieldReader::Find(node, "absolute")) {
    if (p.type != ParamType::kPath) {
      r_.Error(*n, SubPath(path, "absolute"), "absolute applies only to path parameters");
    } else {
      p.allow_absolute = r_.Bool(*n, SubPath(path, "absolute")).value_or(false);
    }
  }
  if (const YamlNode* n = FieldReader::Find(node, "default")) {
    const std::string default_path = SubPath(path, "default");
    if (p.required) {
      r_.Error(*n, default_path, "a required parameter cannot have a default");
    } else if (p.type == ParamType::kEnum && p.values.empty()) {
      // Already reported: an enum without values accepts nothing.
    } else if (!n->IsScalar()) {
      r_.Error(
          *n, default_path,
          fmt::format("expected a {} value; got {}", ParamTypeName(p.type), KindDescription(*n)));
    } else {
      // Check against the constraints only when they are valid themselves; else the type.
      Parameter type_only;
      type_only.type = p.type;
      type_only.values = p.values;
      Result<std::string> canonical =
          CanonicalizeValue(r_.ErrorCount() == errors_before ? p : type_only, n->scalar);
      if (canonical.ok()) {
        p.default_value = *canonical;
      } else {
        r_.Error(*n, default_path, canonical.status().message());
      }
    }
  }
  return r_.ErrorCount() == errors_before;
}

void SpecReader::ReadEnumValues(const YamlNode& node, const std::string& path, Parameter& p) {
  if (p.type != ParamType::kEnum) {
    r_.Error(node, path, "values applies only to enum parameters");
    return;
  }
  if (!r_.CheckSequence(node, path)) return;
  if (node.children.empty()) r_.Error(node, path, "expected at least one value");
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    auto v = r_.Line(node.children[i], IndexPath(path, i), 256);
    if (!v) continue;
    if (std::find(p.values.begin(), p.values.end(), *v) != p.values.end()) {
      r_.Error(node.children[i], IndexPath(path, i), fmt::format("duplicate value {}", Quote(*v)));
      continue;
    }
    p.values.push_back(*v);
  }
}

}  // namespace awshpc::spec::internal
