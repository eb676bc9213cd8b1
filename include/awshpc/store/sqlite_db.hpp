// File: awshpc/store/sqlite_db.hpp
// A thin RAII layer over one SQLite connection: errors as Status naming the file, a
// per-connection cache of prepared statements, and BEGIN IMMEDIATE transactions that wait out
// other processes. The job store uses it, and so do modules that keep their own tables in the
// job store's file (the Batch backend).
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "awshpc/core/status.hpp"

namespace awshpc::store {

class Db;

// A cached prepared statement in use. Resets itself and clears its bindings when it goes out of
// scope, so a cached statement never holds a read snapshot open between calls.
class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_), bind_error_(other.bind_error_) {
    other.stmt_ = nullptr;
  }
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQLite.
  Stmt& Bind(int index, std::int64_t value);
  Stmt& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Stmt& Bind(int index, double value);
  Stmt& Bind(int index, std::string_view value);
  Stmt& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Stmt& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Stmt& BindNull(int index);
  template <typename T>
  Stmt& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Advances one row: true if a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows (or whose rows are not needed).
  Status Run();
  // Rewinds to run again; bindings stay.
  void Reset() { sqlite3_reset(stmt_); }

  bool IsNull(int column) const;
  std::int64_t Int64(int column) const;
  int Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  std::optional<std::int64_t> OptionalInt64(int column) const;
  std::optional<int> OptionalInt(int column) const;

 private:
  friend class Transaction;
  void Check(int rc);

  Db* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;  // first failed bind, reported by Step()
};

class Db {
 public:
  // Opens (creating if needed) the database file with a busy handler that waits up to
  // `busy_timeout` for other connections. Errors name `path`.
  static Result<std::unique_ptr<Db>> Open(const std::string& path,
                                          std::chrono::milliseconds busy_timeout);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs one or more statements without results (schema, pragmas, transaction control).
  Status Exec(const char* sql);
  // A prepared statement for `sql`, compiled once per connection and reused.
  Result<Stmt> Prepare(std::string_view sql);

  // Runs `attempt` until it succeeds, fails for a reason other than a lock held by another
  // connection, or the busy timeout passes. For steps SQLite may fail with SQLITE_BUSY without
  // calling the busy handler (switching to WAL, reading a WAL another process is recovering);
  // `attempt` must be safe to repeat.
  Status RetryWhileBusy(const std::function<Status()>& attempt);

  // A Status for SQLite result code `rc` of this connection: "<what> (<path>): <message>".
  Status Error(int rc, std::string_view what) const;

  std::int64_t Changes() const { return sqlite3_changes64(db_); }

 private:
  friend class Transaction;
  explicit Db(std::string path) : path_(std::move(path)) {}
  static int BusyHandler(void* self, int count);

  std::string path_;
  sqlite3* db_ = nullptr;
  pid_t opener_pid_ = 0;
  std::chrono::milliseconds busy_timeout_{0};
  std::chrono::steady_clock::time_point busy_since_{};
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// A transaction rolled back unless committed. Write transactions use BEGIN IMMEDIATE, which takes
// the write lock up front: a read-modify-write never fails half-way with SQLITE_BUSY because
// another process wrote in between.
class Transaction {
 public:
  enum class Kind { kRead, kWrite };
  static Result<Transaction> Begin(Db& db, Kind kind);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(other.db_), open_(other.open_) {
    other.open_ = false;
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;

  Status Commit();

 private:
  explicit Transaction(Db& db) : db_(db) {}
  Db& db_;
  bool open_ = true;
};

}  // namespace awshpc::store
