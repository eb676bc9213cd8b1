// File: adaptive_rate_limiter.hpp
// AWS_RETRY_MODE=adaptive: the SDKs' client-side rate limiter. It stays out of the way until the
// service first throttles; from then on requests wait for tokens of a bucket whose fill rate
// follows CUBIC congestion control: on a throttling answer the rate drops to 70% of the rate
// measured at that moment, on successes it grows back along a cubic curve that reaches the old
// rate after K = cbrt(W_max * 0.3 / 0.4) seconds and keeps growing beyond it (never above twice the
// measured send rate). Same constants and rules as botocore's retries/adaptive.py.
#pragma once

#include <mutex>

#include "awshpc/aws/rate_limiter.hpp"

namespace awshpc::aws {

class AdaptiveRateLimiter final : public RateLimiter {
 public:
  explicit AdaptiveRateLimiter(LimiterClock& clock = LimiterClock::Steady());

  // Waits for a token once throttling has been seen; returns at once before that.
  void Acquire() override;
  // Measures the send rate and moves the bucket's fill rate (down on throttling, CUBIC up).
  void OnResponse(bool throttled) override;

  // Whether a throttling answer has switched the bucket on.
  bool enabled() const;
  // Tokens per second the bucket allows now (at least 0.5).
  double fill_rate() const;
  // The smoothed rate of responses, per second, over half-second buckets.
  double measured_rate() const;

 private:
  // All with mutex_ held.
  void Refill(double now);
  void SetFillRate(double rate, double now);
  double RecordResponse(double now);

  LimiterClock& clock_;
  mutable std::mutex mutex_;
  bool enabled_ = false;
  // The token bucket.
  double fill_rate_ = 0;
  double max_capacity_ = 1;
  double capacity_ = 0;
  double last_refill_;
  // The send-rate measurement.
  double measured_rate_ = 0;
  double last_bucket_;
  double bucket_count_ = 0;
  // CUBIC: the rate at the last throttle, the time to get back to it, and when it happened.
  double w_max_ = 0;
  double k_ = 0;
  double last_throttle_;
};

}  // namespace awshpc::aws
