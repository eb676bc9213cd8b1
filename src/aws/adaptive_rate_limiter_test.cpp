// File: adaptive_rate_limiter_test.cpp
// The adaptive retry mode's limiter on a manual clock (sleeping moves time; nothing really
// sleeps): a client that could send 100 requests/s talks to a simulated service that throttles
// above a given rate, and the test measures the send rate the limiter lets through. The same
// response sequence replayed through the installed botocore gives the same rates.
#include "awshpc/aws/adaptive_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "awshpc/aws/process.hpp"
#include "test_util.hpp"

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
  RecordProperty("limited_rate_per_s", std::to_string(rate));
  RecordProperty("limited_throttled_share", std::to_string(throttled_share));
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
  RecordProperty("recovered_rate_per_s",
                 std::to_string(sim.Window(lifted + 15, lifted + 30).first));
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

// 3000 responses at irregular times (1 to 60 ms apart) in phases without throttling, with 20%
// and with 60% throttled, fed both to this limiter and to botocore's ClientRateLimiter
// (src/aws/testdata/botocore_adaptive.py) on fake clocks: after every response the bucket's rate,
// the measured rate and whether the limiter is on are the same.
TEST(AdaptiveRateLimiterTest, SameRatesAsBotocore) {
  ASSERT_TRUE(testing::HaveProgram("python3"))
      << "python3 is missing: install the Debian packages python3 and python3-botocore";
  ManualLimiterClock clock(5000.0);
  AdaptiveRateLimiter limiter(clock);
  std::mt19937 engine(20261129);
  nlohmann::json spec = {{"start", clock.NowSeconds()}, {"events", nlohmann::json::array()}};
  struct State {
    double fill, measured;
    bool enabled;
  };
  std::vector<State> ours;
  double t = clock.NowSeconds();
  for (int i = 0; i < 3000; ++i) {
    const double gap = 0.001 + static_cast<double>(engine() % 60) / 1000.0;
    t += gap;
    clock.Advance(gap);  // the same additions, so both sides see bit-identical times
    const int percent = i < 500 ? 0 : i < 1500 ? 20 : i < 2000 ? 0 : i < 2500 ? 60 : 0;
    const bool throttled = static_cast<int>(engine() % 100) < percent;
    limiter.OnResponse(throttled);
    ours.push_back({limiter.fill_rate(), limiter.measured_rate(), limiter.enabled()});
    spec["events"].push_back({t, throttled});
  }
  testing::TempDir dir;
  const std::string input = dir.Write("in.json", spec.dump());
  const std::string output = dir.path() + "/out.json";
  auto run = RunProcess(
      {"python3", testing::SourcePath("src/aws/testdata/botocore_adaptive.py"), input, output});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->exit_code, 0) << run->err;
  std::ifstream in(output);
  const nlohmann::json theirs = nlohmann::json::parse(in);
  ASSERT_EQ(theirs.size(), ours.size());
  int throttled_on = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const double fill = theirs[i][0].get<double>();
    const double measured = theirs[i][1].get<double>();
    ASSERT_NEAR(ours[i].fill, fill, 1e-9 * std::max(1.0, fill)) << "response " << i;
    ASSERT_NEAR(ours[i].measured, measured, 1e-9 * std::max(1.0, measured)) << "response " << i;
    ASSERT_EQ(ours[i].enabled, theirs[i][2].get<bool>()) << "response " << i;
    throttled_on += ours[i].enabled ? 1 : 0;
  }
  EXPECT_GT(throttled_on, 2000);  // the comparison covered the limiter switched on
}

}  // namespace
}  // namespace awshpc::aws
