// File: budget_mirror.hpp
// Mirroring a project's monthly budget into AWS Budgets: a COST budget named aws-hpc-<project>,
// filtered on the cost allocation tag aws-hpc:project=<project>, with one ACTUAL notification
// per alert percent. aws-hpc's own admission control stays the authority; the AWS budget alerts
// on what AWS bills, including spending outside aws-hpc's view.
#pragma once

#include <string>
#include <vector>

#include "awshpc/aws/services/budgets.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/cost/cost_db.hpp"

namespace awshpc::cost {

// The cost allocation tag aws-hpc puts on what it starts for a project (activate it in the
// Billing console so AWS Budgets can filter on it).
inline constexpr std::string_view kProjectTagKey = "aws-hpc:project";

// "aws-hpc-climate"; characters AWS Budgets refuses in names (':' and '\') become '-'.
std::string AwsBudgetName(const std::string& project);

// Where a mirrored budget lives and who its notifications go to; stored with the budget.
struct MirrorTarget {
  std::string account_id;
  std::vector<aws::budgets::Subscriber> subscribers;  // 1..11

  std::string ToJson() const;
  static Result<MirrorTarget> FromJson(const std::string& json);
};

struct MirrorResult {
  std::string budget_name;
  bool created = false;        // else it existed
  bool limit_updated = false;  // UpdateBudget was needed
  int notifications_added = 0;
  int notifications_removed = 0;
};

// Creates the AWS budget with its notifications, or brings an existing one in line: the limit
// (UpdateBudget, only when it differs) and the notifications (created and deleted one by one so
// unchanged ones keep their state).
Result<MirrorResult> MirrorBudget(aws::budgets::BudgetsClient& client, const Budget& budget,
                                  const MirrorTarget& target);

// Deletes the mirrored AWS budget; false if AWS had none.
Result<bool> DeleteMirroredBudget(aws::budgets::BudgetsClient& client,
                                  const std::string& account_id, const std::string& project);

}  // namespace awshpc::cost
