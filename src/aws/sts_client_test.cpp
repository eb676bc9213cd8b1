// File: sts_client_test.cpp
// The STS client's request loop over the real transport against the loopback server: retries of
// throttling and 5xx errors, no retry of client errors, and clock-skew correction.
#include "awshpc/aws/sts_client.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "awshpc/aws/curl_http_client.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

const Credentials kFakeCaller{"AKIDFAKEFAKEFAKE", "fake-secret", "", {}, "test"};

class StsRetryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    server_ = testing::StartLoopbackHttpServer(port_, error);
    ASSERT_TRUE(server_) << error;
  }
  static void TearDownTestSuite() { server_.reset(); }

  // An STS client whose endpoint is a loopback route; sleeps are recorded, not slept.
  std::unique_ptr<StsQueryClient> Client(const std::string& route, const Clock& clock) {
    RetryStrategy retry(
        {}, [] { return 0.5; }, [this](std::chrono::milliseconds d) { sleeps.push_back(d); },
        std::make_shared<RetryQuota>());
    return std::make_unique<StsQueryClient>(
        http, Endpoint{"http://127.0.0.1:" + std::to_string(port_) + route, "us-east-1", "test"},
        clock, retry);
  }
  static AssumeRoleParams Params() {
    AssumeRoleParams params;
    params.role_arn = "arn:aws:iam::123456789012:role/r";
    params.role_session_name = "s";
    return params;
  }

  CurlHttpClient http;
  std::vector<std::chrono::milliseconds> sleeps;
  static int port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};

int StsRetryTest::port_ = 0;
std::unique_ptr<testing::ChildProcess> StsRetryTest::server_;

TEST_F(StsRetryTest, RetriesThrottlingWithThrottlingBackoff) {
  auto sts = Client("/flaky/throttle/2/400/Throttling", SystemClock::Instance());
  auto credentials = sts->AssumeRole(kFakeCaller, Params());
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIALOOPBACK");
  using std::chrono::milliseconds;
  EXPECT_EQ(sleeps, (std::vector<milliseconds>{milliseconds(250), milliseconds(500)}));
}

TEST_F(StsRetryTest, GivesUpOn5xxAfterMaxAttempts) {
  auto sts = Client("/flaky/down/10/503/ServiceUnavailable", SystemClock::Instance());
  auto failed = sts->AssumeRole(kFakeCaller, Params());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  const std::string& message = failed.status().message();
  EXPECT_TRUE(
      message.starts_with("sts AssumeRole: HTTP 503 ServiceUnavailable: injected "
                          "(request id req-"))
      << message;
  EXPECT_TRUE(message.ends_with(", retryable)")) << message;
  EXPECT_EQ(sleeps.size(), 2u);  // 3 attempts
}

TEST_F(StsRetryTest, ClientErrorsAreNotRetried) {
  auto sts = Client("/flaky/denied/10/403/AccessDenied", SystemClock::Instance());
  EXPECT_EQ(sts->AssumeRole(kFakeCaller, Params()).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(StsRetryTest, CorrectsClockSkewAndRetries) {
  // Our clock is right, the server's is an hour ahead: it rejects, we learn its Date, re-sign.
  FakeClock clock(SystemClock::Instance().NowMillis());
  auto sts = Client("/skewed", clock);
  auto credentials = sts->AssumeRole(kFakeCaller, Params());
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(sleeps.size(), 1u);
}

}  // namespace
}  // namespace awshpc::aws
