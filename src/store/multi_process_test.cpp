// File: multi_process_test.cpp
// Several processes share one store file, as CLI invocations and job supervisors do: each job is
// claimed exactly once and the machine's capacity is never exceeded.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "awshpc/store/sqlite_job_store.hpp"
#include "store_test_util.hpp"

namespace awshpc::store {
namespace {

using sched::JobState;
using testing::MakeRequest;
using testing::TempDir;

constexpr int kChildren = 4;
constexpr int kJobsPerChild = 200;
constexpr int kCapacityVcpus = 2;

// One child: creates its jobs while claiming, running and finishing whatever the shared queue
// offers, until it has created all of its jobs and the queue is empty. Returns "" or an error.
std::string RunChild(const std::string& path, int child, std::ostream& claims) {
  auto opened = OpenSqliteJobStore(path);
  if (!opened.ok()) return "open: " + opened.status().ToString();
  JobStore& store = **opened;
  const Capacity capacity{kCapacityVcpus, 1 << 20};
  JobFilter held;
  held.states = {JobState::kStarting, JobState::kRunning};
  JobFilter runnable;
  runnable.states = {JobState::kRunnable};

  int created = 0;
  while (true) {
    if (created < kJobsPerChild) {
      // Every third job takes the whole machine, so claims must really wait for capacity.
      const int vcpus = created % 3 == 0 ? 2 : 1;
      auto job = store.Create(MakeRequest(fmt::format("c{}-{}", child, created), vcpus),
                              JobState::kRunnable, "queued");
      if (!job.ok()) return "create: " + job.status().ToString();
      ++created;
    }
    auto claimed = store.ClaimNextRunnable("local", capacity);
    if (!claimed.ok()) return "claim: " + claimed.status().ToString();
    if (claimed->has_value()) {
      const sched::Job& job = **claimed;
      claims << job.id << '\n';
      // Any committed snapshot must respect the capacity.
      auto jobs = store.List(held);
      if (!jobs.ok()) return "list: " + jobs.status().ToString();
      int used = 0;
      for (const auto& other : *jobs) used += other.request.resources.vcpus;
      if (used > kCapacityVcpus) return fmt::format("capacity exceeded: {} vcpus held", used);
      Status status = store.Transition(job.id, JobState::kRunning, "started");
      if (!status.ok()) return "transition: " + status.ToString();
      sched::Outcome outcome;
      outcome.exit_code = 0;
      status = store.Finish(job.id, JobState::kSucceeded, "exit 0", outcome);
      if (!status.ok()) return "finish: " + status.ToString();
    } else if (created == kJobsPerChild) {
      auto waiting = store.Count(runnable);
      if (!waiting.ok()) return "count: " + waiting.status().ToString();
      if (*waiting == 0) return "";
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
}

TEST(MultiProcessTest, EveryJobIsClaimedExactlyOnceWithinCapacity) {
  TempDir dir;
  // The children race to create the file and apply the migrations too.
  const std::string path = dir.File("home/jobs.db");
  std::vector<pid_t> pids;
  for (int child = 0; child < kChildren; ++child) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::ofstream claims(dir.File(fmt::format("claims-{}", child)));
      const std::string error = RunChild(path, child, claims);
      claims.close();
      if (!error.empty()) std::ofstream(dir.File(fmt::format("error-{}", child))) << error;
      _exit(error.empty() ? 0 : 1);  // no atexit handlers or gtest teardown in the child
    }
    pids.push_back(pid);
  }
  for (int child = 0; child < kChildren; ++child) {
    int status = 0;
    ASSERT_EQ(waitpid(pids[static_cast<std::size_t>(child)], &status, 0),
              pids[static_cast<std::size_t>(child)]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "child " << child << ": "
        << testing::ReadFileBytes(dir.File(fmt::format("error-{}", child)));
  }

  std::map<std::string, int> claimed;
  for (int child = 0; child < kChildren; ++child) {
    std::istringstream lines(testing::ReadFileBytes(dir.File(fmt::format("claims-{}", child))));
    for (std::string id; std::getline(lines, id);) ++claimed[id];
  }
  auto store = OpenSqliteJobStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto jobs = (*store)->List({});
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), static_cast<std::size_t>(kChildren * kJobsPerChild));
  EXPECT_EQ(claimed.size(), jobs->size());
  std::set<std::int64_t> sequences;
  for (const auto& job : *jobs) {
    EXPECT_EQ(claimed[job.id], 1) << job.id;
    EXPECT_EQ(job.state, JobState::kSucceeded) << job.id;
    EXPECT_EQ(job.attempts, 1) << job.id;
    sequences.insert(job.sequence);
  }
  // Sequences are unique and dense: 1..N.
  EXPECT_EQ(sequences.size(), jobs->size());
  EXPECT_EQ(*sequences.begin(), 1);
  EXPECT_EQ(*sequences.rbegin(), static_cast<std::int64_t>(jobs->size()));
}

// A supervisor is forked from a process that has the store open: the child drops the inherited
// copy, opens its own, and both processes keep working. (SQLite forbids using a connection across
// fork(); the Db destructor's pid check is defence in depth this test cannot observe directly.)
TEST(MultiProcessTest, AForkedChildOpensItsOwnStoreBesideItsParent) {
  TempDir dir;
  const std::string path = dir.File("jobs.db");
  auto store = OpenSqliteJobStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto first = (*store)->Create(MakeRequest("before"), JobState::kRunnable, "");
  ASSERT_TRUE(first.ok());
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    store->reset();  // destroys the inherited copy
    auto own = OpenSqliteJobStore(path);
    const bool ok = own.ok() && (*own)->Transition(first->id, JobState::kStarting, "child").ok();
    own->reset();
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto job = (*store)->Get(first->id);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->state, JobState::kStarting);
  EXPECT_TRUE((*store)->Create(MakeRequest("after"), JobState::kRunnable, "").ok());
  EXPECT_EQ(*(*store)->Count({}), 2);
}

TEST(MultiProcessTest, ThreadsShareOneStore) {
  TempDir dir;
  auto store = OpenSqliteJobStore(dir.File("jobs.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, &failures, t] {
      for (int i = 0; i < 25; ++i) {
        auto job =
            (*store)->Create(MakeRequest(fmt::format("t{}-{}", t, i)), JobState::kRunnable, "");
        if (!job.ok() || !(*store)->Get(job->id).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*(*store)->Count({}), 100);
}

}  // namespace
}  // namespace awshpc::store
