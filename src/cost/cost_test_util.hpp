// File: cost_test_util.hpp
// Helpers for the cost tests: a temporary job store file (opened first, as the CLI does) with
// the cost tables and the embedded snapshot, and jobs with chosen running times.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "awshpc/core/clock.hpp"
#include "awshpc/cost/accounting.hpp"
#include "awshpc/cost/arch_filter.hpp"
#include "awshpc/cost/cost_db.hpp"
#include "awshpc/sched/job.hpp"
#include "awshpc/store/sqlite_job_store.hpp"

namespace awshpc::cost::testing {

// 2026-11-15T12:00:00Z.
inline constexpr UnixMillis kMidNovember = 1'794'744'000'000;

class CostFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/awshpc-cost-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/jobs.db";
    auto store = store::OpenSqliteJobStore(path_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto db = CostDb::Open(path_, clock_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->EnsureEmbeddedSnapshot().ok());
  }
  void TearDown() override {
    db_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  static sched::JobRequest Request(const std::string& project, int vcpus = 2,
                                   std::int64_t memory_mib = 1024) {
    sched::JobRequest request;
    request.name = "lj";
    request.app = "lammps";
    request.variant = "mpi";
    request.parameters = {{"steps", "300"}};
    request.argv = {"lmp"};
    request.resources.vcpus = vcpus;
    request.resources.memory_mib = memory_mib;
    request.user = "alice";
    request.project = project;
    return request;
  }

  // The instance a local job of `request` is priced as on this host: the cheapest us-east-1 type
  // of the host's architecture that fits (c6a.large on x86_64, c6g.large on arm64 for Request()).
  PriceRow HostEquivalent(const sched::JobRequest& request) {
    auto rows = FilterByArchitecture(HostIsa(), *db_->Prices(PriceFilter{{}, "us-east-1", "", ""}));
    EXPECT_TRUE(rows.ok());
    auto row = EquivalentInstance(*rows, request.resources);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return *row;
  }
  // What a local job of `request` costs for `seconds` on this host.
  Money HostCost(const sched::JobRequest& request, double seconds) {
    return Money::PerHourTimesSeconds(HostEquivalent(request).per_hour, seconds);
  }

  // A job that runs for `seconds` (each of `attempts` attempts) and ends SUCCEEDED.
  sched::Job RunJob(const sched::JobRequest& request, double seconds, int attempts = 1) {
    auto job = store_->Create(request, sched::JobState::kRunnable, "submitted");
    EXPECT_TRUE(job.ok());
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      EXPECT_TRUE(store_->Transition(job->id, sched::JobState::kStarting, "claimed").ok());
      EXPECT_TRUE(store_->Transition(job->id, sched::JobState::kRunning, "started").ok());
      clock_.Advance(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));
      if (attempt < attempts) {
        EXPECT_TRUE(store_->Transition(job->id, sched::JobState::kRunnable, "retry").ok());
        clock_.Advance(std::chrono::seconds(30));
      }
    }
    sched::Outcome outcome;
    outcome.exit_code = 0;
    outcome.usage.wall_seconds = seconds;
    EXPECT_TRUE(store_->Finish(job->id, sched::JobState::kSucceeded, "exit code 0", outcome).ok());
    return *store_->Get(job->id);
  }

  FakeClock clock_{kMidNovember};
  std::string dir_;
  std::string path_;
  std::unique_ptr<store::JobStore> store_;
  std::unique_ptr<CostDb> db_;
};

}  // namespace awshpc::cost::testing
