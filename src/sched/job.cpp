// File: job.cpp
#include "awshpc/sched/job.hpp"

#include <cctype>
#include <string>

#include "awshpc/core/text.hpp"

namespace awshpc::sched {

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kPending:
      return "PENDING";
    case JobState::kSubmitted:
      return "SUBMITTED";
    case JobState::kRunnable:
      return "RUNNABLE";
    case JobState::kStarting:
      return "STARTING";
    case JobState::kRunning:
      return "RUNNING";
    case JobState::kSucceeded:
      return "SUCCEEDED";
    case JobState::kFailed:
      return "FAILED";
    case JobState::kCancelled:
      return "CANCELLED";
  }
  return "UNKNOWN";
}

Result<JobState> ParseJobState(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<std::string> names;
  for (JobState state : kAllJobStates) {
    if (JobStateName(state) == upper) return state;
    names.emplace_back(JobStateName(state));
  }
  return InvalidArgumentError("unknown job state " + QuoteForMessage(text) + "; expected one of " +
                              JoinOr(names));
}

bool IsTerminal(JobState state) {
  return state == JobState::kSucceeded || state == JobState::kFailed ||
         state == JobState::kCancelled;
}

bool IsAllowedTransition(JobState from, JobState to) {
  if (IsTerminal(from) || from == to) return false;
  if (IsTerminal(to)) return true;
  // A retry sends a started job back to the queue.
  if (to == JobState::kRunnable && (from == JobState::kStarting || from == JobState::kRunning)) {
    return true;
  }
  // AWS Batch evaluates a submitted job, then holds it PENDING on its dependencies.
  if (from == JobState::kSubmitted && to == JobState::kPending) return true;
  // Otherwise only forward; states may be skipped (a local job goes SUBMITTED -> RUNNABLE
  // -> STARTING -> RUNNING, a held Batch job PENDING -> RUNNABLE).
  return static_cast<int>(to) > static_cast<int>(from);
}

double CoreHours(const Job& job) {
  return job.outcome.usage.wall_seconds * job.request.resources.vcpus *
         job.request.resources.nodes / 3600.0;
}

}  // namespace awshpc::sched
