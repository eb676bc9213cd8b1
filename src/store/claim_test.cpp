// File: claim_test.cpp
// ClaimNextRunnable: priority then submission order, strict blocking, capacity accounting, and
// jobs that must never start (too big, cancelled).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "awshpc/store/sqlite_job_store.hpp"
#include "store_test_util.hpp"

namespace awshpc::store {
namespace {

using sched::JobState;
using testing::MakeRequest;
using testing::TempDir;

class ClaimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenSqliteJobStore(dir_.File("jobs.db"), clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  std::string Submit(const sched::JobRequest& request) {
    auto job = store_->Create(request, JobState::kRunnable, "queued");
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->id : "";
  }
  std::string Submit(const std::string& name, int vcpus, int priority = 0,
                     const std::string& backend = "local") {
    return Submit(MakeRequest(name, vcpus, priority, backend));
  }

  // The name of the claimed job, or "" when nothing was claimed.
  std::string Claim(int vcpus, std::int64_t memory_mib = 1 << 20) {
    auto claimed = store_->ClaimNextRunnable("local", {vcpus, memory_mib});
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    if (!claimed.ok() || !claimed->has_value()) return "";
    EXPECT_EQ((*claimed)->state, JobState::kStarting);
    return (*claimed)->request.name;
  }

  sched::Job Get(const std::string& id) {
    auto job = store_->Get(id);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : sched::Job{};
  }

  TempDir dir_;
  FakeClock clock_{1'000'000};
  std::unique_ptr<JobStore> store_;
};

TEST_F(ClaimTest, EmptyQueueClaimsNothing) { EXPECT_EQ(Claim(8), ""); }

TEST_F(ClaimTest, HighestPriorityFirstThenSubmissionOrder) {
  Submit("low", 1, 0);
  Submit("high-1", 1, 10);
  Submit("mid", 1, 5);
  Submit("high-2", 1, 10);
  Submit("other-backend", 1, 100, "batch");
  EXPECT_EQ(Claim(8), "high-1");
  EXPECT_EQ(Claim(8), "high-2");
  EXPECT_EQ(Claim(8), "mid");
  EXPECT_EQ(Claim(8), "low");
  EXPECT_EQ(Claim(8), "");
}

TEST_F(ClaimTest, ClaimMovesToStartingWithAnEvent) {
  const std::string id = Submit("a", 1);
  clock_.Advance(std::chrono::milliseconds(7));
  auto claimed = store_->ClaimNextRunnable("local", {1, 1024});
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  const sched::Job& job = **claimed;  // as Get would return it, history included
  EXPECT_EQ(job.id, id);
  EXPECT_EQ(job.state, JobState::kStarting);
  // SUBMITTED and RUNNABLE from Create (in RUNNABLE), then the claim.
  ASSERT_EQ(job.history.size(), 3u);
  EXPECT_EQ(job.history[0].state, JobState::kSubmitted);
  EXPECT_EQ(job.history[2],
            (sched::StateChange{JobState::kStarting, 1'000'007, "claimed capacity"}));
  EXPECT_EQ(Get(id).history, job.history);
}

TEST_F(ClaimTest, StrictOrderBlocksSmallerJobsBehindTheHead) {
  Submit("first", 2);
  Submit("big", 4);
  Submit("small", 1);
  EXPECT_EQ(Claim(4), "first");
  // 2 of 4 vcpus are held: "big" waits, and "small" waits behind it.
  EXPECT_EQ(Claim(4), "");
  EXPECT_EQ(Claim(4), "");
}

TEST_F(ClaimTest, CapacityCountsStartingAndRunningJobsTimesNodes) {
  const std::string a = Submit("a", 1);
  sched::JobRequest two_nodes = MakeRequest("b", 1);
  two_nodes.resources.nodes = 2;  // 2 vcpus in all
  const std::string b = Submit(two_nodes);
  Submit("c", 1);
  Submit("elsewhere", 1, 0, "batch");
  ASSERT_TRUE(store_->Create(MakeRequest("held", 8, 0, "batch"), JobState::kRunning, "").ok());

  EXPECT_EQ(Claim(4), "a");
  ASSERT_TRUE(store_->Transition(a, JobState::kRunning, "").ok());
  EXPECT_EQ(Claim(4), "b");  // 1 (RUNNING) + 2 (STARTING) = 3 of 4; batch jobs do not count
  EXPECT_EQ(Claim(4), "c");  // 4 of 4
  EXPECT_EQ(Claim(8), "");   // nothing left for local
  ASSERT_TRUE(store_->Finish(b, JobState::kSucceeded, "", {}).ok());
  Submit("d", 2);
  EXPECT_EQ(Claim(4), "d");  // b's 2 vcpus came back
  EXPECT_EQ(Claim(4), "");
}

TEST_F(ClaimTest, MemoryIsCapacityToo) {
  sched::JobRequest a = MakeRequest("a", 1);
  a.resources.memory_mib = 3000;
  sched::JobRequest b = MakeRequest("b", 1);
  b.resources.memory_mib = 2000;
  Submit(a);
  Submit(b);
  EXPECT_EQ(Claim(8, 4096), "a");
  EXPECT_EQ(Claim(8, 4096), "");  // 3000 + 2000 > 4096
}

TEST_F(ClaimTest, AJobThatCanNeverFitFailsInsteadOfBlocking) {
  const std::string big = Submit("big", 8, 10);
  Submit("fits", 1);
  EXPECT_EQ(Claim(2), "fits");
  const auto job = Get(big);
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.reason, "needs 8 vcpus; this machine has 2");
  EXPECT_TRUE(job.ended_at.has_value());
  EXPECT_EQ(job.history.back().reason, "needs 8 vcpus; this machine has 2");

  sched::JobRequest hungry = MakeRequest("hungry", 1);
  hungry.resources.memory_mib = 64 * 1024;
  const std::string id = Submit(hungry);
  EXPECT_EQ(Claim(2, 16 * 1024), "");
  EXPECT_EQ(Get(id).state, JobState::kFailed);
  EXPECT_EQ(Get(id).reason, "needs 64GiB of memory; this machine has 16GiB");
}

TEST_F(ClaimTest, ACancelledHeadIsCancelledNotStarted) {
  const std::string doomed = Submit("doomed", 1, 5);
  Submit("next", 1);
  ASSERT_EQ(*store_->RequestCancel(doomed), JobState::kRunnable);
  EXPECT_EQ(Claim(2), "next");
  EXPECT_EQ(Get(doomed).state, JobState::kCancelled);
}

}  // namespace
}  // namespace awshpc::store
