// File: backend.hpp
// An execution backend takes rendered JobRequests and runs them: `local` (real processes on this
// machine), later `batch` (AWS Batch) and `slurm`. Scheduling state lives in the JobStore, so any
// CLI process can inspect or cancel any job.
#pragma once

#include <string_view>

#include "awshpc/core/status.hpp"
#include "awshpc/sched/job.hpp"

namespace awshpc::backend {

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string_view Name() const = 0;

  // Checks that the request can ever run here, records it and queues it. Returns the job as
  // recorded (it may already be starting).
  virtual Result<sched::Job> Submit(const sched::JobRequest& request) = 0;

  // Cancels a queued or running job and returns once it has reached a terminal state (or the
  // backend has taken the request, for remote backends). FailedPrecondition if already finished.
  virtual Status Cancel(std::string_view job_id, std::string_view reason) = 0;

  // Brings the store up to date with reality: detects jobs whose processes vanished and starts
  // queued jobs that now fit. Cheap; the CLI calls it before reporting state.
  virtual Status Reconcile() = 0;
};

}  // namespace awshpc::backend
