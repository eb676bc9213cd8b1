// File: aws_client_test.cpp
// The shared request loop over the real transport against the loopback server: JSON-protocol
// errors and retries, signing, and S3-style streamed uploads/downloads of files (with a retry
// that restarts the stream).
#include "awshpc/aws/aws_client.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "awshpc/aws/body_streams.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

class AwsClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    server_ = testing::StartLoopbackHttpServer(port_, error);
    ASSERT_TRUE(server_) << error;
  }
  static void TearDownTestSuite() { server_.reset(); }

  std::unique_ptr<AwsClient> Client(ServiceConfig config, RetryConfig retry_config = {}) {
    config.endpoint = Endpoint{"http://127.0.0.1:" + std::to_string(port_), "us-east-1", "test"};
    RetryStrategy retry(
        retry_config, [] { return 0.5; },
        [this](std::chrono::milliseconds d) { sleeps.push_back(d); },
        std::make_shared<RetryQuota>());
    return std::make_unique<AwsClient>(config, http, &credentials, SystemClock::Instance(), retry);
  }
  static std::function<Result<HttpRequest>()> JsonPost(const std::string& url) {
    return [url]() -> Result<HttpRequest> {
      HttpRequest request;
      request.method = "POST";
      request.url = url;
      request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                         {"X-Amz-Target", "AWSBatchV20160810.SubmitJob"}};
      request.body = R"({"jobName":"j"})";
      return request;
    };
  }

  CurlHttpClient http;
  StaticCredentialsProvider credentials{Credentials{"AKIDFAKE", "fake-secret", "", {}, "test"}};
  std::vector<std::chrono::milliseconds> sleeps;
  static int port_;
  static std::unique_ptr<testing::ChildProcess> server_;
};

int AwsClientTest::port_ = 0;
std::unique_ptr<testing::ChildProcess> AwsClientTest::server_;

TEST_F(AwsClientTest, SignsRequests) {
  auto client = Client({"batch", "batch", {}, Protocol::kRestJson});
  auto response = client->Send("ListJobs", []() -> Result<HttpRequest> {
    HttpRequest request;
    request.url = "/echo/v1/listjobs?jobQueue=q%201";
    return request;
  });
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  const auto json = nlohmann::json::parse(response->body);
  EXPECT_EQ(json["target"], "/echo/v1/listjobs?jobQueue=q%201");
  bool signed_request = false;
  for (const auto& header : json["headers"]) {
    if (header[0] == "Authorization") {
      signed_request = std::string(header[1]).starts_with("AWS4-HMAC-SHA256 Credential=AKIDFAKE/");
    }
  }
  EXPECT_TRUE(signed_request);
}

TEST_F(AwsClientTest, RetriesJsonThrottlingAndReportsClientErrors) {
  auto client = Client({"batch", "batch", {}, Protocol::kJson});
  auto response =
      client->Send("SubmitJob", JsonPost("/flaky/submit/1/429/TooManyRequestsException/"));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, R"({"ok": true})");
  EXPECT_EQ(sleeps, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(250)});

  auto failed = client->Send("SubmitJob", JsonPost("/flaky/bad/9/400/ClientException/"));
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(failed.status().message().starts_with(
      "batch SubmitJob: HTTP 400 ClientException: injected (request id req-"))
      << failed.status().message();
  EXPECT_EQ(sleeps.size(), 1u);  // not retried

  AwsOutcome<HttpResponse> outcome =
      client->Call("SubmitJob", JsonPost("/flaky/bad2/9/400/ClientException/"));
  ASSERT_EQ(outcome.index(), 1u);
  const AwsError& error = std::get<1>(outcome);
  EXPECT_EQ(error.service, "batch");
  EXPECT_EQ(error.operation, "SubmitJob");
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.code, "ClientException");
  EXPECT_EQ(error.message, "injected");
  EXPECT_TRUE(error.request_id.starts_with("req-"));
  EXPECT_FALSE(error.retryable);
}

// The exactly-once Batch submitter's setting: a 500 (retryable) must reach the server once.
TEST_F(AwsClientTest, MaxAttemptsOneSendsOnceEvenOnRetryableErrors) {
  auto client = Client({"batch", "batch", {}, Protocol::kJson});
  CallOptions once;
  once.max_attempts = 1;
  // The server fails the first two requests for this key with 500 InternalError.
  AwsOutcome<HttpResponse> outcome =
      client->Call("SubmitJob", JsonPost("/flaky/once/2/500/InternalError/"), once);
  ASSERT_EQ(outcome.index(), 1u);
  EXPECT_EQ(std::get<1>(outcome).http_status, 500);
  EXPECT_EQ(std::get<1>(outcome).code, "InternalError");
  EXPECT_TRUE(std::get<1>(outcome).retryable);  // retryable, yet not retried
  EXPECT_TRUE(sleeps.empty());
  // Had the first call sent 2 requests, this one would succeed at once; it needs exactly one
  // retry, so the server saw exactly one request before it.
  auto response = client->Send("SubmitJob", JsonPost("/flaky/once/2/500/InternalError/"));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(sleeps.size(), 1u);

  // The attempt header tells the service the per-call limit.
  auto echoed = client->Send(
      "ListJobs",
      []() -> Result<HttpRequest> {
        HttpRequest request;
        request.url = "/echo/";
        return request;
      },
      once);
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  std::string attempt_header;
  const auto echo = nlohmann::json::parse(echoed->body);
  for (const auto& header : echo["headers"]) {
    if (header[0] == "amz-sdk-request") attempt_header = header[1];
  }
  EXPECT_EQ(attempt_header, "attempt=1; max=1");
}

// The limiter is asked before every attempt, retries included, and sees throttling answers.
TEST_F(AwsClientTest, RateLimiterIsAcquiredBeforeEveryAttempt) {
  struct CountingLimiter final : RateLimiter {
    void Acquire() override { ++acquired; }
    void OnResponse(bool throttled) override { (throttled ? throttled_responses : other) += 1; }
    int acquired = 0, throttled_responses = 0, other = 0;
  };
  auto counting = std::make_shared<CountingLimiter>();
  ServiceConfig config{"batch", "batch", {}, Protocol::kJson};
  config.rate_limiter = counting;
  auto client = Client(config);
  // Two throttled answers, then success: three attempts.
  auto response =
      client->Send("SubmitJob", JsonPost("/flaky/limited/2/429/TooManyRequestsException/"));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(counting->acquired, 3);
  EXPECT_EQ(counting->throttled_responses, 2);
  EXPECT_EQ(counting->other, 1);

  // A token bucket of 10/s with a burst of 1 on a manual clock: 4 more calls wait 0.1 s each.
  ManualLimiterClock clock;
  client->set_rate_limiter(std::make_shared<TokenBucketRateLimiter>(10, 1, clock));
  for (int i = 0; i < 5; ++i) {
    auto echoed = client->Send("ListJobs", []() -> Result<HttpRequest> {
      HttpRequest request;
      request.url = "/echo/";
      return request;
    });
    ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  }
  EXPECT_NEAR(clock.slept(), 0.4, 1e-9);
}

// AWS_RETRY_MODE=adaptive: the client has an adaptive limiter; a throttling answer switches it
// on, and the retry then waits for a token (on a manual clock here, so nothing really sleeps).
TEST_F(AwsClientTest, AdaptiveModeSlowsDownAfterThrottling) {
  EXPECT_EQ(Client({"batch", "batch", {}, Protocol::kJson})->adaptive_limiter(), nullptr);
  RetryConfig adaptive;
  adaptive.mode = RetryMode::kAdaptive;
  auto client = Client({"batch", "batch", {}, Protocol::kJson}, adaptive);
  ASSERT_NE(client->adaptive_limiter(), nullptr);
  ManualLimiterClock clock;
  auto limiter = std::make_shared<AdaptiveRateLimiter>(clock);
  client->set_adaptive_limiter(limiter);
  auto response =
      client->Send("SubmitJob", JsonPost("/flaky/adaptive/1/429/TooManyRequestsException/"));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_TRUE(limiter->enabled());
  // Nothing was measured before the throttle, so the rate fell to the minimum, 0.5/s: the retry
  // waited 2 s for its token.
  EXPECT_NEAR(clock.slept(), 2.0, 1e-9);
}

TEST_F(AwsClientTest, StreamsLargeFilesBothWaysWithS3Signing) {
  testing::TempDir dir;
  const std::string source = dir.path() + "/object.bin";
  constexpr std::uint64_t kSize = 64ull << 20;
  {
    std::ofstream out(source, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (std::uint64_t i = 0; i < kSize; i += block.size()) {
      for (std::size_t j = 0; j < block.size(); ++j) block[j] = static_cast<char>((i + j) % 251);
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  auto client = Client({"s3", "s3", {}, Protocol::kRestXml, /*s3=*/true, /*unsigned=*/true});
  [[maybe_unused]] const long rss_before = testing::PeakRssKib();
  auto uploaded = client->Send("PutObject", [&]() -> Result<HttpRequest> {
    ASSIGN_OR_RETURN(FileBody body, FileBodySource(source));
    HttpRequest request;
    request.method = "PUT";
    request.url = "/upload";
    request.body_source = std::move(body.source);
    request.content_length = body.length;
    return request;
  });
  ASSERT_TRUE(uploaded.ok()) << uploaded.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(uploaded->body)["sha256"], *Sha256HexOfFile(source));

  const std::string target = dir.path() + "/downloaded.bin";
  auto downloaded = client->Send("GetObject", [&]() -> Result<HttpRequest> {
    ASSIGN_OR_RETURN(BodySink sink, FileBodySink(target));
    HttpRequest request;
    request.url = "/download?bytes=" + std::to_string(kSize);
    request.response_sink = std::move(sink);
    return request;
  });
  ASSERT_TRUE(downloaded.ok()) << downloaded.status().ToString();
  EXPECT_EQ(std::filesystem::file_size(target), kSize);
  EXPECT_EQ(*Sha256HexOfFile(target), *Sha256HexOfFile(source));
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(testing::PeakRssKib() - rss_before,
            16 * 1024);  // 128 MiB moved, well under 16 MiB held
#endif
}

TEST_F(AwsClientTest, RetriedStreamedUploadStartsOver) {
  testing::TempDir dir;
  const std::string source = dir.Write("part", std::string(4 << 20, 'p'));
  auto client = Client({"s3", "s3", {}, Protocol::kRestXml, true, true});
  int attempts = 0;
  auto response = client->Send("UploadPart", [&]() -> Result<HttpRequest> {
    ++attempts;
    ASSIGN_OR_RETURN(FileBody body, FileBodySource(source));
    HttpRequest request;
    request.method = "PUT";
    request.url = "/flaky/part/1/503/SlowDown/";
    request.body_source = std::move(body.source);
    request.content_length = body.length;
    return request;
  });
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(sleeps, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(250)});
}

}  // namespace
}  // namespace awshpc::aws
