// File: storage_records.cpp
#include "awshpc/cost/storage_records.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <system_error>

namespace awshpc::cost {
namespace {

// Its own table and version, as the Batch backend keeps its records (batch_records.cpp): the job
// store's migrations never touch it, and the writer (the local supervisor) does not link the cost
// engine that owns the cost_* migrations. Later changes are steps guarded by the version.
constexpr const char* kStorageSchema = R"sql(
CREATE TABLE IF NOT EXISTS job_storage_schema (version INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS job_storage (
  job_id       TEXT NOT NULL,
  attempt      INTEGER NOT NULL CHECK (attempt >= 1),
  location     TEXT NOT NULL CHECK (location IN ('work-dir', 's3-output')),
  bytes        INTEGER NOT NULL CHECK (bytes >= 0),
  held_seconds REAL NOT NULL CHECK (held_seconds >= 0),
  PRIMARY KEY (job_id, attempt, location)
) STRICT, WITHOUT ROWID;
INSERT INTO job_storage_schema SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM job_storage_schema);
)sql";

}  // namespace

Result<std::int64_t> DirectoryBytes(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return NotFoundError(fmt::format("{}: no such directory", dir));
  }
  std::int64_t total = 0;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, error);
  if (error) return InternalError(fmt::format("reading {}: {}", dir, error.message()));
  for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
    if (error) break;  // the tree changed under us: count what was seen
    std::error_code entry_error;
    if (!it->is_regular_file(entry_error) || it->is_symlink(entry_error)) continue;
    const std::uintmax_t size = it->file_size(entry_error);
    if (!entry_error) total += static_cast<std::int64_t>(size);
  }
  return total;
}

Result<std::unique_ptr<StorageRecords>> StorageRecords::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<store::Db> db, store::Db::Open(path, std::chrono::seconds(10)));
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"));
  RETURN_IF_ERROR(db->RetryWhileBusy([&db] { return db->Exec(kStorageSchema); }));
  return std::unique_ptr<StorageRecords>(new StorageRecords(std::move(db)));
}

Status StorageRecords::Put(std::string_view job_id, const StoredData& stored) {
  ASSIGN_OR_RETURN(store::Stmt stmt,
                   db_->Prepare("INSERT OR REPLACE INTO job_storage (job_id, attempt, location, "
                                "bytes, held_seconds) VALUES (?1, ?2, ?3, ?4, ?5)"));
  return stmt.Bind(1, job_id)
      .Bind(2, static_cast<std::int64_t>(stored.attempt))
      .Bind(3, stored.location)
      .Bind(4, stored.bytes)
      .Bind(5, stored.held_seconds)
      .Run();
}

Result<std::vector<StoredData>> StorageRecords::Get(std::string_view job_id) {
  ASSIGN_OR_RETURN(store::Stmt stmt,
                   db_->Prepare("SELECT attempt, location, bytes, held_seconds FROM job_storage "
                                "WHERE job_id = ?1 ORDER BY attempt, location"));
  stmt.Bind(1, job_id);
  std::vector<StoredData> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(StoredData{stmt.Int(0), stmt.Text(1), stmt.Int64(2), stmt.Double(3)});
  }
}

}  // namespace awshpc::cost
