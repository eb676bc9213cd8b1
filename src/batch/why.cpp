// File: why.cpp
// The diagnosis half of `job why`: plain-words findings from gathered facts, no I/O here (the
// gathering is in why_gather.cpp). Each rule mirrors how Batch (or the local claim in the job
// store) decides that a job may start.
#include "awshpc/batch/why.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"

namespace awshpc::batch::why {
namespace {

bool CeUsable(const ComputeEnvFact& ce) {
  return ce.state == "ENABLED" && (ce.status == "VALID" || ce.status == "UPDATING");
}

// "1 vCPU", "4 vCPUs".
std::string Vcpus(std::int64_t n) { return fmt::format("{} vCPU{}", n, n == 1 ? "" : "s"); }

bool IsSpot(const ComputeEnvFact& ce) { return ce.type == "SPOT" || ce.type == "FARGATE_SPOT"; }

bool IsFargate(const ComputeEnvFact& ce) {
  return ce.type == "FARGATE" || ce.type == "FARGATE_SPOT";
}

bool ArchMatches(const InstanceTypeFact& type, std::string_view instance_arch) {
  if (instance_arch.empty()) return true;
  return std::find(type.architectures.begin(), type.architectures.end(), instance_arch) !=
         type.architectures.end();
}

bool Fits(const InstanceTypeFact& type, const BatchJobFacts& job) {
  return ArchMatches(type, job.instance_arch) && type.vcpus >= job.vcpus &&
         UsableMemoryMiB(type.memory_mib) >= job.memory_mib && type.gpus >= job.gpus;
}

std::string Resources(const BatchJobFacts& job) {
  std::string text = fmt::format("{} vCPU{}, {}", job.vcpus, job.vcpus == 1 ? "" : "s",
                                 FormatMemoryMiB(job.memory_mib));
  if (job.gpus > 0) text += fmt::format(", {} GPU{}", job.gpus, job.gpus == 1 ? "" : "s");
  if (!job.instance_arch.empty()) text += ", " + job.instance_arch;
  return text;
}

// Why none of `ce`'s instance types can hold the job: the nearest misses, in words.
std::string WhyNoTypeFits(const ComputeEnvFact& ce, const BatchJobFacts& job) {
  std::vector<const InstanceTypeFact*> right_arch;
  std::set<std::string> archs;
  for (const InstanceTypeFact& type : ce.instance_types) {
    for (const std::string& a : type.architectures) archs.insert(a);
    if (ArchMatches(type, job.instance_arch)) right_arch.push_back(&type);
  }
  if (right_arch.empty()) {
    return fmt::format("{} allows only {} instances ({})", ce.name,
                       Join({archs.begin(), archs.end()}, "/"),
                       Join(ce.instance_type_entries, ", "));
  }
  std::vector<std::string> misses;
  auto biggest = [&](auto key) {
    return *std::max_element(right_arch.begin(), right_arch.end(),
                             [&](const auto* a, const auto* b) { return key(*a) < key(*b); });
  };
  const InstanceTypeFact* most_cpus = biggest([](const auto& t) { return t.vcpus; });
  if (most_cpus->vcpus < job.vcpus) {
    misses.push_back(fmt::format("the most vCPUs is {} ({})", most_cpus->vcpus, most_cpus->name));
  }
  const InstanceTypeFact* most_memory = biggest([](const auto& t) { return t.memory_mib; });
  if (UsableMemoryMiB(most_memory->memory_mib) < job.memory_mib) {
    misses.push_back(fmt::format("the most memory is {} on {}, of which about {} is left for jobs",
                                 FormatMemoryMiB(most_memory->memory_mib), most_memory->name,
                                 FormatMemoryMiB(UsableMemoryMiB(most_memory->memory_mib))));
  }
  const InstanceTypeFact* most_gpus = biggest([](const auto& t) { return t.gpus; });
  if (most_gpus->gpus < job.gpus) {
    misses.push_back(most_gpus->gpus == 0 ? std::string("none has a GPU")
                                          : fmt::format("the most GPUs is {} ({})", most_gpus->gpus,
                                                        most_gpus->name));
  }
  if (misses.empty()) {
    // Each limit is met by some type, but never all by the same one.
    misses.push_back("no single type has enough of everything at once");
  }
  return fmt::format("{} ({}): {}", ce.name, Join(ce.instance_type_entries, ", "),
                     Join(misses, "; "));
}

void AddParentFindings(const BatchJobFacts& facts, Diagnosis& out) {
  std::vector<std::string> waiting;
  for (const ParentFact& parent : facts.parents) {
    const std::string who =
        parent.barrier
            ? fmt::format("barrier job {} (it stands for up to 20 of this job's parents)",
                          parent.batch_id)
        : parent.platform_id.empty()
            ? fmt::format("Batch job {}", parent.batch_id)
            : fmt::format("{} (Batch job {})", parent.platform_id, parent.batch_id);
    if (!parent.known) {
      out.findings.push_back(
          {Severity::kWarning, "parent-unknown",
           fmt::format("Parent {} is no longer known to Batch (finished jobs are forgotten after "
                       "a day or two).",
                       who),
           ""});
    } else if (parent.status == "FAILED") {
      out.findings.push_back(
          {Severity::kBlocking, "parent-failed",
           fmt::format("Parent {} FAILED{}; a job whose parent failed never runs: Batch fails it.",
                       who, parent.status_reason.empty() ? "" : " (" + parent.status_reason + ")"),
           "Fix and rerun the parent, then submit this job again."});
    } else if (parent.status != "SUCCEEDED") {
      waiting.push_back(fmt::format("{} is {}", who, parent.status));
    }
  }
  if (!waiting.empty()) {
    out.findings.push_back(
        {Severity::kWaiting, "dependencies-pending",
         fmt::format("It waits for {} unfinished parent{}: {}.", waiting.size(),
                     waiting.size() == 1 ? "" : "s", Join(waiting, "; ")),
         facts.parents.empty() || facts.parents.front().platform_id.empty()
             ? std::string("Nothing to do: it starts when its parents succeed.")
             : fmt::format("It starts when its parents succeed; `aws-hpc job why {}` tells what "
                           "holds a parent.",
                           facts.parents.front().platform_id)});
  }
}

// False when the queue cannot take work (capacity and Spot are then beside the point).
bool AddQueueFindings(const BatchJobFacts& facts, Diagnosis& out) {
  const QueueFact& queue = facts.queue;
  if (!queue.found) {
    out.findings.push_back(
        {Severity::kBlocking, "queue-missing",
         fmt::format("Job queue {} no longer exists.", queue.name),
         "Deploy the platform's queues (`aws-hpc infra deploy`) and submit the job again."});
    return false;
  }
  bool usable = true;
  if (queue.state != "ENABLED") {
    out.findings.push_back(
        {Severity::kBlocking, "queue-disabled",
         fmt::format("Job queue {} is {}: it accepts no new work and starts nothing.", queue.name,
                     queue.state),
         fmt::format("Enable it: `aws batch update-job-queue --job-queue {} --state ENABLED`.",
                     queue.name)});
    usable = false;
  }
  if (queue.status == "INVALID") {
    out.findings.push_back(
        {Severity::kBlocking, "queue-invalid",
         fmt::format("Job queue {} is INVALID{}.", queue.name,
                     queue.status_reason.empty() ? "" : ": " + queue.status_reason),
         "Fix what the reason names (usually its compute environments), or redeploy with "
         "`aws-hpc infra deploy`."});
    usable = false;
  }
  return usable;
}

// The queue's usable compute environments; findings for the others.
std::vector<const ComputeEnvFact*> AddEnvironmentFindings(const BatchJobFacts& facts,
                                                          Diagnosis& out) {
  std::vector<const ComputeEnvFact*> usable;
  for (const ComputeEnvFact& ce : facts.queue.environments) {
    if (CeUsable(ce)) usable.push_back(&ce);
  }
  const Severity severity = usable.empty() ? Severity::kBlocking : Severity::kWarning;
  for (const ComputeEnvFact& ce : facts.queue.environments) {
    if (CeUsable(ce)) continue;
    if (ce.status == "INVALID") {
      out.findings.push_back(
          {severity, "compute-environment-invalid",
           fmt::format("Compute environment {} is INVALID{}.", ce.name,
                       ce.status_reason.empty() ? "" : ": " + ce.status_reason),
           "Fix what the reason names (service role, subnets, security groups, launch template) "
           "and update the environment; `aws-hpc infra deploy` rebuilds the platform's."});
    } else if (ce.state != "ENABLED") {
      out.findings.push_back(
          {severity, "compute-environment-disabled",
           fmt::format("Compute environment {} is {}: Batch launches no instances in it.", ce.name,
                       ce.state),
           fmt::format("Enable it: `aws batch update-compute-environment --compute-environment {} "
                       "--state ENABLED`.",
                       ce.name)});
    } else {
      out.findings.push_back({severity, "compute-environment-not-ready",
                              fmt::format("Compute environment {} is {}.", ce.name, ce.status),
                              "Wait until it is VALID."});
    }
  }
  if (facts.queue.environments.empty()) {
    out.findings.push_back(
        {Severity::kBlocking, "no-compute-environment",
         fmt::format("Job queue {} has no compute environment.", facts.queue.name),
         "Attach one, or redeploy with `aws-hpc infra deploy`."});
  }
  return usable;
}

// The environments among `usable` that can hold the job (unknowable ones count as able).
std::vector<const ComputeEnvFact*> AddFitFindings(const BatchJobFacts& facts,
                                                  const std::vector<const ComputeEnvFact*>& usable,
                                                  Diagnosis& out) {
  std::vector<const ComputeEnvFact*> able;
  std::vector<std::string> reasons;
  for (const ComputeEnvFact* ce : usable) {
    if (!ce->managed || IsFargate(*ce) || ce->instance_types.empty()) {
      able.push_back(ce);  // unmanaged or Fargate: no instance types to compare with
      continue;
    }
    if (ce->max_vcpus > 0 && ce->max_vcpus < facts.vcpus) {
      reasons.push_back(fmt::format("{} may use at most {} vCPUs in all", ce->name, ce->max_vcpus));
      continue;
    }
    const bool any = std::any_of(ce->instance_types.begin(), ce->instance_types.end(),
                                 [&](const InstanceTypeFact& type) { return Fits(type, facts); });
    if (any) {
      able.push_back(ce);
    } else {
      reasons.push_back(WhyNoTypeFits(*ce, facts));
    }
  }
  if (!usable.empty() && able.empty()) {
    out.findings.push_back(
        {Severity::kBlocking, "no-instance-fits",
         fmt::format("No instance type the queue may launch can hold the job ({}): {}. Batch "
                     "keeps part of each instance's memory for the OS and its agent (about 2.6% "
                     "+ {} MiB), so a job must ask for a little less than the instance has.",
                     Resources(facts), Join(reasons, "; "), kAgentReservedMiB),
         "Ask for fewer resources (--vcpus/--memory), or submit to a queue whose compute "
         "environments allow larger instance types or this architecture (--arch, --queue)."});
  } else if (!reasons.empty()) {
    out.findings.push_back({Severity::kInfo, "some-environments-too-small",
                            fmt::format("Some compute environments cannot hold the job ({}): {}.",
                                        Resources(facts), Join(reasons, "; ")),
                            ""});
  }
  return able;
}

void AddCapacityFindings(const BatchJobFacts& facts, const std::vector<const ComputeEnvFact*>& able,
                         Diagnosis& out) {
  std::int64_t max_total = 0;
  std::vector<std::string> full;
  for (const ComputeEnvFact* ce : able) {
    if (!ce->managed || ce->max_vcpus <= 0) return;  // no ceiling we can see
    max_total += ce->max_vcpus;
    const std::int64_t desired = ce->desired_vcpus.value_or(0);
    if (desired >= ce->max_vcpus) {
      full.push_back(fmt::format("{} at {} of {}", ce->name, desired, ce->max_vcpus));
    }
  }
  if (able.empty()) return;
  const std::int64_t in_use = facts.queue_vcpus_in_use.value_or(0);
  if (in_use + facts.vcpus > max_total) {
    out.findings.push_back(
        {Severity::kWaiting, "max-vcpus-reached",
         fmt::format("The queue's running and starting jobs hold {} vCPUs; with this job's {} "
                     "that exceeds the compute environments' maximum of {} vCPUs.",
                     in_use, facts.vcpus, max_total),
         "It starts as those jobs finish. To run more at once, raise maxvCpus of the compute "
         "environments (`aws-hpc infra deploy` with a larger max)."});
  } else if (!full.empty() && full.size() == able.size()) {
    out.findings.push_back(
        {Severity::kWaiting, "max-vcpus-reached",
         fmt::format("Every compute environment that can hold the job is scaled to its maximum "
                     "vCPUs (desired vCPUs: {}).",
                     Join(full, ", ")),
         "It starts as running jobs finish. To run more at once, raise maxvCpus of the compute "
         "environments."});
  }
}

void AddSpotFindings(const BatchJobFacts& facts, const std::vector<const ComputeEnvFact*>& able,
                     const DiagnoseOptions& options, Diagnosis& out) {
  if (able.empty() || facts.status != "RUNNABLE") return;
  if (!std::all_of(able.begin(), able.end(), [](const auto* ce) { return IsSpot(*ce); })) return;
  if (!facts.runnable_since || facts.now - *facts.runnable_since < options.spot_wait_ms) return;
  const std::int64_t seconds = (facts.now - *facts.runnable_since) / 1000;
  out.findings.push_back(
      {out.Explained() ? Severity::kWarning : Severity::kWaiting, "spot-no-capacity",
       fmt::format("It has been RUNNABLE for {} on a queue whose compute environments are all "
                   "Spot: EC2 probably has no Spot capacity for these instance types now.",
                   FormatDuration(seconds)),
       fmt::format("Cancel and resubmit with `--purchase auto` (Spot first, then On-Demand) or "
                   "`--purchase ondemand`: `aws-hpc job cancel {}`.",
                   facts.job_id)});
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kBlocking:
      return "blocking";
    case Severity::kWaiting:
      return "waiting";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "info";
}

bool Diagnosis::Explained() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return f.severity == Severity::kBlocking || f.severity == Severity::kWaiting;
  });
}

std::string Diagnosis::Summary() const {
  for (Severity severity : {Severity::kBlocking, Severity::kWaiting}) {
    for (const Finding& f : findings) {
      if (f.severity == severity) return f.message;
    }
  }
  return findings.empty() ? std::string() : findings.front().message;
}

std::int64_t UsableMemoryMiB(std::int64_t installed_mib) {
  return std::max<std::int64_t>(
      0, installed_mib - (installed_mib * 26 + 999) / 1000 - kAgentReservedMiB);
}

namespace {

// The families and exact types `entries` allow (Batch's bundles spelt out).
void SplitEntries(const std::vector<std::string>& entries, std::set<std::string>& families,
                  std::set<std::string>& exact) {
  for (const std::string& entry : entries) {
    if (entry == "optimal") {
      families.insert({"c4", "m4", "r4", "c5", "m5", "r5"});
    } else if (entry == "default_x86_64") {
      families.insert({"m6i", "c6i", "r6i", "c7i"});
    } else if (entry == "default_arm64") {
      families.insert({"m6g", "c6g", "r6g", "c7g"});
    } else if (entry.find('.') != std::string::npos) {
      exact.insert(entry);
    } else {
      families.insert(entry);
    }
  }
}

}  // namespace

std::vector<std::string> InstanceTypePatterns(const std::vector<std::string>& entries) {
  std::set<std::string> families, exact;
  SplitEntries(entries, families, exact);
  std::vector<std::string> out;
  for (const std::string& family : families) out.push_back(family + ".*");
  for (const std::string& type : exact) {
    if (families.count(type.substr(0, type.find('.'))) == 0) out.push_back(type);
  }
  return out;
}

std::vector<InstanceTypeFact> ExpandInstanceTypes(const std::vector<std::string>& entries,
                                                  const std::vector<InstanceTypeFact>& catalogue) {
  std::set<std::string> families, exact;
  SplitEntries(entries, families, exact);
  std::vector<InstanceTypeFact> out;
  for (const InstanceTypeFact& type : catalogue) {
    const std::string family = type.name.substr(0, type.name.find('.'));
    if (exact.count(type.name) > 0 || families.count(family) > 0) out.push_back(type);
  }
  return out;
}

Diagnosis DiagnoseBatch(const BatchJobFacts& facts, const DiagnoseOptions& options) {
  Diagnosis out;
  out.job_id = facts.job_id;
  out.backend = "batch";
  out.state = facts.status;
  if (facts.status == "SUCCEEDED" || facts.status == "FAILED") {
    out.findings.push_back(
        {Severity::kInfo, "finished",
         fmt::format("The job has already ended {}{}.", facts.status,
                     facts.status_reason.empty() ? "" : ": " + facts.status_reason),
         facts.status == "FAILED"
             ? fmt::format("See `aws-hpc job logs {}` and `aws-hpc job status {}`.", facts.job_id,
                           facts.job_id)
             : ""});
    return out;
  }
  if (facts.status == "STARTING" || facts.status == "RUNNING") {
    out.findings.push_back({Severity::kInfo, "running",
                            fmt::format("The job is {}: nothing holds it.", facts.status),
                            fmt::format("Follow it with `aws-hpc job logs {} -f`.", facts.job_id)});
    return out;
  }
  if (!IsBeforeRun(facts.status)) {
    out.findings.push_back({Severity::kWarning, "unknown-status",
                            fmt::format("Batch reports status {}.", facts.status), ""});
  }
  AddParentFindings(facts, out);
  const bool queue_usable = AddQueueFindings(facts, out);
  if (facts.queue.found) {
    // Environments and fit are still told on a disabled queue: enabling it would not be enough.
    const auto usable = AddEnvironmentFindings(facts, out);
    const auto able = AddFitFindings(facts, usable, out);
    if (queue_usable && !able.empty()) {
      AddCapacityFindings(facts, able, out);
      AddSpotFindings(facts, able, options, out);
    }
  }
  if (!out.Explained()) {
    if (facts.status == "SUBMITTED") {
      out.findings.push_back({Severity::kInfo, "submitted",
                              "Batch has accepted the job and has not evaluated it yet; that "
                              "usually takes seconds.",
                              fmt::format("Look again with `aws-hpc job why {}`.", facts.job_id)});
    } else {
      out.findings.push_back(
          {Severity::kInfo, "nothing-found",
           fmt::format("Nothing found that holds it: the queue is enabled, a compute environment "
                       "can hold it and has room{}. Batch may be launching an instance (a few "
                       "minutes).",
                       facts.status_reason.empty() ? "" : ". Batch says: " + facts.status_reason),
           "If it stays RUNNABLE, check the compute environment's Auto Scaling activity and EC2 "
           "limits (vCPU quotas) in the account."});
    }
  }
  return out;
}

Diagnosis DiagnoseLocal(const LocalJobFacts& facts) {
  Diagnosis out;
  out.job_id = facts.job_id;
  out.backend = "local";
  out.state = std::string(sched::JobStateName(facts.state));
  if (sched::IsTerminal(facts.state)) {
    out.findings.push_back({Severity::kInfo, "finished",
                            fmt::format("The job has already ended {}{}.", out.state,
                                        facts.reason.empty() ? "" : ": " + facts.reason),
                            ""});
    return out;
  }
  if (facts.state == sched::JobState::kStarting || facts.state == sched::JobState::kRunning) {
    out.findings.push_back({Severity::kInfo, "running",
                            fmt::format("The job is {}: nothing holds it.", out.state),
                            fmt::format("Follow it with `aws-hpc job logs {} -f`.", facts.job_id)});
    return out;
  }
  if (facts.state != sched::JobState::kRunnable) {
    out.findings.push_back({Severity::kInfo, "not-queued",
                            fmt::format("The job is {}{}.", out.state,
                                        facts.reason.empty() ? "" : ": " + facts.reason),
                            ""});
    return out;
  }
  if (facts.cancel_requested) {
    out.findings.push_back({Severity::kBlocking, "cancel-requested",
                            "A cancel was requested: it will be retired, not started.", ""});
    return out;
  }
  const store::Capacity& capacity = facts.capacity;
  if (facts.vcpus > capacity.vcpus || facts.memory_mib > capacity.memory_mib) {
    out.findings.push_back(
        {Severity::kBlocking, "larger-than-machine",
         fmt::format("It needs {} and {}; this machine offers {} vCPUs and {}. It will "
                     "fail when it reaches the head of the queue.",
                     Vcpus(facts.vcpus), FormatMemoryMiB(facts.memory_mib), capacity.vcpus,
                     FormatMemoryMiB(capacity.memory_mib)),
         "Ask for less, or submit it with `--backend batch`."});
    return out;
  }
  std::int64_t used_vcpus = 0, used_memory = 0;
  std::vector<std::string> holders;
  for (const LocalJobRef& job : facts.holding) {
    used_vcpus += job.vcpus;
    used_memory += job.memory_mib;
    if (holders.size() < 5) {
      holders.push_back(fmt::format("{} ({}, {})", job.id, job.state, Vcpus(job.vcpus)));
    }
  }
  if (facts.holding.size() > holders.size()) {
    holders.push_back(fmt::format("{} more", facts.holding.size() - holders.size()));
  }
  if (!facts.ahead.empty()) {
    const LocalJobRef& head = facts.ahead.front();
    const bool head_fits = used_vcpus + head.vcpus <= capacity.vcpus &&
                           used_memory + head.memory_mib <= capacity.memory_mib;
    out.findings.push_back(
        {Severity::kWaiting, "queued-behind",
         fmt::format("{} job{} ahead of it in the local queue (higher priority, or same priority "
                     "and submitted earlier); jobs start strictly in that order. The head, {} "
                     "(priority {}, {}, {}), {}.",
                     facts.ahead.size(), facts.ahead.size() == 1 ? " is" : "s are", head.id,
                     head.priority, Vcpus(head.vcpus), FormatMemoryMiB(head.memory_mib),
                     head_fits
                         ? "fits and starts at the next dispatch"
                         : fmt::format("waits for capacity: {} of {} vCPUs and {} of {} are "
                                       "held",
                                       used_vcpus, capacity.vcpus, FormatMemoryMiB(used_memory),
                                       FormatMemoryMiB(capacity.memory_mib))),
         "Nothing to do: it starts in turn. A higher --priority at submission puts a job "
         "first."});
  }
  if (used_vcpus + facts.vcpus > capacity.vcpus ||
      used_memory + facts.memory_mib > capacity.memory_mib) {
    out.findings.push_back(
        {Severity::kWaiting, "capacity-held",
         fmt::format("It needs {} and {}; running jobs hold {} of {} vCPUs and {} of {}: "
                     "{}.",
                     Vcpus(facts.vcpus), FormatMemoryMiB(facts.memory_mib), used_vcpus,
                     capacity.vcpus, FormatMemoryMiB(used_memory),
                     FormatMemoryMiB(capacity.memory_mib), Join(holders, ", ")),
         "It starts when enough of them finish."});
  }
  if (!out.Explained()) {
    out.findings.push_back(
        {Severity::kInfo, "ready",
         "It is first in line and fits: it starts at the next dispatch (any `aws-hpc job` "
         "command, or a job finishing).",
         ""});
  }
  return out;
}

bool IsBeforeRun(std::string_view status) {
  return status == "SUBMITTED" || status == "PENDING" || status == "RUNNABLE";
}

}  // namespace awshpc::batch::why
