// File: deployer_moto_test.cpp
// Deploy, diff, update and destroy of the core, storage (EFS) and compute stacks against
// moto_server on 127.0.0.1 (started here on a free port with testdata/moto_server_cfn.py, stopped
// by PID). The resources are checked with EC2, S3 and Batch describe calls, not just the stack
// status.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "../aws/test_util.hpp"
#include "awshpc/aws/aws_context.hpp"
#include "awshpc/aws/environment.hpp"
#include "awshpc/aws/process.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/infra/deployer.hpp"
#include "awshpc/infra/stacks.hpp"
#include "awshpc/infra/state.hpp"

namespace awshpc::infra {
namespace {

namespace t = aws::testing;

class DeployerMotoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(t::HaveProgram("moto_server"))
        << "moto_server is missing: install the Debian package python3-moto (or pip moto[server])";
    port_ = t::FreeLoopbackPort();
    server_ = std::make_unique<t::ChildProcess>(
        std::vector<std::string>{"python3", t::SourcePath("src/infra/testdata/moto_server_cfn.py"),
                                 "-H", "127.0.0.1", "-p", std::to_string(port_)});
    ASSERT_TRUE(t::WaitForPort(port_, 30'000)) << "moto_server did not start";
    env_ = aws::MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
                                {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
                                {"AWS_REGION", "us-east-1"},
                                {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(port_)},
                                {"AWS_CONFIG_FILE", dir_.path() + "/config"},
                                {"AWS_SHARED_CREDENTIALS_FILE", dir_.path() + "/credentials"},
                                {"AWS_EC2_METADATA_DISABLED", "true"}});
    aws::AwsContextOptions options;
    options.env = &env_;
    auto context = aws::AwsContext::Create(options);
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    context_ = std::move(context).value();
    auto cfn = cloudformation::CloudFormationClient::Create(*context_);
    ASSERT_TRUE(cfn.ok()) << cfn.status().ToString();
    cfn_ = std::make_unique<cloudformation::CloudFormationClient>(std::move(*cfn));
    DeployOptions deploy;
    deploy.poll_interval = std::chrono::milliseconds(100);
    deploy.timeout = std::chrono::seconds(120);
    deploy.on_event = [this](const cloudformation::StackEvent& e) { events_.push_back(e); };
    deployer_ = std::make_unique<Deployer>(*cfn_, deploy);
    auto catalog = arch::Catalog::Builtin();
    ASSERT_TRUE(catalog.ok());
    catalog_ = *catalog;
  }

  static PlatformConfig Config(const std::string& families) {
    ConfigLoadResult loaded = ParsePlatformConfig(
        "name: moto\nregion: us-east-1\ntags: {project: test}\nnetwork: {nat_gateway: false}\n"
        "compute:\n  max_vcpus: 64\n  families: [" +
            families + "]\nstorage:\n  bucket: {retain: false}\n",
        "aws-hpc.yaml");
    EXPECT_TRUE(loaded.config) << loaded.DiagnosticsText();
    return *loaded.config;
  }

  Result<DeployResult> Deploy(const PlatformConfig& config, StackKind kind,
                              const std::map<std::string, std::string>& core_outputs) {
    const StackRef ref{kind, ""};
    ASSIGN_OR_RETURN(const nlohmann::ordered_json t, kind == StackKind::kCore ? SynthCore(config)
                                                     : kind == StackKind::kStorage
                                                         ? SynthStorage(config)
                                                         : SynthCompute(config, *catalog_));
    ASSIGN_OR_RETURN(const auto parameters,
                     ResolveParameters(t.dump(), core_outputs, "deploy core first"));
    return deployer_->Deploy(StackName(config, ref), t.dump(), parameters, {{"project", "test"}});
  }

  std::vector<aws::batch::JobQueueDetail> Queues() {
    auto batch = aws::batch::BatchClient::Create(*context_);
    EXPECT_TRUE(batch.ok());
    auto queues = batch->DescribeJobQueues({});
    EXPECT_TRUE(queues.ok()) << queues.status().ToString();
    return queues.ok() ? queues->job_queues : std::vector<aws::batch::JobQueueDetail>{};
  }

  int port_ = 0;
  std::unique_ptr<t::ChildProcess> server_;
  t::TempDir dir_;
  aws::MapEnvironment env_;
  std::unique_ptr<aws::AwsContext> context_;
  std::unique_ptr<cloudformation::CloudFormationClient> cfn_;
  std::unique_ptr<Deployer> deployer_;
  std::vector<cloudformation::StackEvent> events_;
  const arch::Catalog* catalog_ = nullptr;
};

TEST_F(DeployerMotoTest, DeployDiffUpdateAndDestroyCoreAndCompute) {
  PlatformConfig config = Config("x86_64-amd, arm64-graviton");

  // Compute before core: its parameters are core's outputs.
  auto early = Deploy(config, StackKind::kCompute, {});
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("PrivateSubnetIds"), std::string::npos);

  // Core: a CREATE change set, executed, followed to CREATE_COMPLETE.
  auto core = Deploy(config, StackKind::kCore, {});
  ASSERT_TRUE(core.ok()) << core.status().ToString();
  EXPECT_EQ(core->status, "CREATE_COMPLETE");
  EXPECT_TRUE(core->changed);
  auto core_template = SynthCore(config);
  ASSERT_TRUE(core_template.ok());
  EXPECT_EQ(core->changes.size(), (*core_template)["Resources"].size());
  EXPECT_TRUE(std::all_of(core->changes.begin(), core->changes.end(),
                          [](const auto& c) { return c.action == "Add"; }));
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().resource_status, "CREATE_COMPLETE");
  for (const char* key :
       {"VpcId", "PrivateSubnetIds", "ClusterSecurityGroupId", "BucketName", "JobRoleArn",
        "InstanceProfileArn", "BatchServiceRoleArn", "LogGroupName"}) {
    EXPECT_FALSE(core->outputs[key].empty()) << key;
  }

  // The resources exist: VPC with its CIDR, 2 private + 2 public subnets, the bucket.
  auto ec2 = aws::ec2::Ec2Client::Create(*context_);
  ASSERT_TRUE(ec2.ok());
  auto vpcs = ec2->DescribeVpcs({{core->outputs["VpcId"]}, {}, {}, ""});
  ASSERT_TRUE(vpcs.ok()) << vpcs.status().ToString();
  ASSERT_EQ(vpcs->vpcs.size(), 1u);
  EXPECT_EQ(vpcs->vpcs[0].cidr_block, "10.0.0.0/16");
  auto subnets = ec2->DescribeSubnets({{}, {{"vpc-id", {core->outputs["VpcId"]}}}, {}, ""});
  ASSERT_TRUE(subnets.ok()) << subnets.status().ToString();
  EXPECT_EQ(subnets->subnets.size(), 4u);
  auto s3 = aws::s3::S3Client::Create(*context_);
  ASSERT_TRUE(s3.ok());
  EXPECT_TRUE(s3->HeadBucket({core->outputs["BucketName"]}).ok());

  // Compute: environments per family and purchase option, queues spot-then-on-demand.
  auto compute = Deploy(config, StackKind::kCompute, core->outputs);
  ASSERT_TRUE(compute.ok()) << compute.status().ToString();
  EXPECT_EQ(compute->status, "CREATE_COMPLETE");
  std::vector<aws::batch::JobQueueDetail> queues = Queues();
  ASSERT_EQ(queues.size(), 4u);
  for (const auto& q : queues) {
    EXPECT_EQ(q.state, "ENABLED") << q.job_queue_name;
    const bool spot = q.job_queue_name.ends_with("-spot");
    EXPECT_EQ(q.compute_environment_order.size(), spot ? 2u : 1u) << q.job_queue_name;
  }
  EXPECT_EQ(compute->outputs[QueueOutputKey("arm64-graviton", true, "Name")],
            "moto-arm64-graviton-spot");
  auto batch = aws::batch::BatchClient::Create(*context_);
  ASSERT_TRUE(batch.ok());
  auto environments = batch->DescribeComputeEnvironments(
      {{compute->outputs["ComputeEnvironmentX8664AmdSpotArn"]}, {}, ""});
  ASSERT_TRUE(environments.ok()) << environments.status().ToString();
  ASSERT_EQ(environments->compute_environments.size(), 1u);
  const auto& resources = *environments->compute_environments[0].compute_resources;
  EXPECT_EQ(resources.type, "SPOT");
  EXPECT_EQ(resources.allocation_strategy, "SPOT_PRICE_CAPACITY_OPTIMIZED");
  EXPECT_EQ(resources.max_vcpus, 64);
  EXPECT_EQ(resources.instance_types.front(), "c7a");

  // The state file summarises the queues for the Batch backend.
  PlatformState state = *PlatformState::Load(dir_.path() + "/aws-hpc.state.json");
  state.RecordStack({StackKind::kCore, ""}, "moto-core", core->stack_id, core->status,
                    core->outputs);
  state.RecordStack({StackKind::kCompute, ""}, "moto-compute", compute->stack_id, compute->status,
                    compute->outputs);
  state.Summarise(config);
  ASSERT_TRUE(state.Save().ok());
  auto reloaded = PlatformState::Load(dir_.path() + "/aws-hpc.state.json");
  ASSERT_TRUE(reloaded.ok());
  const auto& summary = reloaded->json();
  ASSERT_EQ(summary["queues"].size(), 4u);
  EXPECT_EQ(summary["queues"][0]["arch_family"], "x86_64-amd");
  EXPECT_EQ(summary["queues"][0]["purchase"], "spot");
  EXPECT_EQ(summary["queues"][0]["arn"], compute->outputs["QueueX8664AmdSpotArn"]);
  EXPECT_EQ(summary["bucket"], core->outputs["BucketName"]);

  // Nothing changed: diff is empty and deploy reports no changes.
  auto compute_template = SynthCompute(config, *catalog_);
  ASSERT_TRUE(compute_template.ok());
  auto parameters = ResolveParameters(compute_template->dump(), core->outputs, "");
  ASSERT_TRUE(parameters.ok());
  auto diff = deployer_->Diff("moto-compute", compute_template->dump(), *parameters);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_TRUE(diff->empty()) << diff->size();
  auto again = Deploy(config, StackKind::kCompute, core->outputs);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->changed);

  // A new family: diff shows the five new resources, deploy updates the stack.
  PlatformConfig bigger = Config("x86_64-amd, arm64-graviton, x86_64-intel");
  auto bigger_template = SynthCompute(bigger, *catalog_);
  ASSERT_TRUE(bigger_template.ok());
  diff = deployer_->Diff("moto-compute", bigger_template->dump(), *parameters);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  ASSERT_EQ(diff->size(), 5u);
  for (const auto& change : *diff) {
    EXPECT_EQ(change.action, "Add");
    EXPECT_NE(change.logical_resource_id.find("X8664Intel"), std::string::npos);
  }
  auto updated = Deploy(bigger, StackKind::kCompute, core->outputs);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->status, "UPDATE_COMPLETE");
  EXPECT_EQ(Queues().size(), 6u);
  EXPECT_EQ(updated->outputs[QueueOutputKey("x86_64-intel", false, "Name")],
            "moto-x86_64-intel-ondemand");

  // Destroy, dependents first: the queues, the VPC and the bucket are gone.
  auto destroyed = deployer_->Destroy("moto-compute");
  ASSERT_TRUE(destroyed.ok()) << destroyed.status().ToString();
  EXPECT_TRUE(*destroyed);
  EXPECT_TRUE(Queues().empty());
  destroyed = deployer_->Destroy("moto-core");
  ASSERT_TRUE(destroyed.ok()) << destroyed.status().ToString();
  EXPECT_TRUE(*destroyed);
  auto found = deployer_->Find("moto-core");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  vpcs = ec2->DescribeVpcs({{}, {{"vpc-id", {core->outputs["VpcId"]}}}, {}, ""});
  ASSERT_TRUE(vpcs.ok()) << vpcs.status().ToString();
  EXPECT_TRUE(vpcs->vpcs.empty());
  EXPECT_FALSE(s3->HeadBucket({core->outputs["BucketName"]}).ok());
  // A second destroy finds nothing to delete.
  destroyed = deployer_->Destroy("moto-core");
  ASSERT_TRUE(destroyed.ok());
  EXPECT_FALSE(*destroyed);
}

// EFS on: storage exports the file system id, compute's launch templates import it into their
// UserData. moto resolves the import, so the launch template EC2 holds mounts the real id.
TEST_F(DeployerMotoTest, ComputeImportsTheStorageStacksFileSystem) {
  ConfigLoadResult loaded = ParsePlatformConfig(
      "name: moto\nregion: us-east-1\nnetwork: {nat_gateway: false}\n"
      "compute:\n  max_vcpus: 16\n  families: [x86_64-amd]\n"
      "storage:\n  bucket: {retain: false}\n  efs: true\n",
      "aws-hpc.yaml");
  ASSERT_TRUE(loaded.config) << loaded.DiagnosticsText();
  const PlatformConfig& config = *loaded.config;
  auto core = Deploy(config, StackKind::kCore, {});
  ASSERT_TRUE(core.ok()) << core.status().ToString();
  auto storage = Deploy(config, StackKind::kStorage, core->outputs);
  ASSERT_TRUE(storage.ok()) << storage.status().ToString();
  EXPECT_EQ(storage->status, "CREATE_COMPLETE");
  const std::string fs_id = storage->outputs["EfsFileSystemId"];
  ASSERT_TRUE(fs_id.starts_with("fs-")) << fs_id;
  auto compute = Deploy(config, StackKind::kCompute, core->outputs);
  ASSERT_TRUE(compute.ok()) << compute.status().ToString();
  EXPECT_EQ(compute->status, "CREATE_COMPLETE");

  // The launch template's UserData as EC2 returns it (botocore, not our client), decoded.
  const std::string script =
      "import base64,boto3,sys\n"
      "c=boto3.client('ec2',region_name='us-east-1',endpoint_url=sys.argv[1])\n"
      "v=c.describe_launch_template_versions(LaunchTemplateName='moto-x86_64-amd',"
      "Versions=['$Latest'])['LaunchTemplateVersions'][0]\n"
      "print(base64.b64decode(v['LaunchTemplateData']['UserData']).decode())\n";
  auto run = aws::RunProcess({"env", "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "python3",
                              "-c", script, "http://127.0.0.1:" + std::to_string(port_)},
                             std::chrono::seconds(60));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->exit_code, 0) << run->err;
  EXPECT_NE(run->out.find("Content-Type: multipart/mixed; boundary="), std::string::npos)
      << run->out;
  EXPECT_NE(run->out.find("echo '" + fs_id + ":/ /efs efs _netdev,noresvport,tls 0 0'"),
            std::string::npos)
      << run->out;
  EXPECT_EQ(run->out.find("${"), std::string::npos) << run->out;

  // Destroy, dependents first: compute (the importer), then storage, then core.
  for (const char* stack : {"moto-compute", "moto-storage", "moto-core"}) {
    auto destroyed = deployer_->Destroy(stack);
    ASSERT_TRUE(destroyed.ok()) << stack << ": " << destroyed.status().ToString();
    EXPECT_TRUE(*destroyed) << stack;
  }
}

}  // namespace
}  // namespace awshpc::infra

namespace awshpc::infra {
namespace {

// moto cannot make a stack fail: a loopback server plays a failed update in CloudFormation's
// XML, and the error must name the failed resource with CloudFormation's reason.
TEST(DeployerFailureTest, FailedUpdateReportsResourcesAndReasons) {
  const int port = t::FreeLoopbackPort();
  t::ChildProcess server({"python3",
                          t::SourcePath("src/infra/testdata/cfn_failed_update_server.py"),
                          std::to_string(port)});
  ASSERT_TRUE(t::WaitForPort(port, 30'000)) << "the loopback server did not start";
  t::TempDir dir;
  aws::MapEnvironment env({{"AWS_ACCESS_KEY_ID", "AKIDFAKEFAKEFAKE"},
                           {"AWS_SECRET_ACCESS_KEY", "fake-secret"},
                           {"AWS_REGION", "us-east-1"},
                           {"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(port)},
                           {"AWS_CONFIG_FILE", dir.path() + "/config"},
                           {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/credentials"},
                           {"AWS_EC2_METADATA_DISABLED", "true"}});
  aws::AwsContextOptions options;
  options.env = &env;
  auto context = aws::AwsContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  auto client = cloudformation::CloudFormationClient::Create(**context);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  std::vector<cloudformation::StackEvent> events;
  std::vector<cloudformation::ResourceChange> changes;
  DeployOptions deploy;
  deploy.poll_interval = std::chrono::milliseconds(50);
  deploy.timeout = std::chrono::seconds(60);
  deploy.on_event = [&](const cloudformation::StackEvent& e) { events.push_back(e); };
  deploy.on_changes = [&](const std::vector<cloudformation::ResourceChange>& c) { changes = c; };
  Deployer deployer(*client, deploy);

  auto result = deployer.Deploy("fail-compute", R"({"Resources":{}})", {}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  const std::string& message = result.status().message();
  EXPECT_NE(message.find("stack fail-compute ended UPDATE_ROLLBACK_COMPLETE"), std::string::npos)
      << message;
  EXPECT_NE(message.find("JobQueueX8664AmdSpot (AWS::Batch::JobQueue) UPDATE_FAILED: Resource "
                         "handler returned message"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("computeEnvironment fail-ce is INVALID"), std::string::npos) << message;
  // The change set was shown; the events came oldest first, the one from before not again.
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, "Modify");
  EXPECT_EQ(changes[0].replacement, "False");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].resource_status, "UPDATE_IN_PROGRESS");
  EXPECT_EQ(events[1].resource_status, "UPDATE_FAILED");
  EXPECT_EQ(events[2].resource_status, "UPDATE_ROLLBACK_COMPLETE");
}

}  // namespace
}  // namespace awshpc::infra
