// File: migrations_test.cpp
// Opening files: new, empty, migrated step by step, newer than this build, not a database.
#include "migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "awshpc/store/sqlite_job_store.hpp"
#include "store_test_util.hpp"

namespace awshpc::store {
namespace {

using ::testing::HasSubstr;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

// Runs SQL on a file with a plain connection, as another program would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

int RawInt(Db& db, const char* sql) {
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  auto row = stmt->Step();
  EXPECT_TRUE(row.ok() && *row);
  return stmt->Int(0);
}

std::unique_ptr<Db> OpenDb(const std::string& path) {
  auto db = Db::Open(path, std::chrono::milliseconds(1000));
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

TEST(MigrationsTest, StepsAreNumberedOneToN) {
  int expected = 1;
  for (const Migration& step : JobStoreMigrations()) EXPECT_EQ(step.version, expected++);
  EXPECT_EQ(SqliteJobStoreSchemaVersion(), expected - 1);
}

TEST(MigrationsTest, MigratesAnEmptyFileFromVersionZero) {
  TempDir dir;
  const std::string path = dir.File("jobs.db");
  WriteFileBytes(path, "");
  auto store = OpenSqliteJobStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store->reset();

  auto db = OpenDb(path);
  EXPECT_EQ(RawInt(*db, "PRAGMA user_version"), SqliteJobStoreSchemaVersion());
  EXPECT_EQ(RawInt(*db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('jobs', 'job_events')"),
            2);
  auto mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok() && *mode->Step());
  EXPECT_EQ(mode->Text(0), "wal");
}

TEST(MigrationsTest, CreatesMissingParentsPrivately) {
  TempDir dir;
  const std::string path = dir.File("a/b/jobs.db");
  auto store = OpenSqliteJobStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  struct stat info {};
  ASSERT_EQ(stat(dir.File("a").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(dir.File("a/b").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(MigrationsTest, ReopeningIsIdempotent) {
  TempDir dir;
  const std::string path = dir.File("jobs.db");
  for (int i = 0; i < 3; ++i) {
    auto store = OpenSqliteJobStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Create(testing::MakeRequest("x"), sched::JobState::kSubmitted, "").ok());
  }
  auto store = OpenSqliteJobStore(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->Count({}), 3);
}

TEST(MigrationsTest, RefusesANewerFileWithoutTouchingIt) {
  TempDir dir;
  const std::string path = dir.File("jobs.db");
  RawExec(path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  const std::string before = ReadFileBytes(path);
  auto store = OpenSqliteJobStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  EXPECT_THAT(store.status().message(), HasSubstr("schema version 99"));
  EXPECT_THAT(store.status().message(), HasSubstr("upgrade aws-hpc"));
  EXPECT_EQ(ReadFileBytes(path), before);
}

TEST(MigrationsTest, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.File("jobs.db");
  const std::string garbage(4096, 'x');
  WriteFileBytes(path, "this is not a database\n" + garbage);
  const std::string before = ReadFileBytes(path);
  auto store = OpenSqliteJobStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  EXPECT_THAT(store.status().message(), HasSubstr("not an SQLite database"));
  EXPECT_EQ(ReadFileBytes(path), before);
}

TEST(MigrationsTest, RefusesAnotherApplicationsDatabase) {
  TempDir dir;
  const std::string path = dir.File("jobs.db");
  RawExec(path, "CREATE TABLE recipes (name TEXT);");
  auto store = OpenSqliteJobStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  EXPECT_THAT(store.status().message(), HasSubstr("another application"));
}

TEST(MigrationsTest, ReportsAPathThatCannotBeOpened) {
  TempDir dir;
  auto store = OpenSqliteJobStore(dir.path());  // a directory
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr(dir.path()));
}

TEST(MigrationsTest, AppliesOnlyPendingStepsEachInItsOwnTransaction) {
  TempDir dir;
  const std::string path = dir.File("steps.db");
  const Migration v1[] = {{1, "one", "CREATE TABLE a (x INTEGER);"}};
  const Migration v3[] = {{1, "one", "CREATE TABLE a (x INTEGER);"},
                          {2, "two", "CREATE TABLE b (x INTEGER);"},
                          {3, "three", "CREATE TABLE c (x INTEGER); SELECT no_such_function();"}};
  auto db = OpenDb(path);
  ASSERT_TRUE(Migrate(*db, v1).ok());
  EXPECT_EQ(RawInt(*db, "PRAGMA user_version"), 1);

  // Step 2 commits; step 3 fails and leaves nothing behind.
  Status status = Migrate(*db, v3);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("schema version 3 (three)"));
  EXPECT_EQ(RawInt(*db, "PRAGMA user_version"), 2);
  EXPECT_EQ(RawInt(*db, "SELECT count(*) FROM sqlite_schema WHERE name = 'b'"), 1);
  EXPECT_EQ(RawInt(*db, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), 0);

  // Version 2 is newer than a build that knows only step 1.
  status = Migrate(*db, v1);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace awshpc::store
