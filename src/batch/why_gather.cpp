// File: why_gather.cpp
// The gathering half of `job why`: reads what Batch, EC2 and the job store know about a job that
// does not run, with as few calls as the answer needs (nothing beyond DescribeJobs for a job
// that runs or has ended). The diagnosis of these facts is in why.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "awshpc/batch/submitter.hpp"
#include "awshpc/batch/why.hpp"

namespace awshpc::batch::why {
namespace {

namespace ab = aws::batch;

// Running jobs whose resources are read (DescribeJobs, 100 a call) to sum their vCPUs; beyond
// this the compute environments' desired vCPUs tell the same story more cheaply.
constexpr std::size_t kMaxRunningDescribed = 2'000;

std::optional<std::int64_t> Requirement(const std::vector<ab::ResourceRequirement>& list,
                                        std::string_view type) {
  for (const ab::ResourceRequirement& requirement : list) {
    if (requirement.type != type) continue;
    try {
      return static_cast<std::int64_t>(std::stoll(requirement.value));
    } catch (const std::exception&) {
      return std::nullopt;  // VCPU may be fractional on Fargate ("0.25"): not ours to read
    }
  }
  return std::nullopt;
}

// The job's part that tells most: one that has not run yet, else one running, else the first.
const ab::JobDetail* PickPart(const std::vector<ab::JobDetail>& parts) {
  for (const ab::JobDetail& part : parts) {
    if (IsBeforeRun(part.status)) return &part;
  }
  for (const ab::JobDetail& part : parts) {
    if (part.status == "STARTING" || part.status == "RUNNING") return &part;
  }
  return parts.empty() ? nullptr : &parts.front();
}

Result<std::vector<ParentFact>> GatherParents(ab::BatchClient& batch,
                                              const std::vector<ab::JobDetail>& parts) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const ab::JobDetail& part : parts) {
    for (const ab::JobDependency& dependency : part.depends_on) {
      if (seen.insert(dependency.job_id).second) ids.push_back(dependency.job_id);
    }
  }
  std::vector<ParentFact> parents;
  if (ids.empty()) return parents;
  ASSIGN_OR_RETURN_CTX(ab::DescribeJobsResult described, batch.DescribeJobs({ids}),
                       "describing the job's parents");
  std::map<std::string, const ab::JobDetail*> by_id;
  for (const ab::JobDetail& detail : described.jobs) by_id[detail.job_id] = &detail;
  for (const std::string& id : ids) {
    ParentFact parent;
    parent.batch_id = id;
    auto found = by_id.find(id);
    if (found == by_id.end()) {
      parent.known = false;
    } else {
      const ab::JobDetail& detail = *found->second;
      parent.status = detail.status;
      parent.status_reason = detail.status_reason;
      auto tag = detail.tags.find(kJobIdTag);
      if (tag != detail.tags.end()) parent.platform_id = tag->second;
      auto part = detail.tags.find(kArrayPartTag);
      parent.barrier = part != detail.tags.end() && part->second.rfind("barrier-", 0) == 0;
    }
    parents.push_back(std::move(parent));
  }
  return parents;
}

InstanceTypeFact ToFact(const aws::ec2::InstanceTypeInfo& info) {
  InstanceTypeFact fact;
  fact.name = info.instance_type;
  fact.vcpus = info.vcpus;
  fact.memory_mib = info.memory_mib;
  for (const aws::ec2::GpuDevice& gpu : info.gpus) fact.gpus += gpu.count;
  fact.architectures = info.architectures;
  return fact;
}

Result<QueueFact> GatherQueue(ab::BatchClient& batch, aws::ec2::Ec2Client& ec2,
                              const std::string& queue_name) {
  QueueFact queue;
  queue.name = queue_name;
  ASSIGN_OR_RETURN_CTX(ab::DescribeJobQueuesResult queues,
                       batch.DescribeJobQueues({{queue_name}, std::nullopt, ""}),
                       "describing job queue " + queue_name);
  if (queues.job_queues.empty()) return queue;
  const ab::JobQueueDetail& detail = queues.job_queues.front();
  queue.found = true;
  queue.name = detail.job_queue_name;
  queue.state = detail.state;
  queue.status = detail.status;
  queue.status_reason = detail.status_reason;
  std::vector<ab::ComputeEnvironmentOrder> order = detail.compute_environment_order;
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  if (order.empty()) return queue;

  ab::DescribeComputeEnvironmentsRequest request;
  for (const auto& entry : order) request.compute_environments.push_back(entry.compute_environment);
  ASSIGN_OR_RETURN_CTX(ab::DescribeComputeEnvironmentsResult environments,
                       batch.DescribeComputeEnvironments(request),
                       "describing the compute environments of " + queue.name);
  std::vector<std::string> entries;
  for (const ab::ComputeEnvironmentDetail& ce : environments.compute_environments) {
    if (!ce.compute_resources) continue;
    const auto& listed = ce.compute_resources->instance_types;
    entries.insert(entries.end(), listed.begin(), listed.end());
  }
  std::vector<InstanceTypeFact> catalogue;
  if (!entries.empty()) {
    // Only the families the environments name (EC2 matches "c7g.*" patterns): a page or two.
    aws::ec2::DescribeInstanceTypesRequest types;
    types.filters.push_back({"instance-type", InstanceTypePatterns(entries)});
    types.max_results = 100;
    ASSIGN_OR_RETURN_CTX(std::vector<aws::ec2::InstanceTypeInfo> infos,
                         ec2.DescribeAllInstanceTypes(types), "describing EC2 instance types");
    for (const auto& info : infos) catalogue.push_back(ToFact(info));
  }
  // In the queue's order (DescribeComputeEnvironments answers in its own).
  for (const auto& entry : order) {
    auto found = std::find_if(environments.compute_environments.begin(),
                              environments.compute_environments.end(),
                              [&](const ab::ComputeEnvironmentDetail& ce) {
                                return ce.compute_environment_arn == entry.compute_environment ||
                                       ce.compute_environment_name == entry.compute_environment;
                              });
    ComputeEnvFact fact;
    if (found == environments.compute_environments.end()) {
      fact.name = entry.compute_environment;
      fact.status = "DELETED";
      fact.status_reason = "DescribeComputeEnvironments no longer knows it";
      queue.environments.push_back(std::move(fact));
      continue;
    }
    fact.name = found->compute_environment_name;
    fact.state = found->state;
    fact.status = found->status;
    fact.status_reason = found->status_reason;
    fact.managed = found->type != "UNMANAGED";
    if (found->compute_resources) {
      const ab::ComputeResources& resources = *found->compute_resources;
      fact.type = resources.type;
      fact.max_vcpus = resources.max_vcpus.value_or(0);
      fact.desired_vcpus = resources.desired_vcpus;
      fact.instance_type_entries = resources.instance_types;
      fact.instance_types = ExpandInstanceTypes(resources.instance_types, catalogue);
    }
    queue.environments.push_back(std::move(fact));
  }
  return queue;
}

// vCPUs held by the queue's STARTING and RUNNING jobs; nullopt when there are too many to read.
Result<std::optional<std::int64_t>> GatherVcpusInUse(ab::BatchClient& batch,
                                                     const std::string& queue) {
  std::vector<std::string> ids;
  for (const char* status : {"STARTING", "RUNNING"}) {
    ab::ListJobsRequest request;
    request.job_queue = queue;
    request.job_status = status;
    ASSIGN_OR_RETURN_CTX(std::vector<ab::JobSummary> jobs, batch.ListAllJobs(request),
                         fmt::format("listing {} jobs of {}", status, queue));
    for (const ab::JobSummary& job : jobs) ids.push_back(job.job_id);
  }
  if (ids.size() > kMaxRunningDescribed) return std::optional<std::int64_t>();
  std::int64_t vcpus = 0;
  if (ids.empty()) return std::optional<std::int64_t>(vcpus);
  ASSIGN_OR_RETURN_CTX(ab::DescribeJobsResult described, batch.DescribeJobs({ids}),
                       "describing the queue's running jobs");
  for (const ab::JobDetail& job : described.jobs) {
    if (job.container)
      vcpus += Requirement(job.container->resource_requirements, "VCPU").value_or(1);
  }
  return std::optional<std::int64_t>(vcpus);
}

}  // namespace

Result<std::string> InstanceArchFor(const arch::Catalog& catalog, std::string_view arch) {
  ASSIGN_OR_RETURN(const arch::Microarchitecture* target, catalog.Find(arch));
  if (target->isa == "x86_64") return std::string("x86_64");
  if (target->isa == "aarch64") return std::string("arm64");
  return std::string();
}

Result<BatchJobFacts> GatherBatchFacts(ab::BatchClient& batch, aws::ec2::Ec2Client& ec2,
                                       const arch::Catalog& catalog, const sched::Job& job,
                                       const BatchJobLink& link, std::string_view arch_hint,
                                       const Clock& clock) {
  BatchJobFacts facts;
  facts.job_id = job.id;
  facts.now = clock.NowMillis();
  facts.vcpus = job.request.resources.vcpus;
  facts.memory_mib = job.request.resources.memory_mib;
  facts.gpus = job.request.resources.gpus;
  facts.status = link.batch_status;
  facts.status_reason = link.status_reason;
  std::string queue_name = link.queue;

  std::vector<ab::JobDetail> parts;
  if (!link.batch_ids.empty()) {
    ASSIGN_OR_RETURN_CTX(ab::DescribeJobsResult described, batch.DescribeJobs({link.batch_ids}),
                         "describing " + job.id);
    parts = std::move(described.jobs);
  }
  if (const ab::JobDetail* part = PickPart(parts)) {
    facts.batch_id = part->job_id;
    facts.status = part->status;
    facts.status_reason = part->status_reason;
    if (!part->job_queue.empty()) queue_name = part->job_queue;
    if (part->container) {
      const auto& requirements = part->container->resource_requirements;
      facts.vcpus = Requirement(requirements, "VCPU").value_or(facts.vcpus);
      facts.memory_mib = Requirement(requirements, "MEMORY").value_or(facts.memory_mib);
      facts.gpus = Requirement(requirements, "GPU").value_or(facts.gpus);
    }
    if (auto tag = part->tags.find("aws-hpc:arch"); tag != part->tags.end()) {
      facts.arch = tag->second;
    }
  } else if (!link.batch_ids.empty()) {
    facts.batch_id = link.batch_ids.front();
  }
  if (facts.arch.empty()) facts.arch = std::string(arch_hint);
  if (!facts.arch.empty()) {
    // An architecture the catalog does not know is compared with nothing rather than failing.
    facts.instance_arch = InstanceArchFor(catalog, facts.arch).value_or("");
  }
  for (const sched::StateChange& change : job.history) {
    if (change.state == sched::JobState::kRunnable) facts.runnable_since = change.time;
  }
  if (!IsBeforeRun(facts.status)) return facts;  // running or ended: nothing more to read

  ASSIGN_OR_RETURN(facts.parents, GatherParents(batch, parts));
  ASSIGN_OR_RETURN(facts.queue, GatherQueue(batch, ec2, queue_name));
  if (facts.queue.found) {
    ASSIGN_OR_RETURN(facts.queue_vcpus_in_use, GatherVcpusInUse(batch, facts.queue.name));
  }
  return facts;
}

Result<LocalJobFacts> GatherLocalFacts(store::JobStore& store, const sched::Job& job,
                                       const store::Capacity& capacity) {
  LocalJobFacts facts;
  facts.job_id = job.id;
  facts.state = job.state;
  facts.reason = job.reason;
  facts.cancel_requested = job.cancel_requested;
  const sched::Resources& resources = job.request.resources;
  facts.vcpus = static_cast<std::int64_t>(resources.vcpus) * resources.nodes;
  facts.memory_mib = resources.memory_mib * resources.nodes;
  facts.capacity = capacity;
  if (job.state != sched::JobState::kRunnable) return facts;

  auto ref = [](const sched::Job& other) {
    const sched::Resources& r = other.request.resources;
    return LocalJobRef{other.id, other.request.priority,
                       static_cast<std::int64_t>(r.vcpus) * r.nodes, r.memory_mib * r.nodes,
                       std::string(sched::JobStateName(other.state))};
  };
  store::JobFilter holding;
  holding.backend = job.request.backend;
  holding.states = {sched::JobState::kStarting, sched::JobState::kRunning};
  holding.newest_first = false;
  ASSIGN_OR_RETURN(std::vector<sched::Job> held, store.List(holding));
  for (const sched::Job& other : held) facts.holding.push_back(ref(other));

  store::JobFilter queued;
  queued.backend = job.request.backend;
  queued.states = {sched::JobState::kRunnable};
  queued.newest_first = false;
  ASSIGN_OR_RETURN(std::vector<sched::Job> runnable, store.List(queued));
  // ClaimNextRunnable's order: priority (higher first), then submission order.
  std::stable_sort(runnable.begin(), runnable.end(), [](const auto& a, const auto& b) {
    if (a.request.priority != b.request.priority) return a.request.priority > b.request.priority;
    return a.sequence < b.sequence;
  });
  for (const sched::Job& other : runnable) {
    if (other.id == job.id) break;
    facts.ahead.push_back(ref(other));
  }
  return facts;
}

}  // namespace awshpc::batch::why
