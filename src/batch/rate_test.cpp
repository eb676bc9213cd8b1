// File: batch/rate_test.cpp
// AWS_HPC_BATCH_MAX_TPS.
#include "awshpc/batch/rate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace awshpc::batch {
namespace {

TEST(BatchRateTest, DefaultAndConfigured) {
  EXPECT_EQ(*ResolveBatchMaxTps(aws::MapEnvironment{}), kDefaultBatchMaxTps);
  EXPECT_EQ(*ResolveBatchMaxTps(aws::MapEnvironment{{kBatchMaxTpsEnv, "25"}}), 25.0);
  EXPECT_EQ(*ResolveBatchMaxTps(aws::MapEnvironment{{kBatchMaxTpsEnv, "0.5"}}), 0.5);
  EXPECT_EQ(*ResolveBatchMaxTps(aws::MapEnvironment{{kBatchMaxTpsEnv, "1000"}}), 1000.0);
}

TEST(BatchRateTest, BadValuesNameTheVariable) {
  for (const char* bad : {"0", "-3", "fast", "40/s", "1e9", "nan", "inf", "1001", " 40"}) {
    auto tps = ResolveBatchMaxTps(aws::MapEnvironment{{kBatchMaxTpsEnv, bad}});
    ASSERT_FALSE(tps.ok()) << bad;
    EXPECT_EQ(tps.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(tps.status().message().find("AWS_HPC_BATCH_MAX_TPS=\""), std::string::npos)
        << tps.status().message();
  }
}

// On a manual clock: 200 calls at 40/s take 199/(40 * 0.98) s, no one-second window holds more
// than 40, and a 41st call would need a window of more than a second plus 20 ms.
TEST(BatchRateTest, LimiterSpacesCallsAtTheRate) {
  aws::ManualLimiterClock clock(0.0);
  auto limiter = MakeBatchRateLimiter(40.0, clock);
  std::vector<double> times;
  for (int i = 0; i < 200; ++i) {
    limiter->Acquire();
    times.push_back(clock.NowSeconds());
  }
  EXPECT_NEAR(times.back() - times.front(), 199.0 / (40.0 * (1 - kBatchRateMargin)), 1e-6);
  std::size_t peak = 0;
  for (std::size_t start = 0; start < times.size(); ++start) {
    std::size_t end = start;
    while (end < times.size() && times[end] < times[start] + 1.0 - 1e-9) ++end;
    peak = std::max(peak, end - start);
  }
  EXPECT_EQ(peak, 40u);
  EXPECT_GT(times[40] - times[0], 1.02 - 1e-6);
}

TEST(BatchRateTest, OneLimiterPerProcess) {
  auto first = ProcessBatchRateLimiter(aws::MapEnvironment{{kBatchMaxTpsEnv, "12"}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = ProcessBatchRateLimiter(aws::MapEnvironment{});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());
  auto* bucket = dynamic_cast<aws::TokenBucketRateLimiter*>(first->get());
  ASSERT_NE(bucket, nullptr);
  EXPECT_DOUBLE_EQ(bucket->rate_per_second(), 12.0 * (1 - kBatchRateMargin));
  EXPECT_EQ(bucket->burst(), 1.0);
}

}  // namespace
}  // namespace awshpc::batch
