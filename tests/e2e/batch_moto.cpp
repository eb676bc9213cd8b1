// File: batch_moto.cpp
#include "batch_moto.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "exact_env_process.hpp"

namespace awshpc::e2e {

namespace ab = aws::batch;

Status CreatePlatformQueues(aws::testing::MotoEnvironment& moto,
                            const std::vector<QueueSpec>& queues) {
  if (!moto.ok()) return UnavailableError(moto.error());
  RETURN_IF_ERROR(moto.DisableBatchDocker());
  ASSIGN_OR_RETURN(std::string role, moto.CreateRole("batch-service"));
  ASSIGN_OR_RETURN(ab::BatchClient client, ab::BatchClient::Create(moto.context()));
  ab::CreateComputeEnvironmentRequest ce;
  ce.compute_environment_name = "hpc-ce";
  ce.type = "UNMANAGED";
  ce.state = "ENABLED";
  ce.service_role = role;
  ASSIGN_OR_RETURN(ab::CreateComputeEnvironmentResult created, client.CreateComputeEnvironment(ce));
  ab::ComputeResources managed;  // filled at the first queue that wants a MANAGED environment
  for (const QueueSpec& spec : queues) {
    std::string environment = created.compute_environment_arn;
    if (!spec.compute_type.empty()) {
      if (managed.subnets.empty()) {
        ASSIGN_OR_RETURN(managed.instance_role, moto.CreateInstanceProfile("hpc-ecs-instance"));
        ASSIGN_OR_RETURN(const auto network, moto.FindDefaultNetwork());
        managed.subnets = {network.subnet_id};
        managed.security_group_ids = {network.security_group_id};
        managed.min_vcpus = 0;
        managed.desired_vcpus = 0;
        managed.max_vcpus = 256;
        managed.instance_types = {"c6i"};
      }
      ab::CreateComputeEnvironmentRequest own;
      own.compute_environment_name = spec.name + "-ce";
      own.type = "MANAGED";
      own.state = "ENABLED";
      own.service_role = role;
      own.compute_resources = managed;
      own.compute_resources->type = spec.compute_type;
      ASSIGN_OR_RETURN(ab::CreateComputeEnvironmentResult made,
                       client.CreateComputeEnvironment(own));
      environment = made.compute_environment_arn;
    }
    ab::CreateJobQueueRequest queue;
    queue.job_queue_name = spec.name;
    queue.state = spec.state;
    queue.priority = 1;
    queue.compute_environment_order = {{1, environment}};
    queue.tags = {{"aws-hpc:arch-family", spec.family}, {"aws-hpc:purchase", spec.purchase}};
    RETURN_IF_ERROR(client.CreateJobQueue(queue).status());
  }
  return Status::Ok();
}

std::map<std::string, std::string> MotoCliEnv(const aws::testing::MotoEnvironment& moto) {
  std::map<std::string, std::string> env;
  for (const char* name :
       {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL",
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"}) {
    if (auto value = moto.env().Get(name)) env[name] = *value;
  }
  env["AWS_PROFILE"] = "";
  env["AWS_HPC_APPS_PATH"] = std::string(AWSHPC_SOURCE_DIR) + "/tests/e2e/apps";
  return env;
}

int RunProgram(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& out_path) {
  return awshpc::testing::RunWithExactEnv(argv, env, out_path);
}

nlohmann::json RunJson(const CliRunner& cli, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, int expected_exit) {
  std::vector<std::string> full = args;
  full.insert(full.end(), {"--output", "json"});
  CliResult result = cli.Run(full, env);
  EXPECT_EQ(result.exit_code, expected_exit) << result.err << result.out;
  nlohmann::json parsed = nlohmann::json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << result.out;
  return parsed;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace awshpc::e2e
