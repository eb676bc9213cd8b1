#include "awshpc/core/clock.hpp"

#include <gtest/gtest.h>

namespace awshpc {
namespace {

TEST(ClockTest, FormatsUtcWithMillis) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601(1'796'056'065'123), "2026-11-30T16:27:45.123Z");
}

TEST(ClockTest, ParsesWhatItFormats) {
  for (UnixMillis t :
       {UnixMillis{0}, UnixMillis{1'440'938'160'000}, UnixMillis{1'796'056'065'123}}) {
    EXPECT_EQ(*ParseIso8601(FormatIso8601(t)), t);
  }
}

TEST(ClockTest, ParsesOffsetsAndRejectsJunk) {
  EXPECT_EQ(*ParseIso8601("2015-08-30T12:36:00Z"), 1'440'938'160'000);
  EXPECT_EQ(*ParseIso8601("2015-08-30T13:36:00+01:00"), 1'440'938'160'000);
  EXPECT_FALSE(ParseIso8601("yesterday").ok());
  EXPECT_FALSE(ParseIso8601("2015-13-30T12:36:00Z").ok());
  EXPECT_FALSE(ParseIso8601("2015-08-30T12:36:00Zjunk").ok());
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(1000);
  EXPECT_EQ(clock.NowMillis(), 1000);
  clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(clock.NowMillis(), 3000);
}

}  // namespace
}  // namespace awshpc
