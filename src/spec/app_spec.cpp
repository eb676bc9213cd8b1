// File: app_spec.cpp
// Names of the spec enums, lookups on AppSpec and the human-readable constraints of a parameter.
#include "awshpc/spec/app_spec.hpp"

#include <fmt/format.h>

#include "awshpc/core/text.hpp"

namespace awshpc::spec {

std::string_view ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "string";
    case ParamType::kInt:
      return "int";
    case ParamType::kFloat:
      return "float";
    case ParamType::kBool:
      return "bool";
    case ParamType::kEnum:
      return "enum";
    case ParamType::kPath:
      return "path";
    case ParamType::kS3Uri:
      return "s3-uri";
    case ParamType::kDate:
      return "date";
    case ParamType::kDuration:
      return "duration";
  }
  return "?";
}

const std::vector<std::string>& ParamTypeNames() {
  static const std::vector<std::string> kNames = {"string", "int",    "float", "bool",    "enum",
                                                  "path",   "s3-uri", "date",  "duration"};
  return kNames;
}

std::string_view ParallelismName(Parallelism parallelism) {
  switch (parallelism) {
    case Parallelism::kSerial:
      return "serial";
    case Parallelism::kOpenMp:
      return "openmp";
    case Parallelism::kMpi:
      return "mpi";
    case Parallelism::kGpu:
      return "gpu";
  }
  return "?";
}

std::string_view LicenseTypeName(LicenseType type) {
  switch (type) {
    case LicenseType::kFlexlm:
      return "flexlm";
    case LicenseType::kRlm:
      return "rlm";
    case LicenseType::kToken:
      return "token";
  }
  return "?";
}

const std::vector<std::string>& KnownArchitectures() {
  static const std::vector<std::string> kArchitectures = {
      "x86_64",  "arm64",          "zen2",      "zen3",      "zen4",      "skylake", "cascadelake",
      "icelake", "sapphirerapids", "graviton2", "graviton3", "graviton4", "cuda",
  };
  return kArchitectures;
}

std::string ConstraintsText(const Parameter& p) {
  std::vector<std::string> parts;
  if (p.min && p.max) {
    parts.push_back(fmt::format("{} <= value <= {}", p.min_text, p.max_text));
  } else if (p.min) {
    parts.push_back(fmt::format("value >= {}", p.min_text));
  } else if (p.max) {
    parts.push_back(fmt::format("value <= {}", p.max_text));
  }
  if (!p.values.empty()) parts.push_back("one of " + JoinOr(p.values));
  if (!p.pattern.empty()) parts.push_back("matches " + p.pattern);
  if (p.type == ParamType::kPath) {
    parts.push_back(p.allow_absolute ? "relative or absolute path" : "relative path");
  }
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out;
}

const Parameter* AppSpec::FindParameter(std::string_view wanted) const {
  for (const Parameter& p : parameters) {
    if (p.name == wanted) return &p;
  }
  return nullptr;
}

const Variant* AppSpec::FindVariant(std::string_view wanted) const {
  for (const Variant& v : variants) {
    if (v.name == wanted) return &v;
  }
  return nullptr;
}

const std::vector<std::string>& AppSpec::ArchitecturesOf(const Variant& variant) const {
  return variant.architectures.empty() ? architectures : variant.architectures;
}

std::vector<std::string> AppSpec::ParameterNames() const {
  std::vector<std::string> names;
  for (const Parameter& p : parameters) names.push_back(p.name);
  return names;
}

std::vector<std::string> AppSpec::VariantNames() const {
  std::vector<std::string> names;
  for (const Variant& v : variants) names.push_back(v.name);
  return names;
}

}  // namespace awshpc::spec
