// File: retry_strategy_test.cpp
// Standard retry mode with a fixed random source and a recording sleeper.
#include "awshpc/aws/retry_strategy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace awshpc::aws {
namespace {

using std::chrono::milliseconds;

AwsError Error(int status, std::string code) {
  AwsError error;
  error.service = "batch";
  error.operation = "SubmitJob";
  error.http_status = status;
  error.code = std::move(code);
  ClassifyError(error);
  return error;
}

struct Recorder {
  std::vector<milliseconds> sleeps;
  RetryStrategy::Sleeper sleeper() {
    return [this](milliseconds d) { sleeps.push_back(d); };
  }
};

TEST(RetryConfigTest, DefaultsAndEnvironment) {
  auto config = RetryConfig::Resolve(MapEnvironment());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->mode, RetryMode::kStandard);
  EXPECT_EQ(config->max_attempts, 3);
  config = RetryConfig::Resolve(MapEnvironment({{"AWS_RETRY_MODE", "legacy"}}));
  EXPECT_EQ(config->max_attempts, 5);
  config = RetryConfig::Resolve(
      MapEnvironment({{"AWS_RETRY_MODE", "adaptive"}, {"AWS_MAX_ATTEMPTS", "7"}}), "legacy", "2");
  EXPECT_EQ(config->mode, RetryMode::kAdaptive);
  EXPECT_EQ(config->max_attempts, 7);
  config = RetryConfig::Resolve(MapEnvironment(), "standard", "4");
  EXPECT_EQ(config->max_attempts, 4);
  EXPECT_FALSE(RetryConfig::Resolve(MapEnvironment({{"AWS_MAX_ATTEMPTS", "0"}})).ok());
  EXPECT_FALSE(RetryConfig::Resolve(MapEnvironment({{"AWS_MAX_ATTEMPTS", "3x"}})).ok());
  EXPECT_FALSE(RetryConfig::Resolve(MapEnvironment({{"AWS_RETRY_MODE", "eager"}})).ok());
}

TEST(RetryStrategyTest, BackoffIsJitteredExponentialCappedAt20s) {
  RetryStrategy full({}, [] { return 0.999999; });
  EXPECT_EQ(full.Backoff(1, false), milliseconds(99));
  EXPECT_EQ(full.Backoff(2, false), milliseconds(199));
  EXPECT_EQ(full.Backoff(3, false), milliseconds(399));
  EXPECT_EQ(full.Backoff(1, true), milliseconds(499));
  EXPECT_EQ(full.Backoff(3, true), milliseconds(1999));
  EXPECT_EQ(full.Backoff(10, false), milliseconds(20'000));
  EXPECT_EQ(full.Backoff(60, true), milliseconds(20'000));
  RetryStrategy half({}, [] { return 0.5; });
  EXPECT_EQ(half.Backoff(2, false), milliseconds(100));
  RetryStrategy none({}, [] { return 0.0; });
  EXPECT_EQ(none.Backoff(5, true), milliseconds(0));
}

TEST(RetryStrategyTest, RetriesThrottlingUntilAttemptsRunOut) {
  Recorder recorder;
  auto quota = std::make_shared<RetryQuota>();
  RetryStrategy strategy(
      {}, [] { return 0.5; }, recorder.sleeper(), quota);
  int calls = 0;
  Result<int> result = strategy.Run<int>([&](int) -> AwsOutcome<int> {
    ++calls;
    return Error(429, "TooManyRequestsException");
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(result.status().message().find("TooManyRequestsException"), std::string::npos);
  EXPECT_EQ(recorder.sleeps, (std::vector<milliseconds>{milliseconds(250), milliseconds(500)}));
  EXPECT_EQ(quota->available(), 500 - 2 * 5);
}

TEST(RetryStrategyTest, PerRequestMaxAttemptsOverridesTheConfiguredOne) {
  Recorder recorder;
  RetryStrategy strategy(
      {}, [] { return 0.5; }, recorder.sleeper(), std::make_shared<RetryQuota>());
  int calls = 0;
  const auto throttled = [&](int) -> AwsOutcome<int> {
    ++calls;
    return Error(500, "InternalError");
  };
  EXPECT_FALSE(strategy.Run<int>(throttled, 1).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(recorder.sleeps.empty());
  calls = 0;
  EXPECT_FALSE(strategy.Run<int>(throttled, 5).ok());
  EXPECT_EQ(calls, 5);
  calls = 0;
  EXPECT_FALSE(strategy.Run<int>(throttled, 0).ok());  // 0: the configured 3
  EXPECT_EQ(calls, 3);
}

TEST(RetryStrategyTest, SuccessAfterRetryRefundsItsCost) {
  Recorder recorder;
  auto quota = std::make_shared<RetryQuota>();
  RetryStrategy strategy(
      {}, [] { return 0.5; }, recorder.sleeper(), quota);
  Result<std::string> result =
      strategy.Run<std::string>([&](int attempt) -> AwsOutcome<std::string> {
        if (attempt == 1) return Error(503, "ServiceUnavailable");
        return std::string("ok");
      });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, "ok");
  EXPECT_EQ(recorder.sleeps, (std::vector<milliseconds>{milliseconds(50)}));
  EXPECT_EQ(quota->available(), 500);
}

TEST(RetryStrategyTest, NonRetryableErrorsFailAtOnce) {
  Recorder recorder;
  RetryStrategy strategy({}, nullptr, recorder.sleeper(), std::make_shared<RetryQuota>());
  int calls = 0;
  auto result = strategy.Run<int>([&](int) -> AwsOutcome<int> {
    ++calls;
    return Error(400, "ValidationException");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(recorder.sleeps.empty());
}

TEST(RetryStrategyTest, EmptyQuotaStopsRetriesAndTimeoutsCostMore) {
  auto quota = std::make_shared<RetryQuota>();
  Recorder recorder;
  RetryConfig config;
  config.max_attempts = 1000;
  RetryStrategy strategy(
      config, [] { return 0.0; }, recorder.sleeper(), quota);
  AwsError timeout = TransportError("s3", "GetObject", DeadlineExceededError("slow"));
  ASSERT_TRUE(timeout.retryable);
  int calls = 0;
  auto result = strategy.Run<int>([&](int) -> AwsOutcome<int> {
    ++calls;
    return timeout;
  });
  EXPECT_EQ(calls, 51);  // 500 tokens / 10 per timeout retry, plus the first attempt
  EXPECT_EQ(quota->available(), 0);
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
  // Successes without retries slowly refill the bucket, up to its capacity.
  for (int i = 0; i < 600; ++i) strategy.OnSuccess({});
  EXPECT_EQ(quota->available(), 500);
}

TEST(AwsErrorTest, ClassifiesPerStandardMode) {
  for (const char* code : {"Throttling", "ThrottlingException", "RequestLimitExceeded", "SlowDown",
                           "EC2ThrottledException", "TooManyRequestsException"}) {
    const AwsError error = Error(400, code);
    EXPECT_TRUE(error.retryable && error.throttling) << code;
  }
  EXPECT_TRUE(Error(400, "RequestTimeout").retryable);
  EXPECT_FALSE(Error(400, "RequestTimeout").throttling);
  for (int status : {500, 502, 503, 504}) EXPECT_TRUE(Error(status, "X").retryable) << status;
  EXPECT_TRUE(Error(429, "Whatever").throttling);
  EXPECT_FALSE(Error(501, "NotImplemented").retryable);
  EXPECT_FALSE(Error(403, "AccessDenied").retryable);
  EXPECT_TRUE(TransportError("s3", "Get", UnavailableError("refused")).retryable);
  EXPECT_FALSE(TransportError("s3", "Get", FailedPreconditionError("bad certificate")).retryable);
}

TEST(AwsErrorTest, ParsesJsonErrors) {
  HttpResponse response;
  response.status = 400;
  response.headers = {{"x-amzn-RequestId", "rid-1"}};
  response.body = R"({"__type":"com.amazonaws.batch#ClientException","message":"bad queue"})";
  AwsError error = ParseJsonError("batch", "SubmitJob", response);
  EXPECT_EQ(error.code, "ClientException");
  EXPECT_EQ(error.message, "bad queue");
  EXPECT_EQ(error.request_id, "rid-1");
  EXPECT_FALSE(error.retryable);
  EXPECT_EQ(error.ToStatus().ToString(),
            "INVALID_ARGUMENT: batch SubmitJob: HTTP 400 ClientException: bad queue (request id "
            "rid-1)");

  response.status = 429;
  response.headers = {{"X-Amzn-ErrorType", "TooManyRequestsException:http://internal.amazon.com/"}};
  response.body = R"({"Message":"Too Many Requests"})";
  error = ParseJsonError("batch", "SubmitJob", response);
  EXPECT_EQ(error.code, "TooManyRequestsException");
  EXPECT_EQ(error.message, "Too Many Requests");
  EXPECT_TRUE(error.throttling);
  EXPECT_EQ(error.ToStatus().code(), StatusCode::kResourceExhausted);

  response.status = 503;
  response.headers.clear();
  response.body = "<html>gateway</html>";
  error = ParseJsonError("logs", "GetLogEvents", response);
  EXPECT_EQ(error.code, "Http503");
  EXPECT_TRUE(error.retryable);
  EXPECT_EQ(error.ToStatus().code(), StatusCode::kUnavailable);
}

TEST(AwsErrorTest, ParsesXmlErrorsOfQueryEc2AndS3) {
  HttpResponse response;
  response.status = 400;
  response.body =
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender"
      "</Type><Code>ExpiredToken</Code><Message>The security token included in the request is "
      "expired</Message></Error><RequestId>sts-rid</RequestId></ErrorResponse>";
  AwsError error = ParseXmlError("sts", "AssumeRole", response);
  EXPECT_EQ(error.code, "ExpiredToken");
  EXPECT_EQ(error.request_id, "sts-rid");
  EXPECT_EQ(error.ToStatus().code(), StatusCode::kPermissionDenied);

  response.status = 503;
  response.body =
      "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
      "exceeded.</Message></Error></Errors><RequestID>ec2-rid</RequestID></Response>";
  error = ParseXmlError("ec2", "DescribeInstances", response);
  EXPECT_EQ(error.code, "RequestLimitExceeded");
  EXPECT_EQ(error.request_id, "ec2-rid");
  EXPECT_TRUE(error.throttling);

  response.status = 404;
  response.headers = {{"x-amz-request-id", "s3-rid"}};
  response.body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The "
      "specified key does not exist.</Message><Key>k</Key></Error>";
  error = ParseXmlError("s3", "GetObject", response);
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.request_id, "s3-rid");
  EXPECT_EQ(error.ToStatus().code(), StatusCode::kNotFound);

  response.body.clear();  // HEAD responses carry no body
  error = ParseXmlError("s3", "HeadObject", response);
  EXPECT_EQ(error.code, "NotFound");
}

}  // namespace
}  // namespace awshpc::aws
