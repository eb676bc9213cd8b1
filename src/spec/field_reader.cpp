// File: field_reader.cpp
#include "field_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <tuple>

#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "suggest.hpp"

namespace awshpc::spec::internal {

std::string SubPath(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return fmt::format("{}.{}", path, key);
}

std::string IndexPath(std::string_view path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

void FieldReader::Error(const YamlNode& at, std::string_view path, std::string message) {
  ErrorAt(at.line, at.column, path, std::move(message));
}

void FieldReader::ErrorAt(int line, int column, std::string_view path, std::string message) {
  ++error_count_;
  if (diagnostics_.size() >= kMaxDiagnostics) return;
  diagnostics_.push_back(Diagnostic{file_, line, column, std::string(path), std::move(message)});
}

std::vector<Diagnostic> FieldReader::TakeDiagnostics() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  if (error_count_ > diagnostics_.size()) {
    diagnostics_.push_back(
        Diagnostic{file_, 0, 0, "",
                   fmt::format("{} more problems not shown", error_count_ - diagnostics_.size())});
  }
  return std::move(diagnostics_);
}

void FieldReader::ExpectedGot(const YamlNode& node, std::string_view path,
                              std::string_view expected) {
  const std::string got = node.IsScalar() ? Quote(node.scalar) : std::string(KindDescription(node));
  Error(node, path, fmt::format("expected {}; got {}", expected, got));
}

bool FieldReader::CheckFreeMapping(const YamlNode& node, std::string_view path) {
  if (!node.IsMapping()) {
    ExpectedGot(node, path, "a mapping");
    return false;
  }
  std::map<std::string, const YamlNode*, std::less<>> seen;
  for (std::size_t i = 0; i < node.MapSize(); ++i) {
    const YamlNode& key = node.Key(i);
    if (!key.IsScalar()) {
      Error(key, path, "mapping keys must be strings; got null");
      continue;
    }
    const auto [it, inserted] = seen.emplace(key.scalar, &key);
    if (!inserted) {
      Error(key, SubPath(path, Shorten(key.scalar)),
            fmt::format("duplicate key (first defined at line {}, column {})", it->second->line,
                        it->second->column));
    }
  }
  return true;
}

bool FieldReader::CheckMapping(const YamlNode& node, std::string_view path,
                               const std::vector<std::string>& known,
                               const std::vector<std::string_view>& required) {
  if (!CheckFreeMapping(node, path)) return false;
  for (std::size_t i = 0; i < node.MapSize(); ++i) {
    const YamlNode& key = node.Key(i);
    if (!key.IsScalar()) continue;
    if (std::find(known.begin(), known.end(), key.scalar) != known.end()) continue;
    const std::string guess = Suggest(key.scalar, known);
    Error(key, SubPath(path, Shorten(key.scalar)),
          guess.empty() ? fmt::format("unknown key; expected one of {}", JoinOr(known))
                        : fmt::format("unknown key (did you mean \"{}\"?)", guess));
  }
  for (std::string_view key : required) {
    if (Find(node, key) == nullptr) {
      Error(node, SubPath(path, key), "missing required key");
    }
  }
  return true;
}

bool FieldReader::CheckSequence(const YamlNode& node, std::string_view path) {
  if (node.IsSequence()) return true;
  ExpectedGot(node, path, "a sequence");
  return false;
}

const YamlNode* FieldReader::Find(const YamlNode& mapping, std::string_view key) {
  if (!mapping.IsMapping()) return nullptr;
  for (std::size_t i = 0; i < mapping.MapSize(); ++i) {
    if (mapping.Key(i).IsScalar() && mapping.Key(i).scalar == key) return &mapping.Value(i);
  }
  return nullptr;
}

std::optional<std::string> FieldReader::String(const YamlNode& node, std::string_view path) {
  if (!node.IsScalar()) {
    ExpectedGot(node, path, "a string");
    return std::nullopt;
  }
  return node.scalar;
}

std::optional<std::string> FieldReader::Line(const YamlNode& node, std::string_view path,
                                             std::size_t max_bytes) {
  std::optional<std::string> text = String(node, path);
  if (!text) return std::nullopt;
  if (text->empty()) {
    ExpectedGot(node, path, "a non-empty string");
    return std::nullopt;
  }
  if (text->size() > max_bytes) {
    Error(node, path, fmt::format("expected at most {} bytes; got {}", max_bytes, text->size()));
    return std::nullopt;
  }
  for (unsigned char c : *text) {
    if (c < 0x20 || c == 0x7f) {
      ExpectedGot(node, path, "a single line without control characters");
      return std::nullopt;
    }
  }
  return text;
}

std::optional<std::int64_t> FieldReader::Int(const YamlNode& node, std::string_view path,
                                             std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  bool parsed = false;
  if (node.IsScalar() && node.plain) {
    const char* end = node.scalar.data() + node.scalar.size();
    const auto [ptr, ec] = std::from_chars(node.scalar.data(), end, value);
    parsed = ec == std::errc() && ptr == end && !node.scalar.empty();
  }
  if (!parsed) {
    ExpectedGot(node, path, "an integer");
    return std::nullopt;
  }
  if (value < min || value > max) {
    Error(node, path,
          max == std::numeric_limits<std::int64_t>::max()
              ? fmt::format("expected an integer >= {}; got {}", min, value)
              : fmt::format("expected an integer between {} and {}; got {}", min, max, value));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> FieldReader::Bool(const YamlNode& node, std::string_view path) {
  if (node.IsScalar() && node.plain) {
    if (node.scalar == "true" || node.scalar == "True" || node.scalar == "TRUE") return true;
    if (node.scalar == "false" || node.scalar == "False" || node.scalar == "FALSE") return false;
  }
  ExpectedGot(node, path, "true or false");
  return std::nullopt;
}

std::optional<std::int64_t> FieldReader::Duration(const YamlNode& node, std::string_view path) {
  if (node.IsScalar()) {
    Result<std::int64_t> seconds = ParseDurationSeconds(node.scalar);
    if (seconds.ok() && *seconds >= 1) return *seconds;
  }
  ExpectedGot(node, path, "a duration of at least 1s (e.g. 90s, 10m, 1h30m, 2d)");
  return std::nullopt;
}

std::optional<std::int64_t> FieldReader::Memory(const YamlNode& node, std::string_view path) {
  if (node.IsScalar()) {
    Result<std::int64_t> mib = ParseMemoryMiB(node.scalar);
    if (mib.ok() && *mib >= 1) return *mib;
  }
  ExpectedGot(node, path, "a memory size (e.g. 512MiB, 2GiB)");
  return std::nullopt;
}

std::optional<std::size_t> FieldReader::Choice(const YamlNode& node, std::string_view path,
                                               const std::vector<std::string>& choices) {
  if (node.IsScalar()) {
    const auto it = std::find(choices.begin(), choices.end(), node.scalar);
    if (it != choices.end()) return static_cast<std::size_t>(it - choices.begin());
  }
  ExpectedGot(node, path, "one of " + JoinOr(choices));
  return std::nullopt;
}

std::optional<std::string> FieldReader::Name(const YamlNode& node, std::string_view path) {
  if (node.IsScalar()) {
    const std::string& s = node.scalar;
    const bool valid = !s.empty() && s.size() <= 63 && s.front() >= 'a' && s.front() <= 'z' &&
                       std::all_of(s.begin(), s.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                       });
    if (valid) return s;
  }
  ExpectedGot(node, path,
              "a name of lowercase letters, digits and '-' starting with a letter (at most 63)");
  return std::nullopt;
}

}  // namespace awshpc::spec::internal
