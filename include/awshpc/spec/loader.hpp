// File: loader.hpp
// Loading app.yaml: YAML parsing with hard limits (size, depth, alias expansion), then field by
// field validation that reports every problem of the file at once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/spec/app_spec.hpp"
#include "awshpc/spec/diagnostic.hpp"

namespace awshpc::spec {

// Limits that keep hostile files from exhausting memory, stack or time.
inline constexpr std::size_t kMaxAppSpecBytes = 1024 * 1024;
inline constexpr int kMaxYamlDepth = 64;
inline constexpr std::size_t kMaxYamlNodes = 100'000;  // after alias expansion

// The outcome of loading: a spec when there were no errors, and all diagnostics in file order.
struct LoadResult {
  std::optional<AppSpec> spec;
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return spec.has_value() && diagnostics.empty(); }
  // All diagnostics, one per line (for error messages).
  std::string DiagnosticsText() const;
};

// Reads and validates an app.yaml; spec->dir is the file's absolute directory.
LoadResult LoadAppSpecFile(const std::string& path);

// Validates app.yaml text; `file_for_messages` names it in diagnostics. spec->dir stays empty.
LoadResult ParseAppSpec(std::string_view yaml_text, const std::string& file_for_messages);

// The keys the loader accepts in one kind of mapping, and where the JSON schema describes it
// (a JSON pointer into schema/app.schema.json). Lets tests keep the schema and the loader in step.
struct KeyTable {
  std::string_view section;         // "app", "parameter", "variant", ...
  std::string_view schema_pointer;  // "" for the root, "/$defs/parameter", ...
  std::vector<std::string> keys;
};
const std::vector<KeyTable>& LoaderKeyTables();

}  // namespace awshpc::spec
