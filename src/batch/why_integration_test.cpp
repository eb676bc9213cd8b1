// File: batch/why_integration_test.cpp
// `job why`'s gathering against moto_server: real queues and managed compute environments (a
// disabled one, a Graviton-only one, one scaled to its maximum), instance types from moto's EC2
// catalogue, and the diagnosis of what was gathered. moto finishes every job at once, so a job
// that "does not run" is one Batch no longer lists (its last status, RUNNABLE, is in the
// records), which is also what happens to old jobs on AWS.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "../aws/services/services_test_env.hpp"
#include "../aws/test_util.hpp"
#include "awshpc/aws/protocols/query.hpp"
#include "awshpc/aws/rate_limiter.hpp"
#include "awshpc/batch/submitter.hpp"
#include "awshpc/batch/why.hpp"

namespace awshpc::batch::why {
namespace {

namespace ab = aws::batch;
using aws::testing::MotoEnvironment;

constexpr std::int64_t kGiB = 1024;

// Counts the calls a client makes (every attempt acquires once).
class CountingLimiter final : public aws::RateLimiter {
 public:
  void Acquire() override { ++calls; }
  std::int64_t calls = 0;
};

class WhyIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = std::make_unique<MotoEnvironment>();
    if (!moto_->ok()) return;
    setup_error_ = MakeFixture();
  }
  static void TearDownTestSuite() {
    batch_.reset();
    ec2_.reset();
    moto_.reset();
  }
  void SetUp() override {
    if (!moto_->ok()) GTEST_SKIP() << "moto_server unavailable: " << moto_->error();
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static Status CreateCe(const std::string& name, const std::string& state,
                         std::vector<std::string> types, std::int64_t max_vcpus,
                         std::int64_t desired_vcpus) {
    ab::CreateComputeEnvironmentRequest ce;
    ce.compute_environment_name = name;
    ce.type = "MANAGED";
    ce.state = state;
    ce.service_role = service_role_;
    ab::ComputeResources resources;
    resources.type = "EC2";
    resources.allocation_strategy = "BEST_FIT_PROGRESSIVE";
    resources.min_vcpus = 0;
    resources.max_vcpus = max_vcpus;
    resources.desired_vcpus = desired_vcpus;
    resources.instance_types = std::move(types);
    resources.subnets = {subnet_};
    resources.security_group_ids = {security_group_};
    resources.instance_role = instance_profile_;
    ce.compute_resources = resources;
    return batch_->CreateComputeEnvironment(ce).status();
  }

  static Status CreateQueue(const std::string& name, const std::string& state,
                            const std::vector<std::string>& environments) {
    ab::CreateJobQueueRequest queue;
    queue.job_queue_name = name;
    queue.state = state;
    std::int64_t order = 1;
    for (const std::string& ce : environments)
      queue.compute_environment_order.push_back({order++, ce});
    return batch_->CreateJobQueue(queue).status();
  }

  static std::string MakeFixture() {
    auto fixture = [&]() -> Status {
      RETURN_IF_ERROR(moto_->DisableBatchDocker());
      ASSIGN_OR_RETURN(service_role_, moto_->CreateRole("why-batch-service-role"));
      ASSIGN_OR_RETURN(instance_profile_, moto_->CreateInstanceProfile("why-ecs-instance"));
      ASSIGN_OR_RETURN(ab::BatchClient batch, ab::BatchClient::Create(moto_->context()));
      batch_ = std::make_unique<ab::BatchClient>(std::move(batch));
      ASSIGN_OR_RETURN(aws::ec2::Ec2Client ec2, aws::ec2::Ec2Client::Create(moto_->context()));
      ec2_ = std::make_unique<aws::ec2::Ec2Client>(std::move(ec2));
      ASSIGN_OR_RETURN(const auto network, moto_->FindDefaultNetwork());
      subnet_ = network.subnet_id;
      security_group_ = network.security_group_id;

      RETURN_IF_ERROR(CreateCe("why-ce-off", "DISABLED", {"c6i"}, 64, 0));
      RETURN_IF_ERROR(CreateCe("why-ce-graviton", "ENABLED", {"c7g"}, 256, 0));
      RETURN_IF_ERROR(CreateCe("why-ce-x86", "ENABLED", {"c6i", "m6i"}, 512, 0));
      // Scaled to its ceiling: moto starts the instances for its desired vCPUs.
      RETURN_IF_ERROR(CreateCe("why-ce-full", "ENABLED", {"c6i.2xlarge"}, 16, 16));
      RETURN_IF_ERROR(CreateQueue("why-q-off", "DISABLED", {"why-ce-x86"}));
      RETURN_IF_ERROR(CreateQueue("why-q-ce-off", "ENABLED", {"why-ce-off"}));
      RETURN_IF_ERROR(CreateQueue("why-q-graviton", "ENABLED", {"why-ce-graviton"}));
      RETURN_IF_ERROR(CreateQueue("why-q-x86", "ENABLED", {"why-ce-off", "why-ce-x86"}));
      RETURN_IF_ERROR(CreateQueue("why-q-full", "ENABLED", {"why-ce-full"}));
      return Status::Ok();
    }();
    return fixture.ok() ? "" : fixture.ToString();
  }

  // A platform job whose Batch side Batch no longer lists; last seen RUNNABLE an hour ago.
  static std::pair<sched::Job, BatchJobLink> ForgottenJob(const std::string& queue, int vcpus,
                                                          std::int64_t memory_mib) {
    sched::Job job;
    job.id = "j-why00001";
    job.state = sched::JobState::kRunnable;
    job.request.backend = "batch";
    job.request.resources.vcpus = vcpus;
    job.request.resources.memory_mib = memory_mib;
    job.history = {{sched::JobState::kSubmitted, clock_.NowMillis() - 3'700'000, "submitted"},
                   {sched::JobState::kRunnable, clock_.NowMillis() - 3'600'000, "RUNNABLE"}};
    BatchJobLink link;
    link.job_id = job.id;
    link.queue = queue;
    link.batch_ids = {"4c7a1e2b-0000-4000-8000-000000000000"};
    link.batch_status = "RUNNABLE";
    return {job, link};
  }

  static Result<Diagnosis> Why(const std::string& queue, int vcpus, std::int64_t memory_mib,
                               std::string_view arch, BatchJobFacts* gathered = nullptr) {
    auto [job, link] = ForgottenJob(queue, vcpus, memory_mib);
    ASSIGN_OR_RETURN(const arch::Catalog* catalog, arch::Catalog::Builtin());
    ASSIGN_OR_RETURN(BatchJobFacts facts,
                     GatherBatchFacts(*batch_, *ec2_, *catalog, job, link, arch, clock_));
    if (gathered != nullptr) *gathered = facts;
    return DiagnoseBatch(facts);
  }

  static const Finding* Find(const Diagnosis& diagnosis, std::string_view code) {
    for (const Finding& f : diagnosis.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }
  static std::string Codes(const Diagnosis& diagnosis) {
    std::string out;
    for (const Finding& f : diagnosis.findings) out += f.code + ": " + f.message + "\n";
    return out;
  }

  static std::unique_ptr<MotoEnvironment> moto_;
  static std::unique_ptr<ab::BatchClient> batch_;
  static std::unique_ptr<aws::ec2::Ec2Client> ec2_;
  static std::string setup_error_, service_role_, instance_profile_, subnet_, security_group_;
  static SystemClock clock_;
};

std::unique_ptr<MotoEnvironment> WhyIntegrationTest::moto_;
std::unique_ptr<ab::BatchClient> WhyIntegrationTest::batch_;
std::unique_ptr<aws::ec2::Ec2Client> WhyIntegrationTest::ec2_;
std::string WhyIntegrationTest::setup_error_, WhyIntegrationTest::service_role_,
    WhyIntegrationTest::instance_profile_, WhyIntegrationTest::subnet_,
    WhyIntegrationTest::security_group_;
SystemClock WhyIntegrationTest::clock_;

TEST_F(WhyIntegrationTest, GathersTheQueueItsEnvironmentsAndRealInstanceTypes) {
  BatchJobFacts facts;
  auto d = Why("why-q-x86", 4, 8 * kGiB, "zen4", &facts);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(facts.status, "RUNNABLE");
  EXPECT_EQ(facts.instance_arch, "x86_64");
  ASSERT_TRUE(facts.queue.found);
  ASSERT_EQ(facts.queue.environments.size(), 2u);
  EXPECT_EQ(facts.queue.environments[0].name, "why-ce-off");  // the queue's order
  const ComputeEnvFact& x86 = facts.queue.environments[1];
  EXPECT_EQ(x86.max_vcpus, 512);
  // moto's catalogue is EC2's: c6i.32xlarge has 128 vCPUs and 256 GiB.
  auto big = std::find_if(x86.instance_types.begin(), x86.instance_types.end(),
                          [](const auto& t) { return t.name == "c6i.32xlarge"; });
  ASSERT_NE(big, x86.instance_types.end());
  EXPECT_EQ(big->vcpus, 128);
  EXPECT_EQ(big->memory_mib, 256 * kGiB);
  EXPECT_GT(x86.instance_types.size(), 15u);  // c6i and m6i sizes
  ASSERT_TRUE(facts.queue_vcpus_in_use.has_value());
  EXPECT_EQ(*facts.queue_vcpus_in_use, 0);
  // The disabled environment is named, but the enabled one can run the job.
  const Finding* off = Find(*d, "compute-environment-disabled");
  ASSERT_NE(off, nullptr) << Codes(*d);
  EXPECT_EQ(off->severity, Severity::kWarning);
  EXPECT_FALSE(d->Explained()) << Codes(*d);
}

TEST_F(WhyIntegrationTest, DisabledQueue) {
  auto d = Why("why-q-off", 1, 1024, "x86_64");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const Finding* f = Find(*d, "queue-disabled");
  ASSERT_NE(f, nullptr) << Codes(*d);
  EXPECT_EQ(f->severity, Severity::kBlocking);
}

TEST_F(WhyIntegrationTest, OnlyEnvironmentDisabled) {
  auto d = Why("why-q-ce-off", 1, 1024, "x86_64");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const Finding* f = Find(*d, "compute-environment-disabled");
  ASSERT_NE(f, nullptr) << Codes(*d);
  EXPECT_EQ(f->severity, Severity::kBlocking);
  EXPECT_NE(f->message.find("why-ce-off is DISABLED"), std::string::npos) << f->message;
}

TEST_F(WhyIntegrationTest, GravitonOnlyEnvironmentAndAnX86Job) {
  auto d = Why("why-q-graviton", 2, 2 * kGiB, "zen3");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const Finding* f = Find(*d, "no-instance-fits");
  ASSERT_NE(f, nullptr) << Codes(*d);
  EXPECT_NE(f->message.find("why-ce-graviton allows only arm64 instances (c7g)"), std::string::npos)
      << f->message;
  // The same queue is fine for a Graviton job.
  d = Why("why-q-graviton", 2, 2 * kGiB, "graviton3");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(Find(*d, "no-instance-fits"), nullptr) << Codes(*d);
}

TEST_F(WhyIntegrationTest, OneTebibyteNoTypeCanHold) {
  auto d = Why("why-q-x86", 8, 1024 * kGiB, "x86_64");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const Finding* f = Find(*d, "no-instance-fits");
  ASSERT_NE(f, nullptr) << Codes(*d);
  // The largest of c6i and m6i in EC2's catalogue: 512 GiB (m6i.32xlarge, m6i.metal).
  EXPECT_NE(f->message.find("the most memory is 512GiB"), std::string::npos) << f->message;
}

TEST_F(WhyIntegrationTest, MaxVcpusReached) {
  BatchJobFacts facts;
  auto d = Why("why-q-full", 4, 4 * kGiB, "x86_64", &facts);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(facts.queue.environments.size(), 1u);
  EXPECT_EQ(facts.queue.environments[0].desired_vcpus.value_or(-1), 16);
  const Finding* f = Find(*d, "max-vcpus-reached");
  ASSERT_NE(f, nullptr) << Codes(*d);
  EXPECT_EQ(f->severity, Severity::kWaiting);
  EXPECT_NE(f->message.find("why-ce-full at 16 of 16"), std::string::npos) << f->message;
}

TEST_F(WhyIntegrationTest, AFinishedJobIsDescribedOnlyOnce) {
  ab::RegisterJobDefinitionRequest definition;
  definition.job_definition_name = "why-true";
  definition.container_properties = ab::ContainerProperties{};
  definition.container_properties->image = "public.ecr.aws/amazonlinux/amazonlinux:2023";
  definition.container_properties->command = {"true"};
  definition.container_properties->resource_requirements = {{"VCPU", "1"}, {"MEMORY", "512"}};
  auto registered = batch_->RegisterJobDefinition(definition);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  ab::SubmitJobRequest submit;
  submit.job_name = "why-done";
  submit.job_queue = "why-q-x86";
  submit.job_definition = registered->job_definition_arn;
  submit.tags[kJobIdTag] = "j-why00002";
  submit.tags["aws-hpc:arch"] = "zen4";
  auto submitted = batch_->SubmitJob(submit);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  // Hang guard only: moto ends the job within moments.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    auto described = batch_->DescribeJobs({{submitted->job_id}});
    ASSERT_TRUE(described.ok());
    ASSERT_EQ(described->jobs.size(), 1u);
    status = described->jobs[0].status;
    if (status == "SUCCEEDED" || status == "FAILED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(status, "SUCCEEDED");

  auto [job, link] = ForgottenJob("why-q-x86", 1, 512);
  link.batch_ids = {submitted->job_id};
  auto catalog = arch::Catalog::Builtin();
  ASSERT_TRUE(catalog.ok());
  auto counter = std::make_shared<CountingLimiter>();
  auto counted = ab::BatchClient::Create(moto_->context());
  ASSERT_TRUE(counted.ok());
  counted->SetRateLimiter(counter);
  auto facts = GatherBatchFacts(*counted, *ec2_, **catalog, job, link, "", clock_);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(counter->calls, 1);    // DescribeJobs, nothing else
  EXPECT_EQ(facts->arch, "zen4");  // from the job's tag
  Diagnosis d = DiagnoseBatch(*facts);
  ASSERT_EQ(d.findings.size(), 1u) << Codes(d);
  EXPECT_EQ(d.findings[0].code, "finished");
  EXPECT_EQ(d.state, "SUCCEEDED");
}

}  // namespace
}  // namespace awshpc::batch::why
