// File: migrations.cpp
// Schema history of the job store. Append new steps; never edit a released one.
#include "migrations.hpp"

#include <fmt/format.h>

namespace awshpc::store {
namespace {

// Version 1. Columns that queries filter or sort on (state, backend, priority, resources) are
// columns; the rest of the request is one JSON document, so adding a request field needs no
// migration. STRICT: SQLite rejects a value of the wrong type instead of storing it.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE jobs (
  id                     TEXT PRIMARY KEY NOT NULL,
  sequence               INTEGER NOT NULL,
  state                  TEXT NOT NULL CHECK (state IN ('PENDING', 'SUBMITTED', 'RUNNABLE',
                           'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  reason                 TEXT NOT NULL DEFAULT '',
  name                   TEXT NOT NULL,
  app                    TEXT NOT NULL,
  backend                TEXT NOT NULL,
  priority               INTEGER NOT NULL,
  vcpus                  INTEGER NOT NULL,
  memory_mib             INTEGER NOT NULL,
  nodes                  INTEGER NOT NULL,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  started_at             INTEGER,
  ended_at               INTEGER,
  attempts               INTEGER NOT NULL DEFAULT 0,
  cancel_requested       INTEGER NOT NULL DEFAULT 0,
  exit_code              INTEGER,
  term_signal            INTEGER,
  wall_seconds           REAL NOT NULL DEFAULT 0,
  cpu_user_seconds       REAL NOT NULL DEFAULT 0,
  cpu_system_seconds     REAL NOT NULL DEFAULT 0,
  max_rss_kib            INTEGER NOT NULL DEFAULT 0,
  request_json           TEXT NOT NULL,
  metrics_json           TEXT NOT NULL DEFAULT '{}',
  supervisor_pid         INTEGER NOT NULL DEFAULT 0,
  supervisor_start_ticks INTEGER NOT NULL DEFAULT 0,
  process_group          INTEGER NOT NULL DEFAULT 0,
  work_dir               TEXT NOT NULL DEFAULT ''
) STRICT;
-- Few indexes on purpose: each one costs a page write per commit. Lists walk jobs_by_sequence
-- (newest first, stopping at the limit) or jobs_by_state; app and backend are filters on the way.
-- Submission order; also makes MAX(sequence) + 1 a single index probe.
CREATE UNIQUE INDEX jobs_by_sequence ON jobs (sequence);
CREATE INDEX jobs_by_state ON jobs (state, sequence);
-- ClaimNextRunnable: the head of a backend's RUNNABLE queue is the first entry of this range,
-- and the backend's STARTING and RUNNING jobs are two short ranges.
CREATE INDEX jobs_claim ON jobs (backend, state, priority DESC, sequence ASC);

CREATE TABLE job_events (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq    INTEGER NOT NULL,
  state  TEXT NOT NULL,
  time   INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) STRICT, WITHOUT ROWID;
)sql";

constexpr Migration kMigrations[] = {
    {1, "jobs and job_events", kSchemaV1},
};

}  // namespace

Status CheckNotNewer(const Db& db, int version, int supported) {
  if (version <= supported) return Status::Ok();
  return FailedPreconditionError(fmt::format(
      "job store {} has schema version {}, newer than this aws-hpc supports ({}); it was written "
      "by a newer aws-hpc: upgrade aws-hpc (the file was not modified)",
      db.path(), version, supported));
}

namespace {

// An SQLite file at version 0 that already has tables belongs to someone else.
Result<bool> HasTables(Db& db) {
  ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT count(*) FROM sqlite_schema "
                                         "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row && stmt.Int64(0) > 0;
}

}  // namespace

std::span<const Migration> JobStoreMigrations() { return kMigrations; }

Result<int> ReadSchemaVersion(Db& db) {
  auto stmt = db.Prepare("PRAGMA user_version");
  auto row = stmt.ok() ? stmt->Step() : Result<bool>(stmt.status());
  if (!row.ok()) {
    const int rc = sqlite3_extended_errcode(db.handle());
    if (rc == SQLITE_NOTADB) {
      return FailedPreconditionError(fmt::format(
          "{} is not an aws-hpc job store: the file is not an SQLite database", db.path()));
    }
    if ((rc & 0xff) == SQLITE_CORRUPT) {
      return FailedPreconditionError(
          fmt::format("job store {} is corrupt: {}", db.path(), row.status().message()));
    }
    return row.status();
  }
  return *row ? stmt->Int(0) : 0;
}

Status Migrate(Db& db, std::span<const Migration> steps) {
  const int latest = steps.empty() ? 0 : steps.back().version;
  ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db));
  if (version == latest) return Status::Ok();  // the common case: one header read
  RETURN_IF_ERROR(CheckNotNewer(db, version, latest));

  for (const Migration& step : steps) {
    if (step.version <= version) continue;
    ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, Transaction::Kind::kWrite));
    // Another process may have migrated between our read and our lock: read again under it.
    ASSIGN_OR_RETURN(version, ReadSchemaVersion(db));
    RETURN_IF_ERROR(CheckNotNewer(db, version, latest));
    if (version >= step.version) continue;
    if (version == 0) {
      ASSIGN_OR_RETURN(bool foreign, HasTables(db));
      if (foreign) {
        return FailedPreconditionError(fmt::format(
            "{} is an SQLite database of another application (it has tables but no aws-hpc "
            "schema version); refusing to modify it",
            db.path()));
      }
    }
    if (version != step.version - 1) {
      return InternalError(fmt::format("job store {}: no migration from schema version {} to {}",
                                       db.path(), version, step.version));
    }
    RETURN_IF_ERROR_CTX(db.Exec(step.sql), fmt::format("migrating to schema version {} ({})",
                                                       step.version, step.description));
    // user_version lives in the database header, so it commits or rolls back with the step.
    RETURN_IF_ERROR(db.Exec(fmt::format("PRAGMA user_version = {}", step.version).c_str()));
    RETURN_IF_ERROR(txn.Commit());
    version = step.version;
  }
  return Status::Ok();
}

}  // namespace awshpc::store
