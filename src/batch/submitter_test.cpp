// File: batch/submitter_test.cpp
// The submitter without a Batch service: request checks that fail before any call, the
// classification of failures, and the bounded rounds against a loopback port nobody listens on
// (every call is refused by the kernel, so every round is ambiguous).
#include "awshpc/batch/submitter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "../aws/test_util.hpp"
#include "awshpc/aws/aws_error.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/curl_http_client.hpp"

namespace awshpc::batch {
namespace {

using aws::batch::SubmitJobRequest;

class SubmitterTest : public ::testing::Test {
 protected:
  SubmitterTest() {
    aws::ServiceConfig config;
    config.service = "batch";
    config.signing_name = "batch";
    // Nothing listens there: connections are refused at once.
    config.endpoint =
        aws::Endpoint{"http://127.0.0.1:" + std::to_string(aws::testing::FreeLoopbackPort()),
                      "us-east-1", "test"};
    config.protocol = aws::Protocol::kRestJson;
    aws::RetryConfig retry;
    retry.max_attempts = 1;
    aws::RetryStrategy strategy(retry, nullptr, [](std::chrono::milliseconds) {});
    client_ = std::make_unique<aws::batch::BatchClient>(std::make_unique<aws::AwsClient>(
        std::move(config), http_, &credentials_, SystemClock::Instance(), std::move(strategy)));
  }

  SubmitterOptions Options() {
    SubmitterOptions options;
    options.max_attempts = 4;
    options.min_delay = std::chrono::milliseconds(500);
    options.base_delay = std::chrono::milliseconds(100);
    options.throttling_base_delay = std::chrono::milliseconds(1000);
    options.max_delay = std::chrono::milliseconds(250);
    options.random = [] { return 0.999; };
    options.sleeper = [this](std::chrono::milliseconds delay) { sleeps_.push_back(delay); };
    return options;
  }

  static SubmitJobRequest Request() {
    SubmitJobRequest request;
    request.job_name = "lammps-j-4x7kq2mz";
    request.job_queue = "q";
    request.job_definition = "d:1";
    request.tags = {{kJobIdTag, "j-4x7kq2mz"}};
    return request;
  }

  aws::CurlHttpClient http_;
  aws::StaticCredentialsProvider credentials_{
      aws::Credentials{"AKIDFAKEFAKEFAKE", "fake-secret", "", std::nullopt, "test"}};
  std::unique_ptr<aws::batch::BatchClient> client_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(SubmitterTest, BadRequestsFailBeforeAnyCall) {
  ExactlyOnceSubmitter submitter(*client_, Options());
  struct Case {
    const char* what;
    void (*edit)(SubmitJobRequest&);
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"no id tag", [](SubmitJobRequest& r) { r.tags.clear(); }, "no aws-hpc:job-id tag"},
      {"bad name", [](SubmitJobRequest& r) { r.job_name = "lammps j 1"; },
       "job name \"lammps j 1\" is not a Batch job name"},
      {"no queue", [](SubmitJobRequest& r) { r.job_queue.clear(); }, "no job queue"},
      {"no definition", [](SubmitJobRequest& r) { r.job_definition.clear(); }, "no job definition"},
      {"array of one", [](SubmitJobRequest& r) { r.array_size = 1; }, "array size 1"},
      {"array too big", [](SubmitJobRequest& r) { r.array_size = 10'001; }, "array size 10001"},
      {"21 parents",
       [](SubmitJobRequest& r) {
         r.depends_on.assign(21, aws::batch::JobDependency{"x", ""});
       },
       "21 dependencies"},
  };
  for (const Case& c : cases) {
    SubmitJobRequest request = Request();
    c.edit(request);
    auto outcome = submitter.Submit(request);
    ASSERT_FALSE(outcome.ok()) << c.what;
    EXPECT_EQ(outcome.status().code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_NE(outcome.status().message().find(c.expected), std::string::npos)
        << c.what << ": " << outcome.status().message();
  }
  EXPECT_EQ(submitter.stats().submit_calls, 0);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(SubmitterTest, ClassifiesFailuresAsTheClientReportsThem) {
  auto status_of = [](int http_status, const std::string& code) {
    aws::AwsError error;
    error.service = "batch";
    error.operation = "SubmitJob";
    error.http_status = http_status;
    error.code = code;
    error.message = "m";
    aws::ClassifyError(error);
    return error.ToStatus();
  };
  EXPECT_TRUE(IsRetryableBatchFailure(status_of(429, "TooManyRequestsException")));
  EXPECT_TRUE(IsRetryableBatchFailure(status_of(500, "ServerException")));
  EXPECT_TRUE(IsRetryableBatchFailure(status_of(503, "ServiceUnavailable")));
  EXPECT_FALSE(IsRetryableBatchFailure(status_of(400, "ClientException")));
  EXPECT_FALSE(IsRetryableBatchFailure(status_of(403, "AccessDeniedException")));
  EXPECT_TRUE(IsRetryableBatchFailure(
      aws::TransportError("batch", "SubmitJob", UnavailableError("connection reset")).ToStatus()));
  EXPECT_TRUE(IsRetryableBatchFailure(
      aws::TransportError("batch", "SubmitJob", DeadlineExceededError("timed out")).ToStatus()));
  EXPECT_FALSE(IsRetryableBatchFailure(UnavailableError("no credentials provider")));
  EXPECT_FALSE(IsRetryableBatchFailure(InvalidArgumentError("bad (retryable)")));
}

// Connection refused every time: SubmitJob once, then every round a lookup that fails too, never
// a second SubmitJob (no lookup ever answered "not there"); the error says so and where to look.
TEST_F(SubmitterTest, AmbiguousFailuresAreBoundedAndNeverResubmitBlind) {
  ExactlyOnceSubmitter submitter(*client_, Options());
  auto outcome = submitter.Submit(Request());
  ASSERT_FALSE(outcome.ok());
  const std::string message = outcome.status().message();
  EXPECT_EQ(outcome.status().code(), StatusCode::kUnavailable) << message;
  EXPECT_NE(message.find("batch submit j-4x7kq2mz (lammps-j-4x7kq2mz): gave up after 4 rounds "
                         "(1 SubmitJob calls, 3 lookups)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("tag aws-hpc:job-id=j-4x7kq2mz in queue q"), std::string::npos) << message;
  EXPECT_NE(message.find("batch ListJobs"), std::string::npos) << message;
  // Backoff: min_delay + random * min(max_delay, base * 2^(round-2)).
  ASSERT_EQ(sleeps_.size(), 3u);
  EXPECT_EQ(sleeps_[0].count(), 500 + 99);
  EXPECT_EQ(sleeps_[1].count(), 500 + 199);
  EXPECT_EQ(sleeps_[2].count(), 500 + 249);
  const SubmitterStats stats = submitter.stats();
  EXPECT_EQ(stats.submit_calls, 1);
  EXPECT_EQ(stats.ambiguous, 1);
  EXPECT_EQ(stats.lookups, 3);
  EXPECT_EQ(stats.submissions, 0);
}

}  // namespace
}  // namespace awshpc::batch
