// File: job.hpp
// The job model shared by every backend: what was asked for (JobRequest), where it stands
// (JobState, using AWS Batch's vocabulary) and what happened (history, outcome, usage, metrics).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"

namespace awshpc::sched {

// Batch's states. PENDING: waiting on dependencies or admission. SUBMITTED: accepted, not yet
// evaluated. RUNNABLE: waiting for capacity. STARTING: capacity claimed, process/container
// starting.
enum class JobState {
  kPending,
  kSubmitted,
  kRunnable,
  kStarting,
  kRunning,
  kSucceeded,
  kFailed,
  kCancelled,
};

inline constexpr JobState kAllJobStates[] = {
    JobState::kPending, JobState::kSubmitted, JobState::kRunnable, JobState::kStarting,
    JobState::kRunning, JobState::kSucceeded, JobState::kFailed,   JobState::kCancelled};

// "RUNNABLE".
std::string_view JobStateName(JobState state);
// Accepts any case: "running", "RUNNING".
Result<JobState> ParseJobState(std::string_view text);
bool IsTerminal(JobState state);
// The state machine: forward along PENDING..RUNNING (and SUBMITTED -> PENDING, Batch's order), to a
// terminal state from any live state, RUNNING/STARTING back to RUNNABLE (a retry), never out of a
// terminal state.
bool IsAllowedTransition(JobState from, JobState to);

// What a job asks of the machine(s) it runs on.
struct Resources {
  int vcpus = 1;
  std::int64_t memory_mib = 1024;
  int gpus = 0;
  int nodes = 1;
  std::int64_t walltime_seconds = 3600;

  friend bool operator==(const Resources&, const Resources&) = default;
};

// A file staged into the job's working directory before it starts. `source` is an absolute
// local path or an s3:// URI; `destination` is relative to the working directory.
struct InputFile {
  std::string source;
  std::string destination;

  friend bool operator==(const InputFile&, const InputFile&) = default;
};

// A fully rendered, backend-neutral job: argv and environment are final (no templates, never a
// shell string).
struct JobRequest {
  std::string name;
  std::string app;  // application name from app.yaml; empty for a raw command
  std::string app_version;
  std::string variant;
  std::map<std::string, std::string> parameters;  // resolved values, defaults included
  std::vector<std::string> argv;
  std::map<std::string, std::string> environment;
  std::vector<InputFile> inputs;
  Resources resources;
  int priority = 0;  // higher starts first; ties by submission order
  std::string backend = "local";
  std::string performance_parser;  // e.g. "lammps"; empty for none
  std::string user;
  std::string project;
  int max_attempts = 1;

  friend bool operator==(const JobRequest&, const JobRequest&) = default;
};

// Resources a finished (or running) job used. CPU times include all descendants the job waited
// for (MPI ranks under mpirun).
struct Usage {
  double wall_seconds = 0;
  double cpu_user_seconds = 0;
  double cpu_system_seconds = 0;
  std::int64_t max_rss_kib = 0;

  friend bool operator==(const Usage&, const Usage&) = default;
};

struct StateChange {
  JobState state = JobState::kSubmitted;
  UnixMillis time = 0;
  std::string reason;

  friend bool operator==(const StateChange&, const StateChange&) = default;
};

// How the job's process ended.
struct Outcome {
  std::optional<int> exit_code;    // set when the process exited
  std::optional<int> term_signal;  // set when a signal ended it
  Usage usage;
  std::map<std::string, double> metrics;  // parsed performance, e.g. "timesteps_per_second"
};

// Handles the local backend needs to find a job's processes again from another CLI process.
struct LocalRuntime {
  std::int64_t supervisor_pid = 0;
  std::int64_t supervisor_start_ticks = 0;  // /proc/<pid>/stat starttime: guards pid reuse
  std::int64_t process_group = 0;
  std::string work_dir;
};

struct Job {
  std::string id;             // "j-4x7kq2mz"
  std::int64_t sequence = 0;  // submission order within this store
  JobRequest request;
  JobState state = JobState::kSubmitted;
  std::string reason;  // reason of the latest state change
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> started_at;  // entered RUNNING
  std::optional<UnixMillis> ended_at;    // entered a terminal state
  int attempts = 0;
  bool cancel_requested = false;
  Outcome outcome;
  LocalRuntime runtime;
  std::vector<StateChange> history;  // filled by JobStore::Get, empty in List results
};

// Core-hours the job occupied: vcpus x nodes x wall time.
double CoreHours(const Job& job);

}  // namespace awshpc::sched
