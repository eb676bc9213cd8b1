// File: sqlite_conn.cpp
#include "sqlite_conn.hpp"

#include <fmt/format.h>

namespace awshpc::cost::internal {
namespace {

StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return StatusCode::kUnavailable;
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return StatusCode::kPermissionDenied;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CONSTRAINT:
      return StatusCode::kFailedPrecondition;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Statement& Statement::Bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  const int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return Status(CodeFor(bind_error_),
                  fmt::format("cost tables: binding a parameter: {}", sqlite3_errstr(bind_error_)));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Status(CodeFor(rc), fmt::format("cost tables: {}", sqlite3_errmsg(db_)));
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  std::unique_ptr<Connection> connection(new Connection(path));
  const int rc = sqlite3_open_v2(path.c_str(), &connection->db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    return Status(CodeFor(rc), fmt::format("cannot open {}: {}", path,
                                           connection->db_ ? sqlite3_errmsg(connection->db_)
                                                           : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(connection->db_, 10'000);
  return connection;
}

Connection::~Connection() { sqlite3_close_v2(db_); }

Status Connection::Exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Status(CodeFor(rc), fmt::format("cost tables in {}: {}", path_, text));
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "preparing a statement");
  return Statement(db_, stmt);
}

Status Connection::Error(int rc, std::string_view what) const {
  return Status(CodeFor(rc),
                fmt::format("cost tables in {}: {}: {}", path_, what, sqlite3_errmsg(db_)));
}

}  // namespace awshpc::cost::internal
