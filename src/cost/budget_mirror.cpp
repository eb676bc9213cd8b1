// File: budget_mirror.cpp
#include "awshpc/cost/budget_mirror.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace awshpc::cost {
namespace {

namespace budgets = aws::budgets;

// "500.000000" -> "500", "12.500000" -> "12.5": AWS writes amounts without trailing zeros.
std::string Amount(Money money) {
  std::string text = money.ToDecimalString();
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

budgets::Notification AlertNotification(int percent) {
  budgets::Notification n;
  n.threshold = percent;
  return n;
}

}  // namespace

std::string AwsBudgetName(const std::string& project) {
  std::string name = "aws-hpc-" + project;
  std::replace(name.begin(), name.end(), ':', '-');
  std::replace(name.begin(), name.end(), '\\', '-');
  return name;
}

std::string MirrorTarget::ToJson() const {
  nlohmann::json subs = nlohmann::json::array();
  for (const auto& s : subscribers)
    subs.push_back({{"type", s.subscription_type}, {"address", s.address}});
  return nlohmann::json({{"account_id", account_id}, {"subscribers", subs}}).dump();
}

Result<MirrorTarget> MirrorTarget::FromJson(const std::string& json) {
  const auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("account_id") || !parsed["account_id"].is_string() ||
      !parsed.contains("subscribers") || !parsed["subscribers"].is_array()) {
    return InternalError("damaged AWS Budgets mirror record: " + json);
  }
  MirrorTarget target;
  target.account_id = parsed["account_id"].get<std::string>();
  for (const auto& s : parsed["subscribers"]) {
    if (!s.is_object() || !s.contains("type") || !s.contains("address") || !s["type"].is_string() ||
        !s["address"].is_string()) {
      return InternalError("damaged AWS Budgets mirror record: " + json);
    }
    target.subscribers.push_back({s["type"].get<std::string>(), s["address"].get<std::string>()});
  }
  return target;
}

Result<MirrorResult> MirrorBudget(budgets::BudgetsClient& client, const Budget& budget,
                                  const MirrorTarget& target) {
  if (target.subscribers.empty() || target.subscribers.size() > 11) {
    return InvalidArgumentError(
        "an AWS budget's notifications need 1 to 11 subscribers (--notify-email or --notify-sns)");
  }
  MirrorResult result;
  result.budget_name = AwsBudgetName(budget.project);
  budgets::Budget wanted;
  wanted.budget_name = result.budget_name;
  wanted.budget_limit.amount = Amount(budget.monthly);
  wanted.cost_filters["TagKeyValue"] = {fmt::format("user:{}${}", kProjectTagKey, budget.project)};

  ASSIGN_OR_RETURN(budgets::DescribeBudgetResult existing,
                   client.DescribeBudget({target.account_id, result.budget_name}));
  if (!existing.budget) {
    budgets::CreateBudgetRequest create;
    create.account_id = target.account_id;
    create.budget = wanted;
    for (int percent : budget.alert_percents) {
      create.notifications_with_subscribers.push_back(
          {AlertNotification(percent), target.subscribers});
    }
    RETURN_IF_ERROR(client.CreateBudget(create).status());
    result.created = true;
    result.notifications_added = static_cast<int>(budget.alert_percents.size());
    return result;
  }

  const auto current_limit = Money::Parse(existing.budget->budget_limit.amount);
  if (!current_limit.ok() || *current_limit != budget.monthly ||
      existing.budget->cost_filters != wanted.cost_filters) {
    RETURN_IF_ERROR(client.UpdateBudget({target.account_id, wanted}).status());
    result.limit_updated = true;
  }
  std::vector<budgets::Notification> current;
  budgets::DescribeNotificationsForBudgetRequest list{target.account_id, result.budget_name, 100,
                                                      ""};
  for (int page = 0; page < 100; ++page) {
    ASSIGN_OR_RETURN(budgets::DescribeNotificationsForBudgetResult out,
                     client.DescribeNotificationsForBudget(list));
    current.insert(current.end(), out.notifications.begin(), out.notifications.end());
    if (out.next_token.empty() || out.next_token == list.next_token) break;
    list.next_token = out.next_token;
  }
  std::vector<budgets::Notification> wanted_notifications;
  for (int percent : budget.alert_percents)
    wanted_notifications.push_back(AlertNotification(percent));
  for (const budgets::Notification& n : current) {
    if (std::find(wanted_notifications.begin(), wanted_notifications.end(), n) ==
        wanted_notifications.end()) {
      RETURN_IF_ERROR(
          client.DeleteNotification({target.account_id, result.budget_name, n}).status());
      ++result.notifications_removed;
    }
  }
  for (const budgets::Notification& n : wanted_notifications) {
    if (std::find(current.begin(), current.end(), n) == current.end()) {
      RETURN_IF_ERROR(
          client.CreateNotification({target.account_id, result.budget_name, n, target.subscribers})
              .status());
      ++result.notifications_added;
    }
  }
  return result;
}

Result<bool> DeleteMirroredBudget(budgets::BudgetsClient& client, const std::string& account_id,
                                  const std::string& project) {
  ASSIGN_OR_RETURN(budgets::DeleteBudgetResult out,
                   client.DeleteBudget({account_id, AwsBudgetName(project)}));
  return out.deleted;
}

}  // namespace awshpc::cost
