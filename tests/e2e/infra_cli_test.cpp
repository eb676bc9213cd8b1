// File: infra_cli_test.cpp
// `aws-hpc infra synth|deploy|diff|status|destroy` as a whole process against moto_server on
// 127.0.0.1 (src/infra/testdata/moto_server_cfn.py on a free port, stopped by PID).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../src/aws/test_util.hpp"
#include "awshpc/aws/process.hpp"
#include "cli_runner.hpp"

namespace awshpc::e2e {
namespace {

namespace t = awshpc::aws::testing;

constexpr const char* kConfig =
    "name: e2e\n"
    "region: us-east-1\n"
    "network: {nat_gateway: false}\n"
    "compute:\n"
    "  max_vcpus: 32\n"
    "  families: [x86_64-amd, arm64-graviton]\n"
    "storage:\n"
    "  bucket: {retain: false}\n"
    "apps: [lammps]\n";

class InfraCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(t::HaveProgram("moto_server"))
        << "moto_server is missing: install the Debian package python3-moto (or pip moto[server])";
    port_ = t::FreeLoopbackPort();
    server_ = std::make_unique<t::ChildProcess>(
        std::vector<std::string>{"python3", t::SourcePath("src/infra/testdata/moto_server_cfn.py"),
                                 "-H", "127.0.0.1", "-p", std::to_string(port_)});
    ASSERT_TRUE(t::WaitForPort(port_, 30'000)) << "moto_server did not start";
  }
  static void TearDownTestSuite() { server_.reset(); }

  std::map<std::string, std::string> Env() const {
    return {{"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
            {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
            {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(port_)},
            {"AWS_CONFIG_FILE", dir_.path() + "/config"},
            {"AWS_SHARED_CREDENTIALS_FILE", dir_.path() + "/credentials"},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_PROFILE", ""},
            {"AWS_HPC_INFRA_POLL_MS", "100"}};
  }
  // ECR repository names in moto, as botocore (not our client) sees them.
  std::vector<std::string> EcrRepositories() const {
    const std::string script =
        "import boto3,sys\n"
        "c=boto3.client('ecr',region_name='us-east-1',endpoint_url=sys.argv[1])\n"
        "print('\\n'.join(sorted(r['repositoryName'] for r in "
        "c.describe_repositories()['repositories'])))\n";
    auto run = aws::RunProcess({"env", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "python3",
                                "-c", script, "http://127.0.0.1:" + std::to_string(port_)},
                               std::chrono::seconds(60));
    EXPECT_TRUE(run.ok() && run->exit_code == 0) << (run.ok() ? run->err : run.status().ToString());
    std::vector<std::string> names;
    if (!run.ok()) return names;
    std::stringstream lines(run->out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) names.push_back(line);
    }
    return names;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  CliRunner cli_;
  t::TempDir dir_;
  static int port_;
  static std::unique_ptr<t::ChildProcess> server_;
};

int InfraCliTest::port_ = 0;
std::unique_ptr<t::ChildProcess> InfraCliTest::server_;

TEST_F(InfraCliTest, SynthWritesTemplatesAndReportsConfigErrors) {
  const std::string config = dir_.Write("aws-hpc.yaml", kConfig);
  CliResult result =
      cli_.Run({"infra", "synth", "-c", config, "--out", dir_.path() + "/out"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* stack : {"e2e-core", "e2e-compute", "e2e-app-lammps"}) {
    const std::string path = dir_.path() + "/out/" + stack + ".template.json";
    ASSERT_TRUE(std::filesystem::exists(path)) << path << "\n" << result.out;
    EXPECT_TRUE(nlohmann::json::parse(Read(path))["Resources"].is_object());
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/out/e2e-storage.template.json"));

  // One stack to stdout.
  result = cli_.Run({"infra", "synth", "-c", config, "--stack", "compute"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["Resources"]["JobQueueX8664AmdSpot"]["Type"],
            "AWS::Batch::JobQueue");

  // Bad input: file, line, column and field.
  const std::string bad =
      dir_.Write("bad.yaml", "region: us-east-1\ncompute:\n  families: [sparc]\n");
  result = cli_.Run({"infra", "synth", "-c", bad, "--stack", "core"}, Env());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(bad + ":3:14: compute.families[0]: expected one of x86_64-amd"),
            std::string::npos)
      << result.err;
  result = cli_.Run({"infra", "synth", "-c", config, "--stack", "network"}, Env());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown stack \"network\""), std::string::npos) << result.err;
}

TEST_F(InfraCliTest, DeployStatusDiffDestroy) {
  const std::string config = dir_.Write("aws-hpc.yaml", kConfig);
  const std::string state_path = dir_.path() + "/aws-hpc.state.json";

  // An interrupted first deploy leaves a stack in REVIEW_IN_PROGRESS (a CREATE change set that
  // was never executed): status shows it, diff and deploy treat it as not deployed yet.
  const std::string script =
      "import boto3,sys\n"
      "c=boto3.client('cloudformation',region_name='us-east-1',endpoint_url=sys.argv[1])\n"
      "c.create_change_set(StackName='e2e-core',ChangeSetName='interrupted',ChangeSetType="
      "'CREATE',TemplateBody='{\"Resources\":{\"T\":{\"Type\":\"AWS::SNS::Topic\"}}}')\n"
      "print(c.describe_stacks(StackName='e2e-core')['Stacks'][0]['StackStatus'])\n";
  auto interrupted =
      aws::RunProcess({"env", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "python3", "-c",
                       script, "http://127.0.0.1:" + std::to_string(port_)},
                      std::chrono::seconds(60));
  ASSERT_TRUE(interrupted.ok()) << interrupted.status().ToString();
  ASSERT_EQ(interrupted->out, "REVIEW_IN_PROGRESS\n") << interrupted->err;
  CliResult result = cli_.Run({"infra", "status", "-c", config, "--stack", "core"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("REVIEW_IN_PROGRESS"), std::string::npos) << result.out;

  result = cli_.Run({"infra", "diff", "-c", config}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("core (e2e-core): "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Add     Vpc"), std::string::npos) << result.out;
  // CloudFormation creates into the REVIEW_IN_PROGRESS stack; moto would keep the old one beside
  // the new (docs/deploy.md, moto workarounds), so it is destroyed first here.
  result = cli_.Run({"infra", "destroy", "-c", config, "--stack", "core", "--yes"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  result = cli_.Run({"infra", "deploy", "-c", config}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  for (const char* line :
       {"core: deploying e2e-core", "core: CREATE_COMPLETE", "compute: CREATE_COMPLETE",
        "app:lammps: CREATE_COMPLETE", "AWS::CloudFormation::Stack", "outputs saved in"}) {
    EXPECT_NE(result.out.find(line), std::string::npos) << line << "\n" << result.out;
  }

  // The state file names every queue with its family and purchase option.
  const nlohmann::json state = nlohmann::json::parse(Read(state_path));
  ASSERT_EQ(state["queues"].size(), 4u) << state.dump(2);
  EXPECT_EQ(state["queues"][1]["name"], "e2e-x86_64-amd-ondemand");
  EXPECT_EQ(state["queues"][1]["arch_family"], "x86_64-amd");
  EXPECT_EQ(state["queues"][1]["purchase"], "ondemand");
  EXPECT_TRUE(state["bucket"].is_string());
  EXPECT_EQ(state["log_group"], "/aws-hpc/e2e/jobs");
  EXPECT_TRUE(state["apps"]["lammps"]["job_definitions"].contains("arm64-graviton"));

  result = cli_.Run({"infra", "status", "-c", config, "-o", "json"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json status = nlohmann::json::parse(result.out);
  ASSERT_EQ(status.size(), 3u);
  for (const auto& s : status) EXPECT_EQ(s["status"], "CREATE_COMPLETE") << s.dump();
  EXPECT_GT(status[1]["resources"].get<int>(), 8);

  result = cli_.Run({"infra", "diff", "-c", config}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("compute (e2e-compute): no changes"), std::string::npos) << result.out;

  // A second deploy changes nothing.
  result = cli_.Run({"infra", "deploy", "-c", config, "--stack", "compute"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("compute: CREATE_COMPLETE (no changes)"), std::string::npos)
      << result.out;

  // A config change: diff shows the change set, deploy updates core in place, and the stacks
  // that take core's outputs still find them.
  dir_.Write("aws-hpc.yaml", std::string(kConfig) + "logs: {retention_days: 60}\n");
  result = cli_.Run({"infra", "diff", "-c", config}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("core (e2e-core): 1 change(s)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("Modify  JobLogGroup  AWS::Logs::LogGroup"), std::string::npos)
      << result.out;
  result = cli_.Run({"infra", "deploy", "-c", config}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("core: UPDATE_COMPLETE"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("app:lammps: CREATE_COMPLETE (no changes)"), std::string::npos)
      << result.out;
  EXPECT_EQ(nlohmann::json::parse(Read(state_path))["log_group"], "/aws-hpc/e2e/jobs");

  result = cli_.Run({"infra", "destroy", "-c", config}, Env());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--yes"), std::string::npos);
  result = cli_.Run({"infra", "destroy", "-c", config, "--yes"}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_LT(result.out.find("app:lammps: DELETE_COMPLETE"),
            result.out.find("core: DELETE_COMPLETE"))
      << result.out;
  result = cli_.Run({"infra", "status", "-c", config}, Env());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("e2e-core        NOT_DEPLOYED"), std::string::npos) << result.out;
  EXPECT_TRUE(nlohmann::json::parse(Read(state_path))["queues"].empty());
}

// Two platforms in one account and region: each app stack owns aws-hpc/<platform>/<app>, `app
// build --push ecr` and `app deploy` use the repository of the platform AWS_HPC_CONFIG names, and
// destroying one platform's app stack leaves the other's repository alone.
TEST_F(InfraCliTest, TwoPlatformsKeepSeparateEcrRepositories) {
  std::string second_text = kConfig;
  second_text.replace(second_text.find("name: e2e"), 9, "name: lab");
  const std::string first = dir_.Write("first.yaml", kConfig);
  const std::string second = dir_.Write("second.yaml", second_text);
  for (const std::string& config : {first, second}) {
    for (const char* stack : {"core", "app:lammps"}) {
      CliResult result = cli_.Run({"infra", "deploy", "-c", config, "--stack", stack}, Env());
      ASSERT_EQ(result.exit_code, 0) << config << " " << stack << "\n" << result.out << result.err;
    }
  }
  std::vector<std::string> repositories = EcrRepositories();
  EXPECT_NE(std::find(repositories.begin(), repositories.end(), "aws-hpc/e2e/lammps"),
            repositories.end());
  EXPECT_NE(std::find(repositories.begin(), repositories.end(), "aws-hpc/lab/lammps"),
            repositories.end());
  const nlohmann::json state = nlohmann::json::parse(Read(dir_.path() + "/second.state.json"));
  const std::string uri = state["apps"]["lammps"]["repository_uri"];
  EXPECT_TRUE(uri.ends_with(".amazonaws.com/aws-hpc/lab/lammps")) << uri;

  // `app build --push ecr` of the second platform pushes to its repository (the plan shows it;
  // --base-date: no look for local base images, which needs the build tool).
  std::map<std::string, std::string> env = Env();
  env["AWS_HPC_CONFIG"] = second;
  env["AWS_REGION"] = "us-east-1";  // app deploy takes the region from the AWS config
  CliResult plan = cli_.Run({"app", "build", "lammps", "--arch", "x86_64", "--dry-run",
                             "--base-date", "20261101", "--push", "ecr"},
                            env);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("then push to ecr as aws-hpc/lab/lammps:"), std::string::npos)
      << plan.out;
  // `app deploy` defaults its images to the same repository (from the state file).
  CliResult deployed = cli_.Run(
      {"app", "deploy", "lammps", "--variant", "serial", "--arch", "x86_64", "-o", "json"}, env);
  ASSERT_EQ(deployed.exit_code, 0) << deployed.out << deployed.err;
  EXPECT_TRUE(JsonField(deployed.out, "image").starts_with(uri + ":")) << deployed.out;
  EXPECT_TRUE(JsonField(deployed.out, "image").ends_with("-serial-x86_64")) << deployed.out;
  // Without a platform config the push goes to the unscoped repository, and says so.
  env["AWS_HPC_CONFIG"] = dir_.path() + "/missing.yaml";
  plan = cli_.Run({"app", "build", "lammps", "--arch", "x86_64", "--dry-run", "--base-date",
                   "20261101", "--push", "ecr"},
                  env);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("then push to ecr as aws-hpc/lammps:"), std::string::npos) << plan.out;
  EXPECT_NE(plan.err.find("note: no platform config"), std::string::npos) << plan.err;

  // Destroying the second platform's app stack keeps the first platform's repository.
  CliResult destroyed =
      cli_.Run({"infra", "destroy", "-c", second, "--stack", "app:lammps", "--yes"}, Env());
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.out << destroyed.err;
  repositories = EcrRepositories();
  EXPECT_NE(std::find(repositories.begin(), repositories.end(), "aws-hpc/e2e/lammps"),
            repositories.end());
  EXPECT_EQ(std::find(repositories.begin(), repositories.end(), "aws-hpc/lab/lammps"),
            repositories.end());
  for (const std::string& config : {first, second}) {
    CliResult result = cli_.Run({"infra", "destroy", "-c", config, "--yes"}, Env());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  }
}

}  // namespace
}  // namespace awshpc::e2e
