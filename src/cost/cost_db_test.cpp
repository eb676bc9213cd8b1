// The cost tables: their own migrations beside the job store's, snapshots, prices, budgets.
#include "awshpc/cost/cost_db.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cost_test_util.hpp"

namespace awshpc::cost {
namespace {

using testing::CostFixture;

class CostDbTest : public CostFixture {};

void ExecSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST_F(CostDbTest, MigratesBesideTheJobStore) {
  EXPECT_EQ(*db_->FileSchemaVersion(), CostDb::SchemaVersion());
  // Reopening is a no-op, and the job store still opens the shared file.
  db_.reset();
  auto again = CostDb::Open(path_, clock_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  store_.reset();
  auto store = store::OpenSqliteJobStore(path_, clock_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Create(Request("p"), sched::JobState::kRunnable, "ok").ok());
}

TEST_F(CostDbTest, RefusesAFileThatIsNotAJobStore) {
  const std::string missing = dir_ + "/missing.db";
  EXPECT_FALSE(CostDb::Open(missing, clock_).ok());
  EXPECT_FALSE(std::filesystem::exists(missing));
  const std::string other = dir_ + "/other.db";
  ExecSql(other, "CREATE TABLE t (x)");
  auto refused = CostDb::Open(other, clock_);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("not an aws-hpc job store"), std::string::npos);
}

TEST_F(CostDbTest, RefusesANewerCostSchemaUnmodified) {
  db_.reset();
  ExecSql(path_, "INSERT INTO cost_schema_version (version, applied_at) VALUES (99, 0)");
  auto refused = CostDb::Open(path_, clock_);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("cost schema version 99"), std::string::npos);
}

TEST_F(CostDbTest, SnapshotLoadsOnceAndOlderPricesNeverReplaceNewer) {
  auto snapshots = db_->Snapshots();
  ASSERT_TRUE(snapshots.ok());
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->front().first.substr(0, 20), "2026-01-19 embedded ");
  EXPECT_NE(snapshots->front().second.find("karpenter"), std::string::npos);

  const std::string header =
      "# source t: test\ninstance_type,family,vcpus,cores,memory_gib,arch,gpus,gpu_model,efa,"
      "region,usd_per_hour,source\n";
  const std::string row = "c5.4xlarge,c5,16,8,32,x86_64,0,,0,us-east-1,";
  auto older = ParseSnapshotCsv("# date: 2025-01-01\n" + header + row + "0.5,t\n");
  ASSERT_TRUE(older.ok());
  EXPECT_TRUE(*db_->LoadSnapshot(*older));
  EXPECT_FALSE(*db_->LoadSnapshot(*older));  // same date: skipped
  EXPECT_EQ(db_->Price("c5.4xlarge", "us-east-1")->per_hour.ToDecimalString(), "0.680000");
  auto newer = ParseSnapshotCsv("# date: 2027-01-01\n" + header + row + "0.7,t\n");
  ASSERT_TRUE(newer.ok());
  EXPECT_TRUE(*db_->LoadSnapshot(*newer));
  auto price = db_->Price("c5.4xlarge", "us-east-1");
  EXPECT_EQ(price->per_hour.ToDecimalString(), "0.700000");
  EXPECT_EQ(price->as_of, "2027-01-01");
  EXPECT_EQ(price->source, "t");
}

TEST_F(CostDbTest, PriceFilters) {
  PriceFilter filter;
  filter.families = {"hpc7g", "c7gn"};
  filter.region = "us-east-1";
  auto rows = db_->Prices(filter);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 3u + 9u);
  for (const PriceRow& row : *rows) EXPECT_EQ(row.instance.arch, "arm64");
  // Sorted by price within the region.
  for (std::size_t i = 1; i < rows->size(); ++i)
    EXPECT_LE((*rows)[i - 1].per_hour, (*rows)[i].per_hour);

  filter = PriceFilter{};
  filter.arch = "x86_64";
  filter.families = {"hpc7a"};
  rows = db_->Prices(filter);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 8u);  // 4 sizes in us-east-2 and eu-west-1
  filter.arch = "arm64";
  EXPECT_TRUE(db_->Prices(filter)->empty());

  auto missing = db_->Price("hpc7a.96xlarge", "us-east-1");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("hpc7a.96xlarge in us-east-1"), std::string::npos);
}

TEST_F(CostDbTest, BudgetsAndAlertsOncePerMonth) {
  Budget budget{"climate", *Money::Parse("500"), {50, 80, 100}, {"notify", "--urgent"}, 0, ""};
  ASSERT_TRUE(db_->SetBudget(budget).ok());
  budget.monthly = *Money::Parse("750.25");
  budget.aws_mirror = R"({"account_id":"123456789012","subscribers":[]})";
  ASSERT_TRUE(db_->SetBudget(budget).ok());
  auto budgets = db_->Budgets();
  ASSERT_TRUE(budgets.ok());
  ASSERT_EQ(budgets->size(), 1u);
  EXPECT_EQ(budgets->front().monthly.ToDecimalString(), "750.250000");
  EXPECT_EQ(budgets->front().hook_argv, (std::vector<std::string>{"notify", "--urgent"}));
  EXPECT_EQ(budgets->front().updated_at, testing::kMidNovember);
  EXPECT_EQ(budgets->front().aws_mirror, budget.aws_mirror);

  EXPECT_TRUE(*db_->RecordAlert("climate", "2026-11", 50));
  EXPECT_FALSE(*db_->RecordAlert("climate", "2026-11", 50));
  EXPECT_TRUE(*db_->RecordAlert("climate", "2026-12", 50));

  EXPECT_TRUE(*db_->DeleteBudget("climate"));
  EXPECT_FALSE(*db_->DeleteBudget("climate"));
  EXPECT_FALSE(db_->FindBudget("climate")->has_value());
  EXPECT_TRUE(*db_->RecordAlert("climate", "2026-11", 50));  // deleting forgot the alerts
}

}  // namespace
}  // namespace awshpc::cost
