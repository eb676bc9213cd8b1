// File: routing.cpp
#include "awshpc/batch/routing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "awshpc/core/text.hpp"

namespace awshpc::batch {
namespace {

namespace ab = aws::batch;

std::string TagOr(const ab::Tags& tags, std::string_view key) {
  const auto it = tags.find(std::string(key));
  return it == tags.end() ? std::string() : it->second;
}

// True when code built for `image_arch` runs on every CPU of `queue`: each queue microarch is
// the image's target or descends from it (zen3 code runs on zen4, not the other way round).
bool RunsOnEveryInstance(const arch::Catalog& catalog, const arch::Microarchitecture& image_arch,
                         const RoutedQueue& queue) {
  for (const std::string& name : queue.microarchs) {
    auto target = catalog.Find(name);
    if (!target.ok()) return false;
    if (!catalog.IsAncestor(image_arch, **target)) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<std::string>> QueueFamiliesFor(const arch::Catalog& catalog,
                                                  std::string_view arch) {
  if (arch == "cuda") return std::vector<std::string>{"gpu"};
  ASSIGN_OR_RETURN(const arch::Microarchitecture* target, catalog.Find(arch));
  if (target->kind == arch::TargetKind::kGpu) return std::vector<std::string>{"gpu"};
  if (target->isa == "aarch64") return std::vector<std::string>{"arm64-graviton"};
  if (target->vendor == "AuthenticAMD") return std::vector<std::string>{"x86_64-amd"};
  if (target->vendor == "GenuineIntel") return std::vector<std::string>{"x86_64-intel"};
  // Generic x86-64 code runs on both vendors' instances.
  return std::vector<std::string>{"x86_64-amd", "x86_64-intel"};
}

Result<std::string> ParsePurchaseOption(std::string_view text) {
  for (const char* option : {"spot", "ondemand", "auto"}) {
    if (text == option) return std::string(option);
  }
  if (text == "on-demand") return std::string("ondemand");
  return InvalidArgumentError(
      fmt::format("--purchase {}: expected spot, ondemand or auto (spot first, then on-demand)",
                  QuoteForMessage(text)));
}

Result<std::vector<RoutedQueue>> DiscoverQueues(ab::BatchClient& client) {
  std::vector<RoutedQueue> queues;
  ab::DescribeJobQueuesRequest request;
  for (int page = 0; page < 100; ++page) {
    ASSIGN_OR_RETURN(ab::DescribeJobQueuesResult result, client.DescribeJobQueues(request));
    for (const ab::JobQueueDetail& detail : result.job_queues) {
      RoutedQueue queue;
      queue.arch_family = TagOr(detail.tags, kTagArchFamily);
      queue.purchase = TagOr(detail.tags, kTagPurchase);
      if (queue.arch_family.empty() || queue.purchase.empty()) continue;
      queue.name = detail.job_queue_name;
      queue.arn = detail.job_queue_arn;
      queue.enabled = detail.state == "ENABLED";
      queue.has_scheduling_policy = !detail.scheduling_policy_arn.empty();
      queue.status_reason = detail.status_reason;
      queue.compute_environments = static_cast<int>(detail.compute_environment_order.size());
      std::istringstream microarchs(TagOr(detail.tags, kTagMicroarchs));
      for (std::string name; microarchs >> name;) queue.microarchs.push_back(name);
      queues.push_back(std::move(queue));
    }
    if (result.next_token.empty()) break;
    request.next_token = result.next_token;
  }
  return queues;
}

Result<RoutedQueue> ChooseQueue(const arch::Catalog& catalog,
                                const std::vector<RoutedQueue>& queues, std::string_view arch,
                                std::string_view purchase) {
  ASSIGN_OR_RETURN(std::vector<std::string> families, QueueFamiliesFor(catalog, arch));
  const arch::Microarchitecture* image_arch = nullptr;
  if (arch != "cuda") {
    ASSIGN_OR_RETURN(image_arch, catalog.Find(arch));
  }
  const RoutedQueue* disabled = nullptr;
  // Spot with an on-demand fallback behaves as auto.
  const auto purchase_matches = [purchase](const RoutedQueue& queue) {
    return queue.purchase == purchase ||
           (purchase == "auto" && queue.purchase == "spot" && queue.compute_environments > 1);
  };
  for (const std::string& family : families) {
    // Exact tags first, so a queue tagged auto wins over a spot queue that falls back.
    std::vector<const RoutedQueue*> candidates;
    for (const RoutedQueue& queue : queues) {
      if (queue.arch_family == family && queue.purchase == purchase) candidates.push_back(&queue);
    }
    for (const RoutedQueue& queue : queues) {
      if (queue.arch_family == family && queue.purchase != purchase && purchase_matches(queue)) {
        candidates.push_back(&queue);
      }
    }
    for (const RoutedQueue* candidate : candidates) {
      const RoutedQueue& queue = *candidate;
      if (image_arch != nullptr && !RunsOnEveryInstance(catalog, *image_arch, queue)) continue;
      if (!queue.enabled) {
        if (disabled == nullptr) disabled = &queue;
        continue;
      }
      return queue;
    }
  }
  if (disabled != nullptr) {
    return FailedPreconditionError(fmt::format(
        "job queue {} (for {} {}) is DISABLED{}; enable it or choose --purchase", disabled->name,
        arch, purchase, disabled->status_reason.empty() ? "" : ": " + disabled->status_reason));
  }
  std::vector<std::string> present;
  for (const RoutedQueue& queue : queues) {
    present.push_back(fmt::format("{} ({} {})", queue.name, queue.arch_family, queue.purchase));
  }
  return NotFoundError(fmt::format(
      "no job queue runs {} images with purchase option {} (looked for {} with tag {}={}); {}. "
      "Deploy one with `aws-hpc infra deploy --stack compute`, or pass --queue",
      arch, purchase, JoinOr(families), kTagPurchase, purchase,
      present.empty() ? std::string("this account has no aws-hpc queues")
                      : "queues present: " + JoinOr(present)));
}

}  // namespace awshpc::batch
