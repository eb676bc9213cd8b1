// File: verify_array_test.cpp
// GEOS-Chem array jobs (`job submit --param-file`) judged by their files: the real aws-hpc binary
// submits to AWS Batch in moto_server on 127.0.0.1, the job's container environment carries the
// rows' success rule, and the real aws-hpc-stage judges a task's run directory with that
// environment as the images' entrypoint does. Rows with different rules are refused by name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../src/aws/test_util.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/core/paths.hpp"
#include "batch_moto.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace t = awshpc::aws::testing;
namespace ab = awshpc::aws::batch;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kRuleVariable[] = "AWS_HPC_SUCCESS_RULE";

class VerifyArrayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.ok()) << moto_.error();
    Status queues = CreatePlatformQueues(moto_, {{"q-amd-auto", "x86_64-amd", "auto"}});
    ASSERT_TRUE(queues.ok()) << queues.ToString();
    auto s3 = aws::s3::S3Client::Create(moto_.context());
    ASSERT_TRUE(s3.ok() && s3->CreateBucket({"platform", ""}).ok());
    CliResult deployed =
        cli_.Run({"app", "deploy", "geos-chem", "--variant", "classic", "--arch", "x86_64",
                  "--image", "public.ecr.aws/docker/library/busybox:1.36"},
                 Env());
    ASSERT_EQ(deployed.exit_code, 0) << deployed.err;
  }

  std::map<std::string, std::string> Env() const {
    std::map<std::string, std::string> env = MotoCliEnv(moto_);
    env["AWS_HPC_BUCKET"] = "platform";
    return env;
  }

  // The container environment Batch holds for the job `id` submitted.
  std::map<std::string, std::string> JobEnvironment(const std::string& id) {
    Json status = RunJson(cli_, {"job", "status", id}, Env());
    auto client = ab::BatchClient::Create(moto_.context());
    EXPECT_TRUE(client.ok());
    std::map<std::string, std::string> env;
    if (!client.ok() || !status["batch"]["batchJobIds"].is_array()) return env;
    auto described = client->DescribeJobs({{status["batch"]["batchJobIds"][0].get<std::string>()}});
    EXPECT_TRUE(described.ok() && described->jobs.size() == 1u);
    if (!described.ok() || described->jobs.empty()) return env;
    for (const auto& pair : described->jobs[0].container->environment) env[pair.name] = pair.value;
    return env;
  }

  t::MotoEnvironment moto_;
  CliRunner cli_;
  t::TempDir dir_;
};

TEST_F(VerifyArrayTest, ArrayJobCarriesTheRowsRuleAndTheContainerJudgesByIt) {
  const std::string csv = dir_.Write("sims.csv", "simulation\nfullchem\nTransportTracers\n");
  Json submitted = RunJson(cli_,
                           {"job", "submit", "geos-chem", "--variant", "classic", "--backend",
                            "batch", "--quiet", "-p", "end=2019-07-03", "--param-file", csv},
                           Env());
  const std::string id = submitted["id"];
  ASSERT_FALSE(id.empty()) << submitted.dump();
  std::map<std::string, std::string> job_env = JobEnvironment(id);
  ASSERT_EQ(job_env.count(kRuleVariable), 1u) << "the array job carries no success rule";
  EXPECT_THAT(job_env[kRuleVariable], HasSubstr("GEOSChem.Restart.20190703_0000z.nc4"));

  // A task's container: the stager's verdict with the job's environment, as the entrypoint runs
  // it after the row's command. GEOS-Chem Classic ended with 134 but wrote its end-of-run
  // restart: the run succeeded; without the restart, exit 0 is a failure.
  t::TempDir work;
  std::map<std::string, std::string> env = job_env;
  env["PATH"] = "/usr/bin:/bin";
  const std::string stager = std::string(AWSHPC_BINARY_DIR) + "/bin/aws-hpc-stage";
  EXPECT_NE(RunProgram({stager, "verdict", "0", work.path()}, env), 0);
  ASSERT_TRUE(MakeDirs(work.path() + "/Restarts").ok());
  ASSERT_TRUE(
      WriteFileAtomically(work.path() + "/Restarts/GEOSChem.Restart.20190703_0000z.nc4", "CDF")
          .ok());
  EXPECT_EQ(RunProgram({stager, "verdict", "134", work.path()}, env), 0);
}

TEST_F(VerifyArrayTest, RowsWithDifferentRulesAreRefusedByName) {
  const std::string csv = dir_.Write("ends.csv", "end\n2019-07-03\n2019-07-03\n2019-07-05\n");
  CliResult refused = cli_.Run({"job", "submit", "geos-chem", "--variant", "classic", "--backend",
                                "batch", "--quiet", "--param-file", csv},
                               Env());
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("ends.csv:2 and " + csv + ":4"));
  EXPECT_THAT(refused.err, HasSubstr("separate arrays"));
  // Nothing was submitted.
  Json listed = RunJson(cli_, {"job", "list"}, Env());
  EXPECT_TRUE(listed.empty()) << listed.dump();

  // A row the generator refuses is named with its line.
  const std::string bad = dir_.Write("bad.csv", "resolution\n4x5\n0.25x0.3125\n");
  refused = cli_.Run({"job", "submit", "geos-chem", "--variant", "classic", "--backend", "batch",
                      "--quiet", "--param-file", bad},
                     Env());
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("bad.csv:3"));
}

}  // namespace
}  // namespace awshpc::e2e
