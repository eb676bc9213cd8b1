// File: store_bench.cpp
// Measures the job store against the product's targets (docs/store.md): Create >= 2,000 jobs/s,
// Get and ResolveId under 1 ms with 100,000 jobs, opening well under 5 ms. Exits 1 if a mean
// misses its target (tails are printed: on a shared machine they measure the scheduler).
//   store_bench [jobs=100000] [dir=$TMPDIR]
#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "awshpc/core/clock.hpp"
#include "awshpc/store/sqlite_job_store.hpp"

namespace awshpc::store {
namespace {

using sched::JobState;

struct Stats {
  double mean_ms = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
};

Stats Summarise(std::vector<double> seconds) {
  Stats stats;
  if (seconds.empty()) return stats;
  std::sort(seconds.begin(), seconds.end());
  double sum = 0;
  for (double s : seconds) sum += s;
  stats.mean_ms = sum / static_cast<double>(seconds.size()) * 1e3;
  stats.p50_ms = seconds[seconds.size() / 2] * 1e3;
  stats.p99_ms = seconds[seconds.size() * 99 / 100] * 1e3;
  stats.max_ms = seconds.back() * 1e3;
  return stats;
}

void Print(const char* what, const Stats& s) {
  std::printf("%-40s mean %7.3f ms  p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what, s.mean_ms,
              s.p50_ms, s.p99_ms, s.max_ms);
}

// A request of realistic size: a rendered LAMMPS run.
sched::JobRequest TypicalRequest(int i) {
  sched::JobRequest r;
  r.name = fmt::format("lj-melt-{}", i);
  r.app = i % 4 == 0 ? "wrf" : "lammps";
  r.app_version = "2Aug2023";
  r.variant = "openmpi";
  r.parameters = {{"steps", "1000"}, {"atoms", "32000"}, {"input", "in.lj"}};
  r.argv = {"mpirun", "--allow-run-as-root", "-np", "2", "lmp", "-in", "in.lj", "-var", "x", "8"};
  r.environment = {{"OMP_NUM_THREADS", "1"},
                   {"OMPI_MCA_btl", "self,vader"},
                   {"PATH", "/usr/local/bin:/usr/bin:/bin"}};
  r.inputs = {{"/home/user/runs/in.lj", "in.lj"}};
  r.resources.vcpus = 2;
  r.priority = i % 3;
  r.performance_parser = "lammps";
  r.user = "user";
  r.project = "bench";
  return r;
}

int Run(int jobs, const std::string& base) {
  const std::string dir = base + "/awshpc-store-bench";
  std::filesystem::remove_all(dir);
  const std::string path = dir + "/jobs.db";
  bool ok = true;
  auto check = [&ok](bool met, const char* target) {
    std::printf("  -> target %s: %s\n", target, met ? "met" : "MISSED");
    ok = ok && met;
  };

  double start = MonotonicSeconds();
  auto opened = OpenSqliteJobStore(path);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 2;
  }
  std::printf("open new file (creates schema)            %.3f ms\n",
              (MonotonicSeconds() - start) * 1e3);
  JobStore& store = **opened;

  // Create: one transaction per job, as the CLI and the scheduler do.
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(jobs));
  double first_rate = 0;
  start = MonotonicSeconds();
  for (int i = 0; i < jobs; ++i) {
    // Most of the history is finished; the rest spreads over the live states.
    auto job = store.Create(TypicalRequest(i),
                            i % 50 == 0 ? JobState::kRunnable : JobState::kSucceeded, "bench");
    if (!job.ok()) {
      std::fprintf(stderr, "%s\n", job.status().ToString().c_str());
      return 2;
    }
    ids.push_back(job->id);
    if (i + 1 == std::min(jobs, 10'000)) first_rate = (i + 1) / (MonotonicSeconds() - start);
  }
  const double create_rate = jobs / (MonotonicSeconds() - start);
  std::printf("Create, first %d jobs                   %.0f jobs/s\n", std::min(jobs, 10'000),
              first_rate);
  std::printf("Create, all %d jobs                    %.0f jobs/s\n", jobs, create_rate);
  check(create_rate >= 2000, "Create >= 2,000 jobs/s");

  std::mt19937 random(42);
  std::uniform_int_distribution<std::size_t> pick(0, ids.size() - 1);
  std::vector<double> times;
  for (int i = 0; i < 5000; ++i) {
    const std::string& id = ids[pick(random)];
    const double t = MonotonicSeconds();
    auto job = store.Get(id);
    times.push_back(MonotonicSeconds() - t);
    if (!job.ok()) return 2;
  }
  const Stats get = Summarise(times);
  Print(fmt::format("Get at {} jobs", jobs).c_str(), get);
  check(get.mean_ms < 1.0, "Get mean < 1 ms");

  times.clear();
  for (int i = 0; i < 5000; ++i) {
    const std::string prefix = ids[pick(random)].substr(0, 7);  // "j-" + 5 characters
    const double t = MonotonicSeconds();
    auto resolved = store.ResolveId(prefix);
    times.push_back(MonotonicSeconds() - t);
    if (!resolved.ok() && resolved.status().code() != StatusCode::kInvalidArgument) return 2;
  }
  const Stats resolve = Summarise(times);
  Print("ResolveId (5-char prefix)", resolve);
  check(resolve.mean_ms < 1.0, "ResolveId mean < 1 ms");

  times.clear();
  for (int i = 0; i < 200; ++i) {
    JobFilter filter;
    filter.limit = 20;
    const double t = MonotonicSeconds();
    auto listed = store.List(filter);
    times.push_back(MonotonicSeconds() - t);
    if (!listed.ok()) return 2;
  }
  Print("List newest 20", Summarise(times));

  times.clear();
  for (int i = 0; i < 200; ++i) {
    JobFilter filter;
    filter.states = {JobState::kRunnable, JobState::kStarting, JobState::kRunning};
    const double t = MonotonicSeconds();
    auto counted = store.Count(filter);
    times.push_back(MonotonicSeconds() - t);
    if (!counted.ok()) return 2;
  }
  Print("Count live jobs", Summarise(times));

  // Claim, start and finish: the local backend's cycle per job.
  times.clear();
  for (int i = 0; i < 1000; ++i) {
    const double t = MonotonicSeconds();
    auto claimed = store.ClaimNextRunnable("local", {64, 1 << 20});
    times.push_back(MonotonicSeconds() - t);
    if (!claimed.ok()) return 2;
    if (!claimed->has_value()) break;
    if (!store.Transition((*claimed)->id, JobState::kRunning, "").ok()) return 2;
    if (!store.Finish((*claimed)->id, JobState::kSucceeded, "", {}).ok()) return 2;
  }
  Print("ClaimNextRunnable", Summarise(times));

  // Opening an existing store, as every CLI command does.
  opened->reset();
  times.clear();
  for (int i = 0; i < 200; ++i) {
    const double t = MonotonicSeconds();
    auto again = OpenSqliteJobStore(path);
    times.push_back(MonotonicSeconds() - t);
    if (!again.ok()) return 2;
  }
  const Stats open = Summarise(times);
  Print("open existing store", open);
  check(open.mean_ms < 5.0, "open mean < 5 ms");

  std::printf("file size %.1f MiB\n",
              static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0));
  std::filesystem::remove_all(dir);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace awshpc::store

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 100'000;
  const char* tmp = std::getenv("TMPDIR");
  const std::string dir = argc > 2 ? argv[2] : (tmp != nullptr ? tmp : "/tmp");
  return awshpc::store::Run(std::max(jobs, 1), dir);
}
