// File: sqlite_conn.hpp
// A small private SQLite layer for the cost tables: the cost module opens its own connection to
// the job store file (WAL, busy timeout) and never touches the store's tables or PRAGMA
// user_version.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "awshpc/core/status.hpp"

namespace awshpc::cost::internal {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  // Advances one row: true if a row is available, false when done.
  Result<bool> Step();
  Status Run();
  // Rewinds after Run() so the statement can be bound and run again.
  void Reset() { sqlite3_reset(stmt_); }

  std::int64_t Int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  int Int(int column) const { return sqlite3_column_int(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens an existing database file with a 10 s busy timeout (the caller switches to WAL
  // once it knows the file is the right one).
  static Result<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& path() const { return path_; }
  Status Exec(const char* sql);
  Result<Statement> Prepare(std::string_view sql);
  Status Error(int rc, std::string_view what) const;
  // BEGIN IMMEDIATE ... COMMIT around `body`; rolled back if body fails.
  template <typename F>
  Status WriteTransaction(F&& body) {
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status status = body();
    if (!status.ok()) {
      Exec("ROLLBACK").IgnoreError();
      return status;
    }
    return Exec("COMMIT");
  }

 private:
  explicit Connection(std::string path) : path_(std::move(path)) {}
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace awshpc::cost::internal
