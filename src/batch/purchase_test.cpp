// File: purchase_test.cpp
// Purchase options of compute environments and queues (what `cost report` prices a Batch job
// at), and the Batch records' purchase column: recorded, read back, and added to a file made
// before it existed.
#include "awshpc/batch/purchase.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../aws/test_util.hpp"
#include "awshpc/batch/batch_records.hpp"

namespace awshpc::batch {
namespace {

namespace ab = aws::batch;

ab::ComputeEnvironmentDetail ComputeEnvironmentOfType(const std::string& type) {
  ab::ComputeEnvironmentDetail environment;
  environment.type = "MANAGED";
  if (!type.empty()) {
    environment.compute_resources = ab::ComputeResources{};
    environment.compute_resources->type = type;
  } else {
    environment.type = "UNMANAGED";
  }
  return environment;
}

TEST(PurchaseTest, ComputeResourcesTypeGivesThePurchaseOption) {
  EXPECT_EQ(PurchaseOfComputeEnvironment(ComputeEnvironmentOfType("SPOT")), "spot");
  EXPECT_EQ(PurchaseOfComputeEnvironment(ComputeEnvironmentOfType("FARGATE_SPOT")), "spot");
  EXPECT_EQ(PurchaseOfComputeEnvironment(ComputeEnvironmentOfType("EC2")), "on-demand");
  EXPECT_EQ(PurchaseOfComputeEnvironment(ComputeEnvironmentOfType("FARGATE")), "on-demand");
  EXPECT_EQ(PurchaseOfComputeEnvironment(ComputeEnvironmentOfType("")), "");  // UNMANAGED
}

TEST(PurchaseTest, AQueueHasOneOptionOnlyWhenAllEnvironmentsAgree) {
  EXPECT_EQ(PurchaseOfEnvironments({"spot"}), "spot");
  EXPECT_EQ(PurchaseOfEnvironments({"on-demand", "on-demand"}), "on-demand");
  // What `infra deploy` makes for --purchase auto: spot first, on-demand to fall back on.
  EXPECT_EQ(PurchaseOfEnvironments({"spot", "on-demand"}), "mixed");
  EXPECT_EQ(PurchaseOfEnvironments({"spot", ""}), "");
  EXPECT_EQ(PurchaseOfEnvironments({}), "");
}

TEST(PurchaseTest, RecordsKeepTheQueueAndAttemptPurchase) {
  aws::testing::TempDir dir;
  FakeClock clock(1'790'000'000'000);
  auto records = BatchRecords::Open(dir.path() + "/jobs.db", clock);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  BatchJobLink link;
  link.job_id = "j-spot0001";
  link.region = "us-east-1";
  link.queue = "hpc-spot";
  link.definition = "arn:aws:batch:us-east-1:123456789012:job-definition/d:1";
  link.batch_ids = {"b-1"};
  link.purchase = "spot";
  AttemptRecord attempt;
  attempt.started_at = 1'790'000'000'000;
  attempt.stopped_at = 1'790'000'360'000;
  attempt.purchase = "spot";
  link.attempts = {attempt};
  ASSERT_TRUE((*records)->PutLink(link).ok());
  auto read = (*records)->GetLink("j-spot0001");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->purchase, "spot");
  ASSERT_EQ(read->attempts.size(), 1u);
  EXPECT_EQ(read->attempts[0], attempt);
}

TEST(PurchaseTest, AFileFromBeforeGetsThePurchaseColumn) {
  aws::testing::TempDir dir;
  const std::string path = dir.path() + "/jobs.db";
  // The batch_jobs table as the first release of the Batch backend made it, with one job.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE batch_schema (version INTEGER NOT NULL) STRICT;"
                         "CREATE TABLE batch_jobs (job_id TEXT PRIMARY KEY NOT NULL, region TEXT "
                         "NOT NULL, queue TEXT NOT NULL, definition TEXT NOT NULL, array_size "
                         "INTEGER NOT NULL, batch_ids TEXT NOT NULL, batch_status TEXT NOT NULL, "
                         "status_reason TEXT NOT NULL, attempts TEXT NOT NULL, summary TEXT NOT "
                         "NULL, synced_at INTEGER NOT NULL) STRICT;"
                         "INSERT INTO batch_jobs VALUES ('j-old00001', 'us-east-1', 'q', 'd', 0, "
                         "'[\"b-1\"]', 'SUCCEEDED', '', '[]', '[]', 1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  FakeClock clock(1'790'000'000'000);
  for (int open = 0; open < 2; ++open) {  // the second open finds the step done
    auto records = BatchRecords::Open(path, clock);
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    auto old = (*records)->GetLink("j-old00001");
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    EXPECT_EQ(old->purchase, "");  // not known for jobs recorded before
    EXPECT_EQ(old->batch_status, "SUCCEEDED");
  }
  auto records = BatchRecords::Open(path, clock);
  ASSERT_TRUE(records.ok());
  BatchJobLink link;
  link.job_id = "j-new00001";
  link.purchase = "on-demand";
  ASSERT_TRUE((*records)->PutLink(link).ok());
  EXPECT_EQ((*records)->GetLink("j-new00001")->purchase, "on-demand");
}

}  // namespace
}  // namespace awshpc::batch
