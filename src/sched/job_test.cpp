#include "awshpc/sched/job.hpp"

#include <gtest/gtest.h>

namespace awshpc::sched {
namespace {

TEST(JobStateTest, NamesRoundTrip) {
  for (JobState state : kAllJobStates) {
    EXPECT_EQ(*ParseJobState(JobStateName(state)), state);
  }
  EXPECT_EQ(*ParseJobState("running"), JobState::kRunning);
  Result<JobState> bad = ParseJobState("runing");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("RUNNING"), std::string::npos);
}

TEST(JobStateTest, TransitionsFollowTheStateMachine) {
  EXPECT_TRUE(IsAllowedTransition(JobState::kSubmitted, JobState::kRunnable));
  EXPECT_TRUE(IsAllowedTransition(JobState::kRunnable, JobState::kStarting));
  EXPECT_TRUE(IsAllowedTransition(JobState::kStarting, JobState::kRunning));
  EXPECT_TRUE(IsAllowedTransition(JobState::kRunning, JobState::kSucceeded));
  EXPECT_TRUE(IsAllowedTransition(JobState::kRunnable, JobState::kCancelled));
  EXPECT_TRUE(IsAllowedTransition(JobState::kRunning, JobState::kRunnable));  // retry
  // Batch's own order: SUBMITTED, then PENDING on dependencies, then RUNNABLE.
  EXPECT_TRUE(IsAllowedTransition(JobState::kSubmitted, JobState::kPending));
  EXPECT_TRUE(IsAllowedTransition(JobState::kPending, JobState::kRunnable));
  EXPECT_FALSE(IsAllowedTransition(JobState::kRunnable, JobState::kPending));
  EXPECT_FALSE(IsAllowedTransition(JobState::kRunning, JobState::kStarting));
  EXPECT_FALSE(IsAllowedTransition(JobState::kSucceeded, JobState::kFailed));
  EXPECT_FALSE(IsAllowedTransition(JobState::kCancelled, JobState::kRunning));
  EXPECT_FALSE(IsAllowedTransition(JobState::kRunning, JobState::kRunning));
}

TEST(JobTest, CoreHours) {
  Job job;
  job.request.resources.vcpus = 4;
  job.request.resources.nodes = 2;
  job.outcome.usage.wall_seconds = 1800;
  EXPECT_DOUBLE_EQ(CoreHours(job), 4.0);
}

}  // namespace
}  // namespace awshpc::sched
