// Budgets: admission (refusal with the numbers, override), alerts once per month, the hook.
#include "awshpc/cost/budget.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

using testing::CostFixture;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class BudgetTest : public CostFixture {
 protected:
  // Local jobs are priced and estimated on the host's equivalent instance (c6g.large, $0.068/h,
  // on arm64; c6a.large on x86_64): the expected texts follow from its price.
  static std::string At(Money per_hour, double hours) {
    return Money::PerHourTimesSeconds(per_hour, hours * 3600).ToString();
  }
  struct Expected {
    std::string spent, committed, refusal, alert;
  };
  // Spent 1 h + 10 h, committed (and this job's estimate) 7 h, a $1.00 budget.
  static Expected Numbers(Money per_hour) {
    const Money spent =
        Money::PerHourTimesSeconds(per_hour, 3600) + Money::PerHourTimesSeconds(per_hour, 36000);
    const Money committed = Money::PerHourTimesSeconds(per_hour, 7 * 3600);
    const Money left = Money::FromMicros(1'000'000) - spent - committed;
    return {
        spent.ToString(), committed.ToString(),
        fmt::format("project climate is over budget for 2026-11: this job is estimated at {}, "
                    "but only {} is left of the $1.00 monthly budget ({} spent, {} committed "
                    "by 1 queued or running jobs); submit with --over-budget to run it "
                    "anyway, or raise the budget with `aws-hpc cost budget set`",
                    committed.ToString(), left.ToString(), spent.ToString(), committed.ToString()),
        fmt::format("budget alert: project climate reaches 50% of its $1.00 monthly budget "
                    "(2026-11): {} spent + {} committed + {} for this job = {}",
                    spent.ToString(), committed.ToString(), committed.ToString(),
                    (spent + committed + committed).ToString())};
  }
  Result<SubmissionCheck> Check(const sched::JobRequest& request, bool over_budget = false) {
    return CheckSubmission(path_, *store_, request, over_budget, clock_);
  }
};

TEST(AlertPercentsTest, Parse) {
  EXPECT_EQ(*ParseAlertPercents("50,80,100"), (std::vector<int>{50, 80, 100}));
  EXPECT_EQ(*ParseAlertPercents("120"), (std::vector<int>{120}));
  for (const char* bad : {"", "50,", "80,50", "0", "5x", "50,,80", "2000"}) {
    EXPECT_EQ(ParseAlertPercents(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(BudgetTest, WithoutABudgetOnlyTheEstimate) {
  RunJob(Request("climate"), 3600);
  auto check = Check(Request("climate"));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  const PriceRow host = HostEquivalent(Request("climate"));
  EXPECT_EQ(check->estimate_line,
            fmt::format("Estimate: {} ({}-{}) on {} (us-east-1, on-demand), runtime 1h "
                        "(54m-1h6m) from 1 past run",
                        At(host.per_hour, 1), At(host.per_hour, 0.9), At(host.per_hour, 1.1),
                        host.instance.type));
  EXPECT_TRUE(check->alert_lines.empty());
}

TEST_F(BudgetTest, RefusesWithTheNumbersAndTheOverrideAdmits) {
  // The texts as they read on a Graviton host (c6g.large at $0.068/h).
  const Expected graviton = Numbers(Money::FromMicros(68'000));
  EXPECT_EQ(graviton.spent, "$0.75");
  EXPECT_EQ(graviton.committed, "$0.48");
  EXPECT_EQ(graviton.refusal,
            "project climate is over budget for 2026-11: this job is estimated at $0.48, but "
            "only -$0.22 is left of the $1.00 monthly budget ($0.75 spent, $0.48 committed by 1 "
            "queued or running jobs); submit with --over-budget to run it anyway, or raise the "
            "budget with `aws-hpc cost budget set`");
  EXPECT_EQ(graviton.alert,
            "budget alert: project climate reaches 50% of its $1.00 monthly budget (2026-11): "
            "$0.75 spent + $0.48 committed + $0.48 for this job = $1.70");
  const Expected expected = Numbers(HostEquivalent(Request("climate")).per_hour);

  // Spent this month: 11 h on the host's equivalent instance. Last month's job does not count.
  RunJob(Request("climate"), 3600);
  clock_.Set(testing::kMidNovember - 30LL * 24 * 3600 * 1000);
  RunJob(Request("climate"), 36000);
  clock_.Set(testing::kMidNovember + 3600 * 1000);
  RunJob(Request("climate"), 36000);
  // A queued job commits its estimate: the mean of the 3 past runs (1 h, 10 h, 10 h) is 7 h.
  ASSERT_TRUE(store_->Create(Request("climate"), sched::JobState::kRunnable, "queued").ok());
  ASSERT_TRUE(db_->SetBudget(Budget{"climate", *Money::Parse("1"), {50, 80, 100}, {}, 0, ""}).ok());

  auto status = ComputeBudgetStatus(*db_, *store_, db_->FindBudget("climate")->value(), "us-east-1",
                                    clock_.NowMillis());
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->spent.ToString(), expected.spent);
  EXPECT_EQ(status->live_jobs, 1);
  EXPECT_EQ(status->committed.ToString(), expected.committed);

  auto refused = Check(Request("climate"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().message(), expected.refusal);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/cost-alerts.log"));

  // Another project is not limited by it.
  EXPECT_TRUE(Check(Request("other")).ok());

  auto admitted = Check(Request("climate"), /*over_budget=*/true);
  ASSERT_TRUE(admitted.ok()) << admitted.status().ToString();
  ASSERT_EQ(admitted->alert_lines.size(), 3u);
  EXPECT_EQ(admitted->alert_lines[0], expected.alert);
  const std::string log = ReadAll(dir_ + "/cost-alerts.log");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 3);
  auto event = nlohmann::json::parse(log.substr(0, log.find('\n')));
  EXPECT_EQ(event["event"], "aws-hpc.budget.alert");
  EXPECT_EQ(event["percent"], 50);
  EXPECT_EQ(event["budget_usd"], "1.000000");
  EXPECT_EQ(event["project"], "climate");

  // Each threshold alerts once a month.
  auto again = Check(Request("climate"), true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->alert_lines.empty());
}

TEST_F(BudgetTest, HookReceivesTheEventOnStdin) {
  const std::string out = dir_ + "/hook-out.json";
  ASSERT_TRUE(
      db_->SetBudget(Budget{"climate", *Money::Parse("0.01"), {100}, {"tee", out}, 0, ""}).ok());
  RunJob(Request("climate"), 3600);
  auto check = Check(Request("climate"), true);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  ASSERT_EQ(check->alert_lines.size(), 1u);
  auto event = nlohmann::json::parse(ReadAll(out));
  EXPECT_EQ(event["percent"], 100);
  EXPECT_EQ(event["job_name"], "lj");
  EXPECT_EQ(event["user"], "alice");
  EXPECT_EQ(event["spent_usd"], HostCost(Request("climate"), 3600).ToDecimalString());
}

TEST_F(BudgetTest, AFailingHookIsReportedNotFatal) {
  ASSERT_TRUE(
      db_->SetBudget(Budget{"climate", *Money::Parse("0.01"), {100}, {"false"}, 0, ""}).ok());
  RunJob(Request("climate"), 3600);
  auto check = Check(Request("climate"), true);
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->alert_lines.size(), 2u);
  EXPECT_EQ(check->alert_lines[1].rfind("budget alert hook failed: hook ", 0), 0u);
  EXPECT_NE(check->alert_lines[1].find("exited with 1"), std::string::npos);
}

TEST(HookTest, ArgvIsNotAShellLineAndSlowHooksAreKilled) {
  // A hostile argument reaches the program literally.
  EXPECT_TRUE(
      RunHook({"test", "a; touch /tmp/awshpc-never", "=", "a; touch /tmp/awshpc-never"}, "{}", 5000)
          .ok());
  EXPECT_FALSE(std::filesystem::exists("/tmp/awshpc-never"));
  auto slow = RunHook({"sleep", "5"}, "", 100);
  EXPECT_EQ(slow.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(RunHook({"no-such-program-awshpc"}, "", 100).code(), StatusCode::kNotFound);
  EXPECT_EQ(RunHook({}, "", 100).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace awshpc::cost
