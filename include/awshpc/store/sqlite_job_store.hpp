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
//
// Missing parent directories are created with mode 0700 and a new file with mode 0600 (job
// environments may hold secrets). Errors name the path: FailedPrecondition for a file that is not
// an SQLite database, belongs to another application or has a newer schema (never modified).
// Cheap enough to call per CLI command (see docs/store.md for figures).
//
// One store object may be shared by threads (calls are serialised). Do not use it across fork():
// the child opens its own store; a copy inherited by a child is left untouched when destroyed.
Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path,
                                                     const Clock& clock = SystemClock::Instance());

// The schema version this build writes; a newer file is refused rather than damaged.
int SqliteJobStoreSchemaVersion();

}  // namespace awshpc::store
