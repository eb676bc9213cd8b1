// File: sqlite_db.cpp
#include "awshpc/store/sqlite_db.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

namespace awshpc::store {
namespace {

StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StatusCode::kUnavailable;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return StatusCode::kResourceExhausted;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CONSTRAINT:
      return StatusCode::kFailedPrecondition;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

bool IsBusy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

// Short, growing sleeps with jitter: lock holders in this store keep the lock for well under a
// millisecond, so SQLite's default schedule (sleeps up to 100 ms) would waste most of the time.
void BackOff(int attempt) {
  const int shift = std::min(attempt, 6);
  const auto base = std::chrono::microseconds(50 << shift);  // 50 us .. 3.2 ms
  // Cheap jitter from the pid and attempt: waiters of different processes wake apart.
  const auto jitter = std::chrono::microseconds((getpid() * 7919 + attempt * 104729) % 97);
  std::this_thread::sleep_for(base + jitter);
}

std::string SqlSnippet(sqlite3_stmt* stmt) {
  std::string sql = sqlite3_sql(stmt) != nullptr ? sqlite3_sql(stmt) : "";
  if (sql.size() > 60) sql = sql.substr(0, 57) + "...";
  return sql;
}

}  // namespace

// ---- Stmt ----

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Bind(int index, std::int64_t value) {
  Check(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Stmt& Stmt::Bind(int index, double value) {
  Check(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may die before Step().
  Check(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::BindNull(int index) {
  Check(sqlite3_bind_null(stmt_, index));
  return *this;
}

void Stmt::Check(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

Result<bool> Stmt::Step() {
  if (bind_error_ != SQLITE_OK) {
    return db_->Error(bind_error_, "binding a parameter of " + SqlSnippet(stmt_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, "running " + SqlSnippet(stmt_));
}

Status Stmt::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

bool Stmt::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Stmt::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

int Stmt::Int(int column) const { return sqlite3_column_int(stmt_, column); }

double Stmt::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Stmt::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::int64_t> Stmt::OptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int64(column);
}

std::optional<int> Stmt::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

// ---- Db ----

Result<std::unique_ptr<Db>> Db::Open(const std::string& path,
                                     std::chrono::milliseconds busy_timeout) {
  std::unique_ptr<Db> db(new Db(path));
  // NOMUTEX: the store serialises use of a connection itself; SQLite's own mutex would be
  // redundant work on every call.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db->db_,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  db->opener_pid_ = getpid();
  if (rc != SQLITE_OK) {
    std::string message = db->db_ != nullptr ? sqlite3_errmsg(db->db_) : sqlite3_errstr(rc);
    return Status(CodeFor(rc), fmt::format("cannot open job store {}: {}", path, message));
  }
  db->busy_timeout_ = busy_timeout;
  sqlite3_busy_handler(db->db_, &Db::BusyHandler, db.get());
  return db;
}

Db::~Db() {
  // A child forked from the process that opened this connection must not close it: closing can
  // checkpoint and delete the WAL under the parent's feet. The child opens its own connection.
  if (getpid() != opener_pid_) return;
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

int Db::BusyHandler(void* self, int count) {
  auto* db = static_cast<Db*>(self);
  const auto now = std::chrono::steady_clock::now();
  if (count == 0) db->busy_since_ = now;
  if (now - db->busy_since_ >= db->busy_timeout_) return 0;  // give up: SQLITE_BUSY
  BackOff(count);
  return 1;
}

Status Db::Exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Status(CodeFor(rc), fmt::format("job store {}: {}", path_, text));
}

Status Db::RetryWhileBusy(const std::function<Status()>& attempt) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
  for (int count = 0;; ++count) {
    Status status = attempt();
    if (status.ok() || !IsBusy(sqlite3_errcode(db_)) ||
        std::chrono::steady_clock::now() >= deadline) {
      return status;
    }
    BackOff(count);
  }
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return Error(
          rc, fmt::format("preparing {}", sql.substr(0, std::min<std::size_t>(60, sql.size()))));
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  // Two live uses of one cached statement would trample each other's bindings and cursor.
  if (sqlite3_stmt_busy(it->second) != 0) {
    return InternalError(fmt::format("statement in use twice: {}", SqlSnippet(it->second)));
  }
  return Stmt(*this, it->second);
}

Status Db::Error(int rc, std::string_view what) const {
  const char* message =
      sqlite3_extended_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  return Status(CodeFor(rc), fmt::format("job store {}: {}: {}", path_, what, message));
}

// ---- Transaction ----

Result<Transaction> Transaction::Begin(Db& db, Kind kind) {
  ASSIGN_OR_RETURN(Stmt begin,
                   db.Prepare(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  const auto deadline = std::chrono::steady_clock::now() + db.busy_timeout_;
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_step(begin.stmt_);
    if (rc == SQLITE_DONE) return Transaction(db);
    // The busy handler has already waited for ordinary lock holders; SQLite also returns BUSY
    // without calling it (e.g. while another connection recovers the WAL), so retry here too.
    if (!IsBusy(rc) || std::chrono::steady_clock::now() >= deadline) {
      return db.Error(rc, fmt::format("starting a transaction (waited {} ms for other processes)",
                                      db.busy_timeout_.count()));
    }
    sqlite3_reset(begin.stmt_);
    BackOff(attempt);
  }
}

Status Transaction::Commit() {
  ASSIGN_OR_RETURN(Stmt commit, db_.Prepare("COMMIT"));
  const auto deadline = std::chrono::steady_clock::now() + db_.busy_timeout_;
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_step(commit.stmt_);
    if (rc == SQLITE_DONE) {
      open_ = false;
      return Status::Ok();
    }
    if (!IsBusy(rc) || std::chrono::steady_clock::now() >= deadline) {
      return db_.Error(rc, "committing");
    }
    sqlite3_reset(commit.stmt_);
    BackOff(attempt);
  }
}

Transaction::~Transaction() {
  // Some errors (disk full, I/O) already rolled the transaction back inside SQLite.
  if (!open_ || sqlite3_get_autocommit(db_.handle()) != 0) return;
  sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace awshpc::store
