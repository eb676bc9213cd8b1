// File: credentials.hpp
// AWS credentials and the provider interface every source of them (environment, profile, process,
// container, IMDS, STS) implements.
#pragma once

#include <optional>
#include <string>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;             // empty for long-term keys
  std::optional<UnixMillis> expiration;  // set for temporary credentials
  std::string source;                    // "environment", "profile:dev", "imds", ... for messages

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // kNotFound means "this source is not configured" (the chain moves on); any other error means
  // the source is configured but broken (the chain stops and reports it).
  virtual Result<Credentials> GetCredentials() = 0;
};

}  // namespace awshpc::aws
