// File: content_hash.cpp
#include "awshpc/container/content_hash.hpp"

#include <string>

namespace awshpc::container {

void ContentHash::Add(std::string_view name, std::string_view content) {
  hasher_.Update(name);
  hasher_.Update(std::string(1, '\0'));
  hasher_.Update(std::to_string(content.size()));
  hasher_.Update(std::string(1, '\0'));
  hasher_.Update(content);
}

std::string ContentHash::Finish() { return "sha256:" + hasher_.FinishHex(); }

}  // namespace awshpc::container
