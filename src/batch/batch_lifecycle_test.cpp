// File: batch_lifecycle_test.cpp
// BatchBackend::Sync and Cancel on recorded, real-format DescribeJobs responses replayed from
// tests/tools/batch_replay_server.py (moto finishes every job inside SubmitJob, so RUNNABLE,
// RUNNING, a retry after a lost Spot instance and a cancel can only be seen this way), plus
// CloudWatch Logs of each attempt from moto_server. Responses follow the DescribeJobs examples
// of the AWS Batch API reference.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../aws/services/services_test_env.hpp"
#include "../aws/test_util.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/batch/batch_logs.hpp"
#include "awshpc/store/sqlite_job_store.hpp"

namespace awshpc::batch {
namespace {

namespace t = aws::testing;
using Json = nlohmann::json;
using sched::JobState;
using ::testing::HasSubstr;

constexpr UnixMillis kT0 = 1'764'430'000'000;
constexpr const char* kBatchId = "4c7a9f21-0d6e-4a63-9b8e-2f1c5d3e7a10";

Json Attempt(std::int64_t started, std::int64_t stopped, int exit_code, const std::string& reason,
             const std::string& stream) {
  return {
      {"container",
       {{"containerInstanceArn", "arn:aws:ecs:us-east-1:123456789012:container-instance/hpc/7d1f"},
        {"taskArn", "arn:aws:ecs:us-east-1:123456789012:task/hpc/" + stream.substr(0, 8)},
        {"exitCode", exit_code},
        {"logStreamName", stream},
        {"networkInterfaces", Json::array()}}},
      {"startedAt", started},
      {"stoppedAt", stopped},
      {"statusReason", reason}};
}

// One DescribeJobs response with our job in `status`.
Json Response(const std::string& status, Json attempts = Json::array(),
              std::optional<std::int64_t> started = std::nullopt,
              std::optional<std::int64_t> stopped = std::nullopt, const std::string& reason = "",
              std::optional<int> exit_code = std::nullopt, const std::string& stream = "") {
  Json container = {{"image", "public.ecr.aws/docker/library/busybox:stable"},
                    {"command", {"echo", "hi"}},
                    {"vcpus", 2},
                    {"memory", 512},
                    {"environment", Json::array()},
                    {"mountPoints", Json::array()},
                    {"ulimits", Json::array()},
                    {"resourceRequirements", Json::array()}};
  if (exit_code) container["exitCode"] = *exit_code;
  if (!stream.empty()) container["logStreamName"] = stream;
  Json job = {{"jobArn", std::string("arn:aws:batch:us-east-1:123456789012:job/") + kBatchId},
              {"jobName", "batch-echo-j-test"},
              {"jobId", kBatchId},
              {"jobQueue", "arn:aws:batch:us-east-1:123456789012:job-queue/q-amd-auto"},
              {"status", status},
              {"attempts", attempts},
              {"createdAt", kT0},
              {"retryStrategy", {{"attempts", 3}}},
              {"dependsOn", Json::array()},
              {"jobDefinition",
               "arn:aws:batch:us-east-1:123456789012:job-definition/"
               "aws-hpc-batch-echo-default-x86_64:1"},
              {"parameters", Json::object()},
              {"container", container},
              {"tags", {{"aws-hpc:job-id", "j-test"}}},
              {"platformCapabilities", {"EC2"}}};
  if (started) job["startedAt"] = *started;
  if (stopped) job["stoppedAt"] = *stopped;
  if (!reason.empty()) job["statusReason"] = reason;
  return {{"jobs", {job}}};
}

class BatchLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.ok()) << moto_.error();
    replay_port_ = t::FreeLoopbackPort();
    const std::string scenario = dir_.Write("scenario.json", R"({"describejobs": []})");
    replay_ = std::make_unique<t::ChildProcess>(
        std::vector<std::string>{"python3", t::SourcePath("tests/tools/batch_replay_server.py"),
                                 std::to_string(replay_port_), scenario});
    ASSERT_TRUE(t::WaitForPort(replay_port_, 10'000)) << "batch_replay_server.py did not start";
    // Batch from the replay server, everything else (Logs) from moto.
    env_ = moto_.env();
    env_.Set("AWS_ENDPOINT_URL_BATCH", ReplayUrl());
    aws::AwsContextOptions options;
    options.env = &env_;
    auto context = aws::AwsContext::Create(options);
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    context_ = std::move(context).value();
    auto client = aws::batch::BatchClient::Create(*context_);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::make_unique<aws::batch::BatchClient>(std::move(*client));

    const std::string db = dir_.path() + "/jobs.db";
    auto store = store::OpenSqliteJobStore(db, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto records = BatchRecords::Open(db, clock_);
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    records_ = std::move(*records);
    auto catalog = arch::Catalog::Builtin();
    ASSERT_TRUE(catalog.ok());
    backend_ = std::make_unique<BatchBackend>(*store_, *records_, *client_, **catalog, "us-east-1",
                                              clock_);
  }

  std::string ReplayUrl() const { return "http://127.0.0.1:" + std::to_string(replay_port_); }

  // Plays `responses` to the next DescribeJobs calls.
  void Play(const Json& responses) {
    aws::HttpRequest request;
    request.method = "POST";
    request.url = ReplayUrl() + "/scenario";
    request.body = Json{{"describejobs", responses}}.dump();
    auto response = context_->http().Send(request);
    ASSERT_TRUE(response.ok() && response->status == 200);
  }

  Json Calls() {
    aws::HttpRequest request;
    request.method = "GET";
    request.url = ReplayUrl() + "/calls";
    auto response = context_->http().Send(request);
    EXPECT_TRUE(response.ok());
    return response.ok() ? Json::parse(response->body) : Json::array();
  }

  // A job recorded as submitted to Batch as kBatchId.
  sched::Job Submitted(const std::string& batch_id = kBatchId) {
    sched::JobRequest request;
    request.name = "batch-echo";
    request.app = "batch-echo";
    request.variant = "default";
    request.argv = {"echo", "hi"};
    request.backend = "batch";
    request.resources.vcpus = 2;
    auto job = store_->Create(request, JobState::kSubmitted, "submitted");
    EXPECT_TRUE(job.ok());
    BatchJobLink link;
    link.job_id = job->id;
    link.region = "us-east-1";
    link.queue = "q-amd-auto";
    link.definition = "aws-hpc-batch-echo-default-x86_64:1";
    link.batch_ids = {batch_id};
    EXPECT_TRUE(records_->PutLink(link).ok());
    return *job;
  }

  sched::Job Get(const std::string& id) {
    auto job = store_->Get(id);
    EXPECT_TRUE(job.ok());
    return job.ok() ? *job : sched::Job{};
  }

  t::MotoEnvironment moto_;
  t::TempDir dir_;
  int replay_port_ = 0;
  std::unique_ptr<t::ChildProcess> replay_;
  aws::MapEnvironment env_;
  std::unique_ptr<aws::AwsContext> context_;
  std::unique_ptr<aws::batch::BatchClient> client_;
  FakeClock clock_{kT0 + 1'000'000};
  std::unique_ptr<store::JobStore> store_;
  std::unique_ptr<BatchRecords> records_;
  std::unique_ptr<BatchBackend> backend_;
};

TEST_F(BatchLifecycleTest, EveryStepIsRecordedAtBatchsTimesIncludingASpotRetry) {
  const sched::Job job = Submitted();
  const std::int64_t s1 = kT0 + 60'000, e1 = kT0 + 300'000;   // attempt 1: Spot reclaimed
  const std::int64_t s2 = kT0 + 420'000, e2 = kT0 + 900'000;  // attempt 2: exit 0
  const Json lost = Attempt(s1, e1, 137, "Host EC2 (instance i-0abc) terminated.", "a1/default/x");
  const Json ok = Attempt(s2, e2, 0, "Essential container in task exited", "a1/default/y");
  Play(Json::array(
      {Response("RUNNABLE"), Response("STARTING"), Response("RUNNING", Json::array(), s1),
       Response("RUNNABLE", Json::array({lost}), s1), Response("RUNNING", Json::array({lost}), s2),
       Response("SUCCEEDED", Json::array({lost, ok}), s2, e2, "Essential container in task exited",
                0, "a1/default/y")}));
  const std::vector<JobState> expected = {JobState::kRunnable, JobState::kStarting,
                                          JobState::kRunning,  JobState::kRunnable,
                                          JobState::kRunning,  JobState::kSucceeded};
  for (const JobState state : expected) {
    clock_.Advance(std::chrono::milliseconds(30'000));
    ASSERT_TRUE(backend_->Sync().ok());
    EXPECT_EQ(Get(job.id).state, state);
  }
  const sched::Job done = Get(job.id);
  ASSERT_EQ(done.history.size(), 7u);
  EXPECT_EQ(done.history[3].state, JobState::kRunning);
  EXPECT_EQ(done.history[3].time, s1);  // Batch's startedAt, not when we looked
  EXPECT_EQ(done.history[5].time, s2);
  EXPECT_EQ(done.history[6].time, e2);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.outcome.exit_code, 0);
  EXPECT_DOUBLE_EQ(done.outcome.usage.wall_seconds, (e2 - s2) / 1000.0);
  auto link = records_->GetLink(job.id);
  ASSERT_TRUE(link.ok());
  ASSERT_EQ(link->attempts.size(), 2u);
  EXPECT_EQ(link->attempts[0].exit_code, 137);
  EXPECT_THAT(link->attempts[0].status_reason, HasSubstr("Host EC2"));
  EXPECT_EQ(link->attempts[1].log_stream, "a1/default/y");
  // One DescribeJobs per look; a finished job is not asked about again.
  EXPECT_EQ(Calls().size(), 6u);
  ASSERT_TRUE(backend_->Sync().ok());
  EXPECT_EQ(Calls().size(), 6u);
}

TEST_F(BatchLifecycleTest, AJobSeenOnlyWhenFinishedStillGetsItsStartAndWallTime) {
  const sched::Job job = Submitted();
  const std::int64_t s = kT0 + 10'000, e = kT0 + 70'000;
  Play(Json::array({Response(
      "FAILED",
      Json::array({Attempt(s, e, 3, "Essential container in task exited", "a/default/z")}), s, e,
      "Essential container in task exited", 3)}));
  ASSERT_TRUE(backend_->Sync({job.id}).ok());
  const sched::Job done = Get(job.id);
  EXPECT_EQ(done.state, JobState::kFailed);
  EXPECT_EQ(done.started_at, s);
  EXPECT_EQ(done.ended_at, e);
  EXPECT_EQ(done.outcome.exit_code, 3);
  EXPECT_DOUBLE_EQ(done.outcome.usage.wall_seconds, 60.0);
}

TEST_F(BatchLifecycleTest, CancelTerminatesARunningJobAndItEndsCancelled) {
  const sched::Job job = Submitted();
  Play(Json::array(
      {Response("RUNNING", Json::array(), kT0 + 5'000),
       Response("FAILED", Json::array(), kT0 + 5'000, kT0 + 95'000, "cancelled by alice")}));
  ASSERT_TRUE(backend_->Sync().ok());
  ASSERT_EQ(Get(job.id).state, JobState::kRunning);
  ASSERT_TRUE(backend_->Cancel(job.id, "cancelled by alice").ok());
  ASSERT_TRUE(backend_->Sync().ok());
  EXPECT_EQ(Get(job.id).state, JobState::kCancelled);
  const Json calls = Calls();
  ASSERT_EQ(calls.size(), 3u) << calls.dump();
  EXPECT_EQ(calls[1]["path"], "/v1/terminatejob");  // it had started: CancelJob would not stop it
  EXPECT_EQ(calls[1]["body"]["jobId"], kBatchId);
  EXPECT_EQ(calls[1]["body"]["reason"], "cancelled by alice");
}

TEST_F(BatchLifecycleTest, CancelOfAQueuedJobUsesCancelJob) {
  const sched::Job job = Submitted();
  Play(Json::array({Response("RUNNABLE")}));
  ASSERT_TRUE(backend_->Sync().ok());
  ASSERT_TRUE(backend_->Cancel(job.id, "not needed").ok());
  const Json calls = Calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1]["path"], "/v1/canceljob");
}

TEST_F(BatchLifecycleTest, ManyJobsAreDescribedInBatchesOfAHundred) {
  Json jobs = Json::array();
  for (int i = 0; i < 250; ++i) {
    const std::string id = fmt::format("00000000-0000-0000-0000-{:012d}", i);
    Submitted(id);
    Json one = Response("RUNNABLE")["jobs"][0];
    one["jobId"] = id;
    jobs.push_back(one);
  }
  Play(Json::array({Json{{"jobs", jobs}}}));
  ASSERT_TRUE(backend_->Sync().ok());
  const Json calls = Calls();
  ASSERT_EQ(calls.size(), 3u);
  std::size_t asked = 0;
  for (const Json& call : calls) {
    EXPECT_LE(call["body"]["jobs"].size(), 100u);
    asked += call["body"]["jobs"].size();
  }
  EXPECT_EQ(asked, 250u);
  EXPECT_EQ(backend_->describe_calls(), 3);
  store::JobFilter runnable;
  runnable.states = {JobState::kRunnable};
  EXPECT_EQ(*store_->Count(runnable), 250);
}

TEST_F(BatchLifecycleTest, LogsOfEachAttemptFromCloudWatch) {
  auto logs = aws::logs::LogsClient::Create(*context_);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  ASSERT_TRUE(logs->CreateLogGroup({kBatchLogGroup}).ok());
  for (const auto& [stream, lines] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"a1/default/x", {"step 1", "step 2"}}, {"a1/default/y", {"step 1", "done"}}}) {
    ASSERT_TRUE(logs->CreateLogStream({kBatchLogGroup, stream}).ok());
    aws::logs::PutLogEventsRequest put;
    put.log_group_name = kBatchLogGroup;
    put.log_stream_name = stream;
    // CloudWatch drops events older than 14 days: these are from now.
    std::int64_t time = SystemClock::Instance().NowMillis();
    for (const std::string& line : lines) put.log_events.push_back({time++, line});
    ASSERT_TRUE(logs->PutLogEvents(put).ok());
  }
  BatchJobLink link;
  link.attempts = {{137, "Host EC2 terminated", "a1/default/x", "", kT0, kT0 + 1},
                   {0, "", "a1/default/y", "", kT0 + 2, kT0 + 3},
                   {std::nullopt, "", "", "", std::nullopt, std::nullopt}};
  LogCursor cursor;
  auto first = ReadNewLogLines(*logs, link, cursor);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);  // the third attempt has no stream yet
  EXPECT_EQ((*first)[0].attempt, 1);
  EXPECT_EQ((*first)[0].lines, (std::vector<std::string>{"step 1", "step 2"}));
  EXPECT_EQ((*first)[1].lines, (std::vector<std::string>{"step 1", "done"}));
  // Read again from the cursor: nothing new is printed twice.
  auto second = ReadNewLogLines(*logs, link, cursor);
  ASSERT_TRUE(second.ok());
  for (const AttemptLines& attempt : *second) EXPECT_TRUE(attempt.lines.empty());
}

}  // namespace
}  // namespace awshpc::batch
