// File: suggest.hpp
// (Internal) "Did you mean" for the spec module: core's ClosestMatch, plus one swapped pair of
// adjacent letters ("stpes" -> "steps"), the most common typo, which edit distance counts as 2.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace awshpc::spec::internal {

// The likely intended candidate, or "".
std::string Suggest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace awshpc::spec::internal
