// File: suggest.hpp
// (Internal) Message helpers of the spec module: "did you mean" (core's ClosestMatch plus one
// swapped pair of adjacent letters, "stpes" -> "steps", which edit distance counts as 2) and
// quoting that keeps messages short whatever the input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace awshpc::spec::internal {

// The likely intended candidate, or "".
std::string Suggest(std::string_view word, const std::vector<std::string>& candidates);

// At most `max_bytes` of `text`, then "..." when cut.
std::string Shorten(std::string_view text, std::size_t max_bytes = 100);
// QuoteForMessage of Shorten(text): "value", "aaaa..." for long values.
std::string Quote(std::string_view text);

}  // namespace awshpc::spec::internal
