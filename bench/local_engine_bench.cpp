// File: local_engine_bench.cpp
// Local engine throughput and CLI latency, each as a ratio against a peer run side by side:
//   1. 10,000 trivial jobs (/bin/true) submitted through the library API and drained by the
//      local backend, against the same 10,000 processes run with the same parallelism by a bare
//      fork/exec/wait loop (the floor any scheduler sits on);
//   2. `aws-hpc job status` and `aws-hpc job list` as whole processes with 100,000 jobs in the
//      store, against the sqlite3 shell reading the same row / page from the same file.
// Usage: local_engine_bench BIN_DIR [JOBS] [STORE_JOBS]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "awshpc/backend/local_backend.hpp"
#include "awshpc/core/clock.hpp"
#include "awshpc/store/sqlite_job_store.hpp"
#include "bench_util.hpp"

namespace {

using awshpc::MonotonicSeconds;
using awshpc::bench::Die;
using awshpc::bench::Stats;
using awshpc::bench::TimeCommand;
using awshpc::sched::JobState;

// The peer for draining: the same processes, same parallelism, no scheduler at all.
double BareForkExecSeconds(int jobs, int parallel) {
  const double start = MonotonicSeconds();
  int running = 0;
  for (int i = 0; i < jobs; ++i) {
    if (running == parallel) {
      wait(nullptr);
      --running;
    }
    const pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/true", "true", static_cast<char*>(nullptr));
      _exit(127);
    }
    ++running;
  }
  while (running-- > 0) wait(nullptr);
  return MonotonicSeconds() - start;
}

}  // namespace

int main(int argc, char** argv) {
  awshpc::bench::program_name = "local_engine_bench";
  if (argc < 2) Die("usage: local_engine_bench BIN_DIR [JOBS] [STORE_JOBS]");
  const std::string bin_dir = argv[1];
  const int jobs = argc > 2 ? std::atoi(argv[2]) : 10'000;
  const int store_jobs = argc > 3 ? std::atoi(argv[3]) : 100'000;

  char pattern[] = "/tmp/awshpc-bench-XXXXXX";
  if (!mkdtemp(pattern)) Die("mkdtemp failed");
  const std::string home = pattern;
  const std::string db = home + "/jobs.db";
  auto store = awshpc::store::OpenSqliteJobStore(db);
  if (!store.ok()) Die(store.status().ToString());
  awshpc::backend::LocalBackendOptions options;
  options.home_dir = home;
  options.store_path = db;
  options.supervisor_program = bin_dir + "/aws-hpc-supervisor";
  options.capacity = *awshpc::backend::DetectLocalCapacity();
  awshpc::backend::LocalBackend backend(**store, options);

  awshpc::sched::JobRequest request;
  request.name = "true";
  request.argv = {"/bin/true"};
  request.resources.vcpus = 1;
  request.resources.memory_mib = 16;
  request.resources.walltime_seconds = 60;

  std::printf("Local engine: %d trivial jobs on %d vCPUs\n", jobs, options.capacity.vcpus);
  const double start = MonotonicSeconds();
  for (int i = 0; i < jobs; ++i) {
    auto job = backend.Submit(request);
    if (!job.ok()) Die(job.status().ToString());
  }
  const double accepted = MonotonicSeconds() - start;
  awshpc::store::JobFilter live;
  live.states = {JobState::kSubmitted, JobState::kRunnable, JobState::kStarting,
                 JobState::kRunning};
  while (true) {
    auto remaining = (*store)->Count(live);
    if (!remaining.ok()) Die(remaining.status().ToString());
    if (*remaining == 0) break;
    usleep(20'000);
  }
  const double drained = MonotonicSeconds() - start;
  awshpc::store::JobFilter failed;
  failed.states = {JobState::kFailed, JobState::kCancelled};
  const auto failures = *(*store)->Count(failed);
  const double peer = BareForkExecSeconds(jobs, options.capacity.vcpus);
  std::printf("  accepted   %8.0f jobs/s  (%d in %.2f s)\n", jobs / accepted, jobs, accepted);
  std::printf("  completed  %8.0f jobs/s  (all %d ended after %.2f s; %lld not SUCCEEDED)\n",
              jobs / drained, jobs, drained, static_cast<long long>(failures));
  std::printf(
      "  peer: bare fork/exec/wait, %d at a time: %.0f jobs/s -> aws-hpc drains at "
      "%.2fx the bare rate\n",
      options.capacity.vcpus, jobs / peer, peer / drained);

  // Fill the store to `store_jobs` with records, then time whole CLI processes.
  awshpc::sched::JobRequest record = request;
  for (int i = jobs; i < store_jobs; ++i) {
    auto job = (*store)->Create(record, JobState::kSubmitted, "bench filler");
    if (!job.ok()) Die(job.status().ToString());
    if (i % 3 == 0) (void)(*store)->Transition(job->id, JobState::kCancelled, "bench filler");
  }
  awshpc::store::JobFilter newest;
  newest.limit = 1;
  const std::string id = (*(*store)->List(newest)).front().id;
  setenv("AWS_HPC_HOME", home.c_str(), 1);
  const std::string cli = bin_dir + "/aws-hpc";
  const int reps = 30;
  std::printf("\nCLI latency with %d jobs in the store (%d runs, whole process)\n", store_jobs,
              reps);
  const Stats status = TimeCommand({cli, "job", "status", id}, reps);
  const Stats status_peer =
      TimeCommand({"sqlite3", db, "SELECT * FROM jobs WHERE id = '" + id + "'"}, reps);
  const Stats list = TimeCommand({cli, "job", "list", "--limit", "50"}, reps);
  const Stats list_peer =
      TimeCommand({"sqlite3", db, "SELECT * FROM jobs ORDER BY sequence DESC LIMIT 50"}, reps);
  std::printf(
      "  job status        median %6.1f ms  p95 %6.1f ms   peer sqlite3 shell %6.1f ms "
      "-> %.2fx\n",
      status.median, status.p95, status_peer.median, status.median / status_peer.median);
  std::printf(
      "  job list -n 50    median %6.1f ms  p95 %6.1f ms   peer sqlite3 shell %6.1f ms "
      "-> %.2fx\n",
      list.median, list.p95, list_peer.median, list.median / list_peer.median);
  awshpc::bench::RunQuiet({"rm", "-rf", home});
  return 0;
}
