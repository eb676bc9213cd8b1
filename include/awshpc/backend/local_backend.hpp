// File: local_backend.hpp
// The embedded local backend: runs jobs as real processes on this machine, with no daemon.
//
// Every job runs under a *supervisor*: a process detached from the CLI (double fork + setsid)
// that prepares the working directory, starts the job in its own process group, enforces the
// walltime, handles cancellation, records usage and the outcome in the store, and then claims the
// next queued job that fits. Admission is an atomic claim in the store (strict priority, then
// submission order), so concurrent CLI processes and supervisors never oversubscribe the cores.
// See docs/architecture.md ("Local backend").
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "awshpc/backend/backend.hpp"
#include "awshpc/store/job_store.hpp"

namespace awshpc::backend {

struct LocalBackendOptions {
  std::string home_dir;    // jobs run in <home_dir>/jobs/<job id>/
  std::string store_path;  // supervisors open their own connection to this store
  // The aws-hpc-supervisor executable (installed beside aws-hpc).
  std::string supervisor_program;
  store::Capacity capacity;
  // Time between SIGTERM and SIGKILL when a job is cancelled or exceeds its walltime.
  std::int64_t kill_grace_ms = 10'000;
  // Jobs left STARTING this long without a supervisor are re-queued (a dispatcher died mid-way).
  std::int64_t start_timeout_ms = 60'000;
};

// The cores and memory this machine offers: $AWS_HPC_LOCAL_VCPUS / $AWS_HPC_LOCAL_MEMORY when
// set, else the CPUs this process may run on and MemTotal.
Result<store::Capacity> DetectLocalCapacity();

class LocalBackend final : public Backend {
 public:
  // `store` is this process's connection; it must outlive the backend.
  LocalBackend(store::JobStore& store, LocalBackendOptions options);

  std::string_view Name() const override { return "local"; }
  Result<sched::Job> Submit(const sched::JobRequest& request) override;
  Status Cancel(std::string_view job_id, std::string_view reason) override;
  Status Reconcile() override;

  // Claims queued jobs that fit and starts a supervisor for each. Submit and Reconcile call it.
  Status Dispatch();

  const LocalBackendOptions& options() const { return options_; }

 private:
  Status CheckFits(const sched::JobRequest& request) const;
  // Dispatch's work; returns how many supervisors it started.
  Result<int> StartQueuedJobs();

  store::JobStore& store_;
  LocalBackendOptions options_;
};

}  // namespace awshpc::backend
