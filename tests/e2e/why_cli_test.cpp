// File: why_cli_test.cpp
// `aws-hpc job why` as a whole process. Local: real supervisors and sleeping jobs on a machine
// limited to 2 vCPUs, so later jobs queue behind. Batch: moto_server on 127.0.0.1 (jobs finish
// inside SubmitJob); jobs are recorded through the real store and Batch records as the backend
// records them, and a job that does not run is one whose Batch side Batch no longer lists, last
// seen RUNNABLE on a disabled queue.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "../../src/aws/services/services_test_env.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/store/sqlite_job_store.hpp"
#include "batch_moto.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace t = awshpc::aws::testing;
namespace ab = awshpc::aws::batch;
using ::testing::HasSubstr;
using Json = nlohmann::json;

Json Parse(const CliResult& result) {
  Json parsed = Json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
  return parsed;
}

std::vector<std::string> Codes(const Json& diagnosis) {
  std::vector<std::string> codes;
  if (!diagnosis.contains("findings")) return codes;
  for (const Json& finding : diagnosis["findings"]) codes.push_back(finding["code"]);
  return codes;
}

TEST(WhyCliTest, HelpSaysWhatItExplains) {
  CliRunner cli;
  CliResult help = cli.Run({"job", "why", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("Explain in plain words why a job does not run"));
  CliResult missing = cli.Run({"job", "why"});
  EXPECT_EQ(missing.exit_code, 2);
  CliResult unknown = cli.Run({"job", "why", "j-nosuchjob"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown.err;
}

TEST(WhyCliTest, LocalJobsQueuedBehindTheHeadAndHeldCapacity) {
  CliRunner cli;
  const std::map<std::string, std::string> env = {{"AWS_HPC_LOCAL_VCPUS", "2"},
                                                  {"AWS_HPC_LOCAL_MEMORY", "4GiB"}};
  auto submit = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"job", "submit", "sleeper"});
    args.insert(args.end(), {"--quiet", "--output", "json"});
    CliResult result = cli.Run(args, env);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return JsonField(result.out, "id");
  };
  const std::string running = submit({"-p", "seconds=60", "--vcpus", "2"});
  const std::string head = submit({"-p", "seconds=1", "--vcpus", "1"});
  const std::string behind = submit({"-p", "seconds=1", "--vcpus", "1"});
  // Hang guard: the first job's supervisor starts it within moments.
  for (int i = 0; i < 200; ++i) {
    if (JsonField(cli.Run({"job", "status", running, "--output", "json"}, env).out, "state") ==
        "RUNNING") {
      break;
    }
    ::usleep(50'000);
  }

  Json why_running = Parse(cli.Run({"job", "why", running, "--output", "json"}, env));
  EXPECT_EQ(why_running["state"], "RUNNING");
  EXPECT_EQ(Codes(why_running), std::vector<std::string>{"running"});
  EXPECT_EQ(why_running["explained"], false);

  Json why_head = Parse(cli.Run({"job", "why", head, "--output", "json"}, env));
  EXPECT_EQ(why_head["state"], "RUNNABLE");
  EXPECT_EQ(why_head["backend"], "local");
  EXPECT_EQ(Codes(why_head), std::vector<std::string>{"capacity-held"});
  EXPECT_THAT(why_head["summary"].get<std::string>(), HasSubstr("running jobs hold 2 of 2 vCPUs"));
  EXPECT_THAT(why_head["summary"].get<std::string>(), HasSubstr(running));

  CliResult table = cli.Run({"job", "why", behind}, env);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr(behind + " (local backend) is RUNNABLE"));
  EXPECT_THAT(table.out, HasSubstr("SEVERITY"));
  EXPECT_THAT(table.out, HasSubstr("1 job is ahead of it in the local queue"));
  EXPECT_THAT(table.out, HasSubstr("The head, " + head));

  ASSERT_EQ(cli.Run({"job", "cancel", running}, env).exit_code, 0);
  ASSERT_EQ(cli.Run({"job", "wait", behind, "--timeout", "60s"}, env).exit_code, 0);
  Json done = Parse(cli.Run({"job", "why", behind, "--output", "json"}, env));
  EXPECT_EQ(done["state"], "SUCCEEDED");
  EXPECT_EQ(Codes(done), std::vector<std::string>{"finished"});
}

class WhyBatchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.ok()) << moto_.error();
    Status queues = CreatePlatformQueues(moto_, {{"q-amd-auto", "x86_64-amd", "auto"},
                                                 {"q-amd-off", "x86_64-amd", "auto", "DISABLED"}});
    ASSERT_TRUE(queues.ok()) << queues.ToString();
  }

  std::map<std::string, std::string> Env() const { return MotoCliEnv(moto_); }

  // Records a Batch job in the store and the Batch records as the backend does at submission.
  std::string RecordBatchJob(const std::string& queue, const std::string& batch_id,
                             const std::string& batch_status) {
    auto store = store::OpenSqliteJobStore(cli_.home() + "/jobs.db");
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return "";
    sched::JobRequest request;
    request.name = "why-echo";
    request.argv = {"echo", "hi"};
    request.backend = "batch";
    request.resources.vcpus = 2;
    request.resources.memory_mib = 2048;
    const sched::JobState state =
        batch_status == "RUNNABLE" ? sched::JobState::kRunnable : sched::JobState::kSubmitted;
    auto job = (*store)->Create(request, state, "in AWS Batch queue " + queue);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    if (!job.ok()) return "";
    auto records = batch::BatchRecords::Open(cli_.home() + "/jobs.db", SystemClock::Instance());
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    if (!records.ok()) return "";
    batch::BatchJobLink link;
    link.job_id = job->id;
    link.region = moto_.env().Get("AWS_REGION").value_or("us-east-1");
    link.queue = queue;
    link.batch_ids = {batch_id};
    link.batch_status = batch_status;
    EXPECT_TRUE((*records)->PutLink(link).ok());
    return job->id;
  }

  Json WhyJson(const std::string& id) {
    CliResult result = cli_.Run({"job", "why", id, "--output", "json"}, Env());
    EXPECT_EQ(result.exit_code, 0) << result.err << result.out;
    return Parse(result);
  }

  t::MotoEnvironment moto_;
  CliRunner cli_;
};

TEST_F(WhyBatchCliTest, AFinishedBatchJobSaysSo) {
  // A job moto ran (and finished inside SubmitJob), recorded as the backend records it.
  auto client = ab::BatchClient::Create(moto_.context());
  ASSERT_TRUE(client.ok());
  ab::RegisterJobDefinitionRequest definition;
  definition.job_definition_name = "why-echo";
  definition.container_properties = ab::ContainerProperties{};
  definition.container_properties->image = "public.ecr.aws/docker/library/busybox:stable";
  definition.container_properties->command = {"echo", "hi"};
  definition.container_properties->resource_requirements = {{"VCPU", "1"}, {"MEMORY", "512"}};
  auto registered = client->RegisterJobDefinition(definition);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  ab::SubmitJobRequest submit;
  submit.job_name = "why-echo";
  submit.job_queue = "q-amd-auto";
  submit.job_definition = registered->job_definition_arn;
  auto submitted = client->SubmitJob(submit);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  const std::string id = RecordBatchJob("q-amd-auto", submitted->job_id, "SUBMITTED");
  // Hang guard: moto ends the job within moments; `job why` syncs the store first.
  Json why;
  for (int i = 0; i < 100; ++i) {
    why = WhyJson(id);
    if (why.value("state", "") == "SUCCEEDED") break;
    ::usleep(100'000);
  }
  EXPECT_EQ(why["backend"], "batch");
  EXPECT_EQ(why["state"], "SUCCEEDED") << why.dump();
  EXPECT_EQ(Codes(why), std::vector<std::string>{"finished"});
}

TEST_F(WhyBatchCliTest, ARunnableJobOnADisabledQueueIsBlocked) {
  // A job last seen RUNNABLE on q-amd-off, whose Batch side Batch no longer lists.
  const std::string id =
      RecordBatchJob("q-amd-off", "7d0c55f1-0000-4000-8000-00000000beef", "RUNNABLE");
  Json why = WhyJson(id);
  EXPECT_EQ(why["state"], "RUNNABLE") << why.dump();
  EXPECT_EQ(why["explained"], true);
  ASSERT_FALSE(Codes(why).empty()) << why.dump();
  EXPECT_EQ(Codes(why).front(), "queue-disabled") << why.dump();
  EXPECT_EQ(why["findings"][0]["severity"], "blocking");
  EXPECT_THAT(why["findings"][0]["action"].get<std::string>(),
              HasSubstr("--job-queue q-amd-off --state ENABLED"));

  CliResult table = cli_.Run({"job", "why", id}, Env());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("Job queue q-amd-off is DISABLED"));
}

}  // namespace
}  // namespace awshpc::e2e
