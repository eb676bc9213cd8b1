// File: batch/submitter.cpp
#include "awshpc/batch/submitter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <thread>

namespace awshpc::batch {
namespace {

using aws::batch::JobDetail;
using aws::batch::JobSummary;
using aws::batch::SubmitJobRequest;
using aws::batch::SubmitJobResult;

// Batch's documented limits for a SubmitJob request.
constexpr std::size_t kMaxTags = 50;
// Leaves room for "-p99999" after any name BatchJobName makes.
constexpr std::size_t kPartSuffixReserve = 7;

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
bool IsAlnum(char c) { return IsNameChar(c) && c != '_' && c != '-'; }

// Whether a failed call may have reached Batch and is worth another round: throttling, 5xx and
// transport errors. AwsError::ToStatus maps those to kResourceExhausted, kUnavailable and
// kDeadlineExceeded and marks them "retryable)" (aws_error.hpp); local failures that share those
// codes (no credentials) are not marked, and must not be retried for minutes.
bool IsRetryableStatus(const Status& status) {
  const StatusCode code = status.code();
  if (code != StatusCode::kResourceExhausted && code != StatusCode::kUnavailable &&
      code != StatusCode::kDeadlineExceeded) {
    return false;
  }
  return status.message().find("retryable)") != std::string::npos;
}

// A SubmitJob that answered 2xx with an unreadable body may still have created the job: that too
// is ambiguous, and the lookup settles it.
bool IsAmbiguousSubmit(const Status& status) {
  return IsRetryableStatus(status) || status.code() == StatusCode::kInternal;
}

Status CheckRequest(const SubmitJobRequest& request) {
  const auto tag = request.tags.find(kJobIdTag);
  const std::string& who = tag == request.tags.end() ? request.job_name : tag->second;
  if (tag == request.tags.end() || tag->second.empty()) {
    return InvalidArgumentError(fmt::format(
        "batch submit {}: the request has no {} tag (the platform job id)", who, kJobIdTag));
  }
  if (!IsValidBatchJobName(request.job_name)) {
    return InvalidArgumentError(fmt::format(
        "batch submit {}: job name \"{}\" is not a Batch job name (1-128 letters, digits, '_' "
        "and '-', starting with a letter or digit)",
        who, request.job_name));
  }
  if (request.job_queue.empty()) {
    return InvalidArgumentError(fmt::format("batch submit {}: no job queue", who));
  }
  if (request.job_definition.empty()) {
    return InvalidArgumentError(fmt::format("batch submit {}: no job definition", who));
  }
  if (request.array_size && (*request.array_size < 2 || *request.array_size > 10'000)) {
    return InvalidArgumentError(fmt::format(
        "batch submit {}: array size {} is outside Batch's 2..10000 (split it: SplitArray)", who,
        *request.array_size));
  }
  if (request.depends_on.size() > kBatchMaxDependencies) {
    return InvalidArgumentError(
        fmt::format("batch submit {}: {} dependencies, Batch takes at most {}", who,
                    request.depends_on.size(), kBatchMaxDependencies));
  }
  if (request.tags.size() > kMaxTags) {
    return InvalidArgumentError(fmt::format("batch submit {}: {} tags, Batch takes at most {}", who,
                                            request.tags.size(), kMaxTags));
  }
  return Status::Ok();
}

// Whether `job` carries the identity tags of `request`.
bool SameIdentity(const JobDetail& job, const SubmitJobRequest& request) {
  for (const char* key : {kJobIdTag, kArrayPartTag}) {
    const auto wanted = request.tags.find(key);
    const auto found = job.tags.find(key);
    if (wanted == request.tags.end()) {
      if (found != job.tags.end()) return false;
      continue;
    }
    if (found == job.tags.end() || found->second != wanted->second) return false;
  }
  return true;
}

}  // namespace

bool IsRetryableBatchFailure(const Status& status) { return IsRetryableStatus(status); }

bool IsValidBatchJobName(std::string_view name) {
  if (name.empty() || name.size() > kMaxBatchJobName || !IsAlnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(), IsNameChar);
}

Result<std::string> BatchJobName(std::string_view app, std::string_view platform_job_id,
                                 std::optional<int> part) {
  if (platform_job_id.empty() ||
      !std::all_of(platform_job_id.begin(), platform_job_id.end(), IsNameChar) ||
      platform_job_id.size() + kPartSuffixReserve > kMaxBatchJobName - 2) {
    return InvalidArgumentError(fmt::format(
        "Batch job name: platform job id \"{}\" must be 1-{} letters, digits, '_' or '-'",
        platform_job_id, kMaxBatchJobName - 2 - kPartSuffixReserve));
  }
  if (part && (*part < 0 || *part > 99'999)) {
    return InvalidArgumentError(
        fmt::format("Batch job name: array part {} is not in 0..99999", *part));
  }
  std::string prefix;
  for (const char c : app) prefix.push_back(IsNameChar(c) ? c : '-');
  // The name must start with a letter or digit: drop leading '-' and '_', and name an app that
  // has no usable character "job".
  const auto first = std::find_if(prefix.begin(), prefix.end(), IsAlnum);
  prefix.erase(prefix.begin(), first);
  if (prefix.empty()) prefix = "job";
  const std::size_t room = kMaxBatchJobName - kPartSuffixReserve - 1 - platform_job_id.size();
  if (prefix.size() > room) prefix.resize(room);
  std::string name = fmt::format("{}-{}", prefix, platform_job_id);
  if (part) name += fmt::format("-p{}", *part);
  return name;
}

ExactlyOnceSubmitter::ExactlyOnceSubmitter(aws::batch::BatchClient& client,
                                           SubmitterOptions options)
    : client_(client), options_(std::move(options)) {
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  if (!options_.random) {
    options_.random = [] {
      thread_local std::mt19937_64 engine{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
  if (!options_.sleeper) {
    options_.sleeper = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  }
}

std::chrono::milliseconds ExactlyOnceSubmitter::Backoff(int round, bool throttling) const {
  const auto base = throttling ? options_.throttling_base_delay : options_.base_delay;
  const int shift = std::min(round - 2, 20);
  const double ceiling =
      std::min(static_cast<double>(options_.max_delay.count()),
               static_cast<double>(base.count()) * static_cast<double>(1 << shift));
  const double jitter = std::clamp(options_.random(), 0.0, 1.0) * ceiling;
  return options_.min_delay + std::chrono::milliseconds(static_cast<std::int64_t>(jitter));
}

Result<std::optional<SubmitJobResult>> ExactlyOnceSubmitter::Find(const SubmitJobRequest& request) {
  aws::batch::ListJobsRequest list;
  list.job_queue = request.job_queue;
  // With filters Batch ignores jobStatus and lists every status, finished jobs included. The
  // name filter is case-insensitive (and '*' a wildcard, never in our names): compare exactly.
  list.filters = {{"JOB_NAME", {request.job_name}}};
  ASSIGN_OR_RETURN(const std::vector<JobSummary> listed,
                   client_.ListAllJobs(list, options_.max_lookup_pages));
  std::vector<std::string> candidates;
  for (const JobSummary& summary : listed) {
    // Children of an array ("<parent>:<index>") share its name but are not submissions.
    if (summary.job_name != request.job_name || summary.array_index ||
        summary.job_id.find(':') != std::string::npos) {
      continue;
    }
    candidates.push_back(summary.job_id);
  }
  if (candidates.empty()) return std::optional<SubmitJobResult>();
  ASSIGN_OR_RETURN(const aws::batch::DescribeJobsResult described,
                   client_.DescribeJobs({candidates}));
  const JobDetail* earliest = nullptr;
  for (const JobDetail& job : described.jobs) {
    if (!SameIdentity(job, request)) continue;
    if (earliest == nullptr || job.created_at.value_or(0) < earliest->created_at.value_or(0)) {
      earliest = &job;
    }
  }
  if (earliest == nullptr) return std::optional<SubmitJobResult>();
  return std::optional<SubmitJobResult>(
      SubmitJobResult{earliest->job_arn, earliest->job_name, earliest->job_id});
}

Result<SubmitOutcome> ExactlyOnceSubmitter::Submit(const SubmitJobRequest& request,
                                                   bool look_first) {
  RETURN_IF_ERROR(CheckRequest(request));
  const std::string& platform_id = request.tags.at(kJobIdTag);
  SubmitOutcome outcome;
  // Once a SubmitJob may have reached Batch, no new one goes out before a lookup has answered
  // that the job does not exist.
  bool must_look = look_first;
  bool throttled = false;
  Status last = Status::Ok();
  // SubmitJob once per call: our rounds replace the client's retries.
  aws::CallOptions once;
  once.max_attempts = 1;
  for (int round = 1; round <= options_.max_attempts; ++round) {
    if (round > 1) options_.sleeper(Backoff(round, throttled));
    if (must_look) {
      ++outcome.lookups;
      ++lookups_;
      Result<std::optional<SubmitJobResult>> found = Find(request);
      if (!found.ok()) {
        if (!IsRetryableStatus(found.status())) {
          return Status(found.status().code(),
                        fmt::format("batch submit {} ({}): looking for an earlier attempt: {}",
                                    platform_id, request.job_name, found.status().message()));
        }
        throttled = found.status().code() == StatusCode::kResourceExhausted;
        last = found.status();
        continue;
      }
      if (found->has_value()) {
        outcome.job = **found;
        outcome.found_existing = true;
        ++found_existing_;
        ++submissions_;
        return outcome;
      }
    }
    ++outcome.submit_calls;
    ++submit_calls_;
    Result<SubmitJobResult> submitted = client_.SubmitJob(request, once);
    if (submitted.ok()) {
      outcome.job = *std::move(submitted);
      ++submissions_;
      return outcome;
    }
    if (!IsAmbiguousSubmit(submitted.status())) {
      // Batch refused the request itself (ClientException: no such queue or definition, bad
      // name...): another try would be refused the same way.
      return Status(submitted.status().code(),
                    fmt::format("batch submit {} ({}): {}", platform_id, request.job_name,
                                submitted.status().message()));
    }
    ++ambiguous_;
    must_look = true;
    throttled = submitted.status().code() == StatusCode::kResourceExhausted;
    last = submitted.status();
  }
  return Status(last.code(),
                fmt::format("batch submit {} ({}): gave up after {} rounds ({} SubmitJob calls, "
                            "{} lookups); the job may exist: look for name {} with tag {}={} in "
                            "queue {}; last error: {}",
                            platform_id, request.job_name, options_.max_attempts,
                            outcome.submit_calls, outcome.lookups, request.job_name, kJobIdTag,
                            platform_id, request.job_queue, last.message()));
}

SubmitterStats ExactlyOnceSubmitter::stats() const {
  return SubmitterStats{submissions_.load(), submit_calls_.load(), ambiguous_.load(),
                        lookups_.load(), found_existing_.load()};
}

}  // namespace awshpc::batch
