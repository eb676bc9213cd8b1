// File: supervisor.cpp
// One supervisor process runs a claimed job to its end, records it, then claims the next queued
// job that fits (starting extra supervisors when more than one fits), and exits when none does.
#include "supervisor.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "awshpc/backend/verdict.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/core/paths.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/cost/storage_records.hpp"
#include "awshpc/perf/performance_parser.hpp"
#include "awshpc/store/sqlite_job_store.hpp"
#include "process.hpp"

extern char** environ;

namespace awshpc::backend::internal {
namespace {

using sched::Job;
using sched::JobState;

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

void LogProblem(const std::string& job_id, const std::string& message) {
  // stderr of a supervisor is <home>/supervisor.log (see RunDetached).
  std::fprintf(stderr, "%s aws-hpc-supervisor[%d] %s: %s\n",
               FormatIso8601(SystemClock::Instance().NowMillis()).c_str(), ::getpid(),
               job_id.c_str(), message.c_str());
}

std::string JobDir(const LocalBackendOptions& options, const std::string& job_id) {
  return options.home_dir + "/jobs/" + job_id;
}

// Copies inputs into the working directory. Destinations were validated by the spec; they are
// checked again here because a JobRequest may come from elsewhere.
Status StageInputs(const Job& job, const std::string& work_dir) {
  namespace fs = std::filesystem;
  for (const sched::InputFile& input : job.request.inputs) {
    const fs::path destination(input.destination);
    if (destination.empty() || destination.is_absolute()) {
      return InvalidArgumentError("input destination '" + input.destination +
                                  "' must be a relative path");
    }
    if (!IsRelativePathInside(input.destination)) {
      return InvalidArgumentError("input destination '" + input.destination +
                                  "' leaves the working directory");
    }
    if (input.source.rfind("s3://", 0) == 0) {
      return FailedPreconditionError("input " + input.source +
                                     ": S3 inputs need the batch backend for now");
    }
    const fs::path target = fs::path(work_dir) / destination;
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (!error) {
      fs::copy(input.source, target,
               fs::copy_options::overwrite_existing | fs::copy_options::recursive, error);
    }
    if (error) {
      return UnavailableError("staging input " + input.source + " -> " + input.destination + ": " +
                              error.message());
    }
  }
  return Status::Ok();
}

std::vector<std::string> JobEnvironment(const Job& job, const std::string& work_dir) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string item(*entry);
    const std::size_t eq = item.find('=');
    if (eq != std::string::npos) env[item.substr(0, eq)] = item.substr(eq + 1);
  }
  for (const auto& [key, value] : job.request.environment) env[key] = value;
  env["AWS_HPC_JOB_ID"] = job.id;
  env["AWS_HPC_JOB_NAME"] = job.request.name;
  env["AWS_HPC_JOB_DIR"] = work_dir;
  env["AWS_HPC_VCPUS"] = std::to_string(job.request.resources.vcpus);
  env["AWS_HPC_ATTEMPT"] = std::to_string(job.attempts + 1);
  std::vector<std::string> list;
  list.reserve(env.size());
  for (const auto& [key, value] : env) list.push_back(key + "=" + value);
  return list;
}

// Why the job is being ended early, if it is.
enum class StopCause { kNone, kCancelled, kWalltime, kSupervisorSignal };

struct RunResult {
  int wait_status = 0;
  StopCause cause = StopCause::kNone;
  std::string cause_detail;
  rusage job_rusage{};
};

// Waits for the job's process, enforcing walltime and reacting to cancellation. Orphans the job
// leaves behind are reaped too (the supervisor is a child subreaper).
RunResult WaitForJob(store::JobStore& store, const LocalBackendOptions& options, const Job& job,
                     pid_t pid, double started) {
  sigset_t watched;
  sigemptyset(&watched);
  for (int sig : {SIGCHLD, SIGUSR1, SIGTERM, SIGINT, SIGHUP}) sigaddset(&watched, sig);

  RunResult result;
  const double walltime_deadline =
      started + static_cast<double>(job.request.resources.walltime_seconds);
  double kill_deadline = 0;  // set once SIGTERM has been sent
  bool done = false;

  const auto begin_termination = [&](StopCause cause, std::string detail) {
    if (result.cause != StopCause::kNone) return;
    result.cause = cause;
    result.cause_detail = std::move(detail);
    ::kill(-pid, SIGTERM);
    kill_deadline = MonotonicSeconds() + static_cast<double>(options.kill_grace_ms) / 1000.0;
  };

  // A cancel may have been requested before the job started: check once up front.
  if (auto current = store.Get(job.id); current.ok() && current->cancel_requested) {
    begin_termination(StopCause::kCancelled, "cancelled");
  }

  while (!done) {
    const double now = MonotonicSeconds();
    if (result.cause == StopCause::kNone && now >= walltime_deadline) {
      begin_termination(
          StopCause::kWalltime,
          "walltime " + FormatDuration(job.request.resources.walltime_seconds) + " exceeded");
    }
    if (kill_deadline > 0 && now >= kill_deadline) {
      ::kill(-pid, SIGKILL);
      kill_deadline = now + 3600;  // SIGKILL cannot be ignored; do not resend in a loop
    }
    double next = result.cause == StopCause::kNone ? walltime_deadline : kill_deadline;
    double wait = std::max(0.001, std::min(next - now, 1.0));
    timespec timeout{};
    timeout.tv_sec = static_cast<time_t>(wait);
    timeout.tv_nsec = static_cast<long>((wait - static_cast<double>(timeout.tv_sec)) * 1e9);
    siginfo_t info{};
    const int sig = ::sigtimedwait(&watched, &info, &timeout);
    if (sig == SIGUSR1) {
      auto current = store.Get(job.id);
      if (current.ok() && current->cancel_requested) {
        begin_termination(StopCause::kCancelled, "cancelled");
      }
    } else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
      begin_termination(StopCause::kSupervisorSignal,
                        "supervisor received " + SignalName(sig) + "; job ended");
    }
    // Reap whatever has ended (SIGCHLD may coalesce, so also on every wake-up).
    while (true) {
      int status = 0;
      rusage usage{};
      const pid_t reaped = ::wait4(-1, &status, WNOHANG, &usage);
      if (reaped <= 0) break;
      if (reaped == pid) {
        result.wait_status = status;
        result.job_rusage = usage;
        done = true;
      }
    }
  }
  // The job's main process is gone; nothing of its group may outlive it.
  ::kill(-pid, SIGKILL);
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  return result;
}

// What this attempt left in the job's work directory, for `cost report` (cost/storage_records.hpp):
// the bytes at its end, held for its running time. A failure is logged, never the job's.
void RecordWorkDirBytes(const LocalBackendOptions& options, const std::string& job_id,
                        const std::string& work_dir, double held_seconds, store::JobStore& store) {
  const auto record = [&]() -> Status {
    ASSIGN_OR_RETURN(std::int64_t bytes, cost::DirectoryBytes(work_dir));
    ASSIGN_OR_RETURN(Job current, store.Get(job_id));  // attempts counts this one
    ASSIGN_OR_RETURN(auto records, cost::StorageRecords::Open(options.store_path));
    return records->Put(
        job_id, cost::StoredData{std::max(1, current.attempts), std::string(cost::kStoredInWorkDir),
                                 bytes, held_seconds});
  };
  if (Status status = record(); !status.ok()) {
    LogProblem(job_id, "recording the work directory's size: " + status.ToString());
  }
}

// Runs one claimed job through RUNNING to a terminal state (or back to RUNNABLE for a retry).
void RunOneJob(store::JobStore& store, const LocalBackendOptions& options, Job job) {
  const std::string work_dir = JobDir(options, job.id);
  sched::LocalRuntime runtime;
  runtime.supervisor_pid = ::getpid();
  if (auto self = ReadProcessIdentity(::getpid()); self.ok()) {
    runtime.supervisor_start_ticks = self->start_ticks;
  }
  runtime.work_dir = work_dir;
  if (Status status = store.SetRuntime(job.id, runtime); !status.ok()) {
    LogProblem(job.id, status.ToString());
  }

  const auto fail = [&](const std::string& reason, std::optional<int> exit_code) {
    sched::Outcome outcome;
    outcome.exit_code = exit_code;
    if (Status status = store.Finish(job.id, JobState::kFailed, reason, outcome); !status.ok()) {
      LogProblem(job.id, status.ToString());
    }
  };

  if (Status status = MakeDirs(work_dir, 0755); !status.ok()) return fail(status.message(), {});
  if (Status status = StageInputs(job, work_dir); !status.ok()) return fail(status.message(), {});

  internal::SpawnSpec spec;
  spec.argv = job.request.argv;
  spec.environment = JobEnvironment(job, work_dir);
  spec.work_dir = work_dir;
  spec.stdout_path = work_dir + "/stdout.log";
  spec.stderr_path = work_dir + "/stderr.log";

  rusage before{};
  ::getrusage(RUSAGE_CHILDREN, &before);
  const double started = MonotonicSeconds();
  Result<pid_t> pid = SpawnInNewProcessGroup(spec);
  if (!pid.ok()) return fail(pid.status().message(), 127);

  runtime.process_group = *pid;
  if (Status status = store.SetRuntime(job.id, runtime); !status.ok()) {
    LogProblem(job.id, status.ToString());
  }
  if (Status status =
          store.Transition(job.id, JobState::kRunning, fmt::format("process {} started", *pid));
      !status.ok()) {
    LogProblem(job.id, status.ToString());  // e.g. cancelled while starting: WaitForJob sees it
  }

  RunResult run = WaitForJob(store, options, job, *pid, started);

  rusage after{};
  ::getrusage(RUSAGE_CHILDREN, &after);
  sched::Outcome outcome;
  outcome.usage.wall_seconds = MonotonicSeconds() - started;
  outcome.usage.cpu_user_seconds = Seconds(after.ru_utime) - Seconds(before.ru_utime);
  outcome.usage.cpu_system_seconds = Seconds(after.ru_stime) - Seconds(before.ru_stime);
  outcome.usage.max_rss_kib = run.job_rusage.ru_maxrss;
  std::string reason;
  if (WIFEXITED(run.wait_status)) {
    outcome.exit_code = WEXITSTATUS(run.wait_status);
    reason = fmt::format("exit code {}", *outcome.exit_code);
  } else if (WIFSIGNALED(run.wait_status)) {
    outcome.term_signal = WTERMSIG(run.wait_status);
    reason = "killed by " + SignalName(*outcome.term_signal);
  }
  RecordWorkDirBytes(options, job.id, work_dir, outcome.usage.wall_seconds, store);
  if (!job.request.performance_parser.empty()) {
    auto metrics = perf::ParsePerformance(job.request.performance_parser, work_dir);
    if (metrics.ok()) outcome.metrics = *metrics;
  }

  JobState final_state = JobState::kFailed;
  switch (run.cause) {
    case StopCause::kCancelled:
      final_state = JobState::kCancelled;
      break;
    case StopCause::kWalltime:
    case StopCause::kSupervisorSignal:
      reason = run.cause_detail + " (" + reason + ")";
      break;
    case StopCause::kNone:
      if (outcome.exit_code == 0) final_state = JobState::kSucceeded;
      // An app that judges success by its files (GCHP: cap_restart and a checkpoint) overrides
      // the exit code both ways; the verdict is the state's reason (verdict.hpp).
      if (auto judged = verdict::JudgeByEnvironment(job.request.environment, work_dir,
                                                    outcome.exit_code, outcome.term_signal)) {
        final_state = judged->succeeded ? JobState::kSucceeded : JobState::kFailed;
        reason = judged->reason;
      }
      break;
  }
  if (run.cause == StopCause::kCancelled) reason = "cancelled by request (" + reason + ")";

  // Retry a plain failure (non-zero exit, crash) while attempts remain; never a cancel or a
  // walltime kill, which would fail the same way again.
  if (final_state == JobState::kFailed && run.cause == StopCause::kNone) {
    auto current = store.Get(job.id);
    if (current.ok() && current->attempts < job.request.max_attempts) {
      const Status status =
          store.Transition(job.id, JobState::kRunnable,
                           fmt::format("attempt {} of {} failed ({}); retrying", current->attempts,
                                       job.request.max_attempts, reason));
      if (status.ok()) return;
    }
  }
  if (Status status = store.Finish(job.id, final_state, reason, outcome); !status.ok()) {
    LogProblem(job.id, status.ToString());
  }
}

}  // namespace

std::vector<std::string> SupervisorArgv(const std::string& program,
                                        const LocalBackendOptions& options,
                                        const std::string& job_id) {
  return {program,
          "--home",
          options.home_dir,
          "--store",
          options.store_path,
          "--vcpus",
          std::to_string(options.capacity.vcpus),
          "--memory-mib",
          std::to_string(options.capacity.memory_mib),
          "--kill-grace-ms",
          std::to_string(options.kill_grace_ms),
          "--supervisor",
          options.supervisor_program,
          "--job",
          job_id};
}

Result<std::pair<LocalBackendOptions, std::string>> ParseSupervisorArgs(
    const std::vector<std::string>& args) {
  LocalBackendOptions options;
  std::string job_id;
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    const std::string& key = args[i];
    const std::string& value = args[i + 1];
    try {
      if (key == "--home")
        options.home_dir = value;
      else if (key == "--store")
        options.store_path = value;
      else if (key == "--vcpus")
        options.capacity.vcpus = std::stoi(value);
      else if (key == "--memory-mib")
        options.capacity.memory_mib = std::stoll(value);
      else if (key == "--kill-grace-ms")
        options.kill_grace_ms = std::stoll(value);
      else if (key == "--supervisor")
        options.supervisor_program = value;
      else if (key == "--job")
        job_id = value;
      else
        return InvalidArgumentError("unknown argument " + key);
    } catch (const std::exception&) {
      return InvalidArgumentError("bad value for " + key + ": " + value);
    }
  }
  if (args.size() % 2 != 0 || job_id.empty() || options.store_path.empty() ||
      options.home_dir.empty()) {
    return InvalidArgumentError(
        "usage: aws-hpc-supervisor --home DIR --store FILE --vcpus N --memory-mib N "
        "--kill-grace-ms N --supervisor PROGRAM --job ID");
  }
  return std::make_pair(options, job_id);
}

int RunSupervisor(const LocalBackendOptions& options, const std::string& job_id) {
  // Become the reaper of every process the job orphans, so none escapes accounting or cleanup.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t blocked;
  sigemptyset(&blocked);
  for (int sig : {SIGCHLD, SIGUSR1, SIGTERM, SIGINT, SIGHUP}) sigaddset(&blocked, sig);
  ::sigprocmask(SIG_BLOCK, &blocked, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto store = store::OpenSqliteJobStore(options.store_path);
  if (!store.ok()) {
    LogProblem(job_id, store.status().ToString());
    return 1;
  }
  auto job = (*store)->Get(job_id);
  if (!job.ok()) {
    LogProblem(job_id, job.status().ToString());
    return 1;
  }
  std::optional<Job> current = std::move(*job);
  while (current) {
    if (current->state == JobState::kStarting) {
      RunOneJob(**store, options, std::move(*current));
    }
    current.reset();
    // Claim the next job for this process, then start supervisors for any others that now fit.
    auto next = (*store)->ClaimNextRunnable("local", options.capacity);
    if (!next.ok()) {
      LogProblem(job_id, next.status().ToString());
      break;
    }
    current = std::move(*next);
    while (current) {
      auto extra = (*store)->ClaimNextRunnable("local", options.capacity);
      if (!extra.ok() || !*extra) break;
      const Status status =
          RunDetached(SupervisorArgv(options.supervisor_program, options, (*extra)->id),
                      options.home_dir + "/supervisor.log");
      if (!status.ok()) LogProblem((*extra)->id, status.ToString());
    }
  }
  return 0;
}

}  // namespace awshpc::backend::internal
