// File: rate_limiter.cpp
#include "awshpc/aws/rate_limiter.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace awshpc::aws {
namespace {

class SteadyLimiterClock final : public LimiterClock {
 public:
  double NowSeconds() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void Sleep(double seconds) override {
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  }
};

constexpr double kMinRate = 0.01;
constexpr double kMinBurst = 1.0;

}  // namespace

LimiterClock& LimiterClock::Steady() {
  static SteadyLimiterClock clock;
  return clock;
}

double ManualLimiterClock::NowSeconds() const {
  std::lock_guard lock(mutex_);
  return now_;
}

void ManualLimiterClock::Sleep(double seconds) {
  if (seconds <= 0) return;
  std::lock_guard lock(mutex_);
  now_ += seconds;
  slept_ += seconds;
}

void ManualLimiterClock::Advance(double seconds) {
  std::lock_guard lock(mutex_);
  now_ += seconds;
}

double ManualLimiterClock::slept() const {
  std::lock_guard lock(mutex_);
  return slept_;
}

TokenBucketRateLimiter::TokenBucketRateLimiter(double rate_per_second, double burst,
                                               LimiterClock& clock)
    : rate_(std::max(rate_per_second, kMinRate)),
      burst_(std::max(burst, kMinBurst)),
      clock_(clock),
      tokens_(burst_),
      last_(clock.NowSeconds()) {}

void TokenBucketRateLimiter::Refill(double now) {
  // A clock that went backwards (it should not: it is monotonic) adds nothing.
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + (now - last_) * rate_);
    last_ = now;
  }
}

void TokenBucketRateLimiter::Acquire() {
  double wait = 0;
  {
    std::lock_guard lock(mutex_);
    Refill(clock_.NowSeconds());
    // Taking the token even when there is none reserves the next slot: the debt is paid back by
    // the refill while this caller sleeps, and later callers queue behind it.
    tokens_ -= 1;
    if (tokens_ < 0) wait = -tokens_ / rate_;
  }
  clock_.Sleep(wait);
}

double TokenBucketRateLimiter::available() const {
  std::lock_guard lock(mutex_);
  const double now = clock_.NowSeconds();
  return now > last_ ? std::min(burst_, tokens_ + (now - last_) * rate_) : tokens_;
}

}  // namespace awshpc::aws
