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

}  // namespace awshpc::apps
