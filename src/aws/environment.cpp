// File: environment.cpp
#include "awshpc/aws/environment.hpp"

#include <cctype>
#include <cstdlib>

namespace awshpc::aws {
namespace {

class SystemEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(std::string_view name) const override {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  }
};

}  // namespace

const Environment& Environment::System() {
  static const SystemEnvironment environment;
  return environment;
}

std::optional<std::string> MapEnvironment::Get(std::string_view name) const {
  const auto it = vars_.find(name);
  if (it == vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

bool IsTrueSetting(const std::optional<std::string>& value) {
  if (!value || value->size() != 4) return false;
  std::string lower = *value;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true";
}

}  // namespace awshpc::aws
