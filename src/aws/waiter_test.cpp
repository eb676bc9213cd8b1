// File: waiter_test.cpp
// Waiter on a fake clock: the sleeper moves the clock, so backoff, jitter bounds and the timeout
// are checked exactly without sleeping.
#include "awshpc/aws/waiter.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace awshpc::aws {
namespace {

using std::chrono::milliseconds;

struct FakeTime {
  FakeClock clock{1'700'000'000'000};
  std::vector<milliseconds> sleeps;
  Waiter::Sleeper sleeper() {
    return [this](milliseconds d) {
      sleeps.push_back(d);
      clock.Advance(d);
    };
  }
};

WaiterOptions Options(milliseconds min_delay, milliseconds max_delay, milliseconds timeout) {
  return {"job queue hpc VALID", min_delay, max_delay, timeout};
}

TEST(WaiterTest, DoneAtOnceNeverSleeps) {
  FakeTime time;
  Waiter waiter(Options(milliseconds(2'000), milliseconds(30'000), milliseconds(600'000)),
                time.clock, time.sleeper());
  EXPECT_TRUE(waiter.Wait([] { return Result<bool>(true); }).ok());
  EXPECT_EQ(waiter.polls(), 1);
  EXPECT_TRUE(time.sleeps.empty());
}

TEST(WaiterTest, BackoffDoublesUpToTheMaximumWithJitterAboveTheMinimum) {
  FakeTime time;
  Waiter top(Options(milliseconds(2'000), milliseconds(30'000), milliseconds(600'000)), time.clock,
             time.sleeper(), [] { return 0.999999; });
  int polls = 0;
  EXPECT_TRUE(top.Wait([&] { return Result<bool>(++polls == 7); }).ok());
  EXPECT_EQ(top.polls(), 7);
  // Ceilings 2, 4, 8, 16, 32 -> 30 s; the draw takes (almost) the top of each.
  EXPECT_EQ(time.sleeps, (std::vector<milliseconds>{milliseconds(2'000), milliseconds(3'999),
                                                    milliseconds(7'999), milliseconds(15'999),
                                                    milliseconds(29'999), milliseconds(29'999)}));

  // With the lowest draw every delay is the minimum.
  FakeTime low;
  Waiter bottom(Options(milliseconds(2'000), milliseconds(30'000), milliseconds(600'000)),
                low.clock, low.sleeper(), [] { return 0.0; });
  polls = 0;
  EXPECT_TRUE(bottom.Wait([&] { return Result<bool>(++polls == 4); }).ok());
  EXPECT_EQ(low.sleeps, std::vector<milliseconds>(3, milliseconds(2'000)));
}

TEST(WaiterTest, DelayRange) {
  Waiter mid(
      Options(milliseconds(1'000), milliseconds(8'000), milliseconds(60'000)),
      SystemClock::Instance(), [](milliseconds) {}, [] { return 0.5; });
  EXPECT_EQ(mid.Delay(1, milliseconds(60'000)), milliseconds(1'000));  // 2^0: exactly min
  EXPECT_EQ(mid.Delay(2, milliseconds(60'000)), milliseconds(1'500));  // between 1 s and 2 s
  EXPECT_EQ(mid.Delay(3, milliseconds(60'000)), milliseconds(2'500));  // between 1 s and 4 s
  EXPECT_EQ(mid.Delay(9, milliseconds(60'000)), milliseconds(4'500));  // between 1 s and 8 s
  EXPECT_EQ(mid.Delay(9, milliseconds(700)), milliseconds(700));       // never past the timeout
}

TEST(WaiterTest, TimeoutIsDeadlineExceededAfterALastPollAtTheDeadline) {
  FakeTime time;
  Waiter waiter(Options(milliseconds(10'000), milliseconds(10'000), milliseconds(45'000)),
                time.clock, time.sleeper());
  const UnixMillis start = time.clock.NowMillis();
  std::vector<UnixMillis> polled_at;
  const Status status = waiter.Wait([&] {
    polled_at.push_back(time.clock.NowMillis() - start);
    return Result<bool>(false);
  });
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(status.message(), "waiting for job queue hpc VALID: not done after 45 s (6 polls)");
  EXPECT_EQ(polled_at, (std::vector<UnixMillis>{0, 10'000, 20'000, 30'000, 40'000, 45'000}));
}

TEST(WaiterTest, APollErrorStopsTheWaitWithContext) {
  FakeTime time;
  Waiter waiter(Options(milliseconds(1'000), milliseconds(5'000), milliseconds(60'000)), time.clock,
                time.sleeper());
  int polls = 0;
  const Status status = waiter.Wait([&]() -> Result<bool> {
    if (++polls < 3) return false;
    return FailedPreconditionError("job queue hpc is INVALID: CE not valid");
  });
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "waiting for job queue hpc VALID: job queue hpc is INVALID: CE not valid");
  EXPECT_EQ(polls, 3);
  EXPECT_EQ(time.sleeps.size(), 2u);
}

TEST(WaiterTest, NonsensicalOptionsAreRefused) {
  FakeTime time;
  int polls = 0;
  const auto poll = [&] { return Result<bool>(++polls > 0); };
  EXPECT_EQ(Waiter(Options(milliseconds(0), milliseconds(1'000), milliseconds(1'000)), time.clock)
                .Wait(poll)
                .code(),
            StatusCode::kInvalidArgument);
  const Status inverted =
      Waiter(Options(milliseconds(5'000), milliseconds(1'000), milliseconds(1'000)), time.clock)
          .Wait(poll);
  EXPECT_EQ(inverted.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(inverted.message().find("min_delay (5000 ms) <= max_delay (1000 ms)"),
            std::string::npos)
      << inverted.message();
  EXPECT_EQ(polls, 0);
}

}  // namespace
}  // namespace awshpc::aws
