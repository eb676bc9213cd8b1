// File: dockerfile.cpp
// Safe Dockerfile fragments: exec-form argv and quoted ENV/LABEL values.
#include "awshpc/container/dockerfile.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "awshpc/core/text.hpp"

namespace awshpc::container {

std::string ExecForm(const std::vector<std::string>& argv) {
  // JSON strings are what the exec form is defined as; dump() escapes quotes and controls.
  std::string out = "[";
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) out += ", ";
    out += nlohmann::json(argv[i]).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return out + "]";
}

Result<std::string> QuoteValue(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgumentError(
          fmt::format("value {} has a control character", QuoteForMessage(value)));
    }
    if (c == '\\' || c == '"' || c == '$') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<std::string> KeyValues(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (key.empty() || key.find_first_of(" \t=\"'\\$") != std::string::npos) {
      return InvalidArgumentError(fmt::format("bad name {}", QuoteForMessage(key)));
    }
    ASSIGN_OR_RETURN(std::string quoted, QuoteValue(value));
    if (!out.empty()) out += " \\\n    ";
    out += key + "=" + quoted;
  }
  return out;
}

std::string OneLine(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
    } else if (u >= 0x20 && u != 0x7f) {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

int CountInstructions(std::string_view dockerfile) {
  int count = 0;
  bool continued = false;
  std::size_t pos = 0;
  while (pos <= dockerfile.size()) {
    std::size_t end = dockerfile.find('\n', pos);
    if (end == std::string_view::npos) end = dockerfile.size();
    std::string_view line = dockerfile.substr(pos, end - pos);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    const bool was_continued = continued;
    continued = !line.empty() && line.back() == '\\';
    if (!was_continued && !line.empty() && line.front() != '#') ++count;
    pos = end + 1;
  }
  return count;
}

}  // namespace awshpc::container
