// File: adaptive_rate_limiter_test.cpp
// The adaptive retry mode's limiter on a manual clock (sleeping moves time; nothing really
// sleeps): a client that could send 100 requests/s talks to a simulated service that throttles
// above a given rate, and the test measures the send rate the limiter lets through.
#include "awshpc/aws/adaptive_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace awshpc::aws {
namespace {

constexpr double kLatency = 0.01;  // each request takes 10 ms: at most 100/s unthrottled

// A service that allows `rate` requests/s (burst 5) and throttles the rest; rate 0 = no limit.
struct Service {
  const LimiterClock& clock;
  double rate = 0;
  double tokens = 5;
  double last = 0;

  void Limit(double new_rate) {
    rate = new_rate;
    tokens = 5;
    last = clock.NowSeconds();
  }
  bool Throttles() {
    if (rate <= 0) return false;
    const double now = clock.NowSeconds();
    tokens = std::min(5.0, tokens + (now - last) * rate);
    last = now;
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  }
};

struct Sent {
  double time;
  bool throttled;
};

class AdaptiveSimulation {
 public:
  AdaptiveSimulation() : limiter_(clock_), service_{clock_} {}

  // Sends back to back for `seconds` of simulated time.
  void RunFor(double seconds) {
    const double end = clock_.NowSeconds() + seconds;
    while (clock_.NowSeconds() < end) SendOne();
  }
  void SendOne() {
    limiter_.Acquire();
    clock_.Advance(kLatency);
    const bool throttled = service_.Throttles();
    log_.push_back({clock_.NowSeconds(), throttled});
    limiter_.OnResponse(throttled);
  }
  // Requests per second and the throttled share between from and to (absolute times).
  std::pair<double, double> Window(double from, double to) const {
    int sent = 0;
    int throttled = 0;
    for (const Sent& s : log_) {
      if (s.time < from || s.time >= to) continue;
      ++sent;
      throttled += s.throttled ? 1 : 0;
    }
    return {sent / (to - from), sent == 0 ? 0.0 : static_cast<double>(throttled) / sent};
  }
  double now() const { return clock_.NowSeconds(); }

  ManualLimiterClock clock_;
  AdaptiveRateLimiter limiter_;
  Service service_;
  std::vector<Sent> log_;
};

TEST(AdaptiveRateLimiterTest, StaysOffUntilTheServiceThrottles) {
  AdaptiveSimulation sim;
  const double start = sim.now();
  sim.RunFor(10);
  EXPECT_FALSE(sim.limiter_.enabled());
  EXPECT_EQ(sim.clock_.slept(), 0.0);
  EXPECT_NEAR(sim.Window(start, start + 10).first, 100, 1);
  EXPECT_NEAR(sim.limiter_.measured_rate(), 100, 1);

  // One throttle: the rate drops to 70% of the measured one at once.
  sim.limiter_.OnResponse(true);
  EXPECT_TRUE(sim.limiter_.enabled());
  EXPECT_NEAR(sim.limiter_.fill_rate(), 0.7 * sim.limiter_.measured_rate(), 1e-9);
}

// After a throttle at rate R the CUBIC curve is back at R after K = cbrt(R * 0.3 / 0.4) s and
// grows beyond it; it is below R before.
TEST(AdaptiveRateLimiterTest, CubicCurveRecoversToTheOldRateAfterK) {
  AdaptiveSimulation sim;
  sim.RunFor(10);
  const double r = sim.limiter_.measured_rate();
  sim.limiter_.OnResponse(true);
  const double throttled_at = sim.now();
  const double k = std::cbrt(r * 0.3 / 0.4);
  EXPECT_NEAR(k, 4.217, 0.01);
  sim.RunFor(1);
  const double one_second = sim.limiter_.fill_rate();
  const double expected = 0.4 * std::pow(sim.now() - throttled_at - k, 3) + r;
  EXPECT_NEAR(one_second, expected, 1e-6);
  EXPECT_GT(one_second, 0.7 * r);
  EXPECT_LT(one_second, r);
  sim.RunFor(k + 1 - (sim.now() - throttled_at));
  EXPECT_GT(sim.limiter_.fill_rate(), r);
}

// The service allows 50/s for a minute. The client (100/s unthrottled) is throttled, slows down
// to about the service's rate with few throttles, and is back at 100/s within 15 s once the limit
// is lifted.
TEST(AdaptiveRateLimiterTest, SendRateFollowsAThrottlingServiceAndRecovers) {
  AdaptiveSimulation sim;
  const double start = sim.now();
  sim.RunFor(10);
  EXPECT_NEAR(sim.Window(start, start + 10).first, 100, 1);

  sim.service_.Limit(50);
  const double limited = sim.now();
  sim.RunFor(60);
  const auto [rate, throttled_share] = sim.Window(limited + 20, limited + 60);
  EXPECT_GT(rate, 40);
  EXPECT_LT(rate, 55);
  EXPECT_LT(throttled_share, 0.05);
  // Without the limiter half the requests would have been throttled; in the first seconds the
  // limiter learns, so there the share is higher.
  EXPECT_GT(sim.Window(limited, limited + 5).second, throttled_share);

  sim.service_.Limit(0);
  const double lifted = sim.now();
  sim.RunFor(30);
  EXPECT_GT(sim.Window(lifted + 15, lifted + 30).first, 95);
  EXPECT_EQ(sim.Window(lifted, lifted + 30).second, 0.0);
}

// A service that throttles everything: each throttle takes 30% off, down to one request per 2 s.
TEST(AdaptiveRateLimiterTest, PersistentThrottlingSlowsToTheMinimumRate) {
  AdaptiveSimulation sim;
  sim.RunFor(5);
  sim.service_.Limit(1e-9);
  sim.service_.tokens = 0;
  for (int i = 0; i < 40; ++i) sim.SendOne();
  EXPECT_EQ(sim.limiter_.fill_rate(), 0.5);
  const double before = sim.now();
  for (int i = 0; i < 5; ++i) sim.SendOne();
  EXPECT_NEAR((sim.now() - before) / 5, 2.0 + kLatency, 0.01);
}

// Many threads acquiring and reporting at once (run under ASan/UBSan too): no deadlock, sane
// state.
TEST(AdaptiveRateLimiterTest, ConcurrentUseIsSafe) {
  ManualLimiterClock clock;
  AdaptiveRateLimiter limiter(clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        limiter.Acquire();
        clock.Advance(0.001);
        limiter.OnResponse((i + t) % 7 == 0);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(limiter.enabled());
  EXPECT_GE(limiter.fill_rate(), 0.5);
  EXPECT_GT(clock.slept(), 0.0);
}

}  // namespace
}  // namespace awshpc::aws
