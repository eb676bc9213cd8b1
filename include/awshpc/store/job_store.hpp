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

  // Records a new job in `initial` state with a fresh id and its first history entry.
  virtual Result<sched::Job> Create(const sched::JobRequest& request, sched::JobState initial,
                                    std::string_view reason) = 0;

  // The job with its full history. NotFound if there is none.
  virtual Result<sched::Job> Get(std::string_view id) = 0;

  // A full id from an id or an unambiguous prefix of one ("j-4x7k"). NotFound if nothing
  // matches, InvalidArgument listing candidates if several do.
  virtual Result<std::string> ResolveId(std::string_view id_or_prefix) = 0;

  // Jobs matching the filter, without their history.
  virtual Result<std::vector<sched::Job>> List(const JobFilter& filter) = 0;
  virtual Result<std::int64_t> Count(const JobFilter& filter) = 0;

  // Moves the job to `to` if the state machine allows it from its current state, atomically,
  // recording the change with the clock's time. FailedPrecondition if the job has moved on
  // (e.g. it finished while a cancel was on its way). Entering RUNNING sets started_at and counts
  // an attempt; entering a terminal state sets ended_at.
  virtual Status Transition(std::string_view id, sched::JobState to, std::string_view reason) = 0;

  // Records how the job ended and moves it to `final_state` (a terminal state) in one step.
  virtual Status Finish(std::string_view id, sched::JobState final_state, std::string_view reason,
                        const sched::Outcome& outcome) = 0;

  virtual Status SetRuntime(std::string_view id, const sched::LocalRuntime& runtime) = 0;

  // Flags a live job for cancellation; returns its state at that moment.
  virtual Result<sched::JobState> RequestCancel(std::string_view id) = 0;

  // Local-backend admission, atomic across processes: if the highest-priority RUNNABLE job of
  // `backend` (ties: submission order) fits in `capacity` minus what STARTING and RUNNING jobs
  // of that backend hold, moves it to STARTING and returns it. Strict order: a job that does not
  // fit yet blocks the ones behind it, so large jobs are never starved.
  virtual Result<std::optional<sched::Job>> ClaimNextRunnable(std::string_view backend,
                                                              const Capacity& capacity) = 0;
};

}  // namespace awshpc::store
