// Actual cost per job (attempts from the history, equivalent instances) and report grouping.
#include "awshpc/cost/accounting.hpp"

#include <gtest/gtest.h>

#include "awshpc/cost/arch_filter.hpp"
#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

using testing::CostFixture;

class AccountingTest : public CostFixture {
 protected:
  std::vector<PriceRow> UsEast1() { return *db_->Prices(PriceFilter{{}, "us-east-1", "", ""}); }
};

TEST_F(AccountingTest, RunningTimeCountsEveryAttempt) {
  sched::Job job = RunJob(Request("p"), 600, 3);
  EXPECT_DOUBLE_EQ(RunningSeconds(job, clock_.NowMillis()), 1800);
  // A List row has no history: started_at..ended_at of the last attempt.
  sched::Job row = job;
  row.history.clear();
  EXPECT_DOUBLE_EQ(RunningSeconds(row, clock_.NowMillis()), 600);
  sched::Job queued = *store_->Create(Request("p"), sched::JobState::kRunnable, "queued");
  EXPECT_DOUBLE_EQ(RunningSeconds(queued, clock_.NowMillis()), 0);
}

TEST_F(AccountingTest, EquivalentInstanceIsTheCheapestThatFits) {
  sched::Resources small;
  small.vcpus = 2;
  small.memory_mib = 1024;
  EXPECT_EQ(EquivalentInstance(UsEast1(), small)->instance.type, "c6g.large");
  sched::Resources geoschem;
  geoschem.vcpus = 16;
  geoschem.memory_mib = 32 * 1024;
  EXPECT_EQ(EquivalentInstance(UsEast1(), geoschem)->instance.type, "c6g.4xlarge");
  sched::Resources gpu;
  gpu.vcpus = 4;
  gpu.memory_mib = 16 * 1024;
  gpu.gpus = 1;
  EXPECT_EQ(EquivalentInstance(UsEast1(), gpu)->instance.type, "g6.xlarge");
  sched::Resources huge;
  huge.vcpus = 1000;
  EXPECT_EQ(EquivalentInstance(UsEast1(), huge).status().code(), StatusCode::kNotFound);
}

TEST_F(AccountingTest, ActualCostOfALocalJob) {
  sched::Job job = RunJob(Request("climate"), 3600, 2);
  auto cost = ActualCost(job, UsEast1(), clock_.NowMillis());
  ASSERT_TRUE(cost.ok()) << cost.status().ToString();
  EXPECT_EQ(cost->instance_type, "c6g.large");
  EXPECT_DOUBLE_EQ(cost->running_seconds, 7200);
  EXPECT_EQ(cost->total.ToDecimalString(), "0.136000");  // 2 h x $0.068
  EXPECT_EQ(cost->month, "2026-11");
  EXPECT_EQ(cost->basis, "local: equivalent instance c6g.large");
  EXPECT_DOUBLE_EQ(cost->core_hours, 4);

  auto huge = Request("climate", 1000);
  auto unpriced = ActualCost(RunJob(huge, 60), UsEast1(), clock_.NowMillis());
  ASSERT_TRUE(unpriced.ok());
  EXPECT_EQ(unpriced->total.micros(), 0);
  EXPECT_EQ(unpriced->basis.rfind("unpriced: no instance", 0), 0u) << unpriced->basis;
}

// A local job ran code built for the host: its equivalent instance has the host's architecture.
TEST_F(AccountingTest, LocalJobsArePricedOnTheHostsArchitecture) {
  const sched::Job job = RunJob(Request("climate"), 3600);
  Purchase x86;
  x86.local_arch = "x86_64";
  auto on_x86 = ActualCost(job, UsEast1(), clock_.NowMillis(), x86);
  ASSERT_TRUE(on_x86.ok()) << on_x86.status().ToString();
  const PriceRow cheapest_x86 =
      *EquivalentInstance(*FilterByArchitecture("x86_64", UsEast1()), Request("climate").resources);
  EXPECT_EQ(cheapest_x86.instance.arch, "x86_64");
  EXPECT_EQ(on_x86->instance_type, cheapest_x86.instance.type);
  EXPECT_EQ(on_x86->total, cheapest_x86.per_hour);  // one hour
  EXPECT_EQ(on_x86->basis, "local: equivalent x86_64 instance " + cheapest_x86.instance.type +
                               " (the host's architecture)");
  Purchase graviton;
  graviton.local_arch = "arm64";
  auto on_arm = ActualCost(job, UsEast1(), clock_.NowMillis(), graviton);
  EXPECT_EQ(on_arm->instance_type, "c6g.large");
  EXPECT_EQ(on_arm->basis, "local: equivalent arm64 instance c6g.large (the host's architecture)");
  EXPECT_EQ(IsaOfMachine("aarch64"), "arm64");
  EXPECT_EQ(IsaOfMachine("x86_64"), "x86_64");
  EXPECT_EQ(IsaOfMachine("riscv64"), "");
}

// A Batch job priced as its queue's compute environments bought: spot at the stored spot price
// (else the assumed fraction), on-demand at on-demand; --spot stays a what-if for the others.
TEST_F(AccountingTest, BatchJobsArePricedAsRecorded) {
  sched::JobRequest request = Request("climate");
  request.backend = "batch";
  const sched::Job job = RunJob(request, 3600);
  RecordedRun spot_run{"AWS Batch", "hpc-spot", "spot", ""};
  Purchase stored;
  PriceRow spot_price = *EquivalentInstance(UsEast1(), request.resources);
  spot_price.per_hour = Money::FromMicros(25'000);
  spot_price.source = "ec2-spot-price-history";
  spot_price.as_of = "2026-11-29";
  stored.spot_prices = {spot_price};

  auto spot = ActualCost(job, UsEast1(), clock_.NowMillis(), stored, spot_run);
  ASSERT_TRUE(spot.ok()) << spot.status().ToString();
  EXPECT_EQ(spot->purchase, "spot");
  EXPECT_EQ(spot->total.ToDecimalString(), "0.025000");  // 1 h at the stored $0.025
  EXPECT_EQ(spot->basis,
            "spot, recorded (AWS Batch queue hpc-spot); c6g.large: instance type not recorded, "
            "the cheapest that fits (as estimated), spot price from ec2-spot-price-history "
            "(2026-11-29)");
  auto assumed = ActualCost(job, UsEast1(), clock_.NowMillis(), {}, spot_run);
  EXPECT_EQ(assumed->total.ToDecimalString(), "0.023800");  // 35% of $0.068
  EXPECT_NE(assumed->basis.find("assumed spot price: 35% of on-demand"), std::string::npos);

  RecordedRun on_demand_run{"AWS Batch", "hpc-ondemand", "on-demand", "c6g.xlarge"};
  auto on_demand = ActualCost(job, UsEast1(), clock_.NowMillis(), stored, on_demand_run);
  EXPECT_EQ(on_demand->purchase, "on-demand");
  EXPECT_EQ(on_demand->instance_type, "c6g.xlarge");
  EXPECT_EQ(on_demand->total.ToDecimalString(), "0.136000");  // the recorded type's $0.136
  EXPECT_EQ(on_demand->basis,
            "on-demand, recorded (AWS Batch queue hpc-ondemand); c6g.xlarge (recorded)");
  // --spot: what it would have cost as spot, said as such.
  Purchase what_if = stored;
  what_if.spot = true;
  auto as_spot = ActualCost(job, UsEast1(), clock_.NowMillis(), what_if, on_demand_run);
  EXPECT_EQ(as_spot->purchase, "spot");
  EXPECT_EQ(as_spot->basis.rfind("spot as asked (--spot), recorded on-demand; c6g.xlarge", 0), 0u)
      << as_spot->basis;

  // A spot queue with an on-demand fallback: which ran it is not known, so the upper bound.
  auto mixed = ActualCost(job, UsEast1(), clock_.NowMillis(), stored,
                          RecordedRun{"AWS Batch", "hpc-auto", "mixed", ""});
  EXPECT_EQ(mixed->purchase, "on-demand");
  EXPECT_EQ(mixed->total.ToDecimalString(), "0.068000");
  EXPECT_EQ(mixed->basis.rfind("on-demand, the upper bound: AWS Batch queue hpc-auto has spot", 0),
            0u)
      << mixed->basis;
  auto unknown = ActualCost(job, UsEast1(), clock_.NowMillis(), stored,
                            RecordedRun{"AWS Batch", "hpc-old", "", "x9.unknown"});
  EXPECT_EQ(unknown->basis,
            "on-demand: purchase option not recorded (AWS Batch queue hpc-old); c6g.large: the "
            "recorded x9.unknown has no price in us-east-1, the cheapest that fits instead");
}

// A mixed (--purchase auto) queue: the first attempt ran on an on-demand c6g.xlarge and was
// interrupted, the retry ran on a spot c6g.large. Each is priced on what ran it.
TEST_F(AccountingTest, RecordedAttemptsArePricedOneByOne) {
  sched::JobRequest request = Request("climate");
  request.backend = "batch";
  const sched::Job job = RunJob(request, 1734.5);
  Purchase stored;
  PriceRow spot_price = *EquivalentInstance(UsEast1(), request.resources);  // c6g.large
  spot_price.per_hour = Money::FromMicros(25'000);
  spot_price.source = "ec2-spot-price-history";
  spot_price.as_of = "2026-11-29";
  stored.spot_prices = {spot_price};
  RecordedRun run{"AWS Batch", "hpc-auto", "mixed", ""};
  run.attempts = {{"c6g.xlarge", "on-demand", 1234.5, "ec2"}, {"c6g.large", "spot", 500, "ec2"}};

  auto cost = ActualCost(job, UsEast1(), clock_.NowMillis(), stored, run);
  ASSERT_TRUE(cost.ok()) << cost.status().ToString();
  // $0.136/h x 1234.5 s = 46636.67 -> 46637 micro-dollars; $0.025/h x 500 s = 3472.22 -> 3472.
  EXPECT_EQ(cost->compute.micros(), 46'637 + 3'472);
  EXPECT_EQ(cost->total.ToDecimalString(), "0.050109");
  EXPECT_EQ(cost->purchase, "mixed");
  EXPECT_EQ(cost->instance_type, "c6g.large");  // the last attempt's
  EXPECT_EQ(cost->basis,
            "recorded per attempt (AWS Batch queue hpc-auto): 1: c6g.xlarge on-demand 1234.5 s at "
            "$0.14/h; 2: c6g.large spot, spot price from ec2-spot-price-history (2026-11-29) "
            "500.0 s at $0.03/h");

  // Two nodes: twice each attempt.
  sched::JobRequest two_nodes = request;
  two_nodes.resources.nodes = 2;
  auto both = ActualCost(RunJob(two_nodes, 1734.5), UsEast1(), clock_.NowMillis(), stored, run);
  EXPECT_EQ(both->compute.micros(), 93'273 + 6'944);

  // The instance was gone when Sync looked: the type came from the ECS agent's attribute.
  RecordedRun gone = run;
  gone.attempts = {{"c6g.xlarge", "on-demand", 3600, "ecs-attribute"}};
  auto from_ecs = ActualCost(job, UsEast1(), clock_.NowMillis(), stored, gone);
  EXPECT_EQ(from_ecs->total.ToDecimalString(), "0.136000");
  EXPECT_NE(from_ecs->basis.find("c6g.xlarge (type from the ECS agent's attribute: the instance "
                                 "is gone; purchase from its compute environment) on-demand"),
            std::string::npos)
      << from_ecs->basis;

  // A recorded type the catalog has no price for: the job is priced as a whole, as before.
  RecordedRun unpriced = run;
  unpriced.attempts = {{"x9.unknown", "spot", 3600, "ec2"}};
  auto whole = ActualCost(job, UsEast1(), clock_.NowMillis(), stored, unpriced);
  EXPECT_EQ(whole->basis.rfind("on-demand, the upper bound", 0), 0u) << whole->basis;
}

TEST_F(AccountingTest, ReportGroupsAndEscapesCsv) {
  std::vector<JobCost> costs;
  const auto add = [&](const std::string& user, const std::string& project, const std::string& app,
                       const std::string& month, std::int64_t micros) {
    JobCost cost;
    cost.job_id = "j-" + std::to_string(costs.size());
    cost.user = user;
    cost.project = project;
    cost.app = app;
    cost.month = month;
    cost.running_seconds = 3600;
    cost.core_hours = 2;
    cost.total = Money::FromMicros(micros);
    costs.push_back(cost);
  };
  add("alice", "climate", "geos-chem", "2026-10", 1'070'000);
  add("alice", "=HYPERLINK(\"x\")", "lammps", "2026-11", 20'000);
  add("bob", "climate", "geos-chem", "2026-11", 2'000'000);
  add("bob", "", "lammps", "2026-11", 5);

  auto by_user = GroupCosts(costs, GroupBy::kUser);
  ASSERT_EQ(by_user.size(), 2u);
  EXPECT_EQ(by_user[0].key, "alice");
  EXPECT_EQ(by_user[0].total.micros(), 1'090'000);
  EXPECT_EQ(by_user[1].jobs, 2);

  auto by_project = GroupCosts(costs, GroupBy::kProject);
  ASSERT_EQ(by_project.size(), 3u);
  EXPECT_EQ(by_project[0].key, "(none)");
  EXPECT_EQ(by_project[2].key, "climate");
  EXPECT_EQ(by_project[2].total.micros(), 3'070'000);

  auto by_month = GroupCosts(costs, GroupBy::kMonth);
  ASSERT_EQ(by_month.size(), 2u);
  EXPECT_EQ(by_month[0].key, "2026-10");
  EXPECT_DOUBLE_EQ(by_month[1].core_hours, 6);

  EXPECT_EQ(GroupCosts(costs, GroupBy::kApp).size(), 2u);
  EXPECT_EQ(GroupCosts(costs, GroupBy::kJob).size(), 4u);

  EXPECT_EQ(ReportCsv(by_project, GroupBy::kProject),
            "project,jobs,running_hours,core_hours,storage_usd,cost_usd\n"
            "(none),1,1.000000,2.000000,0.000000,0.000005\n"
            "\"'=HYPERLINK(\"\"x\"\")\",1,1.000000,2.000000,0.000000,0.020000\n"
            "climate,2,2.000000,4.000000,0.000000,3.070000\n");
  EXPECT_EQ(ParseGroupBy("team").status().code(), StatusCode::kInvalidArgument);
}

TEST(MonthTest, MonthsAreUtc) {
  EXPECT_EQ(MonthOf(testing::kMidNovember), "2026-11");
  EXPECT_EQ(MonthOf(1'796'083'199'000), "2026-11");  // 2026-11-30T23:59:59Z
  EXPECT_EQ(MonthOf(1'796'083'200'000), "2026-12");
}

}  // namespace
}  // namespace awshpc::cost
