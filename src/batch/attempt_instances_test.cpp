// File: batch/attempt_instances_test.cpp
// The look-up chain of AttemptInstances against moto_server: managed SPOT and EC2 compute
// environments (moto creates their ECS clusters), real EC2 instances (one spot through
// InstanceMarketOptions), each registered into its environment's cluster as the ECS agent does,
// then found from its container instance ARN. moto's Batch itself writes "TBD" for an attempt's
// containerInstanceArn, so Sync's recording is tested on replayed DescribeJobs responses
// (SyncRecordsWhereEachAttemptRan below, DescribeJobs from tests/tools/batch_replay_server.py).
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "../aws/services/services_test_env.hpp"
#include "../aws/test_util.hpp"
#include "awshpc/arch/catalog.hpp"
#include "awshpc/batch/attempt_instances.hpp"
#include "awshpc/batch/batch_backend.hpp"
#include "awshpc/store/sqlite_job_store.hpp"

namespace awshpc::batch {
namespace {

namespace ab = aws::batch;
using aws::testing::MotoEnvironment;

class AttemptInstancesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = std::make_unique<MotoEnvironment>();
    if (!moto_->ok()) return;
    const Status fixture = MakeFixture();
    if (!fixture.ok()) setup_error_ = fixture.ToString();
  }
  static void TearDownTestSuite() {
    batch_.reset();
    ecs_.reset();
    ec2_.reset();
    moto_.reset();
  }
  void SetUp() override {
    if (!moto_->ok()) GTEST_SKIP() << "moto_server unavailable: " << moto_->error();
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static Result<std::string> CreateCe(const std::string& name, const std::string& type) {
    ab::CreateComputeEnvironmentRequest ce;
    ce.compute_environment_name = name;
    ce.type = "MANAGED";
    ce.state = "ENABLED";
    ce.service_role = service_role_;
    ab::ComputeResources resources;
    resources.type = type;
    resources.allocation_strategy =
        type == "SPOT" ? "SPOT_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE";
    resources.min_vcpus = 0;
    resources.max_vcpus = 64;
    resources.desired_vcpus = 0;
    resources.instance_types = {"c6i", "c6g"};
    resources.subnets = {subnet_};
    resources.security_group_ids = {security_group_};
    resources.instance_role = instance_profile_;
    ce.compute_resources = resources;
    RETURN_IF_ERROR(batch_->CreateComputeEnvironment(ce).status());
    ab::DescribeComputeEnvironmentsRequest describe;
    describe.compute_environments = {name};
    ASSIGN_OR_RETURN(ab::DescribeComputeEnvironmentsResult found,
                     batch_->DescribeComputeEnvironments(describe));
    if (found.compute_environments.empty() ||
        found.compute_environments[0].ecs_cluster_arn.empty()) {
      return InternalError("moto gave " + name + " no ECS cluster");
    }
    return found.compute_environments[0].ecs_cluster_arn;
  }

  // A running instance registered into `cluster`; returns its container instance ARN.
  static Result<std::string> Join(const std::string& cluster, const std::string& type, bool spot,
                                  std::string* instance_id) {
    aws::ec2::RunInstancesRequest run;
    run.image_id = "ami-12c6146b";
    run.instance_type = type;
    run.subnet_id = subnet_;
    run.spot = spot;
    ASSIGN_OR_RETURN(aws::ec2::RunInstancesResult ran, ec2_->RunInstances(run));
    if (ran.instances.size() != 1) return InternalError("RunInstances gave no instance");
    *instance_id = ran.instances[0].instance_id;
    ASSIGN_OR_RETURN(
        aws::ecs::RegisterContainerInstanceResult joined,
        ecs_->RegisterContainerInstance({cluster, R"({"instanceId": ")" + *instance_id + R"("})"}));
    return joined.container_instance.container_instance_arn;
  }

  static Status MakeFixture() {
    RETURN_IF_ERROR(moto_->DisableBatchDocker());
    ASSIGN_OR_RETURN(service_role_, moto_->CreateRole("ai-batch-service-role"));
    ASSIGN_OR_RETURN(instance_profile_, moto_->CreateInstanceProfile("ai-ecs-instance"));
    ASSIGN_OR_RETURN(ab::BatchClient batch, ab::BatchClient::Create(moto_->context()));
    batch_ = std::make_unique<ab::BatchClient>(std::move(batch));
    ASSIGN_OR_RETURN(aws::ec2::Ec2Client ec2, aws::ec2::Ec2Client::Create(moto_->context()));
    ec2_ = std::make_unique<aws::ec2::Ec2Client>(std::move(ec2));
    ASSIGN_OR_RETURN(aws::ecs::EcsClient ecs, aws::ecs::EcsClient::Create(moto_->context()));
    ecs_ = std::make_unique<aws::ecs::EcsClient>(std::move(ecs));
    ASSIGN_OR_RETURN(const auto network, moto_->FindDefaultNetwork());
    subnet_ = network.subnet_id;
    security_group_ = network.security_group_id;
    ASSIGN_OR_RETURN(const std::string spot_cluster, CreateCe("ai-ce-spot", "SPOT"));
    ASSIGN_OR_RETURN(const std::string ec2_cluster, CreateCe("ai-ce-ondemand", "EC2"));
    ASSIGN_OR_RETURN(spot_arn_, Join(spot_cluster, "c6g.xlarge", true, &spot_instance_));
    ASSIGN_OR_RETURN(on_demand_arn_, Join(ec2_cluster, "c6i.large", false, &on_demand_instance_));
    return Status::Ok();
  }

  static inline std::unique_ptr<MotoEnvironment> moto_;
  static inline std::unique_ptr<ab::BatchClient> batch_;
  static inline std::unique_ptr<aws::ec2::Ec2Client> ec2_;
  static inline std::unique_ptr<aws::ecs::EcsClient> ecs_;
  static inline std::string setup_error_, service_role_, instance_profile_, subnet_,
      security_group_, spot_arn_, on_demand_arn_, spot_instance_, on_demand_instance_;
};

TEST_F(AttemptInstancesTest, FindsTypeLifecycleAndEnvironmentOfEachInstance) {
  AttemptInstances instances(*batch_, *ecs_, *ec2_);
  auto spot = instances.Find(spot_arn_);
  ASSERT_TRUE(spot.ok()) << spot.status().ToString();
  ASSERT_TRUE(spot->has_value());
  EXPECT_EQ((*spot)->instance_type, "c6g.xlarge");
  EXPECT_EQ((*spot)->purchase, "spot");
  EXPECT_EQ((*spot)->compute_environment, "ai-ce-spot");
  EXPECT_EQ((*spot)->source, kInstanceFromEc2);
  EXPECT_EQ((*spot)->ec2_instance_id, spot_instance_);

  auto on_demand = instances.Find(on_demand_arn_);
  ASSERT_TRUE(on_demand.ok()) << on_demand.status().ToString();
  ASSERT_TRUE(on_demand->has_value());
  EXPECT_EQ((*on_demand)->instance_type, "c6i.large");
  EXPECT_EQ((*on_demand)->purchase, "on-demand");
  EXPECT_EQ((*on_demand)->compute_environment, "ai-ce-ondemand");
  EXPECT_EQ((*on_demand)->ec2_instance_id, on_demand_instance_);
}

TEST_F(AttemptInstancesTest, RecordFillsTheAttemptAndLeavesUnknownOnesAlone) {
  AttemptInstances instances(*batch_, *ecs_, *ec2_);
  AttemptRecord attempt;
  attempt.container_instance_arn = spot_arn_;
  attempt.purchase = "on-demand";  // what a mixed queue's guess would have been
  ASSERT_TRUE(instances.Record(attempt).ok());
  EXPECT_EQ(attempt.instance_type, "c6g.xlarge");
  EXPECT_EQ(attempt.purchase, "spot");
  EXPECT_EQ(attempt.compute_environment, "ai-ce-spot");
  EXPECT_EQ(attempt.instance_source, kInstanceFromEc2);

  AttemptRecord unknown;
  unknown.container_instance_arn =
      "arn:aws:ecs:us-east-1:123456789012:container-instance/ai-ce-spot/"
      "00000000-0000-0000-0000-000000000000";
  unknown.purchase = "spot";
  ASSERT_TRUE(instances.Record(unknown).ok());
  EXPECT_EQ(unknown.instance_type, "");
  EXPECT_EQ(unknown.purchase, "spot");
  EXPECT_EQ(unknown.instance_source, "");

  AttemptRecord none;  // no container instance: nothing to look up
  ASSERT_TRUE(instances.Record(none).ok());
  EXPECT_EQ(none, AttemptRecord{});
  AttemptRecord moto_batch;  // what moto's Batch reports: not an ARN
  moto_batch.container_instance_arn = "TBD";
  ASSERT_TRUE(instances.Record(moto_batch).ok());
  EXPECT_EQ(moto_batch.instance_source, "");
}

TEST_F(AttemptInstancesTest, AGoneInstanceFallsBackToTheEcsAttributeAndTheEnvironment) {
  // An EC2 client of another region does not know the instance: DescribeInstances answers
  // InvalidInstanceID.NotFound, as AWS does once it has forgotten a terminated instance.
  aws::MapEnvironment env = moto_->env();
  env.Set("AWS_REGION", "eu-west-1");
  aws::AwsContextOptions options;
  options.env = &env;
  auto context = aws::AwsContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  auto elsewhere = aws::ec2::Ec2Client::Create(**context);
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();
  aws::ec2::DescribeInstancesRequest check;
  check.instance_ids = {spot_instance_};
  EXPECT_FALSE(elsewhere->DescribeInstances(check).ok());

  AttemptInstances instances(*batch_, *ecs_, *elsewhere);
  auto spot = instances.Find(spot_arn_);
  ASSERT_TRUE(spot.ok()) << spot.status().ToString();
  ASSERT_TRUE(spot->has_value());
  EXPECT_EQ((*spot)->instance_type, "c6g.xlarge");
  EXPECT_EQ((*spot)->source, kInstanceFromEcsAttribute);
  EXPECT_EQ((*spot)->purchase, "spot");  // the SPOT environment's type
  auto on_demand = instances.Find(on_demand_arn_);
  ASSERT_TRUE(on_demand.ok() && on_demand->has_value());
  EXPECT_EQ((*on_demand)->instance_type, "c6i.large");
  EXPECT_EQ((*on_demand)->purchase, "on-demand");
  EXPECT_EQ((*on_demand)->source, kInstanceFromEcsAttribute);
}

// Sync on a replayed DescribeJobs response in AWS's format (moto's Batch has no real
// containerInstanceArn): a job of a mixed queue whose first attempt ran on the on-demand
// instance and was reclaimed, and whose retry ran on the spot one. Each attempt records its own.
TEST_F(AttemptInstancesTest, SyncRecordsWhereEachAttemptRan) {
  using Json = nlohmann::json;
  const std::int64_t t0 = 1'764'430'000'000;
  const auto attempt = [](const std::string& instance, std::int64_t started, std::int64_t stopped,
                          int exit_code, const std::string& reason) {
    return Json{{"container",
                 {{"containerInstanceArn", instance},
                  {"taskArn", "arn:aws:ecs:us-east-1:123456789012:task/x/0f1e"},
                  {"exitCode", exit_code},
                  {"logStreamName", "ai/default/" + std::to_string(started)},
                  {"networkInterfaces", Json::array()}}},
                {"startedAt", started},
                {"stoppedAt", stopped},
                {"statusReason", reason}};
  };
  const std::string batch_id = "5d8b0a32-1e7f-4b74-8c9f-3a2d6e4f8b21";
  const Json job = {
      {"jobArn", "arn:aws:batch:us-east-1:123456789012:job/" + batch_id},
      {"jobName", "batch-echo-j-ai"},
      {"jobId", batch_id},
      {"jobQueue", "arn:aws:batch:us-east-1:123456789012:job-queue/q-amd-auto"},
      {"status", "SUCCEEDED"},
      {"attempts",
       {attempt(on_demand_arn_, t0 + 60'000, t0 + 660'000, 137,
                "Host EC2 (instance " + on_demand_instance_ + ") terminated."),
        attempt(spot_arn_, t0 + 700'000, t0 + 1'000'000, 0, "Essential container in task exited")}},
      {"createdAt", t0},
      {"startedAt", t0 + 700'000},
      {"stoppedAt", t0 + 1'000'000},
      {"statusReason", "Essential container in task exited"},
      {"dependsOn", Json::array()},
      {"jobDefinition", "arn:aws:batch:us-east-1:123456789012:job-definition/ai:1"},
      {"parameters", Json::object()},
      {"container",
       {{"image", "public.ecr.aws/docker/library/busybox:stable"},
        {"command", {"echo", "hi"}},
        {"exitCode", 0},
        {"containerInstanceArn", spot_arn_},
        {"resourceRequirements", Json::array()}}},
      {"platformCapabilities", {"EC2"}}};
  aws::testing::TempDir dir;
  const std::string scenario = dir.path() + "/scenario.json";
  std::ofstream(scenario) << Json{{"describejobs", {Json{{"jobs", {job}}}}}}.dump();
  const int port = aws::testing::FreeLoopbackPort();
  aws::testing::ChildProcess replay({"python3",
                                     aws::testing::SourcePath("tests/tools/batch_replay_server.py"),
                                     std::to_string(port), scenario});
  ASSERT_TRUE(aws::testing::WaitForPort(port, 10'000)) << "batch_replay_server.py did not start";
  // DescribeJobs from the replay server; ECS, EC2 and the compute environments from moto.
  aws::MapEnvironment env = moto_->env();
  env.Set("AWS_ENDPOINT_URL_BATCH", "http://127.0.0.1:" + std::to_string(port));
  aws::AwsContextOptions options;
  options.env = &env;
  auto context = aws::AwsContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  auto replayed = ab::BatchClient::Create(**context);
  ASSERT_TRUE(replayed.ok());

  FakeClock clock(t0 + 2'000'000);
  const std::string db = dir.path() + "/jobs.db";
  auto store = store::OpenSqliteJobStore(db, clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto records = BatchRecords::Open(db, clock);
  ASSERT_TRUE(records.ok());
  sched::JobRequest request;
  request.name = "ai";
  request.app = "batch-echo";
  request.variant = "default";
  request.argv = {"echo", "hi"};
  request.backend = "batch";
  request.resources.vcpus = 2;
  auto created = (*store)->Create(request, sched::JobState::kSubmitted, "submitted");
  ASSERT_TRUE(created.ok());
  BatchJobLink link;
  link.job_id = created->id;
  link.region = "us-east-1";
  link.queue = "q-amd-auto";
  link.definition = "ai:1";
  link.batch_ids = {batch_id};
  link.purchase = "mixed";
  ASSERT_TRUE((*records)->PutLink(link).ok());
  auto catalog = arch::Catalog::Builtin();
  ASSERT_TRUE(catalog.ok());
  BatchBackend backend(**store, **records, *replayed, **catalog, "us-east-1", clock);
  AttemptInstances instances(*batch_, *ecs_, *ec2_);
  backend.SetAttemptInstances(&instances);
  ASSERT_TRUE(backend.Sync().ok());

  auto synced = (*records)->GetLink(created->id);
  ASSERT_TRUE(synced.ok());
  ASSERT_EQ(synced->attempts.size(), 2u);
  const AttemptRecord& first = synced->attempts[0];
  EXPECT_EQ(first.container_instance_arn, on_demand_arn_);
  EXPECT_EQ(first.instance_type, "c6i.large");
  EXPECT_EQ(first.purchase, "on-demand");
  EXPECT_EQ(first.compute_environment, "ai-ce-ondemand");
  EXPECT_EQ(first.instance_source, kInstanceFromEc2);
  EXPECT_EQ(first.exit_code, 137);
  const AttemptRecord& second = synced->attempts[1];
  EXPECT_EQ(second.instance_type, "c6g.xlarge");
  EXPECT_EQ(second.purchase, "spot");
  EXPECT_EQ(second.compute_environment, "ai-ce-spot");
  EXPECT_EQ(second.started_at, t0 + 700'000);
  EXPECT_EQ(second.stopped_at, t0 + 1'000'000);
  EXPECT_EQ((*store)->Get(created->id)->state, sched::JobState::kSucceeded);
}

}  // namespace
}  // namespace awshpc::batch
