// File: text_template.cpp
#include "awshpc/apps/text_template.hpp"

#include <fmt/format.h>

namespace awshpc::apps {

Result<std::string> SubstituteVars(std::string_view text,
                                   const std::map<std::string, std::string, std::less<>>& vars,
                                   std::string_view file_for_messages) {
  std::string out;
  out.reserve(text.size());
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      const std::size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {
        return InvalidArgumentError(
            fmt::format("{}:{}: unterminated ${{", file_for_messages, line));
      }
      const std::string_view name = text.substr(i + 2, close - i - 2);
      auto it = vars.find(name);
      if (it == vars.end()) {
        return InvalidArgumentError(
            fmt::format("{}:{}: ${{{}}} is not defined", file_for_messages, line, name));
      }
      out += it->second;
      i = close + 1;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

namespace {

bool IsEnvNameChar(char c, bool first) {
  const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  return first ? alpha : alpha || (c >= '0' && c <= '9');
}

}  // namespace

Result<std::string> SubstituteKnownVars(std::string_view text,
                                        const std::map<std::string, std::string, std::less<>>& vars,
                                        std::string_view file_for_messages) {
  std::string out;
  out.reserve(text.size());
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c != '$' || i + 1 >= text.size()) {
      out += c;
      ++i;
      continue;
    }
    // `${NAME}` or `$NAME`: the name and where the reference ends.
    const bool braced = text[i + 1] == '{';
    const std::size_t name_at = i + (braced ? 2 : 1);
    std::size_t name_end = name_at;
    while (name_end < text.size() && IsEnvNameChar(text[name_end], name_end == name_at)) {
      ++name_end;
    }
    const bool complete =
        name_end > name_at && (!braced || (name_end < text.size() && text[name_end] == '}'));
    if (!complete) {
      out += c;
      ++i;
      continue;
    }
    const std::string_view name = text.substr(name_at, name_end - name_at);
    const std::size_t after = braced ? name_end + 1 : name_end;
    auto it = vars.find(name);
    if (it != vars.end()) {
      out += it->second;
    } else if (name.starts_with("RUNDIR_")) {
      return InvalidArgumentError(
          fmt::format("{}:{}: ${{{}}} is not defined", file_for_messages, line, name));
    } else {
      out.append(text.substr(i, after - i));
    }
    i = after;
  }
  return out;
}

}  // namespace awshpc::apps
