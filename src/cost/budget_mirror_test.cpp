// Mirroring budgets into AWS Budgets against moto_server: created with one notification per
// alert percent, left alone when nothing changed, notifications reconciled when the alerts
// change, deleted with the budget.
#include "awshpc/cost/budget_mirror.hpp"

#include <gtest/gtest.h>

#include "../aws/services/services_test_env.hpp"
#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

constexpr const char* kAccount = "123456789012";  // moto's default account

std::vector<double> Thresholds(aws::budgets::BudgetsClient& client, const std::string& name) {
  auto out = client.DescribeNotificationsForBudget({kAccount, name, {}, ""});
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  std::vector<double> thresholds;
  if (out.ok()) {
    for (const auto& n : out->notifications) {
      EXPECT_EQ(n.notification_type, "ACTUAL");
      EXPECT_EQ(n.threshold_type, "PERCENTAGE");
      thresholds.push_back(n.threshold);
    }
  }
  std::sort(thresholds.begin(), thresholds.end());
  return thresholds;
}

TEST(BudgetMirrorTest, NamesAndTargetsRoundTrip) {
  EXPECT_EQ(AwsBudgetName("climate"), "aws-hpc-climate");
  EXPECT_EQ(AwsBudgetName("a:b\\c"), "aws-hpc-a-b-c");
  MirrorTarget target{kAccount, {{"EMAIL", "a@example.com"}, {"SNS", "arn:aws:sns:us-east-1:1:t"}}};
  auto back = MirrorTarget::FromJson(target.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->account_id, kAccount);
  EXPECT_EQ(back->subscribers, target.subscribers);
  EXPECT_FALSE(MirrorTarget::FromJson("{\"account_id\": 1}").ok());
}

TEST(BudgetMirrorTest, CreatesThenReconcilesNotificationsThenDeletes) {
  aws::testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto client = aws::budgets::BudgetsClient::Create(moto.context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  Budget budget;
  budget.project = "climate";
  budget.monthly = *Money::Parse("500");
  budget.alert_percents = {50, 80, 100};
  const MirrorTarget target{kAccount, {{"EMAIL", "hpc-admins@example.com"}}};

  auto created = MirrorBudget(*client, budget, target);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->notifications_added, 3);
  auto described = client->DescribeBudget({kAccount, "aws-hpc-climate"});
  ASSERT_TRUE(described.ok() && described->budget);
  EXPECT_EQ(described->budget->budget_limit.amount, "500");
  EXPECT_EQ(described->budget->cost_filters.at("TagKeyValue"),
            std::vector<std::string>{"user:aws-hpc:project$climate"});
  EXPECT_EQ(Thresholds(*client, "aws-hpc-climate"), (std::vector<double>{50, 80, 100}));

  auto unchanged = MirrorBudget(*client, budget, target);
  ASSERT_TRUE(unchanged.ok()) << unchanged.status().ToString();
  EXPECT_FALSE(unchanged->created);
  EXPECT_FALSE(unchanged->limit_updated);
  EXPECT_EQ(unchanged->notifications_added + unchanged->notifications_removed, 0);

  budget.alert_percents = {50, 90};
  auto reconciled = MirrorBudget(*client, budget, target);
  ASSERT_TRUE(reconciled.ok()) << reconciled.status().ToString();
  EXPECT_EQ(reconciled->notifications_removed, 2);
  EXPECT_EQ(reconciled->notifications_added, 1);
  EXPECT_EQ(Thresholds(*client, "aws-hpc-climate"), (std::vector<double>{50, 90}));

  EXPECT_FALSE(MirrorBudget(*client, budget, MirrorTarget{kAccount, {}}).ok());

  auto deleted = DeleteMirroredBudget(*client, kAccount, "climate");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(*deleted);
  auto again = DeleteMirroredBudget(*client, kAccount, "climate");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

}  // namespace
}  // namespace awshpc::cost
