// The shared pricing path of `cost report` and budgets' spent: Batch jobs priced as their records
// say (purchase option, region, the image's architecture when no instance type was recorded).
#include "awshpc/cost/job_costs.hpp"

#include <gtest/gtest.h>

#include "awshpc/batch/batch_records.hpp"
#include "awshpc/cost/budget.hpp"
#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

using testing::CostFixture;

class JobCostsTest : public CostFixture {
 protected:
  // A Batch job that ran `hours` on a queue buying `purchase`, its definition deployed for `arch`.
  sched::Job BatchJob(const std::string& project, double hours, const std::string& purchase,
                      const std::string& arch) {
    sched::JobRequest request = Request(project);
    request.backend = "batch";
    sched::Job job = RunJob(request, hours * 3600);
    auto records = batch::BatchRecords::Open(path_, clock_);
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    const std::string arn = "arn:aws:batch:us-east-1:123456789012:job-definition/lj-" + arch + ":1";
    batch::Deployment deployment;
    deployment.region = "us-east-1";
    deployment.app = "lammps";
    deployment.variant = "mpi";
    deployment.arch = arch;
    deployment.definition_name = "lj-" + arch;
    deployment.revision = 1;
    deployment.arn = arn;
    EXPECT_TRUE((*records)->AddDeployment(deployment).ok());
    batch::BatchJobLink link;
    link.job_id = job.id;
    link.region = "us-east-1";
    link.queue = "q-" + purchase;
    link.definition = arn;
    link.batch_ids = {"b-" + job.id};
    link.purchase = purchase;
    EXPECT_TRUE((*records)->PutLink(link).ok());
    return job;
  }
};

TEST_F(JobCostsTest, BudgetSpentPricesASpotJobAtTheSpotPrice) {
  // 10 h on the cheapest x86_64 type with 2 vCPUs (c6a.large, $0.0765/h on-demand), recorded as
  // spot without a stored spot price: 35% of it, $0.026775/h -> $0.26775.
  const sched::Job spot = BatchJob("climate", 10, "spot", "x86_64");
  ASSERT_TRUE(db_->SetBudget(Budget{"climate", *Money::Parse("5"), {80}, {}, 0, ""}).ok());
  auto status = ComputeBudgetStatus(*db_, *store_, db_->FindBudget("climate")->value(), "us-east-1",
                                    clock_.NowMillis());
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->spent.ToDecimalString(), "0.267750");

  // The report's path gives the same figure and says why.
  auto costs = JobCosts::Create(*db_, "us-east-1", false);
  ASSERT_TRUE(costs.ok()) << costs.status().ToString();
  auto cost = (*costs)->Cost(spot, clock_.NowMillis());
  ASSERT_TRUE(cost.ok()) << cost.status().ToString();
  EXPECT_EQ(cost->total, status->spent);
  EXPECT_EQ(cost->purchase, "spot");
  EXPECT_EQ(cost->basis,
            "spot, recorded (AWS Batch queue q-spot); c6a.large: instance type not recorded, the "
            "cheapest x86_64 that fits (as estimated), assumed spot price: 35% of on-demand");

  // An on-demand job of the same project adds its on-demand price: 10 h x $0.0765.
  BatchJob("climate", 10, "on-demand", "x86_64");
  status = ComputeBudgetStatus(*db_, *store_, db_->FindBudget("climate")->value(), "us-east-1",
                               clock_.NowMillis());
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->spent.ToDecimalString(), "1.032750");
}

TEST_F(JobCostsTest, TheFallbackInstanceHasTheImagesArchitecture) {
  const auto priced = [&](const std::string& arch) {
    auto costs = JobCosts::Create(*db_, "us-east-1", false);
    EXPECT_TRUE(costs.ok());
    auto cost = (*costs)->Cost(BatchJob("p", 1, "on-demand", arch), clock_.NowMillis());
    EXPECT_TRUE(cost.ok()) << cost.status().ToString();
    return *cost;
  };
  const JobCost x86 = priced("x86_64");
  EXPECT_EQ(x86.instance_type, "c6a.large");
  EXPECT_EQ(x86.total.ToDecimalString(), "0.076500");
  const JobCost arm = priced("arm64");
  EXPECT_EQ(arm.instance_type, "c6g.large");
  EXPECT_EQ(arm.total.ToDecimalString(), "0.068000");
  // A catalog target: an image built for Graviton3 needs c7g or later.
  const JobCost graviton3 = priced("graviton3");
  EXPECT_EQ(graviton3.instance_type, "c7g.large");
  EXPECT_NE(graviton3.basis.find("the cheapest graviton3 that fits"), std::string::npos)
      << graviton3.basis;
  // Unknown to the catalog: every type, and the basis says so.
  const JobCost unknown = priced("riscv64");
  EXPECT_EQ(unknown.instance_type, "c6g.large");
  EXPECT_NE(unknown.basis.find("architecture riscv64 unknown to the catalog"), std::string::npos)
      << unknown.basis;
}

}  // namespace
}  // namespace awshpc::cost

namespace awshpc::cost {
namespace {

batch::AttemptRecord RanOn(std::int64_t start, std::optional<std::int64_t> stop, std::string type,
                           std::string purchase, std::string source) {
  batch::AttemptRecord attempt;
  attempt.started_at = start;
  attempt.stopped_at = stop;
  attempt.instance_type = std::move(type);
  attempt.purchase = std::move(purchase);
  attempt.instance_source = std::move(source);
  attempt.container_instance_arn = "arn:aws:ecs:us-east-1:123456789012:container-instance/c/1";
  return attempt;
}

// Per attempt only when every attempt that ran was looked up (Sync's AttemptInstances).
TEST(RecordedRunOfTest, AttemptsArePricedOneByOneOnlyWhenEachOneIsRecorded) {
  batch::BatchJobLink link;
  link.queue = "hpc-auto";
  link.purchase = "mixed";
  link.attempts = {RanOn(1'000'000, 1'600'000, "c6i.large", "on-demand", "ec2"),
                   RanOn(1'700'000, std::nullopt, "c6g.large", "spot", "ecs-attribute")};
  batch::AttemptRecord never_started;  // a retry still RUNNABLE
  link.attempts.push_back(never_started);
  RecordedRun run = RecordedRunOf(link, "x86_64", 1'750'000);
  ASSERT_EQ(run.attempts.size(), 2u);
  EXPECT_EQ(run.attempts[0].instance_type, "c6i.large");
  EXPECT_EQ(run.attempts[0].purchase, "on-demand");
  EXPECT_DOUBLE_EQ(run.attempts[0].seconds, 600);
  EXPECT_EQ(run.attempts[1].source, "ecs-attribute");
  EXPECT_DOUBLE_EQ(run.attempts[1].seconds, 50);  // still running: up to now
  EXPECT_EQ(run.purchase, "mixed");               // the attempts disagree

  // One attempt not looked up (recorded before Sync could, or the look-up failed).
  link.attempts[1].instance_source.clear();
  EXPECT_TRUE(RecordedRunOf(link, "x86_64", 1'750'000).attempts.empty());
}

// What Sync looked up survives the batch_jobs row (attempts are stored as JSON).
TEST_F(JobCostsTest, AttemptInstancesAreKeptInTheRecords) {
  const sched::Job job = BatchJob("p", 1, "mixed", "x86_64");
  auto records = batch::BatchRecords::Open(path_, clock_);
  ASSERT_TRUE(records.ok());
  auto link = (*records)->GetLink(job.id);
  ASSERT_TRUE(link.ok());
  link->attempts = {RanOn(1'000, 601'000, "c6i.large", "spot", "ec2")};
  link->attempts[0].compute_environment = "hpc-ce-spot";
  ASSERT_TRUE((*records)->PutLink(*link).ok());
  auto again = (*records)->GetLink(job.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->attempts, link->attempts);
}
}  // namespace
}  // namespace awshpc::cost
