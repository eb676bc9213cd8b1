// File: rate_limiter.hpp
// Client-side request rate limiting: AwsClient calls a RateLimiter before every attempt (retries
// included) and tells it how each attempt went. TokenBucketRateLimiter caps a fixed rate (AWS Batch
// allows SubmitJob 50 calls/s per account, so the Batch backend shares one at 40/s per process).
// Time and sleeping come from an injectable LimiterClock so tests never really sleep.
#pragma once

#include <mutex>

namespace awshpc::aws {

// Monotonic seconds and sleeping, for rate limiters.
class LimiterClock {
 public:
  virtual ~LimiterClock() = default;
  virtual double NowSeconds() const = 0;
  virtual void Sleep(double seconds) = 0;
  // std::chrono::steady_clock and std::this_thread::sleep_for.
  static LimiterClock& Steady();
};

// A clock that only moves when slept on or advanced: Sleep(s) adds s to the time (and to
// `slept()`). Thread-safe. For tests and simulations.
class ManualLimiterClock final : public LimiterClock {
 public:
  explicit ManualLimiterClock(double start = 1000.0) : now_(start) {}
  double NowSeconds() const override;
  void Sleep(double seconds) override;
  void Advance(double seconds);
  double slept() const;

 private:
  mutable std::mutex mutex_;
  double now_;
  double slept_ = 0;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Called before every attempt, retries included: returns when one request may be sent.
  virtual void Acquire() = 0;
  // Called after every attempt that was sent: `throttled` when the service asked to slow down
  // (throttling error code or HTTP 429). Fixed-rate limiters ignore it.
  virtual void OnResponse(bool throttled) { static_cast<void>(throttled); }
};

// A token bucket: `burst` requests at once, then `rate_per_second` on average. Thread-safe and
// fair: each Acquire reserves the next free slot under a lock and then sleeps outside it, so
// concurrent callers are spaced 1/rate apart. Values below the minima (0.01/s, burst 1) are raised
// to them.
class TokenBucketRateLimiter final : public RateLimiter {
 public:
  TokenBucketRateLimiter(double rate_per_second, double burst,
                         LimiterClock& clock = LimiterClock::Steady());

  void Acquire() override;

  double rate_per_second() const { return rate_; }
  double burst() const { return burst_; }
  // Tokens in the bucket now (negative: slots already reserved by sleeping callers).
  double available() const;

 private:
  void Refill(double now);  // with mutex_ held

  const double rate_;
  const double burst_;
  LimiterClock& clock_;
  mutable std::mutex mutex_;
  double tokens_;
  double last_;
};

}  // namespace awshpc::aws
