// File: batch/submitter.hpp
// Submits a Batch job for a platform job so that it exists exactly once in Batch, whatever the
// network does. SubmitJob is not idempotent (Batch has no client token), so it is sent with a
// single attempt; after an ambiguous failure (throttling, 5xx, reset, timeout) the submitter
// backs off and looks for the job (ListJobs by name, DescribeJobs to confirm the aws-hpc:job-id
// tag) before it submits again. See docs/batch.md, "Submission: exactly once, rate-limited,
// arrays".
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "awshpc/aws/services/batch.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::batch {

// Batch accepts at most this many dependencies per job (SubmitJob dependsOn); more parents go
// through barrier jobs (BatchBackend).
inline constexpr std::size_t kBatchMaxDependencies = 20;

// Tags every platform-submitted Batch job carries; the submitter confirms them before it takes
// a listed job for its own.
inline constexpr const char* kJobIdTag = "aws-hpc:job-id";          // the platform job id
inline constexpr const char* kArrayPartTag = "aws-hpc:array-part";  // k of "<name>-p<k>"

// Batch job names: [A-Za-z0-9][A-Za-z0-9_-]{0,127}.
inline constexpr std::size_t kMaxBatchJobName = 128;
bool IsValidBatchJobName(std::string_view name);

// "<app>-<platform_job_id>", or "<app>-<platform_job_id>-p<part>" for part `part` of a split
// array. Characters Batch does not allow become '-', and the app part is shortened (never the id)
// so that any part suffix up to "-p99999" still fits in 128 characters. kInvalidArgument when
// the id itself is empty or not made of Batch name characters, or part is negative.
Result<std::string> BatchJobName(std::string_view app, std::string_view platform_job_id,
                                 std::optional<int> part = std::nullopt);

// Whether a failed Batch call may have reached the service and is worth another round after a
// lookup: throttling, 5xx and transport errors as AwsError::ToStatus reports them (retryable).
// Local failures (no credentials) and ClientException are not.
bool IsRetryableBatchFailure(const Status& status);

struct SubmitterOptions {
  // Rounds (one SubmitJob, or one lookup then one SubmitJob) before giving up; >= 1.
  int max_attempts = 10;
  // Backoff before round n (n >= 2): min_delay + random * min(max_delay, base * 2^(n-2)); the
  // base is throttling_base_delay after a throttling error. min_delay gives Batch's listing time
  // to show a job created by a request whose response was lost.
  std::chrono::milliseconds min_delay{500};
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds throttling_base_delay{1'000};
  std::chrono::milliseconds max_delay{20'000};
  // ListJobs pages read in one lookup.
  int max_lookup_pages = 20;
  // Injected for tests: uniform in [0, 1), and the sleep. Null: a thread-local PRNG and
  // std::this_thread::sleep_for.
  std::function<double()> random;
  std::function<void(std::chrono::milliseconds)> sleeper;
};

// What one Submit did.
struct SubmitOutcome {
  aws::batch::SubmitJobResult job;  // the one Batch job of this submission
  bool found_existing = false;      // an earlier attempt had created it; found by the lookup
  int submit_calls = 0;             // SubmitJob requests sent
  int lookups = 0;  // lookups made (each: ListJobs pages + at most one DescribeJobs)
};

// Counters over every Submit of one submitter (thread-safe reads).
struct SubmitterStats {
  std::int64_t submissions = 0;     // Submit calls that succeeded
  std::int64_t submit_calls = 0;    // SubmitJob requests sent
  std::int64_t ambiguous = 0;       // retryable SubmitJob failures (throttling, 5xx, transport)
  std::int64_t lookups = 0;         // lookups made
  std::int64_t found_existing = 0;  // submissions completed by a lookup
};

class ExactlyOnceSubmitter {
 public:
  // `client` must outlive the submitter. Safe to use from several threads at once.
  explicit ExactlyOnceSubmitter(aws::batch::BatchClient& client, SubmitterOptions options = {});

  // Submits `request` (job_name a valid Batch name, tags[kJobIdTag] the platform job id) unless a
  // job with the same name and identity tags (kJobIdTag, and kArrayPartTag when present) already
  // exists in request.job_queue from an earlier attempt of this call. `look_first` looks before
  // the first SubmitJob too: for resuming after a crash, when an earlier process may have
  // submitted the job. Errors:
  // kInvalidArgument for a request that cannot be sent or that Batch refused (ClientException),
  // returned at once; after max_attempts rounds of ambiguous failures, the last error's code with
  // a message that names the job and the attempts.
  Result<SubmitOutcome> Submit(const aws::batch::SubmitJobRequest& request,
                               bool look_first = false);

  // Looks for the Batch job of `request` (same queue, name and identity tags); nullopt when none.
  // Array children (ids "<parent>:<index>") are never candidates.
  Result<std::optional<aws::batch::SubmitJobResult>> Find(
      const aws::batch::SubmitJobRequest& request);

  SubmitterStats stats() const;
  const SubmitterOptions& options() const { return options_; }

 private:
  std::chrono::milliseconds Backoff(int round, bool throttling) const;

  aws::batch::BatchClient& client_;
  SubmitterOptions options_;
  std::atomic<std::int64_t> submissions_{0};
  std::atomic<std::int64_t> submit_calls_{0};
  std::atomic<std::int64_t> ambiguous_{0};
  std::atomic<std::int64_t> lookups_{0};
  std::atomic<std::int64_t> found_existing_{0};
};

}  // namespace awshpc::batch
