// File: job_store.hpp
// JobStore: the platform's own record of every job (Batch forgets finished jobs after a day or
// two; we never do). SQLite is the default implementation (sqlite_job_store.hpp); the interface
// leaves room for PostgreSQL. Every method is safe to call from several processes at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"

namespace awshpc::store {

struct JobFilter {
  std::vector<sched::JobState> states;  // empty: any state
  std::string app;                      // empty: any application
  std::string backend;                  // empty: any backend
  std::size_t limit = 0;                // 0: no limit
  bool newest_first = true;
};

// Capacity of one machine, for the local backend's admission decision.
struct Capacity {
  int vcpus = 1;
  std::int64_t memory_mib = 1024;
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Records a new job in `initial` state with a fresh id. Its history starts with SUBMITTED
  // ("submitted"); a job created in a later state (e.g. RUNNABLE) gets that entry too, then one
  // for `initial` with `reason`, all in one transaction.
  virtual Result<sched::Job> Create(const sched::JobRequest& request, sched::JobState initial,
                                    std::string_view reason) = 0;

  // The job with its full history. NotFound if there is none.
  virtual Result<sched::Job> Get(std::string_view id) = 0;

  // A full id from an id or an unambiguous prefix of one ("j-4x7k"). Case-insensitive, and the
  // "j-" may be left out. A prefix needs at least 3 characters after "j-" (InvalidArgument
  // otherwise). NotFound ("no job \"j-xyz\"") if nothing matches, InvalidArgument listing up to
  // 5 candidates if several do.
  virtual Result<std::string> ResolveId(std::string_view id_or_prefix) = 0;

  // Jobs matching the filter, without their history.
  virtual Result<std::vector<sched::Job>> List(const JobFilter& filter) = 0;
  // How many jobs match the filter; a total, so `limit` and `newest_first` are ignored.
  virtual Result<std::int64_t> Count(const JobFilter& filter) = 0;

  // Moves the job to `to` if the state machine allows it from its current state, atomically,
  // recording the change with the clock's time. FailedPrecondition if the job has moved on
  // (e.g. it finished while a cancel was on its way), naming the job and both states. NotFound
  // for an unknown id (ids are exact here: use ResolveId first). Entering RUNNING sets started_at
  // (of the latest attempt) and counts an attempt; entering a terminal state sets ended_at.
  virtual Status Transition(std::string_view id, sched::JobState to, std::string_view reason) = 0;
  // As Transition, at a time the caller knows (a remote backend reports when a job started or
  // stopped, which may be well before we hear of it).
  virtual Status TransitionAt(std::string_view id, sched::JobState to, std::string_view reason,
                              UnixMillis at) = 0;

  // Records how the job ended and moves it to `final_state` (a terminal state) in one step.
  // InvalidArgument for a live `final_state`; FailedPrecondition as Transition.
  virtual Status Finish(std::string_view id, sched::JobState final_state, std::string_view reason,
                        const sched::Outcome& outcome) = 0;
  // As Finish, at a time the caller knows.
  virtual Status FinishAt(std::string_view id, sched::JobState final_state, std::string_view reason,
                          const sched::Outcome& outcome, UnixMillis at) = 0;

  virtual Status SetRuntime(std::string_view id, const sched::LocalRuntime& runtime) = 0;

  // Flags a live job for cancellation; returns its state at that moment. Idempotent.
  // FailedPrecondition ("job j-... already SUCCEEDED") for a finished job.
  virtual Result<sched::JobState> RequestCancel(std::string_view id) = 0;

  // Local-backend admission, atomic across processes: if the highest-priority RUNNABLE job of
  // `backend` (ties: submission order) fits in `capacity` minus what STARTING and RUNNING jobs
  // of that backend hold, moves it to STARTING and returns it. Strict order: a job that does not
  // fit yet blocks the ones behind it, so large jobs are never starved. Capacity held is
  // vcpus x nodes and memory_mib x nodes. Heads that must never start are retired on the way,
  // each with a history entry: a job larger than the whole `capacity` goes to FAILED ("needs 8
  // vcpus; this machine has 2"), a job with cancel_requested to CANCELLED. The claimed job is
  // returned with its history, in STARTING.
  virtual Result<std::optional<sched::Job>> ClaimNextRunnable(std::string_view backend,
                                                              const Capacity& capacity) = 0;
};

}  // namespace awshpc::store
