// File: why.hpp
// `aws-hpc job why ID`: why a job does not run, in plain words. Two halves kept apart: gathering
// facts (DescribeJobs, DescribeJobQueues, DescribeComputeEnvironments, ListJobs, EC2
// DescribeInstanceTypes; the job store for local jobs) and a pure diagnosis of those facts, so
// every case is testable without AWS. See docs/batch.md ("Why is my job not running?").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/ec2.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"
#include "awshpc/store/job_store.hpp"

namespace awshpc::batch::why {

enum class Severity {
  kBlocking,  // it will not run until someone changes something
  kWaiting,   // it will run once something else ends (parents, capacity held by other jobs)
  kWarning,   // worth knowing; may be the reason
  kInfo,      // the state of things
};
std::string_view SeverityName(Severity severity);  // "blocking", "waiting", "warning", "info"

struct Finding {
  Severity severity = Severity::kInfo;
  std::string code;     // stable, for scripts: "queue-disabled", "no-instance-fits", ...
  std::string message;  // one or two plain sentences
  std::string action;   // what to do about it; may be empty
};

struct Diagnosis {
  std::string job_id;
  std::string backend;  // "batch" | "local"
  std::string state;    // the state the diagnosis is about (Batch's status for Batch jobs)
  std::vector<Finding> findings;
  // True when a blocking or waiting finding explains why the job does not run.
  bool Explained() const;
  // The first blocking (else waiting, else any) finding's message.
  std::string Summary() const;
};

// ---- Batch facts ----

// Memory of an instance that Batch can give to jobs: the OS and kernel keep part of the installed
// memory (AWS's example: an m4.large with 8 GiB registers 7,985 MiB, 2.5% less; we take 2.6%) and
// the default Batch AMI reserves 32 MiB more for the ECS agent. An estimate, on the small side.
std::int64_t UsableMemoryMiB(std::int64_t installed_mib);
inline constexpr std::int64_t kAgentReservedMiB = 32;

struct InstanceTypeFact {
  std::string name;  // "c7g.16xlarge"
  std::int64_t vcpus = 0;
  std::int64_t memory_mib = 0;             // installed
  std::int64_t gpus = 0;                   // GPUs of any make
  std::vector<std::string> architectures;  // "x86_64", "arm64"
};

// The instance types one `instanceTypes` entry allows: an exact type ("c5.large"), a family
// ("c7g": every c7g.* size), or Batch's bundles "optimal" (c4, m4, r4, c5, m5, r5),
// "default_x86_64" (m6i, c6i, r6i, c7i) and "default_arm64" (m6g, c6g, r6g, c7g).
// DescribeInstanceTypes "instance-type" filter values that cover `entries` ("c7g.*", "c5.large").
std::vector<std::string> InstanceTypePatterns(const std::vector<std::string>& entries);
std::vector<InstanceTypeFact> ExpandInstanceTypes(const std::vector<std::string>& entries,
                                                  const std::vector<InstanceTypeFact>& catalogue);

struct ComputeEnvFact {
  std::string name;
  std::string state;   // ENABLED | DISABLED
  std::string status;  // VALID | INVALID | CREATING | UPDATING | DELETING | DELETED
  std::string status_reason;
  bool managed = true;
  std::string type;  // EC2 | SPOT | FARGATE | FARGATE_SPOT ("" for unmanaged)
  std::int64_t max_vcpus = 0;
  std::optional<std::int64_t> desired_vcpus;
  std::vector<std::string> instance_type_entries;  // as configured
  std::vector<InstanceTypeFact> instance_types;    // expanded
};

struct QueueFact {
  std::string name;
  bool found = false;  // DescribeJobQueues knows it
  std::string state;   // ENABLED | DISABLED
  std::string status;  // VALID | INVALID | ...
  std::string status_reason;
  std::vector<ComputeEnvFact> environments;  // in the queue's order
};

struct ParentFact {
  std::string batch_id;
  std::string platform_id;  // from the aws-hpc:job-id tag; "" when not a platform job
  bool barrier = false;     // one of the platform's barrier jobs (more than 20 parents)
  bool known = true;        // false: Batch no longer knows it
  std::string status;
  std::string status_reason;
};

struct BatchJobFacts {
  std::string job_id;  // platform id
  std::string batch_id;
  std::string status;  // Batch's, of the part that has not run yet
  std::string status_reason;
  std::int64_t vcpus = 1;
  std::int64_t memory_mib = 0;
  std::int64_t gpus = 0;
  std::string arch;           // the image architecture ("graviton3", "x86_64"); "" unknown
  std::string instance_arch;  // what EC2 calls it: "x86_64" | "arm64" | "" (any)
  std::optional<UnixMillis> runnable_since;
  UnixMillis now = 0;
  std::vector<ParentFact> parents;
  QueueFact queue;
  // vCPUs held by the queue's STARTING and RUNNING jobs (ListJobs, then DescribeJobs).
  std::optional<std::int64_t> queue_vcpus_in_use;
};

struct DiagnoseOptions {
  // A RUNNABLE job on Spot-only capacity for longer than this is reported as waiting for Spot.
  std::int64_t spot_wait_ms = 30 * 60 * 1000;
};

Diagnosis DiagnoseBatch(const BatchJobFacts& facts, const DiagnoseOptions& options = {});

// A Batch status before the job reached a host: SUBMITTED, PENDING or RUNNABLE.
bool IsBeforeRun(std::string_view status);

// EC2's architecture name for a platform architecture: "graviton3" -> "arm64", "zen4" ->
// "x86_64", "cuda" -> "" (any). InvalidArgument for an architecture the catalog does not know.
Result<std::string> InstanceArchFor(const arch::Catalog& catalog, std::string_view arch);

// Everything DiagnoseBatch needs for `job` (a Batch job of the store, `link` its Batch side).
// The job's architecture comes from its aws-hpc:arch tag, else `arch_hint` (the deployment
// record's, for a job Batch has forgotten). DescribeInstanceTypes is called only when a compute
// environment names instance types; nothing beyond DescribeJobs for a running or ended job.
Result<BatchJobFacts> GatherBatchFacts(aws::batch::BatchClient& batch, aws::ec2::Ec2Client& ec2,
                                       const arch::Catalog& catalog, const sched::Job& job,
                                       const BatchJobLink& link, std::string_view arch_hint,
                                       const Clock& clock);

// ---- local facts ----

struct LocalJobRef {
  std::string id;
  int priority = 0;
  std::int64_t vcpus = 0;       // x nodes
  std::int64_t memory_mib = 0;  // x nodes
  std::string state;
};

struct LocalJobFacts {
  std::string job_id;
  sched::JobState state = sched::JobState::kRunnable;
  std::string reason;
  bool cancel_requested = false;
  std::int64_t vcpus = 1;  // x nodes
  std::int64_t memory_mib = 0;
  store::Capacity capacity;
  std::vector<LocalJobRef> holding;  // STARTING and RUNNING local jobs
  std::vector<LocalJobRef> ahead;    // RUNNABLE local jobs before it, head first
};

Diagnosis DiagnoseLocal(const LocalJobFacts& facts);

// The local queue around `job` as ClaimNextRunnable sees it (priority, then submission order).
Result<LocalJobFacts> GatherLocalFacts(store::JobStore& store, const sched::Job& job,
                                       const store::Capacity& capacity);

}  // namespace awshpc::batch::why
