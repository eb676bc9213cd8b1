// File: suggest.cpp
#include "suggest.hpp"

#include <utility>

#include "awshpc/core/text.hpp"

namespace awshpc::spec::internal {

std::string Suggest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best = ClosestMatch(word, candidates);
  if (!best.empty()) return best;
  for (const std::string& candidate : candidates) {
    if (candidate.size() != word.size() || candidate.size() < 2) continue;
    for (std::size_t i = 0; i + 1 < word.size(); ++i) {
      std::string swapped(word);
      std::swap(swapped[i], swapped[i + 1]);
      if (swapped == candidate) return candidate;
    }
  }
  return "";
}

std::string Shorten(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return std::string(text.substr(0, max_bytes)) + "...";
}

std::string Quote(std::string_view text) {
  if (text.size() <= 100) return QuoteForMessage(text);
  return QuoteForMessage(text.substr(0, 100)) + "...";
}

}  // namespace awshpc::spec::internal
