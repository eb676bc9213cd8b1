// File: local_backend.cpp
#include "awshpc/backend/local_backend.hpp"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "awshpc/core/paths.hpp"
#include "awshpc/core/units.hpp"
#include "process.hpp"
#include "supervisor.hpp"

namespace awshpc::backend {

using sched::Job;
using sched::JobState;

Result<store::Capacity> DetectLocalCapacity() {
  store::Capacity capacity;
  if (const char* vcpus = std::getenv("AWS_HPC_LOCAL_VCPUS"); vcpus && *vcpus) {
    char* end = nullptr;
    const long value = std::strtol(vcpus, &end, 10);
    if (*end != '\0' || value < 1 || value > 100000) {
      return InvalidArgumentError(
          fmt::format("AWS_HPC_LOCAL_VCPUS={}: expected a whole number "
                      "of vCPUs >= 1",
                      vcpus));
    }
    capacity.vcpus = static_cast<int>(value);
  } else {
    cpu_set_t set;
    CPU_ZERO(&set);
    capacity.vcpus = ::sched_getaffinity(0, sizeof(set), &set) == 0
                         ? CPU_COUNT(&set)
                         : static_cast<int>(std::thread::hardware_concurrency());
    if (capacity.vcpus < 1) capacity.vcpus = 1;
  }
  if (const char* memory = std::getenv("AWS_HPC_LOCAL_MEMORY"); memory && *memory) {
    ASSIGN_OR_RETURN_CTX(capacity.memory_mib, ParseMemoryMiB(memory), "AWS_HPC_LOCAL_MEMORY");
  } else {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::int64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit) {
      if (key == "MemTotal:") break;
    }
    capacity.memory_mib = kib > 0 ? kib / 1024 : 1024;
  }
  return capacity;
}

LocalBackend::LocalBackend(store::JobStore& store, LocalBackendOptions options)
    : store_(store), options_(std::move(options)) {}

Status LocalBackend::CheckFits(const sched::JobRequest& request) const {
  const sched::Resources& want = request.resources;
  if (request.argv.empty()) return InvalidArgumentError("the job has no command");
  if (want.nodes != 1) {
    return InvalidArgumentError(fmt::format(
        "the job asks for {} nodes; the local backend has one (use --backend batch)", want.nodes));
  }
  if (want.gpus > 0) {
    return InvalidArgumentError("the job asks for GPUs; the local backend schedules none");
  }
  if (want.vcpus < 1 || want.vcpus > options_.capacity.vcpus) {
    return InvalidArgumentError(
        fmt::format("the job asks for {} vCPUs; this machine offers {} (use --vcpus, set "
                    "AWS_HPC_LOCAL_VCPUS, or use --backend batch)",
                    want.vcpus, options_.capacity.vcpus));
  }
  if (want.memory_mib > options_.capacity.memory_mib) {
    return InvalidArgumentError(fmt::format(
        "the job asks for {} of memory; this machine offers {} (use --memory)",
        FormatMemoryMiB(want.memory_mib), FormatMemoryMiB(options_.capacity.memory_mib)));
  }
  if (want.walltime_seconds < 1) return InvalidArgumentError("walltime must be at least 1s");
  // Fail now, not later in a detached process, when the program does not exist.
  RETURN_IF_ERROR(FindExecutable(request.argv[0]).status());
  return Status::Ok();
}

Result<Job> LocalBackend::Submit(const sched::JobRequest& request) {
  RETURN_IF_ERROR(CheckFits(request));
  sched::JobRequest local = request;
  local.backend = "local";
  // Created straight into the queue (its history still starts with SUBMITTED): one write
  // transaction per submission keeps acceptance fast when thousands arrive at once.
  ASSIGN_OR_RETURN(Job job, store_.Create(local, JobState::kRunnable,
                                          fmt::format("queued for {} vCPU(s) on this machine",
                                                      local.resources.vcpus)));
  ASSIGN_OR_RETURN(int started, StartQueuedJobs());
  if (started == 0) return job;
  return store_.Get(job.id);
}

Status LocalBackend::Dispatch() { return StartQueuedJobs().status(); }

Result<int> LocalBackend::StartQueuedJobs() {
  int started = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::optional<Job> claimed,
                     store_.ClaimNextRunnable("local", options_.capacity));
    if (!claimed) return started;
    const Status status = internal::RunDetached(
        internal::SupervisorArgv(options_.supervisor_program, options_, claimed->id),
        options_.home_dir + "/supervisor.log");
    if (!status.ok()) {
      // Put the job back rather than leave it claimed by nobody.
      (void)store_.Transition(claimed->id, JobState::kRunnable,
                              "could not start a supervisor: " + status.message());
      return status;
    }
    ++started;
  }
}

Status LocalBackend::Cancel(std::string_view job_id, std::string_view reason) {
  ASSIGN_OR_RETURN(JobState state, store_.RequestCancel(job_id));
  if (state == JobState::kPending || state == JobState::kSubmitted ||
      state == JobState::kRunnable) {
    const Status status = store_.Transition(job_id, JobState::kCancelled, reason);
    if (status.ok()) return status;
    // It was claimed meanwhile: cancel it as a started job below.
  }
  // A started job: its supervisor ends the process group (SIGTERM, grace, SIGKILL) and records
  // CANCELLED. Wait for that, bounded by the grace period.
  const double deadline =
      MonotonicSeconds() + static_cast<double>(options_.kill_grace_ms) / 1000.0 + 10.0;
  bool signalled = false;
  while (true) {
    ASSIGN_OR_RETURN(Job job, store_.Get(job_id));
    if (sched::IsTerminal(job.state)) return Status::Ok();
    const auto pid = static_cast<pid_t>(job.runtime.supervisor_pid);
    if (pid > 0) {
      if (!internal::IsSameLiveProcess(pid, job.runtime.supervisor_start_ticks)) {
        return store_.Finish(job_id, JobState::kCancelled,
                             std::string(reason) + " (its supervisor was already gone)", {});
      }
      if (!signalled) {
        ::kill(pid, SIGUSR1);
        signalled = true;
      }
    }
    if (MonotonicSeconds() > deadline) {
      return DeadlineExceededError(fmt::format("job {} did not stop in time; it is still {}",
                                               job_id, sched::JobStateName(job.state)));
    }
    ::usleep(20'000);
  }
}

Status LocalBackend::Reconcile() {
  store::JobFilter filter;
  filter.backend = "local";
  filter.states = {JobState::kStarting, JobState::kRunning};
  ASSIGN_OR_RETURN(std::vector<Job> live, store_.List(filter));
  const UnixMillis now = SystemClock::Instance().NowMillis();
  for (const Job& job : live) {
    const auto pid = static_cast<pid_t>(job.runtime.supervisor_pid);
    if (pid == 0) {
      if (job.state == JobState::kStarting && now - job.updated_at > options_.start_timeout_ms) {
        (void)store_.Transition(job.id, JobState::kRunnable,
                                "start interrupted before a supervisor took it; re-queued");
      }
      continue;
    }
    if (internal::IsSameLiveProcess(pid, job.runtime.supervisor_start_ticks)) continue;
    // The supervisor is gone (killed, or the machine restarted): end what is left of the job.
    if (job.runtime.process_group > 0) {
      ::kill(-static_cast<pid_t>(job.runtime.process_group), SIGKILL);
    }
    (void)store_.Finish(job.id, JobState::kFailed,
                        fmt::format("supervisor process {} vanished while the job was {}", pid,
                                    sched::JobStateName(job.state)),
                        {});
  }
  return Dispatch();
}

}  // namespace awshpc::backend
