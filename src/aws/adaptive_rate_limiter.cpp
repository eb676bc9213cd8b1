// File: adaptive_rate_limiter.cpp
#include "awshpc/aws/adaptive_rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace awshpc::aws {
namespace {

constexpr double kMinFillRate = 0.5;     // tokens/s: never slower than one request per 2 s
constexpr double kBeta = 0.7;            // CUBIC's multiplicative decrease
constexpr double kScale = 0.4;           // CUBIC's scaling constant C
constexpr double kSmoothing = 0.8;       // weight of the newest half-second in the measured rate
constexpr double kBucketsPerSecond = 2;  // the send rate is measured over half-second buckets
constexpr double kMaxRateOverMeasured = 2;
// Sleeping exactly the computed time can leave the refill a rounding error short of a token.
constexpr double kTokenEpsilon = 1e-9;

}  // namespace

AdaptiveRateLimiter::AdaptiveRateLimiter(LimiterClock& clock)
    : clock_(clock),
      last_refill_(clock.NowSeconds()),
      last_bucket_(std::floor(last_refill_)),
      last_throttle_(last_refill_) {
  std::lock_guard lock(mutex_);
  SetFillRate(1.0, last_refill_);
}

void AdaptiveRateLimiter::Refill(double now) {
  if (now <= last_refill_) return;
  capacity_ = std::min(max_capacity_, capacity_ + (now - last_refill_) * fill_rate_);
  last_refill_ = now;
}

void AdaptiveRateLimiter::SetFillRate(double rate, double now) {
  // Tokens earned so far are counted at the old rate before the new one applies.
  Refill(now);
  fill_rate_ = std::max(rate, kMinFillRate);
  max_capacity_ = std::max(rate, 1.0);
  capacity_ = std::min(capacity_, max_capacity_);
}

double AdaptiveRateLimiter::RecordResponse(double now) {
  const double bucket = std::floor(now * kBucketsPerSecond) / kBucketsPerSecond;
  bucket_count_ += 1;
  if (bucket > last_bucket_) {
    const double current = bucket_count_ / (bucket - last_bucket_);
    measured_rate_ = current * kSmoothing + measured_rate_ * (1 - kSmoothing);
    bucket_count_ = 0;
    last_bucket_ = bucket;
  }
  return measured_rate_;
}

void AdaptiveRateLimiter::Acquire() {
  std::unique_lock lock(mutex_);
  if (!enabled_) return;
  while (true) {
    Refill(clock_.NowSeconds());
    if (capacity_ >= 1 - kTokenEpsilon) {
      capacity_ = std::max(0.0, capacity_ - 1);
      return;
    }
    // The rate may change while this caller sleeps (other threads' responses), so it looks again
    // afterwards instead of trusting the wait.
    const double wait = (1 - capacity_) / fill_rate_;
    lock.unlock();
    clock_.Sleep(wait);
    lock.lock();
  }
}

void AdaptiveRateLimiter::OnResponse(bool throttled) {
  std::lock_guard lock(mutex_);
  const double now = clock_.NowSeconds();
  const double measured = RecordResponse(now);
  double new_rate = 0;
  if (!throttled) {
    // W(t) = C (t - K)^3 + W_max: below W_max until K seconds after the throttle, above after.
    const double t = now - last_throttle_ - k_;
    new_rate = kScale * t * t * t + w_max_;
  } else {
    // The rate that was too much: what was measured, or the bucket's rate if that was lower.
    const double rate = enabled_ ? std::min(measured, fill_rate_) : measured;
    w_max_ = rate;
    k_ = std::cbrt(w_max_ * (1 - kBeta) / kScale);
    last_throttle_ = now;
    new_rate = rate * kBeta;
    enabled_ = true;
  }
  SetFillRate(std::min(new_rate, kMaxRateOverMeasured * measured), now);
}

bool AdaptiveRateLimiter::enabled() const {
  std::lock_guard lock(mutex_);
  return enabled_;
}

double AdaptiveRateLimiter::fill_rate() const {
  std::lock_guard lock(mutex_);
  return fill_rate_;
}

double AdaptiveRateLimiter::measured_rate() const {
  std::lock_guard lock(mutex_);
  return measured_rate_;
}

}  // namespace awshpc::aws
