// File: cost_batch_cli_test.cpp
// What AWS Batch jobs cost, end to end against moto_server on loopback: a spot queue (a SPOT
// compute environment) and an on-demand one (EC2), jobs submitted through the binary and
// finished by moto, then `cost report` prices each as its queue's environments bought, without
// --spot; --spot stays a what-if. And `job submit --backend batch` goes through the same budget
// admission and one-line estimate as a local submission (docs/cost.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "../../src/aws/services/services_test_env.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "batch_moto.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace t = awshpc::aws::testing;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class CostBatchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.ok()) << moto_.error();
    Status queues = CreatePlatformQueues(
        moto_, {{"q-amd-spot", "x86_64-amd", "spot", "ENABLED", "SPOT"},
                {"q-amd-ondemand", "x86_64-amd", "ondemand", "ENABLED", "EC2"}});
    ASSERT_TRUE(queues.ok()) << queues.ToString();
    auto s3 = aws::s3::S3Client::Create(moto_.context());
    ASSERT_TRUE(s3.ok() && s3->CreateBucket({"platform", ""}).ok());
    ASSERT_EQ(cli_.Run({"app", "deploy", "batch-echo", "--arch", "x86_64"}, Env()).exit_code, 0);
  }

  std::map<std::string, std::string> Env() const {
    std::map<std::string, std::string> env = MotoCliEnv(moto_);
    env["AWS_HPC_BUCKET"] = "platform";  // batch-echo has an input: it goes through S3
    return env;
  }

  // Submits batch-echo with `extra` flags and waits for moto to finish it; returns its id.
  std::string SubmitAndFinish(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"job",   "submit",  "batch-echo", "--backend",
                                     "batch", "--quiet", "-p",         "text=cost"};
    args.insert(args.end(), extra.begin(), extra.end());
    Json submitted = RunJson(cli_, args, Env());
    const std::string id = submitted.value("id", "");
    EXPECT_FALSE(id.empty()) << submitted.dump();
    Json status = RunJson(cli_, {"job", "status", id}, Env());
    EXPECT_EQ(status["state"], "SUCCEEDED") << status.dump();
    return id;
  }

  // The report's per-job rows by job id.
  std::map<std::string, Json> ReportJobs(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"cost", "report", "--by", "job", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult report = cli_.Run(args, Env());
    EXPECT_EQ(report.exit_code, 0) << report.err;
    Json parsed = Json::parse(report.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << report.out;
    std::map<std::string, Json> jobs;
    if (parsed.is_discarded()) return jobs;
    for (const Json& job : parsed["jobs"]) jobs[job["id"].get<std::string>()] = job;
    return jobs;
  }

  t::MotoEnvironment moto_;
  CliRunner cli_;
};

TEST_F(CostBatchCliTest, SpotAndOnDemandQueuesArePricedAsTheirEnvironmentsBuy) {
  const std::string spot = SubmitAndFinish({"--purchase", "spot", "--project", "spotty"});
  const std::string on_demand = SubmitAndFinish({"--purchase", "ondemand"});
  // A queue named explicitly is looked up the same way.
  const std::string named = SubmitAndFinish({"--queue", "q-amd-spot"});

  std::map<std::string, Json> jobs = ReportJobs();
  ASSERT_EQ(jobs.size(), 3u);
  const Json& s = jobs[spot];
  const Json& d = jobs[on_demand];
  EXPECT_EQ(s["purchase"], "spot") << s.dump();
  EXPECT_EQ(d["purchase"], "on-demand") << d.dump();
  EXPECT_THAT(s["basis"].get<std::string>(),
              HasSubstr("spot, recorded (AWS Batch queue q-amd-spot)"));
  // No stored spot price in this catalog: the assumed fraction, said so.
  EXPECT_THAT(s["basis"].get<std::string>(), HasSubstr("assumed spot price: 35% of on-demand"));
  EXPECT_THAT(s["basis"].get<std::string>(), HasSubstr("instance type not recorded"));
  EXPECT_THAT(d["basis"].get<std::string>(),
              HasSubstr("on-demand, recorded (AWS Batch queue q-amd-ondemand)"));
  EXPECT_EQ(jobs[named]["purchase"], "spot");
  // The same instance type (2 vCPUs, 512 MiB of an x86_64 image: c6a.large at $0.0765/h, the
  // cheapest x86_64 type that fits, not the cheaper Graviton c6g.large), two prices.
  EXPECT_EQ(s["instance_type"], "c6a.large");
  EXPECT_EQ(d["instance_type"], "c6a.large");
  EXPECT_THAT(d["basis"].get<std::string>(), HasSubstr("the cheapest x86_64 that fits"));
  EXPECT_EQ(d["usd_per_hour"], "0.076500") << d.dump();
  EXPECT_EQ(s["usd_per_hour"], "0.026775") << s.dump();  // 35% of it
  EXPECT_EQ(s["region"], "us-east-1");

  // --spot: what the on-demand job would have cost on spot, with the recorded option named.
  std::map<std::string, Json> what_if = ReportJobs({"--spot"});
  EXPECT_EQ(what_if[on_demand]["purchase"], "spot");
  EXPECT_THAT(what_if[on_demand]["basis"].get<std::string>(),
              HasSubstr("spot as asked (--spot), recorded on-demand"));
  EXPECT_EQ(what_if[on_demand]["usd_per_hour"], "0.026775");

  // Budgets' spent is the report's figure for the project's one job (moto runs jobs in no time,
  // so both are $0 here; JobCostsTest checks the figures of a 10 h spot job).
  ASSERT_EQ(cli_.Run({"cost", "budget", "set", "--project", "spotty", "--monthly", "100"}, Env())
                .exit_code,
            0);
  Json budgets = RunJson(cli_, {"cost", "budget", "list"}, Env());
  ASSERT_EQ(budgets.size(), 1u) << budgets.dump();
  EXPECT_EQ(budgets[0]["spent_usd"], s["cost_usd"]) << budgets.dump() << s.dump();

  // The table says how Batch jobs are priced.
  CliResult table = cli_.Run({"cost", "report", "--by", "job"}, Env());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("AWS Batch jobs as their queue's compute environments buy"));
}

// A finished Batch job's outputs (what its stager uploaded under its outputs prefix) are listed
// in the platform bucket once, recorded, and priced as S3 Standard for a month.
TEST_F(CostBatchCliTest, OutputsInS3ArePricedForAMonth) {
  const std::string id = SubmitAndFinish({"--purchase", "ondemand"});
  // moto runs no container, so no stager: these objects stand in for its uploads (2 MiB + 1 MiB).
  auto s3 = aws::s3::S3Client::Create(moto_.context());
  ASSERT_TRUE(s3.ok());
  const std::string prefix = "aws-hpc/jobs/" + id + "/outputs/";
  const auto put = [&](const std::string& key, std::size_t bytes) {
    aws::s3::PutObjectRequest request;
    request.bucket = "platform";
    request.key = key;
    request.body = std::string(bytes, 'o');
    return s3->PutObject(request).ok();
  };
  ASSERT_TRUE(put(prefix + "result.dat", 2 << 20));
  ASSERT_TRUE(put(prefix + "logs/run.log", 1 << 20));
  ASSERT_TRUE(put("aws-hpc/jobs/j-other/outputs/x", 4096));  // another job's are not this one's

  std::map<std::string, Json> jobs = ReportJobs();
  const Json& job = jobs[id];
  EXPECT_EQ(job["stored_bytes"], 3 << 20) << job.dump();
  // 3 MiB = 3/1024 GiB x $0.023 per GiB-month, one month: $0.00006738 -> 67 micro-dollars.
  EXPECT_EQ(job["storage_usd"], "0.000067") << job.dump();
  EXPECT_THAT(job["basis"].get<std::string>(), HasSubstr("outputs 3.0 MiB in S3 for a month"));

  // Recorded: deleting the objects changes nothing in later reports (no second listing).
  ASSERT_TRUE(s3->DeleteObject({"platform", prefix + "result.dat"}).ok());
  EXPECT_EQ(ReportJobs()[id]["storage_usd"], "0.000067");
}

// The estimate line before a Batch submission prices what will run: the image's architecture
// (x86_64: c6a.large, not the cheaper Graviton c6g.large) and the purchase option asked for or
// bought by the named queue; --purchase auto says what it assumed.
TEST_F(CostBatchCliTest, EstimateLineNamesThePurchaseOptionPriced) {
  const auto estimate_line = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"job",   "submit", "batch-echo", "--backend",
                                     "batch", "-p",     "text=e"};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string err = cli_.Run(args, Env()).err;
    const std::size_t at = err.find("Estimate: ");
    return at == std::string::npos ? err : err.substr(at, err.find('\n', at) - at);
  };
  const std::string spot = estimate_line({"--purchase", "spot"});
  EXPECT_THAT(spot, HasSubstr("on c6a.large (us-east-1, spot)")) << spot;
  const std::string on_demand = estimate_line({"--purchase", "ondemand"});
  EXPECT_THAT(on_demand, HasSubstr("on c6a.large (us-east-1, on-demand)")) << on_demand;
  EXPECT_NE(spot.substr(0, spot.find(" on ")), on_demand.substr(0, on_demand.find(" on ")));
  const std::string assumed = estimate_line({"--purchase", "auto"});
  EXPECT_THAT(assumed, HasSubstr("(us-east-1, on-demand assumed for --purchase auto, the upper "
                                 "bound)"))
      << assumed;
  const std::string queue = estimate_line({"--queue", "q-amd-spot"});
  EXPECT_THAT(queue, HasSubstr("(us-east-1, spot, queue q-amd-spot)")) << queue;
  const std::string ondemand_queue = estimate_line({"--queue", "q-amd-ondemand"});
  EXPECT_THAT(ondemand_queue, HasSubstr("(us-east-1, on-demand, queue q-amd-ondemand)"))
      << ondemand_queue;
}

// The estimate line of a Batch submission is priced in the platform's region, resolved as the
// Batch commands resolve it: AWS_REGION, AWS_DEFAULT_REGION, then the state file `infra deploy`
// wrote beside aws-hpc.yaml; not the default cost region (us-east-1).
TEST_F(CostBatchCliTest, EstimateLineUsesThePlatformsRegion) {
  const std::string config = cli_.home() + "/aws-hpc.yaml";
  {
    std::ofstream state(cli_.home() + "/aws-hpc.state.json");
    state << R"({"region": "eu-west-1"})"
          << "\n";
  }
  const auto estimate_line = [&](std::map<std::string, std::string> env) {
    const std::string err = cli_.Run({"job", "submit", "batch-echo", "--backend", "batch",
                                      "--purchase", "ondemand", "-p", "text=r"},
                                     env)
                                .err;
    const std::size_t at = err.find("Estimate: ");
    return at == std::string::npos ? err : err.substr(at, err.find('\n', at) - at);
  };
  std::map<std::string, std::string> env = Env();
  env["AWS_HPC_CONFIG"] = config;
  env["AWS_REGION"] = "";  // empty is unset, also over the test's own environment
  env["AWS_DEFAULT_REGION"] = "";
  const std::string from_state = estimate_line(env);
  EXPECT_THAT(from_state, HasSubstr("on c6a.large (eu-west-1, on-demand)")) << from_state;
  env["AWS_DEFAULT_REGION"] = "ap-northeast-1";
  const std::string from_default = estimate_line(env);
  EXPECT_THAT(from_default, HasSubstr("(ap-northeast-1, on-demand)")) << from_default;
  env["AWS_REGION"] = "us-west-2";
  const std::string from_region = estimate_line(env);
  EXPECT_THAT(from_region, HasSubstr("(us-west-2, on-demand)")) << from_region;
  // moto's environment sets AWS_REGION=us-east-1, which beats the state file.
  const std::string here = estimate_line(Env());
  EXPECT_THAT(here, HasSubstr("(us-east-1, on-demand)")) << here;
}

// Budget admission and the one-line estimate hold for Batch submissions as for local ones: a
// refused job reaches neither the job store nor Batch.
TEST_F(CostBatchCliTest, BatchSubmissionsGoThroughBudgetAdmission) {
  ASSERT_EQ(cli_.Run({"cost", "budget", "set", "--project", "climate", "--monthly", "0.000001",
                      "--alert", "100"},
                     Env())
                .exit_code,
            0);
  CliResult refused = cli_.Run({"job", "submit", "batch-echo", "--backend", "batch", "--purchase",
                                "spot", "-p", "text=x", "--project", "climate"},
                               Env());
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("project climate is over budget"));
  EXPECT_THAT(refused.err, HasSubstr("this job is estimated at $"));
  EXPECT_EQ(RunJson(cli_, {"job", "list"}, Env()).size(), 0u);
  auto batch = aws::batch::BatchClient::Create(moto_.context());
  ASSERT_TRUE(batch.ok());
  aws::batch::ListJobsRequest list;
  list.job_queue = "q-amd-spot";
  list.job_status = "SUCCEEDED";
  auto listed = batch->ListJobs(list);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->job_summary_list.empty());

  CliResult admitted = cli_.Run({"job", "submit", "batch-echo", "--backend", "batch", "--purchase",
                                 "spot", "-p", "text=x", "--project", "climate", "--over-budget"},
                                Env());
  EXPECT_EQ(admitted.exit_code, 0) << admitted.err;
  EXPECT_THAT(admitted.err, HasSubstr("Estimate: $"));
  EXPECT_THAT(admitted.err, HasSubstr("budget alert: project climate reaches 100%"));
  listed = batch->ListJobs(list);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->job_summary_list.size(), 1u);
}

}  // namespace
}  // namespace awshpc::e2e
