// File: why_test.cpp
// `job why`'s diagnosis on gathered facts, one case per reason a job does not run, and the local
// queue facts read from a real SQLite job store.
#include "awshpc/batch/why.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../aws/test_util.hpp"
#include "awshpc/store/sqlite_job_store.hpp"

namespace awshpc::batch::why {
namespace {

constexpr std::int64_t kGiB = 1024;

InstanceTypeFact Type(std::string name, std::int64_t vcpus, std::int64_t memory_mib,
                      std::string arch, std::int64_t gpus = 0) {
  return {std::move(name), vcpus, memory_mib, gpus, {std::move(arch)}};
}

// A small real-looking catalogue: c7g (arm64), c6i and m4 (x86_64), p3 (GPUs).
std::vector<InstanceTypeFact> Catalogue() {
  return {Type("c7g.large", 2, 4 * kGiB, "arm64"),  Type("c7g.16xlarge", 64, 128 * kGiB, "arm64"),
          Type("c6i.large", 2, 4 * kGiB, "x86_64"), Type("c6i.32xlarge", 128, 256 * kGiB, "x86_64"),
          Type("m4.large", 2, 8 * kGiB, "x86_64"),  Type("m4.16xlarge", 64, 256 * kGiB, "x86_64"),
          Type("c5.large", 2, 4 * kGiB, "x86_64"),  Type("p3.2xlarge", 8, 61 * kGiB, "x86_64", 1),
          Type("m6g.large", 2, 8 * kGiB, "arm64"),  Type("m6i.large", 2, 8 * kGiB, "x86_64")};
}

ComputeEnvFact Ce(std::string name, std::vector<std::string> types, std::int64_t max_vcpus = 256,
                  std::string type = "EC2") {
  ComputeEnvFact ce;
  ce.name = std::move(name);
  ce.state = "ENABLED";
  ce.status = "VALID";
  ce.type = std::move(type);
  ce.max_vcpus = max_vcpus;
  ce.desired_vcpus = 0;
  ce.instance_type_entries = types;
  ce.instance_types = ExpandInstanceTypes(types, Catalogue());
  return ce;
}

// A RUNNABLE 4-vCPU, 8-GiB x86 job on an enabled queue with one roomy c6i environment.
BatchJobFacts Healthy() {
  BatchJobFacts facts;
  facts.job_id = "j-abc12345";
  facts.batch_id = "b-1";
  facts.status = "RUNNABLE";
  facts.vcpus = 4;
  facts.memory_mib = 8 * kGiB;
  facts.arch = "zen4";
  facts.instance_arch = "x86_64";
  facts.now = 10'000'000;
  facts.runnable_since = facts.now - 60'000;
  facts.queue.name = "hpc-x86";
  facts.queue.found = true;
  facts.queue.state = "ENABLED";
  facts.queue.status = "VALID";
  facts.queue.environments = {Ce("ce-c6i", {"c6i"})};
  facts.queue_vcpus_in_use = 0;
  return facts;
}

const Finding* Find(const Diagnosis& diagnosis, std::string_view code) {
  auto it = std::find_if(diagnosis.findings.begin(), diagnosis.findings.end(),
                         [&](const Finding& f) { return f.code == code; });
  return it == diagnosis.findings.end() ? nullptr : &*it;
}

std::string Codes(const Diagnosis& diagnosis) {
  std::string out;
  for (const Finding& f : diagnosis.findings) out += f.code + " ";
  return out;
}

TEST(WhyMemory, BatchKeepsPartOfTheInstanceMemory) {
  // AWS's example: an m4.large (8 GiB) registers 7,985 MiB; the AMI keeps 32 MiB of that.
  EXPECT_LE(UsableMemoryMiB(8192), 7985 - 32);
  EXPECT_GE(UsableMemoryMiB(8192), 7985 - 32 - 16);
  EXPECT_EQ(UsableMemoryMiB(0), 0);
}

TEST(WhyExpand, FamiliesExactTypesAndBundles) {
  auto names = [](const std::vector<InstanceTypeFact>& types) {
    std::vector<std::string> out;
    for (const auto& t : types) out.push_back(t.name);
    return out;
  };
  EXPECT_EQ(names(ExpandInstanceTypes({"c7g"}, Catalogue())),
            (std::vector<std::string>{"c7g.large", "c7g.16xlarge"}));
  EXPECT_EQ(names(ExpandInstanceTypes({"c6i.large"}, Catalogue())),
            (std::vector<std::string>{"c6i.large"}));
  EXPECT_EQ(names(ExpandInstanceTypes({"optimal"}, Catalogue())),
            (std::vector<std::string>{"m4.large", "m4.16xlarge", "c5.large"}));
  EXPECT_EQ(names(ExpandInstanceTypes({"default_arm64"}, Catalogue())),
            (std::vector<std::string>{"c7g.large", "c7g.16xlarge", "m6g.large"}));
  EXPECT_EQ(names(ExpandInstanceTypes({"default_x86_64"}, Catalogue())),
            (std::vector<std::string>{"c6i.large", "c6i.32xlarge", "m6i.large"}));
  EXPECT_EQ(InstanceTypePatterns({"c7g", "c7g.large", "c5.large", "default_arm64"}),
            (std::vector<std::string>{"c6g.*", "c7g.*", "m6g.*", "r6g.*", "c5.large"}));
  // "c7" is not the family of "c7g.large".
  EXPECT_TRUE(ExpandInstanceTypes({"c7"}, Catalogue()).empty());
}

TEST(WhyBatch, HealthyRunnableJobHasNothingBlocking) {
  Diagnosis d = DiagnoseBatch(Healthy());
  EXPECT_FALSE(d.Explained()) << Codes(d);
  ASSERT_NE(Find(d, "nothing-found"), nullptr) << Codes(d);
  EXPECT_EQ(d.state, "RUNNABLE");
}

TEST(WhyBatch, FinishedAndRunningJobsAreNotDiagnosed) {
  BatchJobFacts facts = Healthy();
  facts.status = "FAILED";
  facts.status_reason = "Essential container in task exited";
  facts.queue.state = "DISABLED";  // irrelevant once it has ended
  Diagnosis d = DiagnoseBatch(facts);
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].code, "finished");
  EXPECT_NE(d.findings[0].message.find("Essential container"), std::string::npos);
  facts.status = "RUNNING";
  d = DiagnoseBatch(facts);
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].code, "running");
}

TEST(WhyBatch, PendingParentsAreNamedWithTheirState) {
  BatchJobFacts facts = Healthy();
  facts.status = "PENDING";
  facts.parents = {{"b-p1", "j-parent01", false, true, "RUNNING", ""},
                   {"b-p2", "j-parent02", false, true, "SUCCEEDED", ""},
                   {"b-p3", "", true, true, "PENDING", ""}};
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "dependencies-pending");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_EQ(f->severity, Severity::kWaiting);
  EXPECT_NE(f->message.find("2 unfinished parents"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("j-parent01 (Batch job b-p1) is RUNNING"), std::string::npos);
  EXPECT_NE(f->message.find("barrier job b-p3"), std::string::npos);
  EXPECT_EQ(f->message.find("j-parent02"), std::string::npos);  // succeeded: not waited for
  EXPECT_NE(f->action.find("aws-hpc job why j-parent01"), std::string::npos);
  EXPECT_EQ(d.Summary(), f->message);
}

TEST(WhyBatch, FailedParentBlocksForever) {
  BatchJobFacts facts = Healthy();
  facts.status = "PENDING";
  facts.parents = {{"b-p1", "j-parent01", false, true, "FAILED", "exit code 3"}};
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "parent-failed");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_EQ(f->severity, Severity::kBlocking);
  EXPECT_NE(f->message.find("exit code 3"), std::string::npos);
}

TEST(WhyBatch, DisabledQueue) {
  BatchJobFacts facts = Healthy();
  facts.queue.state = "DISABLED";
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "queue-disabled");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_EQ(f->severity, Severity::kBlocking);
  EXPECT_NE(f->action.find("update-job-queue --job-queue hpc-x86 --state ENABLED"),
            std::string::npos);
  EXPECT_EQ(Find(d, "nothing-found"), nullptr);
  // A disabled environment behind a disabled queue is told too: enabling the queue is not enough.
  facts.queue.environments[0].state = "DISABLED";
  d = DiagnoseBatch(facts);
  ASSERT_NE(Find(d, "compute-environment-disabled"), nullptr) << Codes(d);
  EXPECT_EQ(d.Summary(), Find(d, "queue-disabled")->message);
}

TEST(WhyBatch, InvalidAndMissingQueue) {
  BatchJobFacts facts = Healthy();
  facts.queue.status = "INVALID";
  facts.queue.status_reason = "CLIENT_ERROR - compute environment is invalid";
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "queue-invalid");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("CLIENT_ERROR - compute environment is invalid"), std::string::npos);
  facts = Healthy();
  facts.queue.found = false;
  d = DiagnoseBatch(facts);
  ASSERT_NE(Find(d, "queue-missing"), nullptr) << Codes(d);
}

TEST(WhyBatch, InvalidOrDisabledEnvironmentsWithTheirReason) {
  BatchJobFacts facts = Healthy();
  facts.queue.environments[0].status = "INVALID";
  facts.queue.environments[0].status_reason =
      "CLIENT_ERROR - The security group 'sg-0123' does not exist";
  facts.queue.environments.push_back(Ce("ce-off", {"c6i"}));
  facts.queue.environments[1].state = "DISABLED";
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* invalid = Find(d, "compute-environment-invalid");
  ASSERT_NE(invalid, nullptr) << Codes(d);
  EXPECT_EQ(invalid->severity, Severity::kBlocking);  // no usable environment left
  EXPECT_NE(invalid->message.find("sg-0123"), std::string::npos);
  const Finding* disabled = Find(d, "compute-environment-disabled");
  ASSERT_NE(disabled, nullptr);
  EXPECT_NE(disabled->action.find("--compute-environment ce-off --state ENABLED"),
            std::string::npos);

  // With another environment able to take the job, a disabled one is only a warning.
  facts.queue.environments.push_back(Ce("ce-good", {"c6i"}));
  d = DiagnoseBatch(facts);
  EXPECT_EQ(Find(d, "compute-environment-disabled")->severity, Severity::kWarning);
  EXPECT_FALSE(d.Explained()) << Codes(d);
}

TEST(WhyBatch, ArmOnlyEnvironmentCannotRunAnX86Job) {
  BatchJobFacts facts = Healthy();
  facts.queue.environments = {Ce("ce-graviton", {"c7g"})};
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "no-instance-fits");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_EQ(f->severity, Severity::kBlocking);
  EXPECT_NE(f->message.find("ce-graviton allows only arm64 instances (c7g)"), std::string::npos)
      << f->message;
  EXPECT_NE(f->message.find("x86_64"), std::string::npos);
}

TEST(WhyBatch, MemoryNoTypeCanHoldNamesTheLargestAndTheReserve) {
  BatchJobFacts facts = Healthy();
  facts.memory_mib = 1024 * kGiB;  // 1 TiB
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "no-instance-fits");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("the most memory is 256GiB on c6i.32xlarge"), std::string::npos)
      << f->message;
  EXPECT_NE(f->message.find("32 MiB"), std::string::npos);  // the agent's reserve is said
}

TEST(WhyBatch, AJobAskingForTheWholeInstanceMemoryDoesNotFit) {
  // 8 GiB on m4.large (8 GiB installed): Batch cannot place it, the reserve is the reason.
  BatchJobFacts facts = Healthy();
  facts.vcpus = 2;
  facts.memory_mib = 8 * kGiB;
  facts.queue.environments = {Ce("ce-m4", {"m4.large"})};
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "no-instance-fits");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("of which about"), std::string::npos) << f->message;
  facts.memory_mib = 7 * kGiB;  // leaves room for the reserve
  EXPECT_EQ(Find(DiagnoseBatch(facts), "no-instance-fits"), nullptr);
}

TEST(WhyBatch, VcpusAndGpusBeyondEveryType) {
  BatchJobFacts facts = Healthy();
  facts.vcpus = 192;
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "no-instance-fits");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("the most vCPUs is 128 (c6i.32xlarge)"), std::string::npos)
      << f->message;
  facts = Healthy();
  facts.gpus = 1;
  facts.instance_arch = "";  // cuda: any ISA
  d = DiagnoseBatch(facts);
  f = Find(d, "no-instance-fits");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("none has a GPU"), std::string::npos) << f->message;
  facts.queue.environments = {Ce("ce-gpu", {"p3"})};
  EXPECT_EQ(Find(DiagnoseBatch(facts), "no-instance-fits"), nullptr);
}

TEST(WhyBatch, MaxVcpusReachedFromRunningJobs) {
  BatchJobFacts facts = Healthy();
  facts.queue.environments[0].max_vcpus = 16;
  facts.queue_vcpus_in_use = 14;
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "max-vcpus-reached");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_EQ(f->severity, Severity::kWaiting);
  EXPECT_NE(f->message.find("hold 14 vCPUs; with this job's 4"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("maximum of 16"), std::string::npos);
  facts.queue_vcpus_in_use = 12;  // exactly full with this job: it fits
  EXPECT_EQ(Find(DiagnoseBatch(facts), "max-vcpus-reached"), nullptr);
}

TEST(WhyBatch, MaxVcpusReachedFromDesiredVcpus) {
  BatchJobFacts facts = Healthy();
  facts.queue.environments[0].max_vcpus = 16;
  facts.queue.environments[0].desired_vcpus = 16;
  facts.queue_vcpus_in_use.reset();  // too many running jobs to read
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "max-vcpus-reached");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("ce-c6i at 16 of 16"), std::string::npos) << f->message;
}

TEST(WhyBatch, LongRunnableOnSpotOnlySuggestsOnDemand) {
  BatchJobFacts facts = Healthy();
  facts.queue.environments = {Ce("ce-spot", {"c6i"}, 256, "SPOT")};
  facts.runnable_since = facts.now - 2 * 3600 * 1000;
  Diagnosis d = DiagnoseBatch(facts);
  const Finding* f = Find(d, "spot-no-capacity");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_EQ(f->severity, Severity::kWaiting);
  EXPECT_NE(f->message.find("RUNNABLE for 2h"), std::string::npos) << f->message;
  EXPECT_NE(f->action.find("--purchase auto"), std::string::npos);
  EXPECT_NE(f->action.find("--purchase ondemand"), std::string::npos);

  facts.runnable_since = facts.now - 60'000;  // a minute: too soon to blame Spot
  EXPECT_EQ(Find(DiagnoseBatch(facts), "spot-no-capacity"), nullptr);
  facts.runnable_since = facts.now - 2 * 3600 * 1000;
  facts.queue.environments.push_back(Ce("ce-od", {"c6i"}));  // On-Demand behind: not Spot-only
  EXPECT_EQ(Find(DiagnoseBatch(facts), "spot-no-capacity"), nullptr);
}

TEST(WhyBatch, SubmittedJobWaitsForBatch) {
  BatchJobFacts facts = Healthy();
  facts.status = "SUBMITTED";
  Diagnosis d = DiagnoseBatch(facts);
  ASSERT_NE(Find(d, "submitted"), nullptr) << Codes(d);
}

// ---- local ----

LocalJobFacts LocalRunnable() {
  LocalJobFacts facts;
  facts.job_id = "j-local001";
  facts.state = sched::JobState::kRunnable;
  facts.vcpus = 2;
  facts.memory_mib = 1024;
  facts.capacity = {4, 8192};
  return facts;
}

TEST(WhyLocal, CapacityHeldByRunningJobs) {
  LocalJobFacts facts = LocalRunnable();
  facts.holding = {{"j-run00001", 0, 3, 1024, "RUNNING"}};
  Diagnosis d = DiagnoseLocal(facts);
  const Finding* f = Find(d, "capacity-held");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("hold 3 of 4 vCPUs"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("j-run00001 (RUNNING, 3 vCPUs)"), std::string::npos);
}

TEST(WhyLocal, StrictPriorityHeadBlocksTheRest) {
  LocalJobFacts facts = LocalRunnable();
  facts.holding = {{"j-run00001", 0, 2, 1024, "RUNNING"}};
  facts.ahead = {{"j-big00001", 5, 4, 2048, "RUNNABLE"}};
  Diagnosis d = DiagnoseLocal(facts);
  const Finding* f = Find(d, "queued-behind");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("The head, j-big00001 (priority 5, 4 vCPUs"), std::string::npos)
      << f->message;
  EXPECT_NE(f->message.find("waits for capacity: 2 of 4 vCPUs"), std::string::npos);
  // It would fit itself (2 + 2 <= 4) but waits behind the head all the same.
  EXPECT_EQ(Find(d, "capacity-held"), nullptr);
  EXPECT_TRUE(d.Explained());
}

TEST(WhyLocal, LargerThanTheMachineCancelledAndReady) {
  LocalJobFacts facts = LocalRunnable();
  facts.vcpus = 8;
  EXPECT_NE(Find(DiagnoseLocal(facts), "larger-than-machine"), nullptr);
  facts = LocalRunnable();
  facts.cancel_requested = true;
  EXPECT_NE(Find(DiagnoseLocal(facts), "cancel-requested"), nullptr);
  facts = LocalRunnable();
  Diagnosis d = DiagnoseLocal(facts);
  EXPECT_NE(Find(d, "ready"), nullptr) << Codes(d);
  EXPECT_FALSE(d.Explained());
  facts.state = sched::JobState::kSucceeded;
  EXPECT_NE(Find(DiagnoseLocal(facts), "finished"), nullptr);
}

TEST(WhyLocal, GatheredFromARealStoreInClaimOrder) {
  aws::testing::TempDir dir;
  auto store = store::OpenSqliteJobStore(dir.path() + "/jobs.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto make = [&](std::string name, int priority, int vcpus, sched::JobState state) {
    sched::JobRequest request;
    request.name = std::move(name);
    request.argv = {"true"};
    request.priority = priority;
    request.resources.vcpus = vcpus;
    auto job = (*store)->Create(request, state, "test");
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job->id;
  };
  const std::string running = make("running", 0, 3, sched::JobState::kRunnable);
  ASSERT_TRUE((*store)->Transition(running, sched::JobState::kStarting, "test").ok());
  const std::string early = make("early", 0, 1, sched::JobState::kRunnable);
  const std::string urgent = make("urgent", 9, 2, sched::JobState::kRunnable);
  const std::string mine = make("mine", 0, 2, sched::JobState::kRunnable);
  make("later", 0, 1, sched::JobState::kRunnable);
  auto job = (*store)->Get(mine);
  ASSERT_TRUE(job.ok());
  auto facts = GatherLocalFacts(**store, *job, {4, 65536});
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  ASSERT_EQ(facts->holding.size(), 1u);
  EXPECT_EQ(facts->holding[0].id, running);
  ASSERT_EQ(facts->ahead.size(), 2u);
  EXPECT_EQ(facts->ahead[0].id, urgent);  // higher priority first
  EXPECT_EQ(facts->ahead[1].id, early);   // then submission order
  Diagnosis d = DiagnoseLocal(*facts);
  const Finding* f = Find(d, "queued-behind");
  ASSERT_NE(f, nullptr) << Codes(d);
  EXPECT_NE(f->message.find("2 jobs are ahead"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find(urgent), std::string::npos);
}

}  // namespace
}  // namespace awshpc::batch::why
