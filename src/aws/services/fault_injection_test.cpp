// File: services/fault_injection_test.cpp
// The real client stack (CurlHttpClient, SigV4, AwsClient, standard retries; Logs and Batch for
// json/rest-json, IAM and STS for query, S3 for rest-xml) against
// moto_server through tests/tools/fault_proxy.py, a loopback proxy that answers a seeded share of
// requests itself with throttling errors, 500/503 or a connection reset, and counts what it
// forwards. The suite starts one moto_server, each test its own proxy, on free 127.0.0.1 ports;
// both are stopped by PID. Fake credentials; the retry sleeper is a no-op, so backoff costs no
// time.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "../test_util.hpp"
#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/protocols/json.hpp"
#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/retry_strategy.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/logs.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/aws/services/sts.hpp"
#include "services_test_env.hpp"

namespace awshpc::aws {
namespace {

using protocols::Json;
using testing::ChildProcess;
using testing::FreeLoopbackPort;
using testing::MotoEnvironment;
using testing::SourcePath;
using testing::WaitForPort;

constexpr int kMaxAttempts = 10;

class FaultInjectionTest : public ::testing::Test {
 protected:
  // One moto_server for the suite (it takes seconds to start); each test has its own proxy and
  // its own log group prefix.
  static void SetUpTestSuite() { moto_ = std::make_unique<MotoEnvironment>(); }
  static void TearDownTestSuite() { moto_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(testing::HaveProgram("python3")) << "python3 is missing";
    ASSERT_TRUE(moto_->ok()) << moto_->error();
  }

  // Starts the proxy in front of moto with the given fault arguments (--throttle 0.3, ...).
  void StartProxy(const std::vector<std::string>& faults) {
    proxy_port_ = FreeLoopbackPort();
    std::vector<std::string> argv = {"python3", SourcePath("tests/tools/fault_proxy.py"),
                                     std::to_string(proxy_port_), moto_->url()};
    argv.insert(argv.end(), faults.begin(), faults.end());
    proxy_ = std::make_unique<ChildProcess>(argv);
    ASSERT_TRUE(proxy_->running());
    ASSERT_TRUE(WaitForPort(proxy_port_, 10'000)) << "fault_proxy.py did not start";
  }

  std::string proxy_url() const { return "http://127.0.0.1:" + std::to_string(proxy_port_); }

  // A client of `service` whose endpoint is the proxy, with kMaxAttempts attempts, its own retry
  // quota and a sleeper that only counts the retries.
  std::unique_ptr<AwsClient> MakeClient(const std::string& service, Protocol protocol,
                                        bool s3 = false) {
    ServiceConfig config;
    config.service = service;
    config.signing_name = service;
    config.endpoint = Endpoint{proxy_url(), "us-east-1", "test"};
    config.protocol = protocol;
    config.s3 = s3;
    RetryConfig retry;
    retry.max_attempts = kMaxAttempts;
    quota_ = std::make_shared<RetryQuota>();
    RetryStrategy strategy(
        retry, nullptr, [this](std::chrono::milliseconds) { ++retries_; }, quota_);
    return std::make_unique<AwsClient>(std::move(config), http_, &credentials_,
                                       SystemClock::Instance(), std::move(strategy));
  }
  logs::LogsClient MakeLogsClient() {
    return logs::LogsClient(MakeClient("logs", Protocol::kJson));
  }

  // GET /__proxy/stats, straight from the proxy.
  Json ProxyStats() {
    HttpRequest request;
    request.url = proxy_url() + "/__proxy/stats";
    auto response = http_.Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return Json::object();
    EXPECT_EQ(response->status, 200);
    auto stats = protocols::ParseJsonBody(response->body, "proxy stats");
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : Json::object();
  }

  // The log group names moto holds under `prefix`, asked directly (not through the proxy).
  std::multiset<std::string> MotoLogGroups(const std::string& prefix) {
    std::multiset<std::string> names;
    auto client = logs::LogsClient::Create(moto_->context());
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return names;
    std::string token;
    for (int page = 0; page < 20; ++page) {
      Json body = {{"logGroupNamePrefix", prefix}, {"limit", 50}};
      if (!token.empty()) body["nextToken"] = token;
      auto response = client->client().Send("DescribeLogGroups", [&]() -> Result<HttpRequest> {
        return protocols::MakeJsonRequest(logs::kTargetPrefix, "DescribeLogGroups", body);
      });
      EXPECT_TRUE(response.ok()) << response.status().ToString();
      if (!response.ok()) break;
      auto out = protocols::ParseJsonBody(response->body, "DescribeLogGroups");
      EXPECT_TRUE(out.ok());
      if (!out.ok()) break;
      for (const Json& group : protocols::JsonArray(*out, "logGroups")) {
        names.insert(protocols::JsonString(group, "logGroupName"));
      }
      token = protocols::JsonString(*out, "nextToken");
      if (token.empty()) break;
    }
    return names;
  }

  // Every forwarded request was forwarded once, and there were `expected` of them.
  void ExpectEachForwardedOnce(const Json& stats, int expected) {
    EXPECT_EQ(stats.value("forwarded", -1), expected) << stats.dump();
    EXPECT_EQ(stats.value("distinct_forwarded", -1), expected) << stats.dump();
    EXPECT_EQ(stats.value("max_forwards_per_signature", -1), 1) << stats.dump();
  }

  static std::unique_ptr<MotoEnvironment> moto_;
  std::unique_ptr<ChildProcess> proxy_;
  int proxy_port_ = 0;
  CurlHttpClient http_;
  StaticCredentialsProvider credentials_{
      Credentials{"AKIDFAKEFAKEFAKE", "fake-secret", "", std::nullopt, "test"}};
  std::shared_ptr<RetryQuota> quota_;
  int retries_ = 0;
};
std::unique_ptr<MotoEnvironment> FaultInjectionTest::moto_;

// 30% throttling, 6% 500/503 and 4% connection resets with a fixed seed: every call succeeds
// within kMaxAttempts, each distinct request reaches moto exactly once, and moto holds each log
// group once. The retry quota (500 tokens, 5 a retry; a success refunds only its last retry, as in
// the SDKs' standard mode) is drawn down but never runs dry.
TEST_F(FaultInjectionTest, ThrottlingAndFaultsEveryCallSucceedsOnce) {
  StartProxy(
      {"--seed", "20261129", "--throttle", "0.30", "--server-error", "0.06", "--reset", "0.04"});
  logs::LogsClient logs = MakeLogsClient();
  constexpr int kCalls = 60;
  const std::string prefix = "/fault/throttled/";
  for (int i = 0; i < kCalls; ++i) {
    const std::string name = prefix + std::to_string(i);
    auto created = logs.CreateLogGroup({name});
    ASSERT_TRUE(created.ok()) << name << ": " << created.status().ToString();
  }
  const Json stats = ProxyStats();
  ExpectEachForwardedOnce(stats, kCalls);
  const Json& faults = stats["faults"];
  EXPECT_GT(faults.value("throttle", 0), kCalls / 10) << stats.dump();
  EXPECT_GT(faults.value("server_error", 0), 0) << stats.dump();
  EXPECT_GT(faults.value("reset", 0), 0) << stats.dump();
  // Every fault the client saw was retried (libcurl may itself resend a request whose reused
  // connection was reset, so retries can be fewer than faults, never more).
  const int injected =
      faults.value("throttle", 0) + faults.value("server_error", 0) + faults.value("reset", 0);
  EXPECT_GT(retries_, 0);
  EXPECT_LE(retries_, injected);
  EXPECT_EQ(stats.value("received", 0), kCalls + injected) << stats.dump();
  EXPECT_GE(quota_->available(), RetryQuota::kCapacity - RetryQuota::kRetryCost * retries_);
  EXPECT_GT(quota_->available(), RetryQuota::kRetryCost * kMaxAttempts) << "quota nearly dry";

  const std::multiset<std::string> groups = MotoLogGroups(prefix);
  EXPECT_EQ(groups.size(), static_cast<std::size_t>(kCalls));
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(groups.count(prefix + std::to_string(i)), 1u) << i;
}

// Every request answered 503: the call fails after exactly kMaxAttempts attempts with an error
// naming service, operation, HTTP status and code; nothing reaches moto.
TEST_F(FaultInjectionTest, PermanentFailureIsClearAfterConfiguredAttempts) {
  StartProxy({"--permanent"});
  logs::LogsClient logs = MakeLogsClient();
  auto created = logs.CreateLogGroup({"/fault/permanent"});
  ASSERT_FALSE(created.ok());
  const std::string message = created.status().message();
  EXPECT_EQ(created.status().code(), StatusCode::kUnavailable) << message;
  EXPECT_NE(message.find("logs CreateLogGroup"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 503"), std::string::npos) << message;
  EXPECT_NE(message.find("ServiceUnavailable"), std::string::npos) << message;
  EXPECT_NE(message.find("Permanent outage"), std::string::npos) << message;
  EXPECT_EQ(retries_, kMaxAttempts - 1);

  const Json stats = ProxyStats();
  EXPECT_EQ(stats.value("received", -1), kMaxAttempts) << stats.dump();
  EXPECT_EQ(stats.value("forwarded", -1), 0) << stats.dump();
  EXPECT_TRUE(MotoLogGroups("/fault/permanent").empty());
}

// The exactly-once submitter's setting: with max_attempts = 1 a SubmitJob answered 503 reaches
// the service once and is not retried; without it the same call is sent kMaxAttempts times, each
// attempt taking a token from the client's rate limiter.
TEST_F(FaultInjectionTest, SubmitJobWithOneAttemptIsSentOnce) {
  StartProxy({"--permanent"});
  batch::BatchClient batch(MakeClient("batch", Protocol::kRestJson));
  batch::SubmitJobRequest request;
  request.job_name = "once";
  request.job_queue = "q";
  request.job_definition = "d:1";
  CallOptions once;
  once.max_attempts = 1;
  auto submitted = batch.SubmitJob(request, once);
  ASSERT_FALSE(submitted.ok());
  EXPECT_EQ(submitted.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(submitted.status().message().find("batch SubmitJob: HTTP 503"), std::string::npos)
      << submitted.status().message();
  EXPECT_EQ(retries_, 0);
  EXPECT_EQ(ProxyStats().value("received", -1), 1);

  // With the backend's limiter (40/s, burst 1, manual clock) every attempt takes a token: 11
  // attempts in all, the 10 after the first wait 25 ms each.
  ManualLimiterClock clock;
  batch.SetRateLimiter(std::make_shared<TokenBucketRateLimiter>(40, 1, clock));
  EXPECT_FALSE(batch.SubmitJob(request, once).ok());
  EXPECT_FALSE(batch.SubmitJob(request).ok());
  EXPECT_EQ(retries_, kMaxAttempts - 1);
  EXPECT_EQ(ProxyStats().value("received", -1), 2 + kMaxAttempts);
  EXPECT_NEAR(clock.slept(), kMaxAttempts * 0.025, 1e-9);
}

// Only connection resets (a third of the requests): retried, every call succeeds, once each.
TEST_F(FaultInjectionTest, ConnectionResetsAreRetried) {
  StartProxy({"--seed", "7", "--reset", "0.34"});
  logs::LogsClient logs = MakeLogsClient();
  constexpr int kCalls = 20;
  const std::string prefix = "/fault/reset/";
  for (int i = 0; i < kCalls; ++i) {
    const std::string name = prefix + std::to_string(i);
    auto created = logs.CreateLogGroup({name});
    ASSERT_TRUE(created.ok()) << name << ": " << created.status().ToString();
  }
  const Json stats = ProxyStats();
  ExpectEachForwardedOnce(stats, kCalls);
  EXPECT_GT(stats["faults"].value("reset", 0), 0) << stats.dump();
  EXPECT_GT(retries_, 0);
  EXPECT_EQ(MotoLogGroups(prefix).size(), static_cast<std::size_t>(kCalls));
}

// ---- query protocol (IAM, STS): throttling is 400 <ErrorResponse> Throttling ----

constexpr ServiceInfo kIam{"IAM", "iam", "iam", true};

// IAM CreateUser through the proxy (not idempotent: a second forward would fail with
// EntityAlreadyExists); the user's ARN.
Result<std::string> CreateUser(AwsClient& iam, const std::string& name) {
  protocols::QueryParams params;
  params.Add("UserName", name);
  params.Add("Path", "/fault/");
  ASSIGN_OR_RETURN(const HttpResponse response,
                   iam.Send("CreateUser", [&]() -> Result<HttpRequest> {
                     return protocols::MakeQueryRequest("CreateUser", "2010-05-08", params);
                   }));
  ASSIGN_OR_RETURN(const protocols::XmlDocument doc,
                   protocols::XmlDocument::Parse(response.body, "iam CreateUser"));
  ASSIGN_OR_RETURN(const pugi::xml_node result,
                   protocols::QueryResultNode(doc, "CreateUser", protocols::QueryFlavor::kQuery));
  return protocols::XmlText(result, "User/Arn");
}

// The user names moto holds under path /fault/, asked directly (not through the proxy).
std::multiset<std::string> MotoUsers(AwsContext& context) {
  std::multiset<std::string> names;
  auto iam = context.MakeClient(kIam, Protocol::kQuery);
  EXPECT_TRUE(iam.ok()) << iam.status().ToString();
  if (!iam.ok()) return names;
  protocols::QueryParams params;
  params.Add("PathPrefix", "/fault/");
  params.Add("MaxItems", "1000");
  auto response = (*iam)->Send("ListUsers", [&]() -> Result<HttpRequest> {
    return protocols::MakeQueryRequest("ListUsers", "2010-05-08", params);
  });
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  if (!response.ok()) return names;
  auto doc = protocols::XmlDocument::Parse(response->body, "iam ListUsers");
  EXPECT_TRUE(doc.ok());
  if (!doc.ok()) return names;
  auto result = protocols::QueryResultNode(*doc, "ListUsers", protocols::QueryFlavor::kQuery);
  EXPECT_TRUE(result.ok());
  if (!result.ok()) return names;
  for (const pugi::xml_node& user : protocols::XmlList(*result, "Users", "member")) {
    names.insert(protocols::XmlText(user, "UserName"));
  }
  return names;
}

// 30% throttling, 6% 5xx, 4% resets on the query protocol: every IAM CreateUser succeeds, each
// reaches moto once (moto holds each user once), and STS GetCallerIdentity answers too.
TEST_F(FaultInjectionTest, QueryProtocolThrottlingAndFaultsEveryCallSucceedsOnce) {
  StartProxy({"--seed", "31", "--throttle", "0.30", "--server-error", "0.06", "--reset", "0.04"});
  std::unique_ptr<AwsClient> iam = MakeClient("iam", Protocol::kQuery);
  constexpr int kCalls = 40;
  for (int i = 0; i < kCalls; ++i) {
    auto arn = CreateUser(*iam, "fault-user-" + std::to_string(i));
    ASSERT_TRUE(arn.ok()) << i << ": " << arn.status().ToString();
    EXPECT_TRUE(arn->ends_with(":user/fault/fault-user-" + std::to_string(i))) << *arn;
  }
  sts::StsIdentityClient sts(MakeClient("sts", Protocol::kQuery));
  for (int i = 0; i < 5; ++i) {
    auto identity = sts.GetCallerIdentity();
    ASSERT_TRUE(identity.ok()) << identity.status().ToString();
    EXPECT_EQ(identity->account, "123456789012");
  }
  const Json stats = ProxyStats();
  // The five GetCallerIdentity requests are identical, so they share one signature.
  EXPECT_EQ(stats.value("forwarded", -1), kCalls + 5) << stats.dump();
  EXPECT_EQ(stats.value("distinct_forwarded", -1), kCalls + 1) << stats.dump();
  const Json& faults = stats["faults"];
  EXPECT_GT(faults.value("throttle", 0), kCalls / 10) << stats.dump();
  EXPECT_GT(faults.value("server_error", 0) + faults.value("reset", 0), 0) << stats.dump();
  EXPECT_GT(retries_, 0);

  const std::multiset<std::string> users = MotoUsers(moto_->context());
  EXPECT_EQ(users.size(), static_cast<std::size_t>(kCalls));
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_EQ(users.count("fault-user-" + std::to_string(i)), 1u) << i;
  }
}

TEST_F(FaultInjectionTest, QueryProtocolPermanentFailureIsClear) {
  StartProxy({"--permanent"});
  std::unique_ptr<AwsClient> iam = MakeClient("iam", Protocol::kQuery);
  auto arn = CreateUser(*iam, "never-created");
  ASSERT_FALSE(arn.ok());
  const std::string message = arn.status().message();
  EXPECT_EQ(arn.status().code(), StatusCode::kUnavailable) << message;
  EXPECT_TRUE(message.starts_with("iam CreateUser: HTTP 503 ServiceUnavailable")) << message;
  EXPECT_EQ(retries_, kMaxAttempts - 1);
  EXPECT_EQ(ProxyStats().value("received", -1), kMaxAttempts);
}

// ---- rest-xml (S3): throttling is 503 <Error> SlowDown ----

// 30% SlowDown, 6% 5xx, 4% resets: 30 PutObject and 30 GetObject calls all succeed, each reaches
// moto once, and every object holds what was sent. A streamed file upload that meets a reset, a
// 503 and a SlowDown before it gets through starts its stream over each time.
TEST_F(FaultInjectionTest, RestXmlThrottlingAndFaultsEveryCallSucceedsOnce) {
  auto direct = s3::S3Client::Create(moto_->context());
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  ASSERT_TRUE(direct->CreateBucket({"fault-rest-xml", ""}).ok());

  StartProxy({"--seed", "1129", "--script", "reset,server_error_503,throttle", "--throttle", "0.30",
              "--server-error", "0.06", "--reset", "0.04"});
  s3::S3Client s3(MakeClient("s3", Protocol::kRestXml, true), &credentials_);

  testing::TempDir dir;
  std::string content;
  for (int i = 0; i < 200'000; ++i) content += static_cast<char>('a' + i % 26);
  const std::string file = dir.Write("streamed.bin", content);
  s3::PutObjectRequest streamed;
  streamed.bucket = "fault-rest-xml";
  streamed.key = "streamed.bin";
  streamed.file_path = file;
  auto put_streamed = s3.PutObject(streamed);
  ASSERT_TRUE(put_streamed.ok()) << put_streamed.status().ToString();
  EXPECT_EQ(retries_, 3);
  auto stored = direct->GetObject({"fault-rest-xml", "streamed.bin", "", ""});
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->body, content);

  constexpr int kCalls = 30;
  for (int i = 0; i < kCalls; ++i) {
    s3::PutObjectRequest put;
    put.bucket = "fault-rest-xml";
    put.key = "results/" + std::to_string(i) + ".txt";
    put.body = "result " + std::to_string(i * i);
    auto written = s3.PutObject(put);
    ASSERT_TRUE(written.ok()) << put.key << ": " << written.status().ToString();
  }
  for (int i = 0; i < kCalls; ++i) {
    auto read = s3.GetObject({"fault-rest-xml", "results/" + std::to_string(i) + ".txt", "", ""});
    ASSERT_TRUE(read.ok()) << i << ": " << read.status().ToString();
    EXPECT_EQ(read->body, "result " + std::to_string(i * i));
  }
  const Json stats = ProxyStats();
  ExpectEachForwardedOnce(stats, 1 + 2 * kCalls);
  EXPECT_GT(stats["faults"].value("throttle", 0), kCalls / 10) << stats.dump();
  auto listed = direct->ListObjectsV2({"fault-rest-xml", "results/", "", {}, "", ""});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->contents.size(), static_cast<std::size_t>(kCalls));
}

TEST_F(FaultInjectionTest, RestXmlPermanentFailureIsClear) {
  StartProxy({"--permanent"});
  s3::S3Client s3(MakeClient("s3", Protocol::kRestXml, true), &credentials_);
  auto written = s3.PutObject({"fault-rest-xml", "never.txt", "", "x", "", {}});
  ASSERT_FALSE(written.ok());
  const std::string message = written.status().message();
  EXPECT_EQ(written.status().code(), StatusCode::kUnavailable) << message;
  EXPECT_TRUE(message.starts_with("s3 PutObject: HTTP 503 ServiceUnavailable")) << message;
  EXPECT_EQ(retries_, kMaxAttempts - 1);
  EXPECT_EQ(ProxyStats().value("received", -1), kMaxAttempts);
}

}  // namespace
}  // namespace awshpc::aws
