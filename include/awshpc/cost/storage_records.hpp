// File: storage_records.hpp
// What each attempt of a job left in storage, as its backend measured it when the attempt ended:
// the local backend the bytes of the job's work directory. Kept in the job store's SQLite file
// beside the cost tables; small on purpose (store and core only) so the local supervisor records
// without the cost engine. Priced by accounting.hpp (StorageCost).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "awshpc/core/status.hpp"
#include "awshpc/store/sqlite_db.hpp"

namespace awshpc::cost {

// Where the bytes were held, and so how they are priced (docs/cost.md, "Storage").
inline constexpr std::string_view kStoredInWorkDir = "work-dir";    // EBS gp3 while it ran
inline constexpr std::string_view kStoredInS3Output = "s3-output";  // S3 Standard, one month

struct StoredData {
  int attempt = 1;
  std::string location;  // kStoredInWorkDir or kStoredInS3Output
  std::int64_t bytes = 0;
  double held_seconds = 0;  // how long the attempt held them (work directory: its running time)
  friend bool operator==(const StoredData&, const StoredData&) = default;
};

// Bytes of the regular files under `dir` (recursively; symbolic links are not followed, files
// that vanish while walking are skipped). NotFound when `dir` does not exist.
Result<std::int64_t> DirectoryBytes(const std::string& dir);

class StorageRecords {
 public:
  // Opens the job store file at `path` (it must exist) and creates the table on first use.
  static Result<std::unique_ptr<StorageRecords>> Open(const std::string& path);

  // Records (or replaces) what one attempt stored at one location.
  Status Put(std::string_view job_id, const StoredData& stored);
  // Every record of a job, by attempt then location; empty when nothing was recorded.
  Result<std::vector<StoredData>> Get(std::string_view job_id);

 private:
  explicit StorageRecords(std::unique_ptr<store::Db> db) : db_(std::move(db)) {}
  std::unique_ptr<store::Db> db_;
};

}  // namespace awshpc::cost
