// File: spec_reader.cpp
// SpecReader: construction, the top-level fields, and the order in which sections are read.
#include "spec_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "awshpc/core/text.hpp"
#include "awshpc/spec/param_types.hpp"
#include "awshpc/spec/template.hpp"
#include "suggest.hpp"

namespace awshpc::spec::internal {

bool IsIdentifier(std::string_view s, bool allow_dash) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s.front())) || s.front() == '_')) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (allow_dash && c == '-');
  });
}

SpecReader::SpecReader(const std::string& file) : r_(file) { spec_.file = file; }

LoadResult SpecReader::Read(const YamlNode& root) {
  if (r_.CheckMapping(root, "", kAppKeys, {"apiVersion", "name", "version"})) ReadApp(root);
  LoadResult result;
  result.diagnostics = r_.TakeDiagnostics();
  if (result.diagnostics.empty()) result.spec = std::move(spec_);
  return result;
}

void SpecReader::ReadApp(const YamlNode& root) {
  if (const YamlNode* n = FieldReader::Find(root, "apiVersion")) {
    if (auto v = r_.String(*n, "apiVersion")) {
      if (*v == kApiVersion) {
        spec_.api_version = *v;
      } else {
        r_.Error(*n, "apiVersion", fmt::format("expected \"{}\"; got {}", kApiVersion, Quote(*v)));
      }
    }
  }
  if (const YamlNode* n = FieldReader::Find(root, "name")) {
    spec_.name = r_.Name(*n, "name").value_or("");
  }
  if (const YamlNode* n = FieldReader::Find(root, "version")) {
    spec_.version = r_.Line(*n, "version", 64).value_or("");
  }
  if (const YamlNode* n = FieldReader::Find(root, "description")) {
    spec_.description = r_.String(*n, "description").value_or("");
  }
  if (const YamlNode* n = FieldReader::Find(root, "homepage")) {
    if (auto v = r_.Line(*n, "homepage")) {
      if (v->starts_with("https://") || v->starts_with("http://")) {
        spec_.homepage = *v;
      } else {
        r_.Error(*n, "homepage",
                 fmt::format("expected an http:// or https:// URL; got {}", Quote(*v)));
      }
    }
  }
  if (const YamlNode* n = FieldReader::Find(root, "parameters")) ReadParameters(*n);
  if (const YamlNode* n = FieldReader::Find(root, "architectures")) {
    spec_.architectures = ReadArchitectures(*n, "architectures", {});
  }
  if (const YamlNode* n = FieldReader::Find(root, "command")) {
    has_top_command_ = true;
    spec_.command = ReadCommand(*n, "command");
  }
  if (const YamlNode* n = FieldReader::Find(root, "environment")) {
    spec_.environment = ReadEnvironment(*n, "environment");
  }
  if (const YamlNode* n = FieldReader::Find(root, "resources")) {
    spec_.resources = ReadResources(*n, "resources");
  }
  ReadVariants(root);
  if (const YamlNode* n = FieldReader::Find(root, "containers")) ReadContainers(*n);
  if (const YamlNode* n = FieldReader::Find(root, "inputs")) ReadInputs(*n);
  if (const YamlNode* n = FieldReader::Find(root, "outputs")) ReadOutputs(*n);
  if (const YamlNode* n = FieldReader::Find(root, "performance")) {
    if (r_.CheckMapping(*n, "performance", kPerformanceKeys, {"parser"})) {
      if (const YamlNode* p = FieldReader::Find(*n, "parser")) {
        spec_.performance_parser = r_.Name(*p, "performance.parser").value_or("");
      }
    }
  }
  if (const YamlNode* n = FieldReader::Find(root, "checkpoint")) ReadCheckpoint(*n);
  if (const YamlNode* n = FieldReader::Find(root, "licenses")) ReadLicenses(*n);
  if (const YamlNode* n = FieldReader::Find(root, "retries")) ReadRetries(*n);
}

}  // namespace awshpc::spec::internal
