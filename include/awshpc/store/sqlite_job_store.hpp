// File: sqlite_job_store.hpp
// JobStore on SQLite: WAL mode, versioned migrations, busy timeout, BEGIN IMMEDIATE for every
// read-modify-write, so several CLI processes and job supervisors share one file safely.
#pragma once

#include <memory>
#include <string>

#include "awshpc/core/clock.hpp"
#include "awshpc/store/job_store.hpp"

namespace awshpc::store {

// Opens (creating if needed) the store at `path` and applies pending migrations. The clock
// stamps every state change; it must outlive the store.
Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path,
                                                     const Clock& clock = SystemClock::Instance());

// The schema version this build writes; a newer file is refused rather than damaged.
int SqliteJobStoreSchemaVersion();

}  // namespace awshpc::store
