// File: routing.hpp
// Which Batch job queue a job lands on. The platform's queues carry two tags (set by
// `aws-hpc infra deploy`, see docs/deploy.md): `aws-hpc:arch-family` (x86_64-amd,
// x86_64-intel, arm64-graviton, gpu) and `aws-hpc:purchase` (spot, ondemand, auto = spot first
// then on-demand). A job goes to an ENABLED queue whose family runs its image's architecture
// and whose purchase option matches. See docs/batch.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

inline constexpr std::string_view kTagArchFamily = "aws-hpc:arch-family";
inline constexpr std::string_view kTagPurchase = "aws-hpc:purchase";
// Optional: the microarchitectures of the queue's instance types, space-separated ("zen3 zen4").
// With it, an image built for a microarchitecture only goes where every instance can run it.
inline constexpr std::string_view kTagMicroarchs = "aws-hpc:microarchs";

// A platform queue as read from DescribeJobQueues.
struct RoutedQueue {
  std::string name;
  std::string arn;
  std::string arch_family;              // "x86_64-amd", ...
  std::string purchase;                 // "spot", "ondemand", "auto"
  std::vector<std::string> microarchs;  // from kTagMicroarchs; empty: not stated
  int compute_environments = 0;         // in the queue's order; a spot queue with 2+ falls back
  bool enabled = false;
  bool has_scheduling_policy = false;  // fair-share: jobs need a shareIdentifier
  std::string status_reason;
};

// Queue families an architecture from app.yaml can run on, best first: "zen4" ->
// {"x86_64-amd"}, "x86_64" -> {"x86_64-amd", "x86_64-intel"}, "graviton3" ->
// {"arm64-graviton"}, "cuda" -> {"gpu"}. InvalidArgument for an unknown architecture.
Result<std::vector<std::string>> QueueFamiliesFor(const arch::Catalog& catalog,
                                                  std::string_view arch);

// "spot", "ondemand" or "auto"; InvalidArgument naming the flag value otherwise.
Result<std::string> ParsePurchaseOption(std::string_view text);

// Every job queue of the account/region with the platform's tags (queues without them are
// skipped). Paginates DescribeJobQueues.
Result<std::vector<RoutedQueue>> DiscoverQueues(aws::batch::BatchClient& client);

// The queue for an architecture and purchase option among `queues`. `auto` takes a queue tagged
// auto, else a spot queue with a second compute environment to fall back on (what
// `aws-hpc infra deploy` makes when both purchase options are enabled). NotFound explains what was
// looked for and what exists (and how to deploy it); FailedPrecondition when the only match is
// disabled.
Result<RoutedQueue> ChooseQueue(const arch::Catalog& catalog,
                                const std::vector<RoutedQueue>& queues, std::string_view arch,
                                std::string_view purchase);

}  // namespace awshpc::batch
