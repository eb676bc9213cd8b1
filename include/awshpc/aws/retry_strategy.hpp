// File: retry_strategy.hpp
// The AWS SDK "standard" retry mode: a maximum number of attempts, exponential backoff with full
// jitter, and a retry-quota token bucket shared by all clients of a process so that an outage
// does not turn into a retry storm. Randomness and sleeping are injected for tests.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <variant>

#include "awshpc/aws/aws_error.hpp"
#include "awshpc/aws/environment.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::aws {

enum class RetryMode { kLegacy, kStandard, kAdaptive };

struct RetryConfig {
  RetryMode mode = RetryMode::kStandard;
  int max_attempts = 3;  // attempts in total, the first included
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds throttling_base_delay{500};
  std::chrono::milliseconds max_backoff{20'000};

  // AWS_RETRY_MODE (legacy | standard | adaptive) and AWS_MAX_ATTEMPTS, falling back to the
  // profile's retry_mode / max_attempts (pass "" when there is none). Legacy defaults to 5
  // attempts as in botocore; adaptive retries as standard and adds AwsClient's
  // AdaptiveRateLimiter (adaptive_rate_limiter.hpp).
  static Result<RetryConfig> Resolve(const Environment& env, std::string_view profile_mode = "",
                                     std::string_view profile_max_attempts = "");
};

// Token bucket: a retry costs 5 tokens (10 after a timeout), a success refunds what its retry
// took, or 1 when it needed none; no tokens, no retry.
class RetryQuota {
 public:
  static constexpr int kCapacity = 500;
  static constexpr int kRetryCost = 5;
  static constexpr int kTimeoutRetryCost = 10;
  static constexpr int kNoRetryIncrement = 1;

  // Takes the cost of one retry; 0 when the bucket cannot pay it.
  int Acquire(bool timeout);
  void Release(int amount);
  int available() const;

  // The bucket all clients share by default.
  static std::shared_ptr<RetryQuota> Shared();

 private:
  mutable std::mutex mutex_;
  int available_ = kCapacity;
};

template <typename T>
using AwsOutcome = std::variant<T, AwsError>;

class RetryStrategy {
 public:
  using Random = std::function<double()>;  // uniform in [0, 1)
  using Sleeper = std::function<void(std::chrono::milliseconds)>;

  explicit RetryStrategy(RetryConfig config = {}, Random random = nullptr,
                         Sleeper sleeper = nullptr, std::shared_ptr<RetryQuota> quota = nullptr);

  // Delay before retry number `retry` (1 = the first retry):
  // min(max_backoff, random * base * 2^(retry-1)), base 500 ms for throttling, else 100 ms.
  std::chrono::milliseconds Backoff(int retry, bool throttling) const;

  // Per-request state: how many attempts were made and what the last retry cost.
  struct Attempt {
    int number = 0;
    int last_retry_cost = 0;
    int max_attempts = 0;  // this request's limit; 0 = the configured one
  };
  // After a failed attempt: true (having slept the backoff) if the request should be sent again.
  bool ShouldRetry(Attempt& attempt, const AwsError& error);
  // After a successful attempt: refunds the retry quota.
  void OnSuccess(const Attempt& attempt);

  // Calls `send` until it succeeds, fails with a non-retryable error, or the attempts or the
  // quota run out; returns the value or the last AwsError (with all its fields).
  // `max_attempts` > 0 overrides the configured limit for this request only.
  template <typename T>
  AwsOutcome<T> RunOutcome(const std::function<AwsOutcome<T>(int attempt_number)>& send,
                           int max_attempts = 0) {
    Attempt attempt;
    attempt.max_attempts = max_attempts;
    while (true) {
      ++attempt.number;
      AwsOutcome<T> outcome = send(attempt.number);
      if (outcome.index() == 0) {
        OnSuccess(attempt);
        return outcome;
      }
      if (!ShouldRetry(attempt, std::get<1>(outcome))) return outcome;
    }
  }

  // As RunOutcome, with the error turned into a Status (AwsError::ToStatus).
  template <typename T>
  Result<T> Run(const std::function<AwsOutcome<T>(int attempt_number)>& send,
                int max_attempts = 0) {
    AwsOutcome<T> outcome = RunOutcome<T>(send, max_attempts);
    if (outcome.index() == 1) return std::get<1>(outcome).ToStatus();
    return std::get<0>(std::move(outcome));
  }

  const RetryConfig& config() const { return config_; }
  RetryQuota& quota() { return *quota_; }

 private:
  RetryConfig config_;
  Random random_;
  Sleeper sleeper_;
  std::shared_ptr<RetryQuota> quota_;
};

}  // namespace awshpc::aws
