// The AWS Budgets client against moto_server on loopback: budgets with notifications created,
// described, listed, changed and deleted; a missing budget is an answer, not an error.
#include <gtest/gtest.h>

#include "awshpc/aws/services/budgets.hpp"
#include "services_test_env.hpp"

namespace awshpc::aws::budgets {
namespace {

constexpr const char* kAccount = "123456789012";  // moto's default account

Notification Percent(double threshold) {
  Notification n;
  n.threshold = threshold;
  return n;
}

TEST(BudgetsMotoTest, BudgetsAndNotificationsRoundTrip) {
  testing::MotoEnvironment moto;
  ASSERT_TRUE(moto.ok()) << moto.error();
  auto client = BudgetsClient::Create(moto.context());
  ASSERT_TRUE(client.ok()) << client.status().ToString();

  const Subscriber email{"EMAIL", "hpc-admins@example.com"};
  CreateBudgetRequest create;
  create.account_id = kAccount;
  create.budget.budget_name = "aws-hpc-climate";
  create.budget.budget_limit = {"500", "USD"};
  create.budget.cost_filters["TagKeyValue"] = {"user:aws-hpc:project$climate"};
  create.notifications_with_subscribers = {{Percent(50), {email}}, {Percent(80), {email}}};
  ASSERT_TRUE(client->CreateBudget(create).ok());
  auto again = client->CreateBudget(create);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("DuplicateRecordException"), std::string::npos)
      << again.status().ToString();

  auto described = client->DescribeBudget({kAccount, "aws-hpc-climate"});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_TRUE(described->budget.has_value());
  EXPECT_EQ(described->budget->budget_limit.amount, "500");
  EXPECT_EQ(described->budget->budget_limit.unit, "USD");
  EXPECT_EQ(described->budget->time_unit, "MONTHLY");
  EXPECT_EQ(described->budget->budget_type, "COST");
  EXPECT_EQ(described->budget->cost_filters, create.budget.cost_filters);

  auto listed = client->DescribeBudgets({kAccount, {}, ""});
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->budgets.size(), 1u);
  EXPECT_EQ(listed->budgets[0].budget_name, "aws-hpc-climate");

  ASSERT_TRUE(
      client->CreateNotification({kAccount, "aws-hpc-climate", Percent(100), {email}}).ok());
  ASSERT_TRUE(client->DeleteNotification({kAccount, "aws-hpc-climate", Percent(50)}).ok());
  auto notifications =
      client->DescribeNotificationsForBudget({kAccount, "aws-hpc-climate", {}, ""});
  ASSERT_TRUE(notifications.ok()) << notifications.status().ToString();
  ASSERT_EQ(notifications->notifications.size(), 2u);
  EXPECT_EQ(notifications->notifications[0], Percent(80));
  EXPECT_EQ(notifications->notifications[1], Percent(100));

  auto deleted = client->DeleteBudget({kAccount, "aws-hpc-climate"});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->deleted);
  auto gone = client->DeleteBudget({kAccount, "aws-hpc-climate"});
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_FALSE(gone->deleted);
  auto missing = client->DescribeBudget({kAccount, "aws-hpc-climate"});
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->budget.has_value());
}

}  // namespace
}  // namespace awshpc::aws::budgets
