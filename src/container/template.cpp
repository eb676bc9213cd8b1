// File: template.cpp
// One-pass `{{ name }}` substitution for the container templates.
#include "awshpc/container/template.hpp"

#include <fmt/format.h>

#include <set>

namespace awshpc::container {
namespace {

int LineOf(std::string_view text, std::size_t pos) {
  int line = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view text, std::string_view origin,
                                   const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size() * 2);
  std::set<std::string> used;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    const std::size_t newline = text.find('\n', open);
    if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
      return InvalidArgumentError(
          fmt::format("{}:{}: unclosed '{{{{'", origin, LineOf(text, open)));
    }
    const std::string name(Trim(text.substr(open + 2, close - open - 2)));
    const auto it = vars.find(name);
    if (it == vars.end()) {
      return InvalidArgumentError(
          fmt::format("{}:{}: unknown variable \"{}\"", origin, LineOf(text, open), name));
    }
    out.append(it->second);
    used.insert(name);
    pos = close + 2;
  }
  for (const auto& [name, value] : vars) {
    if (!used.count(name)) {
      return InvalidArgumentError(
          fmt::format("{}: variable \"{}\" is never used by the template", origin, name));
    }
  }
  return out;
}

}  // namespace awshpc::container
