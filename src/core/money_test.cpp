#include "awshpc/core/money.hpp"

#include <gtest/gtest.h>

namespace awshpc {
namespace {

TEST(MoneyTest, ParsesDecimalAmounts) {
  EXPECT_EQ(Money::Parse("12")->micros(), 12'000'000);
  EXPECT_EQ(Money::Parse("$0.000123")->micros(), 123);
  EXPECT_EQ(Money::Parse("-3.20")->micros(), -3'200'000);
  EXPECT_FALSE(Money::Parse("1.2345678").ok());
  EXPECT_FALSE(Money::Parse("abc").ok());
  EXPECT_FALSE(Money::Parse("").ok());
  EXPECT_FALSE(Money::Parse("1.2.3").ok());
}

TEST(MoneyTest, ShowsCentsOrFourDecimalsForTinyAmounts) {
  EXPECT_EQ(Money::FromMicros(12'345'678).ToString(), "$12.35");
  EXPECT_EQ(Money::FromMicros(4'200).ToString(), "$0.0042");
  EXPECT_EQ(Money::FromMicros(0).ToString(), "$0.00");
  EXPECT_EQ(Money::FromMicros(-1'500'000).ToString(), "-$1.50");
  EXPECT_EQ(Money::FromMicros(12'345'678).ToDecimalString(), "12.345678");
}

TEST(MoneyTest, HourlyPriceTimesDuration) {
  // c5.4xlarge at $0.68/h for GEOS-Chem's 5656 s benchmark run.
  Money price = *Money::Parse("0.68");
  EXPECT_EQ(Money::PerHourTimesSeconds(price, 5656).micros(), 1'068'356);
  EXPECT_EQ((price + price).micros(), 1'360'000);
}

}  // namespace
}  // namespace awshpc
