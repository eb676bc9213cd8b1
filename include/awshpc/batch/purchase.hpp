// File: purchase.hpp
// How the compute environments behind a Batch job queue buy their instances (spot or on-demand),
// recorded with each job at submission so `aws-hpc cost report` prices a job at what it ran on.
// See docs/cost.md, "Actual cost".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/aws/services/batch.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

inline constexpr std::string_view kPurchaseSpot = "spot";
inline constexpr std::string_view kPurchaseOnDemand = "on-demand";
// The queue has both spot and on-demand environments: which one ran an attempt is not known.
inline constexpr std::string_view kPurchaseMixed = "mixed";

// computeResources.type of a compute environment: SPOT and FARGATE_SPOT -> "spot", EC2 and
// FARGATE -> "on-demand"; "" when it has none (UNMANAGED: the account brings the instances).
std::string PurchaseOfComputeEnvironment(const aws::batch::ComputeEnvironmentDetail& environment);

// One option for a queue's environments: "spot" or "on-demand" when all agree, "mixed" when they
// differ, "" when any is unknown or there are none.
std::string PurchaseOfEnvironments(const std::vector<std::string>& purchases);

// Looks the queue up (DescribeJobQueues), then its compute environments
// (DescribeComputeEnvironments, one call for all of them) and combines their purchase options.
// NotFound when the queue does not exist.
Result<std::string> DescribeQueuePurchase(aws::batch::BatchClient& client, std::string_view queue);

}  // namespace awshpc::batch
