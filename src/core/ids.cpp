// File: ids.cpp
#include "awshpc/core/ids.hpp"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <cstdlib>

namespace awshpc {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t kIdChars = 8;

std::uint64_t RandomBits() {
  std::uint64_t value = 0;
  // getrandom() on a 8-byte buffer never returns short once the pool is initialised.
  while (getrandom(&value, sizeof(value), 0) != static_cast<ssize_t>(sizeof(value))) {
  }
  return value;
}

}  // namespace

std::string NewId(std::string_view prefix) {
  std::uint64_t bits = RandomBits();
  std::string id(prefix);
  id += '-';
  for (std::size_t i = 0; i < kIdChars; ++i) {
    id += kAlphabet[bits & 31u];
    bits >>= 5;
  }
  return id;
}

bool IsWellFormedId(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + 1 + kIdChars) return false;
  if (text.substr(0, prefix.size()) != prefix || text[prefix.size()] != '-') return false;
  for (char c : text.substr(prefix.size() + 1)) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace awshpc
