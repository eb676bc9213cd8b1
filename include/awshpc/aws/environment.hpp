// File: environment.hpp
// Read access to environment variables behind an interface, so the credential chain, region and
// endpoint resolution can be tested without touching the real process environment.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace awshpc::aws {

class Environment {
 public:
  virtual ~Environment() = default;
  // The value, or nullopt when unset. An empty value counts as unset, as in the AWS SDKs.
  virtual std::optional<std::string> Get(std::string_view name) const = 0;

  // The real process environment.
  static const Environment& System();
};

// A boolean setting (AWS_EC2_METADATA_DISABLED, AWS_USE_FIPS_ENDPOINT, ...): true only when the
// value is "true" in any letter case, as botocore reads them; unset or anything else is false.
bool IsTrueSetting(const std::optional<std::string>& value);

// A fixed set of variables, for tests.
class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  MapEnvironment(std::initializer_list<std::pair<const std::string, std::string>> vars)
      : vars_(vars) {}
  std::optional<std::string> Get(std::string_view name) const override;
  void Set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

}  // namespace awshpc::aws
