// File: batch_moto.hpp
// For the AWS Batch end-to-end tests: the platform's tagged queues in moto_server (as
// `aws-hpc infra deploy` tags them), the environment that points the aws-hpc binary at moto, and
// running a program (the in-container stager) by argv with an exact environment.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../../src/aws/services/services_test_env.hpp"
#include "awshpc/core/status.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {

struct QueueSpec {
  std::string name;
  std::string family;    // aws-hpc:arch-family
  std::string purchase;  // aws-hpc:purchase
  std::string state = "ENABLED";
  // "": on the shared UNMANAGED compute environment; "EC2", "SPOT" (computeResources.type): on a
  // MANAGED environment of its own with that type, in moto's default VPC, scaled to zero.
  std::string compute_type = "";
};

// Switches moto's Batch to run without Docker, and makes an UNMANAGED compute environment (and
// its service role) with these queues on it, or their own MANAGED ones (QueueSpec::compute_type).
Status CreatePlatformQueues(aws::testing::MotoEnvironment& moto,
                            const std::vector<QueueSpec>& queues);

// Credentials, region and endpoint of `moto`, no profile, and the e2e test apps on the path.
std::map<std::string, std::string> MotoCliEnv(const aws::testing::MotoEnvironment& moto);

// Runs argv[0] (a path) with exactly `env`, stdout to `out_path` when given; no shell. Returns
// the exit status, or -1 when it did not exit normally.
int RunProgram(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& out_path = "");

// Runs the CLI with `--output json` appended, expects `expected_exit`, and returns the parsed
// document (discarded, with a test failure, when the output is not JSON).
nlohmann::json RunJson(const CliRunner& cli, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, int expected_exit = 0);

// A whole file ("" when missing).
std::string ReadAll(const std::string& path);

}  // namespace awshpc::e2e
