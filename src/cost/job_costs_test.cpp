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
