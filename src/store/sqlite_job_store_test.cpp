// File: sqlite_job_store_test.cpp
// The JobStore contract on SQLite: records, history, the state machine, cancel, id lookup.
#include "awshpc/store/sqlite_job_store.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "awshpc/core/ids.hpp"
#include "sqlite_job_store_internal.hpp"
#include "store_test_util.hpp"

namespace awshpc::store {
namespace {

using sched::JobState;
using ::testing::HasSubstr;
using testing::MakeRequest;
using testing::TempDir;

constexpr UnixMillis kStart = 1'764'430'000'000;  // 2025-11-29

class SqliteJobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenSqliteJobStore(dir_.File("jobs.db"), clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  sched::Job MustCreate(const sched::JobRequest& request, JobState initial = JobState::kRunnable) {
    auto job = store_->Create(request, initial, "submitted");
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : sched::Job{};
  }

  sched::Job MustGet(const std::string& id) {
    auto job = store_->Get(id);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : sched::Job{};
  }

  TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<JobStore> store_;
};

TEST_F(SqliteJobStoreTest, CreateThenGet) {
  sched::JobRequest request = MakeRequest("melt", 4, 5);
  request.parameters = {{"steps", "1000"}};
  request.environment = {{"OMP_NUM_THREADS", "1"}};
  request.inputs = {{"/data/in.lj", "in.lj"}};
  const sched::Job created = MustCreate(request, JobState::kSubmitted);
  EXPECT_TRUE(IsWellFormedId(created.id, "j")) << created.id;
  EXPECT_EQ(created.sequence, 1);
  EXPECT_EQ(created.state, JobState::kSubmitted);
  ASSERT_EQ(created.history.size(), 1u);

  const sched::Job job = MustGet(created.id);
  EXPECT_EQ(job.id, created.id);
  EXPECT_EQ(job.sequence, 1);
  EXPECT_EQ(job.request, request);
  EXPECT_EQ(job.state, JobState::kSubmitted);
  EXPECT_EQ(job.reason, "submitted");
  EXPECT_EQ(job.created_at, kStart);
  EXPECT_EQ(job.updated_at, kStart);
  EXPECT_FALSE(job.started_at.has_value());
  EXPECT_FALSE(job.ended_at.has_value());
  EXPECT_EQ(job.attempts, 0);
  EXPECT_FALSE(job.cancel_requested);
  EXPECT_EQ(job.history, created.history);
  EXPECT_EQ(job.history[0], (sched::StateChange{JobState::kSubmitted, kStart, "submitted"}));

  EXPECT_EQ(MustCreate(request).sequence, 2);
}

TEST_F(SqliteJobStoreTest, GetUnknownIsNotFound) {
  auto job = store_->Get("j-00000000");
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(job.status().message(), HasSubstr("no job \"j-00000000\""));
}

TEST_F(SqliteJobStoreTest, StoresHostileRequestsExactly) {
  sched::JobRequest request = MakeRequest("it's \"quoted\"\nand\\escaped");
  request.argv = {"sh", "-c", "echo '$(rm -rf /)'; DROP TABLE jobs; --", "ünï©ødé 🚀"};
  request.environment = {{"MULTI", "line1\nline2"}, {"QUOTE", "\"'`"}};
  request.parameters = {{"json", "{\"x\": [1, \"two\"]}"}};
  const sched::Job created = MustCreate(request);
  EXPECT_EQ(MustGet(created.id).request, request);
  EXPECT_EQ(*store_->Count({}), 1);
}

TEST_F(SqliteJobStoreTest, RejectsInvalidRequests) {
  sched::JobRequest request = MakeRequest("bad");
  request.argv.push_back("\xff");
  auto job = store_->Create(request, JobState::kSubmitted, "");
  EXPECT_EQ(job.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(job.status().message(), HasSubstr("argv[3]"));

  request = MakeRequest("zero", 0);
  EXPECT_EQ(store_->Create(request, JobState::kSubmitted, "").status().code(),
            StatusCode::kInvalidArgument);
  request = MakeRequest("no backend", 1, 0, "");
  EXPECT_EQ(store_->Create(request, JobState::kSubmitted, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->Count({}), 0);
}

TEST_F(SqliteJobStoreTest, ListAndCountFilter) {
  sched::JobRequest wrf = MakeRequest("w");
  wrf.app = "wrf";
  const auto a = MustCreate(MakeRequest("a"), JobState::kRunnable);
  const auto b = MustCreate(MakeRequest("b", 1, 0, "batch"), JobState::kRunnable);
  const auto c = MustCreate(wrf, JobState::kSubmitted);
  const auto d = MustCreate(MakeRequest("d"), JobState::kRunning);

  auto ids = [](const Result<std::vector<sched::Job>>& jobs) {
    std::vector<std::string> out;
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    if (jobs.ok()) {
      for (const auto& job : *jobs) out.push_back(job.id);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(store_->List({})), (V{d.id, c.id, b.id, a.id}));
  JobFilter oldest;
  oldest.newest_first = false;
  EXPECT_EQ(ids(store_->List(oldest)), (V{a.id, b.id, c.id, d.id}));
  JobFilter runnable;
  runnable.states = {JobState::kRunnable};
  EXPECT_EQ(ids(store_->List(runnable)), (V{b.id, a.id}));
  JobFilter two_states;
  two_states.states = {JobState::kRunnable, JobState::kRunning, JobState::kRunnable};
  EXPECT_EQ(ids(store_->List(two_states)), (V{d.id, b.id, a.id}));
  JobFilter by_app;
  by_app.app = "wrf";
  EXPECT_EQ(ids(store_->List(by_app)), (V{c.id}));
  JobFilter by_backend;
  by_backend.backend = "batch";
  EXPECT_EQ(ids(store_->List(by_backend)), (V{b.id}));
  JobFilter local_runnable;
  local_runnable.backend = "local";
  local_runnable.states = {JobState::kRunnable};
  EXPECT_EQ(ids(store_->List(local_runnable)), (V{a.id}));
  JobFilter limited;
  limited.limit = 2;
  EXPECT_EQ(ids(store_->List(limited)), (V{d.id, c.id}));

  EXPECT_EQ(*store_->Count({}), 4);
  EXPECT_EQ(*store_->Count(runnable), 2);
  EXPECT_EQ(*store_->Count(two_states), 3);
  EXPECT_EQ(*store_->Count(by_app), 1);
  EXPECT_EQ(*store_->Count(limited), 4);  // a total: the limit is for List
  JobFilter none;
  none.states = {JobState::kCancelled};
  EXPECT_EQ(*store_->Count(none), 0);
  EXPECT_TRUE(store_->List(none)->empty());

  // List leaves history empty (Get fills it) but carries everything else.
  auto listed = store_->List(by_app);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->front().history.empty());
  EXPECT_EQ(listed->front().request, wrf);
}

TEST_F(SqliteJobStoreTest, HistoryRecordsEveryChangeWithTheClocksTime) {
  const auto job = MustCreate(MakeRequest("h"), JobState::kSubmitted);
  clock_.Advance(std::chrono::milliseconds(1000));
  ASSERT_TRUE(store_->Transition(job.id, JobState::kRunnable, "queued").ok());
  clock_.Advance(std::chrono::milliseconds(250));
  ASSERT_TRUE(store_->Transition(job.id, JobState::kStarting, "claimed").ok());
  clock_.Advance(std::chrono::milliseconds(50));
  ASSERT_TRUE(store_->Transition(job.id, JobState::kRunning, "pid 42").ok());
  clock_.Advance(std::chrono::milliseconds(60'000));
  sched::Outcome outcome;
  outcome.exit_code = 0;
  ASSERT_TRUE(store_->Finish(job.id, JobState::kSucceeded, "exit 0", outcome).ok());

  const sched::Job got = MustGet(job.id);
  const std::vector<sched::StateChange> expected = {
      {JobState::kSubmitted, kStart, "submitted"},
      {JobState::kRunnable, kStart + 1000, "queued"},
      {JobState::kStarting, kStart + 1250, "claimed"},
      {JobState::kRunning, kStart + 1300, "pid 42"},
      {JobState::kSucceeded, kStart + 61'300, "exit 0"},
  };
  EXPECT_EQ(got.history, expected);
  EXPECT_EQ(got.started_at, kStart + 1300);
  EXPECT_EQ(got.ended_at, kStart + 61'300);
  EXPECT_EQ(got.updated_at, kStart + 61'300);
  EXPECT_EQ(got.reason, "exit 0");
  EXPECT_EQ(got.attempts, 1);
}

// A remote backend learns of changes late; it records them at the times the service reports.
TEST_F(SqliteJobStoreTest, TransitionAtAndFinishAtUseTheGivenTimes) {
  const auto job = MustCreate(MakeRequest("remote"), JobState::kSubmitted);
  clock_.Advance(std::chrono::milliseconds(90'000));  // we look 90 s later
  ASSERT_TRUE(store_->TransitionAt(job.id, JobState::kRunning, "started", kStart + 5'000).ok());
  sched::Outcome outcome;
  outcome.exit_code = 3;
  ASSERT_TRUE(store_->FinishAt(job.id, JobState::kFailed, "exit 3", outcome, kStart + 65'000).ok());
  const sched::Job got = MustGet(job.id);
  EXPECT_EQ(got.started_at, kStart + 5'000);
  EXPECT_EQ(got.ended_at, kStart + 65'000);
  EXPECT_EQ(got.outcome.exit_code, 3);
  ASSERT_EQ(got.history.size(), 3u);
  EXPECT_EQ(got.history[1], (sched::StateChange{JobState::kRunning, kStart + 5'000, "started"}));
  EXPECT_EQ(got.history[2], (sched::StateChange{JobState::kFailed, kStart + 65'000, "exit 3"}));
  // The state machine still applies.
  EXPECT_EQ(store_->TransitionAt(job.id, JobState::kRunning, "", kStart).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SqliteJobStoreTest, HistoryAlwaysStartsWithSubmitted) {
  const auto queued = MustCreate(MakeRequest("q"), JobState::kRunnable);
  const sched::Job got = MustGet(queued.id);
  ASSERT_EQ(got.history.size(), 2u);
  EXPECT_EQ(got.history[0].state, JobState::kSubmitted);
  EXPECT_EQ(got.history[0].reason, "submitted");
  EXPECT_EQ(got.history[1].state, JobState::kRunnable);
  EXPECT_EQ(got.history, queued.history);
  EXPECT_EQ(MustGet(MustCreate(MakeRequest("s"), JobState::kSubmitted).id).history.size(), 1u);
}

// Every (from, to) pair: allowed exactly when the state machine says so, with the effects on
// started_at, attempts and ended_at.
TEST_F(SqliteJobStoreTest, TransitionFollowsTheStateMachine) {
  for (JobState from : sched::kAllJobStates) {
    for (JobState to : sched::kAllJobStates) {
      const auto job = MustCreate(MakeRequest("t"), from);
      clock_.Advance(std::chrono::milliseconds(10));
      const Status status = store_->Transition(job.id, to, "test");
      const sched::Job got = MustGet(job.id);
      const std::string what =
          fmt::format("{} -> {}", sched::JobStateName(from), sched::JobStateName(to));
      if (sched::IsAllowedTransition(from, to)) {
        ASSERT_TRUE(status.ok()) << what << ": " << status.ToString();
        EXPECT_EQ(got.state, to) << what;
        EXPECT_EQ(got.history.size(), job.history.size() + 1) << what;
        // Create() in RUNNING already counts as a start.
        const int starts =
            (from == JobState::kRunning ? 1 : 0) + (to == JobState::kRunning ? 1 : 0);
        EXPECT_EQ(got.started_at.has_value(), starts > 0) << what;
        EXPECT_EQ(got.attempts, starts) << what;
        EXPECT_EQ(got.ended_at.has_value(), sched::IsTerminal(to)) << what;
        if (sched::IsTerminal(to)) {
          EXPECT_EQ(*got.ended_at, clock_.NowMillis()) << what;
        }
      } else {
        ASSERT_EQ(status.code(), StatusCode::kFailedPrecondition) << what;
        EXPECT_THAT(status.message(), HasSubstr(job.id)) << what;
        EXPECT_THAT(status.message(), HasSubstr(sched::JobStateName(from))) << what;
        EXPECT_THAT(status.message(), HasSubstr(sched::JobStateName(to))) << what;
        EXPECT_EQ(got.state, from) << what;
        EXPECT_EQ(got.history.size(), job.history.size()) << what;
        EXPECT_EQ(got.updated_at, job.updated_at) << what;
      }
    }
  }
  EXPECT_EQ(store_->Transition("j-00000000", JobState::kRunning, "").code(), StatusCode::kNotFound);
}

TEST_F(SqliteJobStoreTest, RetryCountsAttemptsAndKeepsLatestStart) {
  const auto job = MustCreate(MakeRequest("r"), JobState::kStarting);
  ASSERT_TRUE(store_->Transition(job.id, JobState::kRunning, "").ok());
  clock_.Advance(std::chrono::milliseconds(5000));
  ASSERT_TRUE(store_->Transition(job.id, JobState::kRunnable, "retry: exit 1").ok());
  EXPECT_EQ(MustGet(job.id).ended_at, std::nullopt);
  ASSERT_TRUE(store_->Transition(job.id, JobState::kStarting, "").ok());
  ASSERT_TRUE(store_->Transition(job.id, JobState::kRunning, "").ok());
  const auto got = MustGet(job.id);
  EXPECT_EQ(got.attempts, 2);
  EXPECT_EQ(got.started_at, kStart + 5000);
  EXPECT_EQ(got.history.size(), 6u);  // SUBMITTED, STARTING, then four changes
}

TEST_F(SqliteJobStoreTest, FinishRecordsTheOutcome) {
  const auto job = MustCreate(MakeRequest("f"), JobState::kRunning);
  sched::Outcome outcome;
  outcome.term_signal = 9;
  outcome.usage = {12.5, 20.25, 1.5, 204800};
  outcome.metrics = {{"timesteps_per_second", 812.5}, {"atoms", 32000}};
  clock_.Advance(std::chrono::milliseconds(12'500));
  ASSERT_TRUE(store_->Finish(job.id, JobState::kFailed, "killed by SIGKILL", outcome).ok());
  const auto got = MustGet(job.id);
  EXPECT_EQ(got.state, JobState::kFailed);
  EXPECT_EQ(got.reason, "killed by SIGKILL");
  EXPECT_EQ(got.outcome.exit_code, std::nullopt);
  EXPECT_EQ(got.outcome.term_signal, 9);
  EXPECT_EQ(got.outcome.usage, outcome.usage);
  EXPECT_EQ(got.outcome.metrics, outcome.metrics);
  EXPECT_EQ(got.ended_at, kStart + 12'500);

  // Once finished, it stays finished; and Finish only takes terminal states.
  Status again = store_->Finish(job.id, JobState::kSucceeded, "", {});
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("already FAILED"));
  EXPECT_EQ(MustGet(job.id).outcome.term_signal, 9);
  const auto live = MustCreate(MakeRequest("g"), JobState::kRunning);
  EXPECT_EQ(store_->Finish(live.id, JobState::kRunning, "", {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Finish("j-00000000", JobState::kFailed, "", {}).code(), StatusCode::kNotFound);
}

TEST_F(SqliteJobStoreTest, RequestCancel) {
  const auto job = MustCreate(MakeRequest("c"), JobState::kRunning);
  auto state = store_->RequestCancel(job.id);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state, JobState::kRunning);
  EXPECT_TRUE(MustGet(job.id).cancel_requested);
  EXPECT_EQ(*store_->RequestCancel(job.id), JobState::kRunning);  // idempotent

  const auto done = MustCreate(MakeRequest("d"), JobState::kRunning);
  ASSERT_TRUE(store_->Finish(done.id, JobState::kSucceeded, "exit 0", {}).ok());
  state = store_->RequestCancel(done.id);
  ASSERT_EQ(state.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(state.status().message(), "job " + done.id + " already SUCCEEDED");
  EXPECT_FALSE(MustGet(done.id).cancel_requested);
  EXPECT_EQ(store_->RequestCancel("j-00000000").status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteJobStoreTest, SetRuntime) {
  const auto job = MustCreate(MakeRequest("rt"), JobState::kStarting);
  const sched::LocalRuntime runtime{4242, 987654321, 4243, "/home/u/.aws-hpc/jobs/x"};
  ASSERT_TRUE(store_->SetRuntime(job.id, runtime).ok());
  const auto got = MustGet(job.id);
  EXPECT_EQ(got.runtime.supervisor_pid, 4242);
  EXPECT_EQ(got.runtime.supervisor_start_ticks, 987654321);
  EXPECT_EQ(got.runtime.process_group, 4243);
  EXPECT_EQ(got.runtime.work_dir, runtime.work_dir);
  EXPECT_EQ(store_->SetRuntime("j-00000000", runtime).code(), StatusCode::kNotFound);
}

// Ids chosen by the test, to make prefixes collide on purpose.
class ResolveIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenSqliteJobStoreWithIds(dir_.File("jobs.db"), SystemClock::Instance(), [this] {
      std::string id = ids_.front();
      ids_.pop_front();
      return id;
    });
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  std::string Create() {
    auto job = store_->Create(MakeRequest("x"), JobState::kSubmitted, "");
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->id : "";
  }

  TempDir dir_;
  std::deque<std::string> ids_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(ResolveIdTest, ExactAndPrefix) {
  ids_ = {"j-4x7kq2mz", "j-4x7aaaaa", "j-9zzzzzzz", "j-9zzzzzz0"};
  for (int i = 0; i < 4; ++i) Create();
  EXPECT_EQ(*store_->ResolveId("j-4x7kq2mz"), "j-4x7kq2mz");
  EXPECT_EQ(*store_->ResolveId("j-4x7k"), "j-4x7kq2mz");
  EXPECT_EQ(*store_->ResolveId("J-4X7K"), "j-4x7kq2mz");      // typed from an upper-case listing
  EXPECT_EQ(*store_->ResolveId("4x7kq"), "j-4x7kq2mz");       // without "j-"
  EXPECT_EQ(*store_->ResolveId("j-9zzzzzzz"), "j-9zzzzzzz");  // also a prefix of nothing else

  auto ambiguous = store_->ResolveId("j-4x7");
  ASSERT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ambiguous.status().message(), HasSubstr("j-4x7aaaaa, j-4x7kq2mz"));

  auto missing = store_->ResolveId("j-xyz");
  ASSERT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "no job \"j-xyz\"");
  EXPECT_EQ(store_->ResolveId("j-00000000").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ResolveId("j-4x%").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ResolveId("").status().code(), StatusCode::kNotFound);

  auto too_short = store_->ResolveId("j-4x");
  ASSERT_EQ(too_short.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(too_short.status().message(), HasSubstr("at least 3 characters"));
}

TEST_F(ResolveIdTest, AmbiguityListsAtMostFiveCandidates) {
  for (char c : std::string("0123456")) ids_.push_back(std::string("j-abc0000") + c);
  for (int i = 0; i < 7; ++i) Create();
  auto ambiguous = store_->ResolveId("j-abc");
  ASSERT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ambiguous.status().message(),
              HasSubstr("j-abc00000, j-abc00001, j-abc00002, j-abc00003, j-abc00004 and more"));
  EXPECT_THAT(ambiguous.status().message(), ::testing::Not(HasSubstr("j-abc00005")));
}

TEST_F(ResolveIdTest, RetriesAnIdCollision) {
  ids_ = {"j-aaaaaaaa", "j-aaaaaaaa", "j-aaaaaaaa", "j-bbbbbbbb"};
  EXPECT_EQ(Create(), "j-aaaaaaaa");
  EXPECT_EQ(Create(), "j-bbbbbbbb");
  EXPECT_TRUE(ids_.empty());
  EXPECT_EQ(*store_->Count({}), 2);
  auto job = store_->Get("j-bbbbbbbb");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->sequence, 2);
  EXPECT_EQ(job->history.size(), 1u);
}

}  // namespace
}  // namespace awshpc::store
