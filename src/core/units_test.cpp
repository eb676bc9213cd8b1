#include "awshpc/core/units.hpp"

#include <gtest/gtest.h>

namespace awshpc {
namespace {

TEST(UnitsTest, Durations) {
  EXPECT_EQ(*ParseDurationSeconds("45"), 45);
  EXPECT_EQ(*ParseDurationSeconds("90s"), 90);
  EXPECT_EQ(*ParseDurationSeconds("1h30m"), 5400);
  EXPECT_EQ(*ParseDurationSeconds("1.5h"), 5400);
  EXPECT_EQ(*ParseDurationSeconds("2d"), 172800);
  EXPECT_EQ(*ParseDurationSeconds("01:30:00"), 5400);
  EXPECT_EQ(*ParseDurationSeconds("10:00"), 600);
  for (const char* bad : {"", "-5", "1h30", "h", "1x", "1:2:3:4", "::", "1e9h", "99999999999d"}) {
    EXPECT_FALSE(ParseDurationSeconds(bad).ok()) << bad;
  }
}

TEST(UnitsTest, FormatDuration) {
  EXPECT_EQ(FormatDuration(5400), "1h30m");
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(90061), "1d1h1m1s");
}

TEST(UnitsTest, Memory) {
  EXPECT_EQ(*ParseMemoryMiB("512MiB"), 512);
  EXPECT_EQ(*ParseMemoryMiB("2GiB"), 2048);
  EXPECT_EQ(*ParseMemoryMiB("2G"), 2048);
  EXPECT_EQ(*ParseMemoryMiB("1.5GiB"), 1536);
  EXPECT_EQ(*ParseMemoryMiB("4096"), 4096);
  EXPECT_EQ(*ParseMemoryMiB("800KiB"), 1);
  for (const char* bad : {"", "GiB", "-1G", "2XB", "1.2.3G", "99999999999TiB"}) {
    EXPECT_FALSE(ParseMemoryMiB(bad).ok()) << bad;
  }
  EXPECT_EQ(FormatMemoryMiB(2048), "2GiB");
  EXPECT_EQ(FormatMemoryMiB(1536), "1.5GiB");
  EXPECT_EQ(FormatMemoryMiB(300), "300MiB");
}

}  // namespace
}  // namespace awshpc
