// File: services/budgets.hpp
// AWS Budgets (json-1.1, target prefix AWSBudgetServiceGateway; one global endpoint signed for
// us-east-1): the cost budgets aws-hpc mirrors from its own monthly project budgets, and their
// notifications. One typed request and result per operation.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/aws/aws_client.hpp"
#include "awshpc/aws/aws_context.hpp"

namespace awshpc::aws::budgets {

inline constexpr ServiceInfo kService{"Budgets", "budgets", "budgets", true};
inline constexpr std::string_view kTargetPrefix = "AWSBudgetServiceGateway";

struct Spend {
  std::string amount;  // decimal string, as the API writes it: "500" or "500.0"
  std::string unit = "USD";
  friend bool operator==(const Spend&, const Spend&) = default;
};

struct Budget {
  std::string budget_name;
  Spend budget_limit;
  std::string time_unit = "MONTHLY";  // DAILY, MONTHLY, QUARTERLY, ANNUALLY
  std::string budget_type = "COST";
  // e.g. {"TagKeyValue": ["user:aws-hpc:project$climate"]}
  std::map<std::string, std::vector<std::string>> cost_filters;
};

struct Notification {
  std::string notification_type = "ACTUAL";  // or FORECASTED
  std::string comparison_operator = "GREATER_THAN";
  double threshold = 0;
  std::string threshold_type = "PERCENTAGE";  // or ABSOLUTE_VALUE
  friend bool operator==(const Notification&, const Notification&) = default;
};

struct Subscriber {
  std::string subscription_type;  // EMAIL or SNS
  std::string address;            // an email address or an SNS topic ARN
  friend bool operator==(const Subscriber&, const Subscriber&) = default;
};

struct NotificationWithSubscribers {
  Notification notification;
  std::vector<Subscriber> subscribers;  // 1..11
};

struct CreateBudgetRequest {
  std::string account_id;
  Budget budget;
  std::vector<NotificationWithSubscribers> notifications_with_subscribers;
};
struct CreateBudgetResult {};

struct UpdateBudgetRequest {
  std::string account_id;
  Budget new_budget;
};
struct UpdateBudgetResult {};

struct DescribeBudgetRequest {
  std::string account_id;
  std::string budget_name;
};
struct DescribeBudgetResult {
  std::optional<Budget> budget;  // nullopt: no such budget (NotFoundException)
};

struct DescribeBudgetsRequest {
  std::string account_id;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct DescribeBudgetsResult {
  std::vector<Budget> budgets;
  std::string next_token;
};

struct DeleteBudgetRequest {
  std::string account_id;
  std::string budget_name;
};
struct DeleteBudgetResult {
  bool deleted = false;  // false: there was no such budget
};

struct CreateNotificationRequest {
  std::string account_id;
  std::string budget_name;
  Notification notification;
  std::vector<Subscriber> subscribers;
};
struct CreateNotificationResult {};

struct DeleteNotificationRequest {
  std::string account_id;
  std::string budget_name;
  Notification notification;
};
struct DeleteNotificationResult {};

struct DescribeNotificationsForBudgetRequest {
  std::string account_id;
  std::string budget_name;
  std::optional<std::int64_t> max_results;
  std::string next_token;
};
struct DescribeNotificationsForBudgetResult {
  std::vector<Notification> notifications;
  std::string next_token;
};

class BudgetsClient {
 public:
  explicit BudgetsClient(std::unique_ptr<AwsClient> client) : client_(std::move(client)) {}
  // The partition's global endpoint (or AWS_ENDPOINT_URL[_BUDGETS]), the context's credentials.
  static Result<BudgetsClient> Create(AwsContext& context);

  Result<CreateBudgetResult> CreateBudget(const CreateBudgetRequest& request);
  Result<UpdateBudgetResult> UpdateBudget(const UpdateBudgetRequest& request);
  Result<DescribeBudgetResult> DescribeBudget(const DescribeBudgetRequest& request);
  Result<DescribeBudgetsResult> DescribeBudgets(const DescribeBudgetsRequest& request);
  Result<DeleteBudgetResult> DeleteBudget(const DeleteBudgetRequest& request);
  Result<CreateNotificationResult> CreateNotification(const CreateNotificationRequest& request);
  Result<DeleteNotificationResult> DeleteNotification(const DeleteNotificationRequest& request);
  Result<DescribeNotificationsForBudgetResult> DescribeNotificationsForBudget(
      const DescribeNotificationsForBudgetRequest& request);

  AwsClient& client() { return *client_; }

 private:
  std::unique_ptr<AwsClient> client_;
};

}  // namespace awshpc::aws::budgets
