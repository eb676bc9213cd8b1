// File: purchase.cpp
#include "awshpc/batch/purchase.hpp"

#include <fmt/format.h>

namespace awshpc::batch {

std::string PurchaseOfComputeEnvironment(const aws::batch::ComputeEnvironmentDetail& environment) {
  if (!environment.compute_resources) return "";
  const std::string& type = environment.compute_resources->type;
  if (type == "SPOT" || type == "FARGATE_SPOT") return std::string(kPurchaseSpot);
  if (type == "EC2" || type == "FARGATE") return std::string(kPurchaseOnDemand);
  return "";
}

std::string PurchaseOfEnvironments(const std::vector<std::string>& purchases) {
  if (purchases.empty()) return "";
  std::string combined = purchases.front();
  for (const std::string& purchase : purchases) {
    if (purchase.empty()) return "";
    if (purchase != combined) combined = std::string(kPurchaseMixed);
  }
  return combined;
}

Result<std::string> DescribeQueuePurchase(aws::batch::BatchClient& client, std::string_view queue) {
  aws::batch::DescribeJobQueuesRequest queues;
  queues.job_queues = {std::string(queue)};
  ASSIGN_OR_RETURN(aws::batch::DescribeJobQueuesResult found, client.DescribeJobQueues(queues));
  if (found.job_queues.empty()) {
    return NotFoundError(fmt::format("AWS Batch job queue {} does not exist", queue));
  }
  aws::batch::DescribeComputeEnvironmentsRequest environments;
  for (const auto& order : found.job_queues.front().compute_environment_order) {
    environments.compute_environments.push_back(order.compute_environment);
  }
  // An empty list would describe every environment of the account.
  if (environments.compute_environments.empty()) return std::string();
  ASSIGN_OR_RETURN(aws::batch::DescribeComputeEnvironmentsResult described,
                   client.DescribeComputeEnvironments(environments));
  std::vector<std::string> purchases;
  for (const auto& environment : described.compute_environments) {
    purchases.push_back(PurchaseOfComputeEnvironment(environment));
  }
  // An environment Batch did not return (deleted meanwhile) leaves the option unknown.
  if (purchases.size() != environments.compute_environments.size()) return std::string();
  return PurchaseOfEnvironments(purchases);
}

}  // namespace awshpc::batch
