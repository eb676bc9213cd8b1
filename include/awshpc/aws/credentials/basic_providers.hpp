// File: credentials/basic_providers.hpp
// The simple credential sources: fixed keys, the environment, credential_process, and the
// caching wrapper that refreshes temporary credentials before they expire.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "awshpc/aws/credentials.hpp"
#include "awshpc/aws/environment.hpp"
#include "awshpc/core/clock.hpp"

namespace awshpc::aws {

// Reads the JSON document AWS credential endpoints return (process, container, IMDS):
// AccessKeyId, SecretAccessKey, `token_key` ("SessionToken" or "Token"), optional Expiration.
Result<Credentials> CredentialsFromJson(std::string_view body, std::string_view source,
                                        std::string_view token_key);

class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials)
      : credentials_(std::move(credentials)) {}
  Result<Credentials> GetCredentials() override { return credentials_; }

 private:
  Credentials credentials_;
};

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (and AWS_CREDENTIAL_EXPIRATION).
class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentialsProvider(const Environment& env) : env_(env) {}
  Result<Credentials> GetCredentials() override;

 private:
  const Environment& env_;
};

// credential_process: the command line from the config is split into argv with POSIX shell
// quoting rules (as botocore does) and executed directly, never through /bin/sh, so nothing in
// it is expanded or interpreted. Its stdout must be the Version 1 JSON document.
class ProcessCredentialsProvider final : public CredentialsProvider {
 public:
  ProcessCredentialsProvider(std::string command, std::string profile_name,
                             std::chrono::milliseconds timeout = std::chrono::seconds(60))
      : command_(std::move(command)), profile_name_(std::move(profile_name)), timeout_(timeout) {}
  Result<Credentials> GetCredentials() override;

 private:
  std::string command_;
  std::string profile_name_;
  std::chrono::milliseconds timeout_;
};

// Caches what `inner` returns; credentials with an Expiration are fetched again once less than
// `refresh_before` of their life is left. If that refresh fails while the old credentials are
// still valid, the old ones are kept (a flaky IMDS must not break running jobs) and the source is
// asked again only after 30 s. Thread-safe.
class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  CachingCredentialsProvider(std::unique_ptr<CredentialsProvider> inner, const Clock& clock,
                             std::chrono::milliseconds refresh_before = std::chrono::minutes(5));
  Result<Credentials> GetCredentials() override;

 private:
  std::unique_ptr<CredentialsProvider> inner_;
  const Clock& clock_;
  std::chrono::milliseconds refresh_before_;
  std::mutex mutex_;
  std::optional<Credentials> cached_;
  // After a failed refresh, the next try waits this long (the old credentials serve meanwhile).
  static constexpr std::int64_t kRefreshRetryDelayMs = 30'000;
  UnixMillis retry_refresh_at_ = 0;
};

}  // namespace awshpc::aws
