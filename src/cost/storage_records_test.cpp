// Storage per job: the work directory's bytes (DirectoryBytes), their records beside the job
// store, and their price (StorageCost) in a job's actual cost.
#include "awshpc/cost/storage_records.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "awshpc/cost/accounting.hpp"
#include "awshpc/cost/arch_filter.hpp"
#include "awshpc/cost/budget.hpp"
#include "awshpc/cost/job_costs.hpp"
#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

using testing::CostFixture;

constexpr std::int64_t kGib = 1024LL * 1024 * 1024;

void WriteBytes(const std::string& path, std::size_t bytes) {
  std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
}

TEST(StorageCostTest, KnownBytesGiveExactMicroDollars) {
  // EBS gp3 $0.08/GiB-month: 10 GiB for 73 h (a tenth of 730 h) = $0.08.
  EXPECT_EQ(StorageCost({{1, std::string(kStoredInWorkDir), 10 * kGib, 73 * 3600.0}}).micros(),
            80'000);
  // 3 GiB for 10 h = 0.08 x 3 x 10 / 730 = $0.0032876... -> 3288 micro-dollars.
  EXPECT_EQ(StorageCost({{1, std::string(kStoredInWorkDir), 3 * kGib, 36'000}}).micros(), 3'288);
  // S3 Standard $0.023/GiB-month, kept a month whatever the running time: 2 GiB = $0.046.
  EXPECT_EQ(StorageCost({{1, std::string(kStoredInS3Output), 2 * kGib, 60}}).micros(), 46'000);
  // Attempts add up; nothing held costs nothing.
  EXPECT_EQ(StorageCost({{1, std::string(kStoredInWorkDir), 10 * kGib, 73 * 3600.0},
                         {2, std::string(kStoredInWorkDir), 10 * kGib, 73 * 3600.0}})
                .micros(),
            160'000);
  EXPECT_EQ(StorageCost({{1, std::string(kStoredInWorkDir), 10 * kGib, 0}}).micros(), 0);
  EXPECT_EQ(StorageCost({}).micros(), 0);
}

class StorageRecordsTest : public CostFixture {};

TEST_F(StorageRecordsTest, DirectoryBytesCountsRegularFilesOnly) {
  const std::string work = dir_ + "/work";
  std::filesystem::create_directories(work + "/out/deep");
  WriteBytes(work + "/stdout.log", 1000);
  WriteBytes(work + "/out/deep/data.bin", 250'000);
  WriteBytes(dir_ + "/outside.bin", 5'000'000);
  // A link to a big file elsewhere holds no bytes of the job's.
  ASSERT_EQ(::symlink((dir_ + "/outside.bin").c_str(), (work + "/link.bin").c_str()), 0);
  EXPECT_EQ(*DirectoryBytes(work), 251'000);
  EXPECT_EQ(DirectoryBytes(dir_ + "/missing").status().code(), StatusCode::kNotFound);
}

TEST_F(StorageRecordsTest, RecordedBytesArePricedInTheJobsCost) {
  const sched::Job job = RunJob(Request("climate"), 7200);
  auto records = StorageRecords::Open(path_);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_TRUE((*records)->Get(job.id)->empty());
  const StoredData stored{1, std::string(kStoredInWorkDir), 10 * kGib, 73 * 3600.0};
  ASSERT_TRUE((*records)->Put(job.id, stored).ok());
  ASSERT_TRUE((*records)->Put(job.id, stored).ok());  // replaced, not doubled
  EXPECT_EQ(*(*records)->Get(job.id), std::vector<StoredData>{stored});
  // A second opener (another process) sees the same table.
  auto again = StorageRecords::Open(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Get(job.id)->size(), 1u);

  auto costs = JobCosts::Create(*db_, "us-east-1", false);
  ASSERT_TRUE(costs.ok());
  auto cost = (*costs)->Cost(job, clock_.NowMillis());
  ASSERT_TRUE(cost.ok()) << cost.status().ToString();
  // 2 h on the host's equivalent instance ($0.136 on a c6g.large, $0.153 on a c6a.large).
  const Money compute = HostCost(Request("climate"), 7200);
  const std::string total = (compute + Money::FromMicros(80'000)).ToDecimalString();
  EXPECT_EQ(cost->compute, compute);
  EXPECT_EQ(cost->storage.ToDecimalString(), "0.080000");
  EXPECT_EQ(cost->total.ToDecimalString(), total);
  EXPECT_EQ(cost->stored_bytes, 10 * kGib);
  EXPECT_EQ(cost->basis, "local: equivalent " + HostIsa() + " instance " +
                             HostEquivalent(Request("climate")).instance.type +
                             " (the host's architecture); storage $0.08: work directory 10240.0 "
                             "MiB on EBS gp3 for 262800.0 s");
  const std::vector<ReportRow> rows = GroupCosts({*cost}, GroupBy::kProject);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].storage.ToDecimalString(), "0.080000");
  EXPECT_EQ(ReportCsv(rows, GroupBy::kProject),
            "project,jobs,running_hours,core_hours,storage_usd,cost_usd\n"
            "climate,1,2.000000,4.000000,0.080000," +
                total + "\n");

  // Budgets count it in spent.
  ASSERT_TRUE(db_->SetBudget(Budget{"climate", *Money::Parse("5"), {80}, {}, 0, ""}).ok());
  auto status = ComputeBudgetStatus(*db_, *store_, db_->FindBudget("climate")->value(), "us-east-1",
                                    clock_.NowMillis());
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->spent.ToDecimalString(), total);
}

}  // namespace
}  // namespace awshpc::cost
