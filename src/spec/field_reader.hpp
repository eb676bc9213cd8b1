// File: field_reader.hpp
// (Internal) Typed reads from a YamlNode tree that record a Diagnostic (file:line:column, field
// path, what was expected) instead of failing, so one pass reports every problem of a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/spec/diagnostic.hpp"
#include "yaml_tree.hpp"

namespace awshpc::spec::internal {

// "parameters" + "steps" -> "parameters.steps"; "" + "name" -> "name".
std::string SubPath(std::string_view path, std::string_view key);
// "variants" + 1 -> "variants[1]".
std::string IndexPath(std::string_view path, std::size_t index);

// Diagnostics kept per file; a pathological file (thousands of unknown keys) gets a summary line.
inline constexpr std::size_t kMaxDiagnostics = 200;

class FieldReader {
 public:
  explicit FieldReader(std::string file) : file_(std::move(file)) {}

  void Error(const YamlNode& at, std::string_view path, std::string message);
  void ErrorAt(int line, int column, std::string_view path, std::string message);
  std::vector<Diagnostic> TakeDiagnostics();
  // Problems found so far (also those beyond kMaxDiagnostics, which are counted, not kept).
  std::size_t ErrorCount() const { return error_count_; }

  // Reports a non-mapping, duplicate keys, unknown keys (with a suggestion) and missing required
  // keys. Returns false (and reads nothing) when `node` is not a mapping.
  bool CheckMapping(const YamlNode& node, std::string_view path,
                    const std::vector<std::string>& known,
                    const std::vector<std::string_view>& required = {});
  // Like CheckMapping for mappings with free-form keys (parameters, environment): reports a
  // non-mapping and duplicate keys.
  bool CheckFreeMapping(const YamlNode& node, std::string_view path);
  // Reports a non-sequence; returns false when `node` is not a sequence.
  bool CheckSequence(const YamlNode& node, std::string_view path);

  // The first value of `key` in a mapping, or nullptr.
  static const YamlNode* Find(const YamlNode& mapping, std::string_view key);

  // A scalar as text (plain or quoted). Null and collections are reported.
  std::optional<std::string> String(const YamlNode& node, std::string_view path);
  // A non-empty single-line string without control characters, at most `max_bytes` long.
  std::optional<std::string> Line(const YamlNode& node, std::string_view path,
                                  std::size_t max_bytes = 1024);
  // A plain integer in [min, max].
  std::optional<std::int64_t> Int(const YamlNode& node, std::string_view path, std::int64_t min,
                                  std::int64_t max);
  // A plain true or false.
  std::optional<bool> Bool(const YamlNode& node, std::string_view path);
  // A duration ("10m", "1h30m", 600) in seconds, >= 1.
  std::optional<std::int64_t> Duration(const YamlNode& node, std::string_view path);
  // A memory size ("2GiB", "512MiB", 1024) in MiB, >= 1.
  std::optional<std::int64_t> Memory(const YamlNode& node, std::string_view path);
  // One of `choices`; the message lists them ("expected one of a, b or c; got \"x\"").
  std::optional<std::size_t> Choice(const YamlNode& node, std::string_view path,
                                    const std::vector<std::string>& choices);
  // A string matching [a-z][a-z0-9-]* (names of apps, variants).
  std::optional<std::string> Name(const YamlNode& node, std::string_view path);

 private:
  void ExpectedGot(const YamlNode& node, std::string_view path, std::string_view expected);

  std::string file_;
  std::vector<Diagnostic> diagnostics_;
  std::size_t error_count_ = 0;
};

}  // namespace awshpc::spec::internal
