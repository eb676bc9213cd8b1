// File: batch/submitter_integration_test.cpp
// The exactly-once submitter against moto_server's Batch through tests/tools/fault_proxy.py, a
// loopback proxy that throttles (429), answers 5xx, resets connections before forwarding, and
// resets them after moto has processed the request (the response is lost: the job exists but the
// client cannot know). The suite starts moto (jobs run without Docker), each test its own proxy;
// both are stopped by PID. What reached moto is checked on moto directly, not through the proxy.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../aws/services/services_test_env.hpp"
#include "../aws/test_util.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/curl_http_client.hpp"
#include "awshpc/aws/protocols/json.hpp"
#include "awshpc/batch/array.hpp"
#include "awshpc/batch/submitter.hpp"

namespace awshpc::batch {
namespace {

using aws::protocols::Json;
using aws::testing::ChildProcess;
using aws::testing::FreeLoopbackPort;
using aws::testing::MotoEnvironment;
using aws::testing::SourcePath;
using aws::testing::WaitForPort;

// Fewer submissions under the sanitizers: the same paths, a tenth of the time.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kManySubmissions = 1'000;
#else
constexpr int kManySubmissions = 5'000;
#endif

class SubmitterIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = std::make_unique<MotoEnvironment>();
    if (!moto_->ok()) return;
    setup_error_ = MakeFixture();
  }
  static void TearDownTestSuite() {
    direct_.reset();
    moto_.reset();
  }

  // A compute environment and a job definition for every test; each test makes its own queue.
  static std::string MakeFixture() {
    if (Status docker = moto_->DisableBatchDocker(); !docker.ok()) return docker.ToString();
    auto role = moto_->CreateRole("batch-submitter-role");
    if (!role.ok()) return role.status().ToString();
    auto client = aws::batch::BatchClient::Create(moto_->context());
    if (!client.ok()) return client.status().ToString();
    direct_ = std::make_unique<aws::batch::BatchClient>(std::move(client).value());
    aws::batch::CreateComputeEnvironmentRequest ce;
    ce.compute_environment_name = "submitter-ce";
    ce.type = "UNMANAGED";
    ce.state = "ENABLED";
    ce.service_role = *role;
    auto created = direct_->CreateComputeEnvironment(ce);
    if (!created.ok()) return created.status().ToString();
    ce_arn_ = created->compute_environment_arn;
    aws::batch::RegisterJobDefinitionRequest definition;
    definition.job_definition_name = "lammps";
    definition.container_properties = aws::batch::ContainerProperties{};
    definition.container_properties->image = "public.ecr.aws/amazonlinux/amazonlinux:2023";
    definition.container_properties->command = {"true"};
    definition.container_properties->resource_requirements = {{"VCPU", "1"}, {"MEMORY", "512"}};
    definition.retry_strategy = aws::batch::JobRetryStrategy{1, {}};
    auto registered = direct_->RegisterJobDefinition(definition);
    if (!registered.ok()) return registered.status().ToString();
    return "";
  }

  void SetUp() override {
    ASSERT_TRUE(aws::testing::HaveProgram("python3")) << "python3 is missing";
    ASSERT_TRUE(moto_->ok()) << moto_->error();
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  // A queue of this test's own, so listings count only its jobs.
  std::string MakeQueue(const std::string& name) {
    aws::batch::CreateJobQueueRequest queue;
    queue.job_queue_name = name;
    queue.state = "ENABLED";
    queue.priority = 1;
    queue.compute_environment_order = {{1, ce_arn_}};
    auto created = direct_->CreateJobQueue(queue);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return name;
  }

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

  // A Batch client whose endpoint is the proxy: the standard retry mode (3 attempts) for the
  // idempotent calls, no real sleeping.
  aws::batch::BatchClient ProxiedClient() {
    aws::ServiceConfig config;
    config.service = "batch";
    config.signing_name = "batch";
    config.endpoint = aws::Endpoint{proxy_url(), "us-east-1", "test"};
    config.protocol = aws::Protocol::kRestJson;
    aws::RetryStrategy strategy(
        aws::RetryConfig{}, nullptr, [](std::chrono::milliseconds) {},
        std::make_shared<aws::RetryQuota>());
    return aws::batch::BatchClient(std::make_unique<aws::AwsClient>(
        std::move(config), http_, &credentials_, SystemClock::Instance(), std::move(strategy)));
  }

  // Submitter options for tests: the backoff is recorded, not slept.
  SubmitterOptions Options() {
    SubmitterOptions options;
    options.sleeper = [this](std::chrono::milliseconds delay) {
      sleeps_.fetch_add(1);
      slept_ms_.fetch_add(delay.count());
    };
    return options;
  }

  static aws::batch::SubmitJobRequest Request(const std::string& queue, const std::string& id) {
    aws::batch::SubmitJobRequest request;
    request.job_name = *BatchJobName("lammps", id);
    request.job_queue = queue;
    request.job_definition = "lammps";
    request.tags = {{kJobIdTag, id}, {"aws-hpc:app", "lammps"}};
    return request;
  }

  // Every job moto holds in `queue` (array children, "<parent>:<index>", left out), asked
  // directly.
  std::vector<aws::batch::JobSummary> MotoJobs(const std::string& queue) {
    aws::batch::ListJobsRequest list;
    list.job_queue = queue;
    list.filters = {{"JOB_NAME", {"*"}}};  // with a filter: every status
    auto listed = direct_->ListAllJobs(list);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    std::vector<aws::batch::JobSummary> jobs;
    if (!listed.ok()) return jobs;
    for (auto& job : *listed) {
      if (job.job_id.find(':') == std::string::npos) jobs.push_back(std::move(job));
    }
    return jobs;
  }

  Json ProxyStats() {
    aws::HttpRequest request;
    request.url = proxy_url() + "/__proxy/stats";
    auto response = http_.Send(request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return Json::object();
    auto stats = aws::protocols::ParseJsonBody(response->body, "proxy stats");
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : Json::object();
  }
  static int Forwarded(const Json& stats, const std::string& path) {
    return stats["forwarded_by_path"].value(path, 0);
  }

  static std::unique_ptr<MotoEnvironment> moto_;
  static std::unique_ptr<aws::batch::BatchClient> direct_;
  static std::string ce_arn_;
  static std::string setup_error_;
  std::unique_ptr<ChildProcess> proxy_;
  int proxy_port_ = 0;
  aws::CurlHttpClient http_;
  aws::StaticCredentialsProvider credentials_{
      aws::Credentials{"AKIDFAKEFAKEFAKE", "fake-secret", "", std::nullopt, "test"}};
  std::atomic<int> sleeps_{0};
  std::atomic<std::int64_t> slept_ms_{0};
};
std::unique_ptr<MotoEnvironment> SubmitterIntegrationTest::moto_;
std::unique_ptr<aws::batch::BatchClient> SubmitterIntegrationTest::direct_;
std::string SubmitterIntegrationTest::ce_arn_;
std::string SubmitterIntegrationTest::setup_error_;

// Moto creates the job, the response is lost: the lookup finds it, nothing is sent again.
TEST_F(SubmitterIntegrationTest, LostResponseIsFoundNotResubmitted) {
  const std::string queue = MakeQueue("q-lost-response");
  StartProxy({"--path", "/v1/submitjob", "--script", "reset_after"});
  aws::batch::BatchClient client = ProxiedClient();
  ExactlyOnceSubmitter submitter(client, Options());
  auto outcome = submitter.Submit(Request(queue, "j-lost0001"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->found_existing);
  EXPECT_EQ(outcome->submit_calls, 1);
  EXPECT_EQ(outcome->lookups, 1);
  EXPECT_EQ(sleeps_.load(), 1);
  const Json stats = ProxyStats();
  EXPECT_EQ(stats["faults"].value("reset_after", 0), 1) << stats.dump();
  EXPECT_EQ(Forwarded(stats, "/v1/submitjob"), 1) << stats.dump();
  const auto jobs = MotoJobs(queue);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].job_id, outcome->job.job_id);
  EXPECT_EQ(jobs[0].job_name, "lammps-j-lost0001");
}

// A reset before moto saw the request: the lookup finds nothing, the job is submitted again.
TEST_F(SubmitterIntegrationTest, UnsentRequestIsSubmittedAgainAfterLookup) {
  const std::string queue = MakeQueue("q-unsent");
  StartProxy({"--path", "/v1/submitjob", "--script", "reset"});
  aws::batch::BatchClient client = ProxiedClient();
  ExactlyOnceSubmitter submitter(client, Options());
  auto outcome = submitter.Submit(Request(queue, "j-unsent01"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->found_existing);
  EXPECT_EQ(outcome->submit_calls, 2);
  EXPECT_EQ(outcome->lookups, 1);
  const auto jobs = MotoJobs(queue);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].job_id, outcome->job.job_id);
}

// Throttled twice (HTTP 429 TooManyRequestsException), then accepted; the backoff used the
// throttling base (>= min_delay + nothing, bounded by min_delay + throttling base * 2).
TEST_F(SubmitterIntegrationTest, ThrottledThenAccepted) {
  const std::string queue = MakeQueue("q-throttled");
  StartProxy({"--path", "/v1/submitjob", "--script", "throttle,throttle"});
  aws::batch::BatchClient client = ProxiedClient();
  SubmitterOptions options = Options();
  ExactlyOnceSubmitter submitter(client, options);
  auto outcome = submitter.Submit(Request(queue, "j-thr00001"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->submit_calls, 3);
  EXPECT_EQ(outcome->lookups, 2);
  EXPECT_EQ(sleeps_.load(), 2);
  EXPECT_GE(slept_ms_.load(), 2 * options.min_delay.count());
  EXPECT_LE(slept_ms_.load(),
            2 * options.min_delay.count() + 3 * options.throttling_base_delay.count());
  EXPECT_EQ(ProxyStats()["faults"].value("throttle", 0), 2);
  EXPECT_EQ(MotoJobs(queue).size(), 1u);
}

// Batch refuses the request (no such job definition): one call, the error at once, with the
// platform id, the Batch name and Batch's own message.
TEST_F(SubmitterIntegrationTest, ClientExceptionIsReturnedAtOnce) {
  const std::string queue = MakeQueue("q-refused");
  StartProxy({});
  aws::batch::BatchClient client = ProxiedClient();
  ExactlyOnceSubmitter submitter(client, Options());
  aws::batch::SubmitJobRequest request = Request(queue, "j-refused1");
  request.job_definition = "no-such-definition";
  auto outcome = submitter.Submit(request);
  ASSERT_FALSE(outcome.ok());
  const std::string message = outcome.status().message();
  EXPECT_EQ(outcome.status().code(), StatusCode::kInvalidArgument) << message;
  EXPECT_NE(message.find("batch submit j-refused1 (lammps-j-refused1): batch SubmitJob: HTTP 400 "
                         "ClientException"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("no-such-definition"), std::string::npos) << message;
  EXPECT_EQ(submitter.stats().submit_calls, 1);
  EXPECT_EQ(sleeps_.load(), 0);
  EXPECT_EQ(ProxyStats().value("received", -1), 1);
  EXPECT_TRUE(MotoJobs(queue).empty());
}

// Another job with the same name (another platform id, or the same name in other case) is not
// taken for ours: the lookup confirms the aws-hpc:job-id tag.
TEST_F(SubmitterIntegrationTest, SameNameWithOtherTagIsNotTaken) {
  const std::string queue = MakeQueue("q-same-name");
  aws::batch::SubmitJobRequest other = Request(queue, "j-same0001");
  other.tags[kJobIdTag] = "j-other001";
  ASSERT_TRUE(direct_->SubmitJob(other).ok());
  aws::batch::SubmitJobRequest upper = Request(queue, "j-same0001");
  upper.job_name = "LAMMPS-J-SAME0001";
  ASSERT_TRUE(direct_->SubmitJob(upper).ok());
  StartProxy({"--path", "/v1/submitjob", "--script", "reset"});
  aws::batch::BatchClient client = ProxiedClient();
  ExactlyOnceSubmitter submitter(client, Options());
  auto outcome = submitter.Submit(Request(queue, "j-same0001"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->found_existing);
  EXPECT_EQ(outcome->submit_calls, 2);
  EXPECT_EQ(MotoJobs(queue).size(), 3u);
  auto found = submitter.Find(Request(queue, "j-same0001"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->job_id, outcome->job.job_id);
}

// The control: the same lost responses with the client's own retries (no exactly-once
// submitter) duplicate jobs. This is what the submitter exists for, and it proves the proxy's
// reset_after really loses responses of requests moto carried out.
TEST_F(SubmitterIntegrationTest, ClientRetriesAloneDuplicateJobs) {
  const std::string queue = MakeQueue("q-naive");
  StartProxy({"--path", "/v1/submitjob", "--script", "reset_after,reset_after"});
  aws::batch::BatchClient client = ProxiedClient();
  auto submitted = client.SubmitJob(Request(queue, "j-naive001"));
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  EXPECT_EQ(MotoJobs(queue).size(), 3u);  // one call, three jobs
}

// A split array: 23 tasks in parts of 10 (10, 10, 3) and 21 tasks (10, 10, 1: a plain job), the
// response of one part lost. Each part exists once, with its size, offset and tags; a resumed
// submission (look_first) finds every part and submits nothing.
TEST_F(SubmitterIntegrationTest, SplitArrayPartsExistOnce) {
  const std::string queue = MakeQueue("q-array");
  StartProxy({"--path", "/v1/submitjob", "--script", "forward,reset_after"});
  aws::batch::BatchClient client = ProxiedClient();
  ExactlyOnceSubmitter submitter(client, Options());
  aws::batch::SubmitJobRequest base = Request(queue, "j-array001");
  auto submitted = SubmitArray(submitter, base, 23, 10);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  ASSERT_EQ(submitted->parts.size(), 3u);
  EXPECT_FALSE(submitted->parts[0].outcome.found_existing);
  EXPECT_TRUE(submitted->parts[1].outcome.found_existing);
  aws::batch::SubmitJobRequest single_base = Request(queue, "j-array002");
  auto with_single = SubmitArray(submitter, single_base, 21, 10);
  ASSERT_TRUE(with_single.ok()) << with_single.status().ToString();

  std::map<std::string, int> names;
  std::vector<std::string> ids;
  for (const auto& job : MotoJobs(queue)) {
    ++names[job.job_name];
    ids.push_back(job.job_id);
  }
  const std::map<std::string, int> expected = {
      {"lammps-j-array001-p0", 1}, {"lammps-j-array001-p1", 1}, {"lammps-j-array001-p2", 1},
      {"lammps-j-array002-p0", 1}, {"lammps-j-array002-p1", 1}, {"lammps-j-array002-p2", 1}};
  EXPECT_EQ(names, expected);
  auto described = direct_->DescribeJobs({ids});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  for (const auto& job : described->jobs) {
    SCOPED_TRACE(job.job_name);
    const int part = job.job_name.back() - '0';
    EXPECT_EQ(job.tags.at(kArrayPartTag), std::to_string(part));
    EXPECT_EQ(job.tags.at(kJobIdTag), job.job_name.substr(7, 10));
    std::map<std::string, std::string> env;
    ASSERT_TRUE(job.container.has_value());
    for (const auto& pair : job.container->environment) env[pair.name] = pair.value;
    EXPECT_EQ(env[kArrayOffsetEnv], std::to_string(part * 10));
    const bool single = job.job_name == "lammps-j-array002-p2";
    if (single) {
      EXPECT_FALSE(job.array_properties && job.array_properties->size);
      EXPECT_EQ(env[kArrayIndexEnv], "20");
    } else {
      ASSERT_TRUE(job.array_properties.has_value());
      EXPECT_EQ(job.array_properties->size, part == 2 ? 3 : 10);
    }
  }

  const auto before = submitter.stats().submit_calls;
  auto resumed = SubmitArray(submitter, base, 23, 10, /*look_first=*/true);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  for (const auto& part : resumed->parts) {
    EXPECT_TRUE(part.outcome.found_existing);
    EXPECT_EQ(part.outcome.submit_calls, 0);
    EXPECT_EQ(part.outcome.job.job_id,
              submitted->parts[static_cast<std::size_t>(part.part.index)].outcome.job.job_id);
  }
  EXPECT_EQ(submitter.stats().submit_calls, before);
}

// The proof: kManySubmissions (5,000) through 429s, 5xx, resets before and after moto
// processed the request, on every Batch call (lookups too), from 4 threads. Afterwards moto holds
// every job exactly once, and exactly as many SubmitJob requests reached moto as there are jobs.
TEST_F(SubmitterIntegrationTest, ManySubmissionsThroughFaultsExistExactlyOnce) {
  const std::string queue = MakeQueue("q-many");
  StartProxy({"--seed", "20261129", "--throttle", "0.12", "--server-error", "0.02", "--reset",
              "0.03", "--reset-after", "0.04"});
  aws::batch::BatchClient client = ProxiedClient();
  ExactlyOnceSubmitter submitter(client, Options());
  constexpr int kThreads = 4;
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::string> job_ids(kManySubmissions);
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = next++; i < kManySubmissions; i = next++) {
        auto outcome = submitter.Submit(Request(queue, fmt::format("j-{:08d}", i)));
        if (!outcome.ok()) {
          ++failures;
          errors[static_cast<std::size_t>(t)] = outcome.status().ToString();
          continue;
        }
        job_ids[static_cast<std::size_t>(i)] = outcome->job.job_id;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(failures.load(), 0) << errors[0] << errors[1] << errors[2] << errors[3];

  const Json stats = ProxyStats();
  const SubmitterStats counts = submitter.stats();
  std::cout << "submissions " << kManySubmissions << " in " << seconds << " s; SubmitJob calls "
            << counts.submit_calls << ", ambiguous " << counts.ambiguous << ", lookups "
            << counts.lookups << ", found existing " << counts.found_existing << "; proxy "
            << stats["faults"].dump() << ", received " << stats.value("received", 0) << "\n";
  const Json& faults = stats["faults"];
  EXPECT_GT(faults.value("throttle", 0), kManySubmissions / 20) << stats.dump();
  EXPECT_GT(faults.value("reset", 0), 0) << stats.dump();
  EXPECT_GT(faults.value("reset_after", 0), kManySubmissions / 100) << stats.dump();
  EXPECT_GT(counts.found_existing, kManySubmissions / 100);  // lost responses, found by lookups
  EXPECT_EQ(counts.submissions, kManySubmissions);
  // Each SubmitJob that reached moto made one job, and there are exactly kManySubmissions.
  EXPECT_EQ(Forwarded(stats, "/v1/submitjob"), kManySubmissions) << stats.dump();

  std::map<std::string, int> by_name;
  std::map<std::string, std::string> id_by_name;
  for (const auto& job : MotoJobs(queue)) {
    ++by_name[job.job_name];
    id_by_name[job.job_name] = job.job_id;
  }
  EXPECT_EQ(by_name.size(), static_cast<std::size_t>(kManySubmissions));
  int duplicated = 0;
  for (int i = 0; i < kManySubmissions; ++i) {
    const std::string name = fmt::format("lammps-j-{:08d}", i);
    const auto found = by_name.find(name);
    if (found == by_name.end() || found->second != 1) {
      ++duplicated;
      ADD_FAILURE() << name << " exists " << (found == by_name.end() ? 0 : found->second)
                    << " times";
      continue;
    }
    EXPECT_EQ(id_by_name[name], job_ids[static_cast<std::size_t>(i)]) << name;
  }
  EXPECT_EQ(duplicated, 0);
}

}  // namespace
}  // namespace awshpc::batch
