// File: batch/rate.hpp
// The Batch call rate of a process: AWS Batch allows 50 SubmitJob (and about as many other) calls
// per second per account, and answers more with 429. aws-hpc keeps every Batch call of a process
// under one configured rate (default 40/s, env AWS_HPC_BATCH_MAX_TPS), so throttling is the
// exception rather than the steady state.
#pragma once

#include <memory>

#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/environment.hpp"
#include "awshpc/aws/rate_limiter.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

inline constexpr double kDefaultBatchMaxTps = 40.0;
inline constexpr const char* kBatchMaxTpsEnv = "AWS_HPC_BATCH_MAX_TPS";
// A raised account limit can be used, but a typo (4000) should not unleash a retry storm.
inline constexpr double kMaxBatchMaxTps = 1000.0;

// AWS_HPC_BATCH_MAX_TPS (calls per second, a positive number up to 1000, fractions allowed), or
// kDefaultBatchMaxTps when unset. kInvalidArgument naming the variable for anything else.
Result<double> ResolveBatchMaxTps(const aws::Environment& env);

// The limiter runs this much under the configured rate: `tps` slots then span 1/(1 - margin) s,
// 20 ms more than a second, so a call sent up to 20 ms after its slot (signing, scheduling on a
// busy machine) still cannot put tps + 1 calls into one second.
inline constexpr double kBatchRateMargin = 0.02;

// A token bucket at tps * (1 - kBatchRateMargin) calls per second with a burst of one: calls are
// spaced evenly, so no one-second window holds more than `tps` calls (a burst of b would allow
// b + tps - 1).
std::shared_ptr<aws::RateLimiter> MakeBatchRateLimiter(
    double tps, aws::LimiterClock& clock = aws::LimiterClock::Steady());

// The process's one Batch limiter, made on the first call from `env` (ResolveBatchMaxTps) and
// returned to every later caller whatever their env: every Batch client of the process shares it.
Result<std::shared_ptr<aws::RateLimiter>> ProcessBatchRateLimiter(const aws::Environment& env);

// A Batch client from `context` whose every call (SubmitJob, ListJobs, DescribeJobs, ...,
// retries included) goes through ProcessBatchRateLimiter(env).
Result<aws::batch::BatchClient> MakeRateLimitedBatchClient(aws::AwsContext& context,
                                                           const aws::Environment& env);

}  // namespace awshpc::batch
