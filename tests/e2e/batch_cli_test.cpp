// File: batch_cli_test.cpp
// `aws-hpc app deploy` and `job submit|status|list|cancel --backend batch` as whole processes
// against moto_server on 127.0.0.1 (Batch without Docker: moto finishes each job inside
// SubmitJob, so lifecycle steps in between are tested on recorded responses elsewhere). The
// test creates the platform's tagged queues itself, as `aws-hpc infra deploy` would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../src/aws/services/services_test_env.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "batch_moto.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace t = awshpc::aws::testing;
namespace ab = awshpc::aws::batch;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class BatchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.ok()) << moto_.error();
    Status queues = CreatePlatformQueues(moto_, {{"q-amd-auto", "x86_64-amd", "auto"},
                                                 {"q-amd-spot", "x86_64-amd", "spot"},
                                                 {"q-graviton-auto", "arm64-graviton", "auto"}});
    ASSERT_TRUE(queues.ok()) << queues.ToString();
    auto s3 = aws::s3::S3Client::Create(moto_.context());
    ASSERT_TRUE(s3.ok() && s3->CreateBucket({"platform", ""}).ok());
  }

  std::map<std::string, std::string> Env() const {
    std::map<std::string, std::string> env = MotoCliEnv(moto_);
    env["AWS_HPC_BUCKET"] = "platform";  // batch-echo has an input: it goes through S3
    return env;
  }

  Json RunJson(const std::vector<std::string>& args, int expected_exit = 0) {
    return e2e::RunJson(cli_, args, Env(), expected_exit);
  }

  t::MotoEnvironment moto_;
  CliRunner cli_;
};

TEST_F(BatchCliTest, DeployIsIdempotentAndAChangedImageMakesANewRevision) {
  Json first = RunJson({"app", "deploy", "batch-echo", "--arch", "x86_64"});
  ASSERT_EQ(first.size(), 1u) << first.dump();
  EXPECT_EQ(first[0]["status"], "registered");
  EXPECT_EQ(first[0]["definition"], "aws-hpc-batch-echo-default-x86_64");
  EXPECT_EQ(first[0]["image"], "public.ecr.aws/docker/library/busybox:stable");
  const auto revision = first[0]["revision"].get<int>();

  Json again = RunJson({"app", "deploy", "batch-echo", "--arch", "x86_64"});
  EXPECT_EQ(again[0]["status"], "unchanged");
  EXPECT_EQ(again[0]["revision"].get<int>(), revision);

  Json changed = RunJson({"app", "deploy", "batch-echo", "--arch", "x86_64", "--image",
                          "public.ecr.aws/docker/library/busybox:1.36"});
  EXPECT_EQ(changed[0]["status"], "registered");
  EXPECT_EQ(changed[0]["revision"].get<int>(), revision + 1);

  // graviton3 has no image in the spec: the error says how to get one.
  CliResult missing = cli_.Run({"app", "deploy", "batch-echo", "--arch", "graviton3"}, Env());
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("no container image for graviton3"));
  // An architecture the app does not support is named with the ones it does.
  CliResult unsupported = cli_.Run({"app", "deploy", "batch-echo", "--arch", "zen4"}, Env());
  EXPECT_EQ(unsupported.exit_code, 2) << unsupported.err;
  EXPECT_THAT(unsupported.err, HasSubstr("runs on x86_64 or graviton3"));
}

TEST_F(BatchCliTest, SubmitRoutesByArchitectureAndStatusFollowsBatch) {
  ASSERT_EQ(cli_.Run({"app", "deploy", "batch-echo", "--arch", "x86_64"}, Env()).exit_code, 0);
  // Not deployed yet for the graviton image: a clear precondition error, nothing recorded.
  CliResult undeployed = cli_.Run({"job", "submit", "batch-echo", "--backend", "batch", "--arch",
                                   "graviton3", "--quiet", "-p", "text=x"},
                                  Env());
  EXPECT_NE(undeployed.exit_code, 0);
  EXPECT_THAT(undeployed.err, HasSubstr("aws-hpc app deploy batch-echo"));

  const std::string hostile = "a; rm -rf ~ $(id) `x` \"q\"";
  Json submitted = RunJson({"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "-p",
                            "text=" + hostile, "--project", "geos"});
  const std::string id = submitted["id"];
  ASSERT_FALSE(id.empty()) << submitted.dump();
  EXPECT_EQ(submitted["state"], "SUBMITTED");

  Json status = RunJson({"job", "status", id});
  EXPECT_EQ(status["state"], "SUCCEEDED") << status.dump();
  EXPECT_EQ(status["batch"]["queue"], "q-amd-auto") << status.dump();
  ASSERT_EQ(status["batch"]["batchJobIds"].size(), 1u);

  // What Batch received: the argv element by element (never a shell string), the tags, the
  // resources and the retry rules of the spec.
  const std::string batch_id = status["batch"]["batchJobIds"][0];
  auto client = ab::BatchClient::Create(moto_.context());
  ASSERT_TRUE(client.ok());
  auto described = client->DescribeJobs({{batch_id}});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->jobs.size(), 1u);
  const ab::JobDetail& detail = described->jobs[0];
  ASSERT_TRUE(detail.container.has_value());
  EXPECT_EQ(detail.container->command, (std::vector<std::string>{"echo", hostile}));
  EXPECT_EQ(detail.tags.at("aws-hpc:job-id"), id);
  EXPECT_EQ(detail.tags.at("aws-hpc:project"), "geos");
  EXPECT_EQ(detail.tags.at("aws-hpc:app"), "batch-echo");
  EXPECT_EQ(detail.job_name, "batch-echo-" + id);

  // On the spot queue when asked.
  Json spot = RunJson({"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "--purchase",
                       "spot", "-p", "text=spot"});
  EXPECT_EQ(spot["state"], "SUBMITTED");
  CliResult none = cli_.Run({"job", "submit", "batch-echo", "--backend", "batch", "--quiet",
                             "--purchase", "ondemand", "-p", "text=x"},
                            Env());
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_THAT(none.err, HasSubstr("no job queue runs x86_64 images with purchase option ondemand"));

  // list syncs every live Batch job with one DescribeJobs call.
  Json list = RunJson({"job", "list"});
  ASSERT_GE(list.size(), 2u);
  for (const Json& job : list) EXPECT_EQ(job["state"], "SUCCEEDED") << job.dump();

  // watch prints each recorded change once and ends when the jobs have; JSON lines for scripts.
  CliResult watch = cli_.Run({"job", "watch", id, spot["id"], "--output", "json"}, Env());
  ASSERT_EQ(watch.exit_code, 0) << watch.err;
  std::size_t lines = 0, succeeded = 0;
  for (std::size_t start = 0, end; (end = watch.out.find('\n', start)) != std::string::npos;
       start = end + 1) {
    Json line = Json::parse(watch.out.substr(start, end - start), nullptr, false);
    ASSERT_FALSE(line.is_discarded()) << watch.out;
    ++lines;
    if (line["state"] == "SUCCEEDED") ++succeeded;
  }
  EXPECT_EQ(succeeded, 2u) << watch.out;
  EXPECT_GE(lines, 4u) << watch.out;  // SUBMITTED ... SUCCEEDED for each

  // A finished job cannot be cancelled: exit 7.
  CliResult cancel = cli_.Run({"job", "cancel", id}, Env());
  EXPECT_EQ(cancel.exit_code, 7) << cancel.err;
}

// Inputs go up to the platform bucket at submission; the environment Batch receives tells the
// real aws-hpc-stage (run here as the container would) where to put the outputs; `job outputs`
// lists and downloads them.
TEST_F(BatchCliTest, DataStagingThroughThePlatformBucket) {
  ASSERT_EQ(cli_.Run({"app", "deploy", "batch-echo", "--arch", "x86_64"}, Env()).exit_code, 0);
  auto s3 = aws::s3::S3Client::Create(moto_.context());
  ASSERT_TRUE(s3.ok());

  // Without a bucket a local input cannot reach the job: refused, saying how to fix it.
  std::map<std::string, std::string> no_bucket_env = Env();
  no_bucket_env["AWS_HPC_BUCKET"] = "";
  CliResult no_bucket =
      cli_.Run({"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "-p", "text=x"},
               no_bucket_env);
  EXPECT_NE(no_bucket.exit_code, 0);
  EXPECT_THAT(no_bucket.err, HasSubstr("AWS_HPC_BUCKET"));

  Json submitted = RunJson({"job", "submit", "batch-echo", "--backend", "batch", "--quiet",
                            "--bucket", "platform", "-p", "text=staged"});
  const std::string id = submitted["id"];
  auto object = s3->GetObject({"platform", "aws-hpc/jobs/" + id + "/inputs/greeting.txt", "", ""});
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(object->body, "hello from the app directory\n");

  Json status = RunJson({"job", "status", id});
  auto client = ab::BatchClient::Create(moto_.context());
  ASSERT_TRUE(client.ok());
  auto described = client->DescribeJobs({{status["batch"]["batchJobIds"][0].get<std::string>()}});
  ASSERT_TRUE(described.ok() && described->jobs.size() == 1u);
  std::map<std::string, std::string> job_env;
  for (const auto& pair : described->jobs[0].container->environment) {
    job_env[pair.name] = pair.value;
  }
  EXPECT_EQ(job_env["AWS_HPC_OUTPUT_URI"], "s3://platform/aws-hpc/jobs/" + id + "/outputs/");
  EXPECT_THAT(job_env["AWS_HPC_INPUTS"], HasSubstr("greeting.txt"));

  // The container's side: the images' entrypoint (data/containers/entrypoint.sh) with the
  // environment Batch holds for the job stages the input in, runs the command, stages out.
  t::TempDir work;
  std::map<std::string, std::string> env = Env();
  env.insert(job_env.begin(), job_env.end());
  env["AWS_HPC_WORK_DIR"] = work.path();
  env["PATH"] = std::string(AWSHPC_BINARY_DIR) + "/bin:/usr/bin:/bin";
  const std::string entrypoint = std::string(AWSHPC_SOURCE_DIR) + "/data/containers/entrypoint.sh";
  ASSERT_EQ(RunProgram({"/bin/sh", entrypoint, "/bin/cp", "greeting.txt", "result.txt"}, env), 0);
  EXPECT_EQ(ReadAll(work.path() + "/result.txt"), "hello from the app directory\n");
  // Without the stager in the image, a job with inputs fails clearly instead of running without.
  env["PATH"] = "/usr/bin:/bin";
  EXPECT_EQ(RunProgram({"/bin/sh", entrypoint, "/bin/true"}, env), 70);

  const std::map<std::string, std::string> with_bucket = Env();
  CliResult listed = cli_.Run({"job", "outputs", id, "--output", "json"}, with_bucket);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("\"path\": \"result.txt\""));
  t::TempDir got;
  CliResult download =
      cli_.Run({"job", "outputs", id, "--download", got.path() + "/out"}, with_bucket);
  ASSERT_EQ(download.exit_code, 0) << download.err;
  EXPECT_EQ(ReadAll(got.path() + "/out/result.txt"), "hello from the app directory\n");
}

// --param-file: one task per CSV row; every row is checked at submission; each task runs its own
// row through `aws-hpc-stage exec` (run here as the container would, with the job's environment).
TEST_F(BatchCliTest, ParamFileArrayRunsEachRow) {
  ASSERT_EQ(cli_.Run({"app", "deploy", "batch-echo", "--arch", "x86_64"}, Env()).exit_code, 0);
  t::TempDir dir;
  const std::string csv = dir.Write("tasks.csv", "text\nfirst\n\"second, with comma\"\nthird\n");
  Json submitted = RunJson(
      {"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "--param-file", csv});
  const std::string id = submitted["id"];
  Json status = RunJson({"job", "status", id});
  EXPECT_EQ(status["batch"]["arraySize"], 3) << status.dump();
  auto client = ab::BatchClient::Create(moto_.context());
  ASSERT_TRUE(client.ok());
  auto described = client->DescribeJobs({{status["batch"]["batchJobIds"][0].get<std::string>()}});
  ASSERT_TRUE(described.ok() && described->jobs.size() == 1u);
  EXPECT_EQ(described->jobs[0].container->command,
            (std::vector<std::string>{"aws-hpc-stage", "exec"}));
  std::map<std::string, std::string> env = Env();
  for (const auto& pair : described->jobs[0].container->environment) env[pair.name] = pair.value;
  // The second task, in its container: stage in (the tasks file), then exec its row.
  t::TempDir work;
  const std::string stager = std::string(AWSHPC_BINARY_DIR) + "/bin/aws-hpc-stage";
  ASSERT_EQ(RunProgram({stager, "in", work.path()}, env), 0);
  env["AWS_BATCH_JOB_ARRAY_INDEX"] = "1";
  env["PATH"] = "/usr/bin:/bin";
  const std::string out = work.path() + "/out.txt";
  ASSERT_EQ(RunProgram({stager, "exec", work.path()}, env, out), 0);
  EXPECT_EQ(ReadAll(out), "second, with comma\n");

  // A bad row is refused with its line, and nothing is submitted.
  const std::string bad = dir.Write("bad.csv", "text,nosuch\na,b\n");
  CliResult refused = cli_.Run(
      {"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "--param-file", bad}, Env());
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("bad.csv:2"));
}

TEST_F(BatchCliTest, ArraysAndDependenciesBeyondTwenty) {
  ASSERT_EQ(cli_.Run({"app", "deploy", "batch-echo", "--arch", "x86_64"}, Env()).exit_code, 0);
  Json array = RunJson({"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "--array",
                        "5", "-p", "text=task"});
  const std::string array_id = array["id"];
  ASSERT_FALSE(array_id.empty());

  // 22 parents: more than Batch's 20, so the platform inserts barrier jobs.
  std::vector<std::string> args = {"job",   "submit",  "batch-echo", "--backend",
                                   "batch", "--quiet", "-p",         "text=child"};
  for (int i = 0; i < 22; ++i) {
    Json parent = RunJson({"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "-p",
                           "text=parent" + std::to_string(i)});
    args.push_back("--depends-on");
    args.push_back(parent["id"].get<std::string>() + (i == 0 ? ":SEQUENTIAL" : ""));
  }
  Json child = RunJson(args);
  EXPECT_EQ(child["state"], "SUBMITTED") << child.dump();
  Json status = RunJson({"job", "wait", child["id"].get<std::string>(), "--timeout", "60s"});
  EXPECT_EQ(status["state"], "SUCCEEDED") << status.dump();
  // The child waits on two barriers (20 parents and 2 parents); each barrier on at most 20.
  auto client = ab::BatchClient::Create(moto_.context());
  ASSERT_TRUE(client.ok());
  const std::string child_batch_id = status["batch"]["batchJobIds"][0];
  auto described = client->DescribeJobs({{child_batch_id}});
  ASSERT_TRUE(described.ok() && described->jobs.size() == 1u);
  const auto& barriers = described->jobs[0].depends_on;
  ASSERT_EQ(barriers.size(), 2u);
  std::size_t parents = 0;
  for (const ab::JobDependency& barrier : barriers) {
    auto barrier_job = client->DescribeJobs({{barrier.job_id}});
    ASSERT_TRUE(barrier_job.ok() && barrier_job->jobs.size() == 1u);
    EXPECT_LE(barrier_job->jobs[0].depends_on.size(), 20u);
    EXPECT_EQ(barrier_job->jobs[0].job_definition.find("aws-hpc-barrier") != std::string::npos,
              true)
        << barrier_job->jobs[0].job_definition;
    parents += barrier_job->jobs[0].depends_on.size();
  }
  EXPECT_EQ(parents, 22u);
  // The array: 5 tasks in one Batch array job, with its summary.
  Json array_status = RunJson({"job", "status", array_id});
  EXPECT_EQ(array_status["batch"]["arraySize"], 5) << array_status.dump();
  // A bad dependency type is refused before anything is submitted.
  CliResult bad = cli_.Run({"job", "submit", "batch-echo", "--backend", "batch", "--quiet", "-p",
                            "text=x", "--depends-on", array_id + ":ALL"},
                           Env());
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("N_TO_N or SEQUENTIAL"));
}

}  // namespace
}  // namespace awshpc::e2e
