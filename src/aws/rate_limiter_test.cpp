// File: rate_limiter_test.cpp
// TokenBucketRateLimiter on a manual clock (sleeping moves time, nothing really sleeps): the
// burst, the sustained rate, refills capped at the burst, and exact slot reservation under
// concurrent callers.
#include "awshpc/aws/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace awshpc::aws {
namespace {

TEST(TokenBucketRateLimiterTest, BurstIsFreeThenRequestsAreSpacedAtTheRate) {
  ManualLimiterClock clock;
  TokenBucketRateLimiter limiter(40, 5, clock);
  const double start = clock.NowSeconds();
  for (int i = 0; i < 5; ++i) limiter.Acquire();
  EXPECT_EQ(clock.slept(), 0.0);
  // The next 40 come one every 25 ms.
  for (int i = 0; i < 40; ++i) {
    const double before = clock.NowSeconds();
    limiter.Acquire();
    EXPECT_NEAR(clock.NowSeconds() - before, 0.025, 1e-9) << i;
  }
  EXPECT_NEAR(clock.NowSeconds() - start, 1.0, 1e-9);

  // 1000 more requests: the measured rate is the configured one.
  const double t0 = clock.NowSeconds();
  for (int i = 0; i < 1000; ++i) limiter.Acquire();
  EXPECT_NEAR(1000 / (clock.NowSeconds() - t0), 40.0, 1e-6);
}

TEST(TokenBucketRateLimiterTest, IdleTimeRefillsNoMoreThanTheBurst) {
  ManualLimiterClock clock;
  TokenBucketRateLimiter limiter(10, 3, clock);
  for (int i = 0; i < 3; ++i) limiter.Acquire();
  EXPECT_NEAR(limiter.available(), 0.0, 1e-9);
  clock.Advance(0.15);  // 1.5 tokens
  EXPECT_NEAR(limiter.available(), 1.5, 1e-9);
  clock.Advance(100);  // capped at 3
  EXPECT_NEAR(limiter.available(), 3.0, 1e-9);
  for (int i = 0; i < 3; ++i) limiter.Acquire();
  EXPECT_EQ(clock.slept(), 0.0);
  limiter.Acquire();
  EXPECT_NEAR(clock.slept(), 0.1, 1e-9);
}

TEST(TokenBucketRateLimiterTest, ValuesBelowTheMinimaAreRaised) {
  ManualLimiterClock clock;
  TokenBucketRateLimiter limiter(0, 0, clock);
  EXPECT_EQ(limiter.rate_per_second(), 0.01);
  EXPECT_EQ(limiter.burst(), 1.0);
  limiter.Acquire();
  limiter.Acquire();
  EXPECT_NEAR(clock.slept(), 100.0, 1e-9);
}

// A clock that never moves and records every sleep: the waits callers reserve are then exactly
// 1/rate, 2/rate, ... whatever the interleaving, if no reservation is lost or taken twice.
class FrozenClock final : public LimiterClock {
 public:
  double NowSeconds() const override { return 50.0; }
  void Sleep(double seconds) override {
    std::lock_guard lock(mutex_);
    sleeps.push_back(seconds);
  }
  std::mutex mutex_;
  std::vector<double> sleeps;
};

TEST(TokenBucketRateLimiterTest, ConcurrentCallersReserveDistinctSlots) {
  FrozenClock clock;
  TokenBucketRateLimiter limiter(40, 10, clock);
  constexpr int kThreads = 8;
  constexpr int kEach = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) limiter.Acquire();
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<double> waits;
  for (double s : clock.sleeps) {
    if (s > 0) waits.push_back(s);
  }
  std::sort(waits.begin(), waits.end());
  ASSERT_EQ(waits.size(), static_cast<std::size_t>(kThreads * kEach - 10));
  for (std::size_t k = 0; k < waits.size(); ++k) {
    EXPECT_NEAR(waits[k], static_cast<double>(k + 1) / 40.0, 1e-9) << k;
  }
}

}  // namespace
}  // namespace awshpc::aws
