// File: retry_strategy.cpp
#include "awshpc/aws/retry_strategy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <thread>

namespace awshpc::aws {

Result<RetryConfig> RetryConfig::Resolve(const Environment& env, std::string_view profile_mode,
                                         std::string_view profile_max_attempts) {
  RetryConfig config;
  const std::string mode = env.Get("AWS_RETRY_MODE").value_or(std::string(profile_mode));
  if (mode == "legacy") {
    config.mode = RetryMode::kLegacy;
    config.max_attempts = 5;
  } else if (mode == "adaptive") {
    config.mode = RetryMode::kAdaptive;
  } else if (!mode.empty() && mode != "standard") {
    return InvalidArgumentError(
        fmt::format("retry mode '{}' is not legacy, standard or adaptive", mode));
  }
  const std::string attempts =
      env.Get("AWS_MAX_ATTEMPTS").value_or(std::string(profile_max_attempts));
  if (!attempts.empty()) {
    int value = 0;
    const auto [ptr, ec] =
        std::from_chars(attempts.data(), attempts.data() + attempts.size(), value);
    if (ec != std::errc() || ptr != attempts.data() + attempts.size() || value < 1) {
      return InvalidArgumentError(
          fmt::format("max attempts '{}' is not a whole number of at least 1", attempts));
    }
    config.max_attempts = value;
  }
  return config;
}

int RetryQuota::Acquire(bool timeout) {
  const int cost = timeout ? kTimeoutRetryCost : kRetryCost;
  std::lock_guard lock(mutex_);
  if (available_ < cost) return 0;
  available_ -= cost;
  return cost;
}

void RetryQuota::Release(int amount) {
  std::lock_guard lock(mutex_);
  available_ = std::min(kCapacity, available_ + amount);
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return available_;
}

std::shared_ptr<RetryQuota> RetryQuota::Shared() {
  static const std::shared_ptr<RetryQuota> quota = std::make_shared<RetryQuota>();
  return quota;
}

RetryStrategy::RetryStrategy(RetryConfig config, Random random, Sleeper sleeper,
                             std::shared_ptr<RetryQuota> quota)
    : config_(config),
      random_(std::move(random)),
      sleeper_(std::move(sleeper)),
      quota_(quota ? std::move(quota) : RetryQuota::Shared()) {
  if (!random_) {
    random_ = [] {
      thread_local std::mt19937_64 engine{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
  if (!sleeper_)
    sleeper_ = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
}

std::chrono::milliseconds RetryStrategy::Backoff(int retry, bool throttling) const {
  const double base = static_cast<double>(
      (throttling ? config_.throttling_base_delay : config_.base_delay).count());
  // 2^(retry-1) overflows nothing here: the cap applies long before (retry is at most ~30).
  const double ceiling = base * std::ldexp(1.0, std::clamp(retry - 1, 0, 30));
  const double delay =
      std::min(static_cast<double>(config_.max_backoff.count()), random_() * ceiling);
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay));
}

bool RetryStrategy::ShouldRetry(Attempt& attempt, const AwsError& error) {
  const int limit = attempt.max_attempts > 0 ? attempt.max_attempts : config_.max_attempts;
  if (!error.retryable || attempt.number >= limit) return false;
  const int cost = quota_->Acquire(error.timeout);
  if (cost == 0) return false;
  attempt.last_retry_cost = cost;
  sleeper_(Backoff(attempt.number, error.throttling));
  return true;
}

void RetryStrategy::OnSuccess(const Attempt& attempt) {
  quota_->Release(attempt.last_retry_cost > 0 ? attempt.last_retry_cost
                                              : RetryQuota::kNoRetryIncrement);
}

}  // namespace awshpc::aws
