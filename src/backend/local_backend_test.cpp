// Tests of the local backend with real processes, a real SQLite store and the real
// aws-hpc-supervisor binary.
#include "awshpc/backend/local_backend.hpp"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "awshpc/core/paths.hpp"
#include "awshpc/cost/storage_records.hpp"
#include "awshpc/store/sqlite_job_store.hpp"
#include "process.hpp"

namespace awshpc::backend {
namespace {

using sched::Job;
using sched::JobRequest;
using sched::JobState;

// Processes of `group` that are still alive; zombies (dead, awaiting their new parent's wait)
// do not count.
int LiveProcessesInGroup(pid_t group) {
  int live = 0;
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    auto identity = internal::ReadProcessIdentity(pid);
    if (identity.ok() && identity->state != 'Z' && ::getpgid(pid) == group) ++live;
  }
  ::closedir(proc);
  return live;
}

class LocalBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/awshpc-local-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    home_ = pattern;
    auto store = store::OpenSqliteJobStore(home_ + "/jobs.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    options_.home_dir = home_;
    options_.store_path = home_ + "/jobs.db";
    options_.supervisor_program = AWSHPC_SUPERVISOR_PATH;
    options_.capacity = {2, 4096};
    options_.kill_grace_ms = 500;
  }

  void TearDown() override {
    // End anything a failed test left running, then remove the home.
    store::JobFilter live;
    live.states = {JobState::kStarting, JobState::kRunning};
    if (auto jobs = store_->List(live); jobs.ok()) {
      for (const Job& job : *jobs) {
        if (job.runtime.process_group > 0)
          ::kill(-static_cast<pid_t>(job.runtime.process_group), SIGKILL);
        if (job.runtime.supervisor_pid > 0)
          ::kill(static_cast<pid_t>(job.runtime.supervisor_pid), SIGKILL);
      }
    }
    std::system(("rm -rf '" + home_ + "'").c_str());
  }

  LocalBackend Backend() { return LocalBackend(*store_, options_); }

  static JobRequest Request(std::vector<std::string> argv, int vcpus = 1) {
    JobRequest request;
    request.name = "test";
    request.argv = std::move(argv);
    request.resources.vcpus = vcpus;
    request.resources.memory_mib = 64;
    request.resources.walltime_seconds = 60;
    return request;
  }

  Job WaitTerminal(const std::string& id, double timeout_seconds = 20) {
    const double deadline = MonotonicSeconds() + timeout_seconds;
    while (MonotonicSeconds() < deadline) {
      auto job = store_->Get(id);
      EXPECT_TRUE(job.ok()) << job.status().ToString();
      if (job.ok() && sched::IsTerminal(job->state)) return *job;
      ::usleep(20'000);
    }
    ADD_FAILURE() << "job " << id << " did not finish in " << timeout_seconds << " s";
    return *store_->Get(id);
  }

  Job WaitState(const std::string& id, JobState state, double timeout_seconds = 10) {
    const double deadline = MonotonicSeconds() + timeout_seconds;
    while (MonotonicSeconds() < deadline) {
      auto job = store_->Get(id);
      if (job.ok() && job->state == state) return *job;
      ::usleep(10'000);
    }
    ADD_FAILURE() << "job " << id << " never reached " << sched::JobStateName(state);
    return *store_->Get(id);
  }

  std::string ReadJobFile(const Job& job, const std::string& name) {
    return ReadFileToString(job.runtime.work_dir + "/" + name, 1 << 20).value_or("");
  }

  std::string home_;
  std::unique_ptr<store::JobStore> store_;
  LocalBackendOptions options_;
};

TEST_F(LocalBackendTest, RunsAJobThroughEveryStateAndRecordsItsOutput) {
  LocalBackend backend = Backend();
  JobRequest request = Request({"sh", "-c", "echo out; echo err >&2; echo $AWS_HPC_JOB_ID $FOO"});
  request.environment["FOO"] = "bar";
  auto submitted = backend.Submit(request);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  Job job = WaitTerminal(submitted->id);
  EXPECT_EQ(job.state, JobState::kSucceeded) << job.reason;
  EXPECT_EQ(job.outcome.exit_code, 0);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(ReadJobFile(job, "stdout.log"), "out\n" + job.id + " bar\n");
  EXPECT_EQ(ReadJobFile(job, "stderr.log"), "err\n");
  std::vector<JobState> states;
  for (const auto& change : job.history) states.push_back(change.state);
  EXPECT_EQ(states,
            (std::vector<JobState>{JobState::kSubmitted, JobState::kRunnable, JobState::kStarting,
                                   JobState::kRunning, JobState::kSucceeded}));
  EXPECT_GT(job.outcome.usage.wall_seconds, 0);
  EXPECT_TRUE(job.started_at && job.ended_at && *job.ended_at >= *job.started_at);
}

TEST_F(LocalBackendTest, RecordsExitCodeCpuTimeAndPeakMemory) {
  LocalBackend backend = Backend();
  // Burn about 0.3 s of CPU in a child of the job's shell, then fail with code 3.
  auto submitted = backend.Submit(
      Request({"sh", "-c",
               "timeout 0.3 sh -c 'while :; do :; done'; head -c 20000000 /dev/zero | "
               "tail -c 1 >/dev/null; exit 3"}));
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  Job job = WaitTerminal(submitted->id);
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.outcome.exit_code, 3);
  EXPECT_EQ(job.reason, "exit code 3");
  EXPECT_GT(job.outcome.usage.cpu_user_seconds + job.outcome.usage.cpu_system_seconds, 0.1);
  EXPECT_GT(job.outcome.usage.max_rss_kib, 1000);
}

TEST_F(LocalBackendTest, WalltimeEndsTheJobWithTermThenKill) {
  LocalBackend backend = Backend();
  JobRequest polite = Request({"sleep", "30"});
  polite.resources.walltime_seconds = 1;
  JobRequest stubborn = Request({"sh", "-c", "trap '' TERM; sleep 30 & wait; sleep 30"});
  stubborn.resources.walltime_seconds = 1;
  auto a = backend.Submit(polite);
  auto b = backend.Submit(stubborn);
  ASSERT_TRUE(a.ok() && b.ok());
  const double start = MonotonicSeconds();
  Job first = WaitTerminal(a->id);
  Job second = WaitTerminal(b->id);
  EXPECT_LT(MonotonicSeconds() - start, 8.0);
  EXPECT_EQ(first.state, JobState::kFailed);
  EXPECT_EQ(first.reason, "walltime 1s exceeded (killed by SIGTERM)");
  EXPECT_EQ(second.state, JobState::kFailed);
  EXPECT_EQ(second.reason, "walltime 1s exceeded (killed by SIGKILL)");
}

TEST_F(LocalBackendTest, CancelEndsTheWholeProcessGroup) {
  LocalBackend backend = Backend();
  auto submitted = backend.Submit(Request({"sh", "-c", "sleep 100 & sleep 100 & wait"}));
  ASSERT_TRUE(submitted.ok());
  Job running = WaitState(submitted->id, JobState::kRunning);
  const auto group = static_cast<pid_t>(running.runtime.process_group);
  ASSERT_GT(group, 0);
  ::usleep(100'000);
  ASSERT_TRUE(backend.Cancel(submitted->id, "cancelled by test").ok());
  Job job = *store_->Get(submitted->id);
  EXPECT_EQ(job.state, JobState::kCancelled);
  EXPECT_EQ(job.reason, "cancelled by request (killed by SIGTERM)");
  EXPECT_EQ(LiveProcessesInGroup(group), 0) << "processes of the job's group survived";
  EXPECT_EQ(backend.Cancel(submitted->id, "again").code(), StatusCode::kFailedPrecondition);
}

TEST_F(LocalBackendTest, QueuedJobsWaitForCoresAndStartByPriorityThenOrder) {
  options_.capacity.vcpus = 1;
  LocalBackend backend = Backend();
  const std::string order = home_ + "/order";
  auto step = [&](const std::string& name) {
    return Request({"sh", "-c", "echo " + name + " >> " + order + "; sleep 0.2"});
  };
  auto blocker = backend.Submit(step("blocker"));
  ASSERT_TRUE(blocker.ok());
  WaitState(blocker->id, JobState::kRunning);
  JobRequest low = step("low");
  JobRequest high = step("high");
  high.priority = 10;
  JobRequest low2 = step("low2");
  auto l = backend.Submit(low);
  auto h = backend.Submit(high);
  auto l2 = backend.Submit(low2);
  ASSERT_TRUE(l.ok() && h.ok() && l2.ok());
  EXPECT_EQ(store_->Get(l->id)->state, JobState::kRunnable);
  for (const auto& id : {blocker->id, l->id, h->id, l2->id}) {
    EXPECT_EQ(WaitTerminal(id).state, JobState::kSucceeded);
  }
  EXPECT_EQ(*ReadFileToString(order, 4096), "blocker\nhigh\nlow\nlow2\n");
  // Never two at once on one core: each started after the previous one ended.
  std::vector<Job> jobs = {*store_->Get(blocker->id), *store_->Get(h->id), *store_->Get(l->id),
                           *store_->Get(l2->id)};
  for (std::size_t i = 1; i < jobs.size(); ++i) {
    EXPECT_GE(*jobs[i].started_at, *jobs[i - 1].ended_at);
  }
}

TEST_F(LocalBackendTest, CancelOfAQueuedJobNeverRunsIt) {
  options_.capacity.vcpus = 1;
  LocalBackend backend = Backend();
  auto blocker = backend.Submit(Request({"sleep", "2"}));  // outlasts the cancel below
  auto queued = backend.Submit(Request({"touch", home_ + "/ran"}));
  ASSERT_TRUE(blocker.ok() && queued.ok());
  ASSERT_TRUE(backend.Cancel(queued->id, "not needed").ok());
  EXPECT_EQ(store_->Get(queued->id)->state, JobState::kCancelled);
  WaitTerminal(blocker->id);
  ::usleep(200'000);
  EXPECT_NE(::access((home_ + "/ran").c_str(), F_OK), 0);
}

TEST_F(LocalBackendTest, FailedAttemptsAreRetried) {
  LocalBackend backend = Backend();
  const std::string counter = home_ + "/attempts";
  JobRequest request =
      Request({"sh", "-c", "echo x >> " + counter + "; test $(wc -l < " + counter + ") -ge 2"});
  request.max_attempts = 3;
  auto submitted = backend.Submit(request);
  ASSERT_TRUE(submitted.ok());
  Job job = WaitTerminal(submitted->id);
  EXPECT_EQ(job.state, JobState::kSucceeded) << job.reason;
  EXPECT_EQ(job.attempts, 2);
  bool saw_retry = false;
  for (const auto& change : job.history) {
    saw_retry |=
        change.reason.find("attempt 1 of 3 failed (exit code 1); retrying") != std::string::npos;
  }
  EXPECT_TRUE(saw_retry);
}

// Each attempt's work directory is measured when it ends (cost/storage_records.hpp): the retried
// attempt sees the first one's file too.
TEST_F(LocalBackendTest, EachAttemptsWorkDirectoryBytesAreRecorded) {
  LocalBackend backend = Backend();
  JobRequest request = Request({"sh", "-c",
                                "if [ -e a.bin ]; then head -c 500 /dev/zero > b.bin; "
                                "else head -c 1000 /dev/zero > a.bin; exit 1; fi"});
  request.max_attempts = 2;
  auto submitted = backend.Submit(request);
  ASSERT_TRUE(submitted.ok());
  Job job = WaitTerminal(submitted->id);
  EXPECT_EQ(job.state, JobState::kSucceeded) << job.reason;
  auto records = cost::StorageRecords::Open(options_.store_path);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  auto stored = (*records)->Get(job.id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[0].attempt, 1);
  EXPECT_EQ((*stored)[0].location, cost::kStoredInWorkDir);
  EXPECT_EQ((*stored)[0].bytes, 1000);  // a.bin; stdout.log and stderr.log are empty
  EXPECT_EQ((*stored)[1].attempt, 2);
  EXPECT_EQ((*stored)[1].bytes, 1500);
  EXPECT_GT((*stored)[1].held_seconds, 0);
}

TEST_F(LocalBackendTest, AVanishedSupervisorIsDetectedAndItsJobEnded) {
  LocalBackend backend = Backend();
  auto submitted = backend.Submit(Request({"sleep", "100"}));
  ASSERT_TRUE(submitted.ok());
  Job running = WaitState(submitted->id, JobState::kRunning);
  ASSERT_EQ(::kill(static_cast<pid_t>(running.runtime.supervisor_pid), SIGKILL), 0);
  const double deadline = MonotonicSeconds() + 5;
  while (internal::IsSameLiveProcess(static_cast<pid_t>(running.runtime.supervisor_pid),
                                     running.runtime.supervisor_start_ticks) &&
         MonotonicSeconds() < deadline) {
    ::usleep(10'000);
  }
  ASSERT_TRUE(backend.Reconcile().ok());
  Job job = *store_->Get(submitted->id);
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_NE(job.reason.find("vanished"), std::string::npos) << job.reason;
  ::usleep(100'000);
  EXPECT_EQ(LiveProcessesInGroup(static_cast<pid_t>(running.runtime.process_group)), 0);
}

TEST_F(LocalBackendTest, RejectsJobsThatCanNeverRunHere) {
  LocalBackend backend = Backend();
  auto too_big = backend.Submit(Request({"true"}, 64));
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("asks for 64 vCPUs; this machine offers 2"),
            std::string::npos);
  auto missing = backend.Submit(Request({"definitely-not-a-program"}));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->Count({}), 0);
}

}  // namespace
}  // namespace awshpc::backend
