// File: batch/rate.cpp
#include "awshpc/batch/rate.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <mutex>
#include <string>

namespace awshpc::batch {

Result<double> ResolveBatchMaxTps(const aws::Environment& env) {
  const std::optional<std::string> text = env.Get(kBatchMaxTpsEnv);
  if (!text) return kDefaultBatchMaxTps;
  double value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, error] = std::from_chars(text->data(), end, value);
  if (error != std::errc() || ptr != end || !std::isfinite(value) || value <= 0 ||
      value > kMaxBatchMaxTps) {
    return InvalidArgumentError(fmt::format(
        "{}=\"{}\": expected Batch calls per second, a number above 0 and at most {} (default {})",
        kBatchMaxTpsEnv, *text, kMaxBatchMaxTps, kDefaultBatchMaxTps));
  }
  return value;
}

std::shared_ptr<aws::RateLimiter> MakeBatchRateLimiter(double tps, aws::LimiterClock& clock) {
  return std::make_shared<aws::TokenBucketRateLimiter>(tps * (1.0 - kBatchRateMargin), 1.0, clock);
}

Result<std::shared_ptr<aws::RateLimiter>> ProcessBatchRateLimiter(const aws::Environment& env) {
  static std::mutex mutex;
  static std::shared_ptr<aws::RateLimiter> limiter;
  std::lock_guard lock(mutex);
  if (!limiter) {
    ASSIGN_OR_RETURN(const double tps, ResolveBatchMaxTps(env));
    limiter = MakeBatchRateLimiter(tps);
  }
  return limiter;
}

Result<aws::batch::BatchClient> MakeRateLimitedBatchClient(aws::AwsContext& context,
                                                           const aws::Environment& env) {
  ASSIGN_OR_RETURN(std::shared_ptr<aws::RateLimiter> limiter, ProcessBatchRateLimiter(env));
  ASSIGN_OR_RETURN(aws::batch::BatchClient client, aws::batch::BatchClient::Create(context));
  client.SetRateLimiter(std::move(limiter));
  return client;
}

}  // namespace awshpc::batch
