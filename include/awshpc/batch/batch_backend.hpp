// File: batch_backend.hpp
// The AWS Batch backend: deploys an app's job definitions, submits rendered jobs to the queue
// that runs their architecture, keeps the job store in step with Batch (DescribeJobs in
// batches of 100, never one call per job), and cancels. The job store stays the record; Batch
// details (job ids, attempts, queue) live in BatchRecords beside it. See docs/batch.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "awshpc/arch/catalog.hpp"
#include "awshpc/aws/services/batch.hpp"
#include "awshpc/aws/services/s3.hpp"
#include "awshpc/batch/attempt_instances.hpp"
#include "awshpc/batch/batch_records.hpp"
#include "awshpc/batch/job_definitions.hpp"
#include "awshpc/batch/submitter.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/spec/app_spec.hpp"
#include "awshpc/store/job_store.hpp"

namespace awshpc::batch {

// The backend name in JobRequest::backend and the store.
inline constexpr std::string_view kBackendName = "batch";

// One deployed (or already current) job definition.
struct DeployResult {
  Deployment deployment;
  bool registered = false;  // false: an ACTIVE revision with the same content existed
};

// A parent a job waits for: a platform job id and Batch's dependency type ("", N_TO_N,
// SEQUENTIAL).
struct Dependency {
  std::string job_id;
  std::string type;
};

struct BatchSubmitOptions {
  std::string arch;               // image architecture; empty: the variant's first
  std::string purchase = "auto";  // spot | ondemand | auto
  std::string queue;              // overrides routing
  std::vector<Dependency> depends_on;
  std::int64_t array_size = 0;           // 0: a single job
  std::vector<int> retry_on_exit_codes;  // empty: the spec's
  bool retry_on_spot_interruption = true;
};

class BatchBackend {
 public:
  // Every reference must outlive the backend. `region` keys the deployment records.
  BatchBackend(store::JobStore& store, BatchRecords& records, aws::batch::BatchClient& client,
               const arch::Catalog& catalog, std::string region,
               const Clock& clock = SystemClock::Instance());

  // Where inputs and outputs go (see staging.hpp). Without it, jobs with local inputs are
  // refused and outputs stay in the container. `s3` must outlive the backend.
  void SetStaging(aws::s3::S3Client* s3, std::string bucket) {
    s3_ = s3;
    bucket_ = std::move(bucket);
  }
  const std::string& bucket() const { return bucket_; }

  // Sync looks up the instance each attempt ran on with `instances` (must outlive the backend);
  // without it, attempts carry only the queue's purchase option.
  void SetAttemptInstances(AttemptInstances* instances) { instances_ = instances; }

  // Registers the job definition of `variant` on `arch` unless an ACTIVE revision carries the
  // same content hash; records the revision either way.
  Result<DeployResult> Deploy(const spec::AppSpec& app, const spec::Variant& variant,
                              std::string_view arch, const DefinitionOptions& options);

  // Records the job (backend "batch") and submits it exactly once to Batch. A job Batch refuses
  // is recorded FAILED with Batch's reason, and the error returned.
  Result<sched::Job> Submit(const spec::AppSpec& app, const sched::JobRequest& request,
                            const BatchSubmitOptions& options);

  // Brings these jobs (platform ids; empty: every live Batch job in the store) up to date with
  // DescribeJobs, 100 ids per call. Records each state change at the time Batch reports, each
  // attempt's exit code, reason, log stream and instance type, and the outcome.
  Status Sync(const std::vector<std::string>& job_ids = {});

  // CancelJob while the job has not started (SUBMITTED, PENDING, RUNNABLE), TerminateJob once it
  // has (STARTING, RUNNING); every array part. The store follows at the next Sync.
  Status Cancel(std::string_view job_id, std::string_view reason);

  // The Batch side of a job (ids, queue, attempts with their log streams).
  Result<BatchJobLink> Link(std::string_view job_id) { return records_.GetLink(job_id); }

  // DescribeJobs calls made by Sync so far (the monitoring cost, for tests and benchmarks).
  std::int64_t describe_calls() const { return describe_calls_; }

 private:
  Status SyncOne(const sched::Job& job, BatchJobLink& link,
                 const std::vector<const aws::batch::JobDetail*>& parts);

  store::JobStore& store_;
  BatchRecords& records_;
  aws::batch::BatchClient& client_;
  AttemptInstances* instances_ = nullptr;
  const arch::Catalog& catalog_;
  std::string region_;
  const Clock& clock_;
  ExactlyOnceSubmitter submitter_;
  aws::s3::S3Client* s3_ = nullptr;
  std::string bucket_;
  std::int64_t describe_calls_ = 0;
  // Queue -> its environments' purchase option (purchase.hpp), looked up once per process.
  std::map<std::string, std::string> queue_purchases_;
};

// Our state for a Batch status ("RUNNABLE" -> kRunnable). InvalidArgument for anything else.
Result<sched::JobState> StateForBatchStatus(std::string_view status);

}  // namespace awshpc::batch
