// File: services/budgets.cpp
// AWS Budgets over json-1.1: POST / with X-Amz-Target: AWSBudgetServiceGateway.<Operation>.
#include "awshpc/aws/services/budgets.hpp"

#include <fmt/format.h>

#include "awshpc/aws/protocols/json.hpp"
#include "json_call.hpp"

namespace awshpc::aws::budgets {
namespace {

using protocols::Json;
using protocols::JsonArray;
using protocols::JsonDouble;
using protocols::JsonObject;
using protocols::JsonString;
using protocols::SetIfNotEmpty;
using protocols::SetIfPresent;

Result<Json> Post(AwsClient& client, std::string_view operation, const Json& body) {
  return services_internal::PostJson11(client, "budgets", kTargetPrefix, operation, body);
}

Json SpendJson(const Spend& spend) { return {{"Amount", spend.amount}, {"Unit", spend.unit}}; }

Json BudgetJson(const Budget& budget) {
  Json out = {{"BudgetName", budget.budget_name},
              {"BudgetLimit", SpendJson(budget.budget_limit)},
              {"TimeUnit", budget.time_unit},
              {"BudgetType", budget.budget_type}};
  if (!budget.cost_filters.empty()) out["CostFilters"] = budget.cost_filters;
  return out;
}

Budget ReadBudget(const Json& json) {
  Budget budget;
  budget.budget_name = JsonString(json, "BudgetName");
  const Json& limit = JsonObject(json, "BudgetLimit");
  budget.budget_limit.amount = JsonString(limit, "Amount");
  budget.budget_limit.unit = JsonString(limit, "Unit");
  budget.time_unit = JsonString(json, "TimeUnit");
  budget.budget_type = JsonString(json, "BudgetType");
  for (const auto& [key, values] : JsonObject(json, "CostFilters").items()) {
    std::vector<std::string>& out = budget.cost_filters[key];
    if (!values.is_array()) continue;
    for (const Json& value : values) {
      if (value.is_string()) out.push_back(value.get<std::string>());
    }
  }
  return budget;
}

Json NotificationJson(const Notification& n) {
  return {{"NotificationType", n.notification_type},
          {"ComparisonOperator", n.comparison_operator},
          {"Threshold", n.threshold},
          {"ThresholdType", n.threshold_type}};
}

Notification ReadNotification(const Json& json) {
  Notification n;
  n.notification_type = JsonString(json, "NotificationType");
  n.comparison_operator = JsonString(json, "ComparisonOperator");
  n.threshold = JsonDouble(json, "Threshold").value_or(0);
  n.threshold_type = JsonString(json, "ThresholdType");
  return n;
}

Json SubscribersJson(const std::vector<Subscriber>& subscribers) {
  Json out = Json::array();
  for (const Subscriber& s : subscribers) {
    out.push_back({{"SubscriptionType", s.subscription_type}, {"Address", s.address}});
  }
  return out;
}

// Describe/Delete of a missing budget: NotFoundException, which callers treat as an answer.
Result<std::optional<Json>> PostAllowingNotFound(AwsClient& client, std::string_view operation,
                                                 const Json& body) {
  AwsOutcome<HttpResponse> outcome = client.Call(operation, [&]() -> Result<HttpRequest> {
    return protocols::MakeJsonRequest(kTargetPrefix, operation, body);
  });
  if (auto* error = std::get_if<AwsError>(&outcome)) {
    if (error->code == "NotFoundException") return std::optional<Json>();
    return error->ToStatus();
  }
  ASSIGN_OR_RETURN(Json out, protocols::ParseJsonBody(std::get<HttpResponse>(outcome).body,
                                                      fmt::format("budgets {}", operation)));
  return std::optional<Json>(std::move(out));
}

}  // namespace

Result<BudgetsClient> BudgetsClient::Create(AwsContext& context) {
  ASSIGN_OR_RETURN(std::unique_ptr<AwsClient> client,
                   context.MakeClient(kService, Protocol::kJson));
  return BudgetsClient(std::move(client));
}

Result<CreateBudgetResult> BudgetsClient::CreateBudget(const CreateBudgetRequest& request) {
  Json body = {{"AccountId", request.account_id}, {"Budget", BudgetJson(request.budget)}};
  if (!request.notifications_with_subscribers.empty()) {
    Json list = Json::array();
    for (const auto& n : request.notifications_with_subscribers) {
      list.push_back({{"Notification", NotificationJson(n.notification)},
                      {"Subscribers", SubscribersJson(n.subscribers)}});
    }
    body["NotificationsWithSubscribers"] = std::move(list);
  }
  RETURN_IF_ERROR(Post(*client_, "CreateBudget", body).status());
  return CreateBudgetResult{};
}

Result<UpdateBudgetResult> BudgetsClient::UpdateBudget(const UpdateBudgetRequest& request) {
  RETURN_IF_ERROR(
      Post(*client_, "UpdateBudget",
           {{"AccountId", request.account_id}, {"NewBudget", BudgetJson(request.new_budget)}})
          .status());
  return UpdateBudgetResult{};
}

Result<DescribeBudgetResult> BudgetsClient::DescribeBudget(const DescribeBudgetRequest& request) {
  ASSIGN_OR_RETURN(std::optional<Json> out,
                   PostAllowingNotFound(
                       *client_, "DescribeBudget",
                       {{"AccountId", request.account_id}, {"BudgetName", request.budget_name}}));
  DescribeBudgetResult result;
  if (out) result.budget = ReadBudget(JsonObject(*out, "Budget"));
  return result;
}

Result<DescribeBudgetsResult> BudgetsClient::DescribeBudgets(
    const DescribeBudgetsRequest& request) {
  Json body = {{"AccountId", request.account_id}};
  SetIfPresent(body, "MaxResults", request.max_results);
  SetIfNotEmpty(body, "NextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeBudgets", body));
  DescribeBudgetsResult result;
  for (const Json& budget : JsonArray(out, "Budgets")) result.budgets.push_back(ReadBudget(budget));
  result.next_token = JsonString(out, "NextToken");
  return result;
}

Result<DeleteBudgetResult> BudgetsClient::DeleteBudget(const DeleteBudgetRequest& request) {
  ASSIGN_OR_RETURN(std::optional<Json> out,
                   PostAllowingNotFound(
                       *client_, "DeleteBudget",
                       {{"AccountId", request.account_id}, {"BudgetName", request.budget_name}}));
  return DeleteBudgetResult{out.has_value()};
}

Result<CreateNotificationResult> BudgetsClient::CreateNotification(
    const CreateNotificationRequest& request) {
  RETURN_IF_ERROR(Post(*client_, "CreateNotification",
                       {{"AccountId", request.account_id},
                        {"BudgetName", request.budget_name},
                        {"Notification", NotificationJson(request.notification)},
                        {"Subscribers", SubscribersJson(request.subscribers)}})
                      .status());
  return CreateNotificationResult{};
}

Result<DeleteNotificationResult> BudgetsClient::DeleteNotification(
    const DeleteNotificationRequest& request) {
  RETURN_IF_ERROR(Post(*client_, "DeleteNotification",
                       {{"AccountId", request.account_id},
                        {"BudgetName", request.budget_name},
                        {"Notification", NotificationJson(request.notification)}})
                      .status());
  return DeleteNotificationResult{};
}

Result<DescribeNotificationsForBudgetResult> BudgetsClient::DescribeNotificationsForBudget(
    const DescribeNotificationsForBudgetRequest& request) {
  Json body = {{"AccountId", request.account_id}, {"BudgetName", request.budget_name}};
  SetIfPresent(body, "MaxResults", request.max_results);
  SetIfNotEmpty(body, "NextToken", request.next_token);
  ASSIGN_OR_RETURN(const Json out, Post(*client_, "DescribeNotificationsForBudget", body));
  DescribeNotificationsForBudgetResult result;
  for (const Json& n : JsonArray(out, "Notifications")) {
    result.notifications.push_back(ReadNotification(n));
  }
  result.next_token = JsonString(out, "NextToken");
  return result;
}

}  // namespace awshpc::aws::budgets
