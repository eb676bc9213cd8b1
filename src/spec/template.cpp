// File: template.cpp
#include "awshpc/spec/template.hpp"

#include <fmt/format.h>

#include <cctype>

#include "awshpc/core/text.hpp"
#include "suggest.hpp"

namespace awshpc::spec {
namespace {

bool IsIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// "params.steps": identifiers (letters, digits, '_', '-') separated by single dots.
bool IsValidReference(std::string_view ref) {
  if (ref.empty()) return false;
  bool at_start = true;
  for (char c : ref) {
    if (c == '.') {
      if (at_start) return false;
      at_start = true;
    } else if (at_start ? IsIdentifierStart(c) : IsIdentifierChar(c)) {
      at_start = false;
    } else {
      return false;
    }
  }
  return !at_start;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<Template> ParseTemplate(std::string_view text) {
  Template out;
  out.source = std::string(text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.parts.push_back({false, std::string(text.substr(pos))});
      break;
    }
    if (open > pos) out.parts.push_back({false, std::string(text.substr(pos, open - pos))});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return InvalidArgumentError(
          fmt::format("\"{{{{\" at offset {} has no matching \"}}}}\"", open));
    }
    const std::string_view ref = Trim(text.substr(open + 2, close - open - 2));
    if (!IsValidReference(ref)) {
      return InvalidArgumentError(
          fmt::format("{} is not a reference (expected e.g. {{{{ params.NAME }}}} or {{{{ "
                      "resources.vcpus }}}})",
                      internal::Quote(text.substr(open, close + 2 - open))));
    }
    out.parts.push_back({true, std::string(ref)});
    pos = close + 2;
  }
  return out;
}

Result<std::string> ExpandTemplate(
    const Template& tmpl,
    const std::function<std::optional<std::string>(std::string_view)>& lookup) {
  std::string out;
  for (const TemplatePart& part : tmpl.parts) {
    if (!part.is_reference) {
      out += part.text;
      continue;
    }
    std::optional<std::string> value = lookup(part.text);
    if (!value) {
      return InvalidArgumentError(fmt::format("{{{{ {} }}}} has no value", part.text));
    }
    out += *value;  // verbatim: never scanned again
  }
  return out;
}

const std::vector<std::string>& BuiltinReferences() {
  static const std::vector<std::string> kRefs = {
      "resources.vcpus", "resources.totalVcpus", "resources.memoryMiB",
      "resources.gpus",  "resources.nodes",      "resources.walltimeSeconds",
      "app.name",        "app.version",          "app.dir",
      "variant.name",
  };
  return kRefs;
}

}  // namespace awshpc::spec
