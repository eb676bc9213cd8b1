// File: text.hpp
// Small string helpers shared by parsers and the CLI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace awshpc {

// Levenshtein distance, for "did you mean" suggestions.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// The items with `separator` between each pair: Join({"a", "b"}, ", ") is "a, b".
std::string Join(const std::vector<std::string>& items, std::string_view separator);

// `text` without its trailing blanks, tabs and line ends (a file's last newline, a tool's output).
std::string_view TrimTrailingWhitespace(std::string_view text);

// "a, b or c" for error messages.
std::string JoinOr(const std::vector<std::string>& words);

// Quotes a string for messages: printable ASCII as is, everything else escaped (\n, \x00, ...),
// so hostile input can never forge lines of output.
std::string QuoteForMessage(std::string_view text);

}  // namespace awshpc
