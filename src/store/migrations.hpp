// File: migrations.hpp
// The job store's schema as an ordered list of migration steps, tracked by PRAGMA user_version
// (private to the store).
#pragma once

#include <span>

#include "awshpc/core/status.hpp"
#include "awshpc/store/sqlite_db.hpp"

namespace awshpc::store {

// One step from version `version - 1` to `version`. Steps are never edited once released: a
// change to the schema is a new step.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// The steps of this build, versions 1..N in order.
std::span<const Migration> JobStoreMigrations();

// The file's PRAGMA user_version. The first read of a file: a file that is not an SQLite
// database fails here, with a message naming it, before anything is written to it.
Result<int> ReadSchemaVersion(Db& db);

// FailedPrecondition naming the file if `version` is newer than `latest`.
Status CheckNotNewer(const Db& db, int version, int latest);

// Brings the database to the last version of `steps`, each step in its own BEGIN IMMEDIATE
// transaction (so processes opening a new file at once apply each step exactly once). Refuses,
// without writing, a file newer than `steps` or an SQLite file of another application.
Status Migrate(Db& db, std::span<const Migration> steps);

}  // namespace awshpc::store
