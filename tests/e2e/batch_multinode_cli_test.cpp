// File: batch_multinode_cli_test.cpp
// Multi-node (MPI) jobs through the CLI against moto_server on 127.0.0.1: `app deploy` registers
// the 4-node variant of tests/e2e/apps/batch-mpi as a `multinode` definition, `job submit` sends
// it to the on-demand queue (never Spot), and DescribeJobs shows what Batch recorded. The test
// creates the platform's tagged queues itself, as `aws-hpc infra deploy` would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../src/aws/services/services_test_env.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "batch_moto.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace t = awshpc::aws::testing;
namespace ab = awshpc::aws::batch;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class BatchMultiNodeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.ok()) << moto_.error();
    // The queues `aws-hpc infra deploy` makes, an on-demand one among them.
    Status queues = CreatePlatformQueues(moto_, {{"q-amd-auto", "x86_64-amd", "auto"},
                                                 {"q-amd-spot", "x86_64-amd", "spot"},
                                                 {"q-amd-ondemand", "x86_64-amd", "ondemand"}});
    ASSERT_TRUE(queues.ok()) << queues.ToString();
  }

  std::map<std::string, std::string> Env() const { return MotoCliEnv(moto_); }

  Json RunJson(const std::vector<std::string>& args, int expected_exit = 0) {
    return e2e::RunJson(cli_, args, Env(), expected_exit);
  }

  t::MotoEnvironment moto_;
  CliRunner cli_;
};

TEST_F(BatchMultiNodeCliTest, FourNodeMpiJobRunsOnTheOnDemandQueue) {
  Json deployed = RunJson({"app", "deploy", "batch-mpi", "--variant", "mpi"});
  ASSERT_EQ(deployed.size(), 1u) << deployed.dump();
  EXPECT_EQ(deployed[0]["status"], "registered");
  EXPECT_EQ(deployed[0]["definition"], "aws-hpc-batch-mpi-mpi-x86_64");
  EXPECT_EQ(deployed[0]["image"], "public.ecr.aws/docker/library/busybox:stable");
  // Unchanged spec: the multi-node definition's hash matches, nothing new is registered.
  Json again = RunJson({"app", "deploy", "batch-mpi", "--variant", "mpi"});
  EXPECT_EQ(again[0]["status"], "unchanged") << again.dump();

  auto client = ab::BatchClient::Create(moto_.context());
  ASSERT_TRUE(client.ok());
  ab::DescribeJobDefinitionsRequest definitions;
  definitions.job_definition_name = "aws-hpc-batch-mpi-mpi-x86_64";
  auto described_definitions = client->DescribeJobDefinitions(definitions);
  ASSERT_TRUE(described_definitions.ok()) << described_definitions.status().ToString();
  ASSERT_EQ(described_definitions->job_definitions.size(), 1u);
  EXPECT_EQ(described_definitions->job_definitions[0].type, "multinode");
  EXPECT_EQ(described_definitions->job_definitions[0].platform_capabilities,
            std::vector<std::string>{"EC2"});

  // Batch does not run multi-node jobs on Spot: a clear refusal, before anything is submitted.
  CliResult spot = cli_.Run({"job", "submit", "batch-mpi", "--variant", "mpi", "--backend", "batch",
                             "--quiet", "--purchase", "spot"},
                            Env());
  EXPECT_EQ(spot.exit_code, 7) << spot.err;
  EXPECT_THAT(spot.err, HasSubstr("runs multi-node jobs on on-demand EC2 only"));

  // auto means on-demand for a multi-node job.
  Json submitted =
      RunJson({"job", "submit", "batch-mpi", "--variant", "mpi", "--backend", "batch", "--quiet"});
  const std::string id = submitted["id"];
  ASSERT_FALSE(id.empty()) << submitted.dump();
  Json status = RunJson({"job", "status", id});
  EXPECT_EQ(status["batch"]["queue"], "q-amd-ondemand") << status.dump();
  ASSERT_EQ(status["batch"]["batchJobIds"].size(), 1u) << status.dump();

  const std::string batch_id = status["batch"]["batchJobIds"][0];
  auto described = client->DescribeJobs({{batch_id}});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->jobs.size(), 1u);
  const ab::JobDetail& job = described->jobs[0];
  EXPECT_EQ(job.tags.at("aws-hpc:job-id"), id);
  ASSERT_TRUE(job.node_properties.has_value());
  EXPECT_EQ(job.node_properties->num_nodes, 4);
  EXPECT_EQ(job.node_properties->main_node, 0);
  ASSERT_EQ(job.node_properties->node_range_properties.size(), 1u);
  const ab::NodeRangeProperty& range = job.node_properties->node_range_properties[0];
  EXPECT_EQ(range.target_nodes, "0:");
  ASSERT_TRUE(range.container.has_value());
  EXPECT_EQ(range.container->image, "public.ecr.aws/docker/library/busybox:stable");
  // 2 vCPUs on each of 4 nodes: 8 ranks in the argv.
  EXPECT_EQ(range.container->command,
            (std::vector<std::string>{"echo", "ranks", "8", "steps", "10"}));

  // The serial variant of the same app stays a single-container job on the auto queue.
  ASSERT_EQ(cli_.Run({"app", "deploy", "batch-mpi", "--variant", "serial"}, Env()).exit_code, 0);
  Json serial = RunJson(
      {"job", "submit", "batch-mpi", "--variant", "serial", "--backend", "batch", "--quiet"});
  Json serial_status = RunJson({"job", "status", serial["id"]});
  EXPECT_EQ(serial_status["batch"]["queue"], "q-amd-auto") << serial_status.dump();
}

}  // namespace
}  // namespace awshpc::e2e
