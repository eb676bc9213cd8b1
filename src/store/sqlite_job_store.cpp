// File: sqlite_job_store.cpp
// JobStore on one SQLite connection per process: every read-modify-write is a BEGIN IMMEDIATE
// transaction, so the state machine holds across CLI processes and job supervisors.
#include "awshpc/store/sqlite_job_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <mutex>
#include <utility>

#include "awshpc/core/ids.hpp"
#include "awshpc/core/text.hpp"
#include "awshpc/core/units.hpp"
#include "awshpc/store/sqlite_db.hpp"
#include "job_json.hpp"
#include "migrations.hpp"
#include "sqlite_job_store_internal.hpp"

namespace awshpc::store {
namespace {

using sched::Job;
using sched::JobState;

constexpr auto kBusyTimeout = std::chrono::seconds(10);
// 40 random bits per id: a collision is rare but not impossible in a store of millions.
constexpr int kIdAttempts = 16;
constexpr std::size_t kMaxCandidates = 5;

// Column list of every query that returns jobs; ReadJobRow reads them by position.
#define AWSHPC_JOB_COLUMNS                                                                \
  "id, sequence, state, reason, created_at, updated_at, started_at, ended_at, attempts, " \
  "cancel_requested, exit_code, term_signal, wall_seconds, cpu_user_seconds, "            \
  "cpu_system_seconds, max_rss_kib, request_json, metrics_json, supervisor_pid, "         \
  "supervisor_start_ticks, process_group, work_dir"

constexpr const char* kSelectJob = "SELECT " AWSHPC_JOB_COLUMNS " FROM jobs WHERE id = ?1";

constexpr const char* kSelectState = "SELECT state, cancel_requested FROM jobs WHERE id = ?1";

constexpr const char* kInsertJob =
    "INSERT INTO jobs (id, sequence, state, reason, name, app, backend, priority, vcpus, "
    "memory_mib, nodes, created_at, updated_at, started_at, ended_at, attempts, request_json) "
    "VALUES (?1, (SELECT COALESCE(MAX(sequence), 0) + 1 FROM jobs), ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9, ?10, ?11, ?11, ?12, ?13, ?14, ?15) RETURNING sequence";

constexpr const char* kInsertEvent =
    "INSERT INTO job_events (job_id, seq, state, time, reason) VALUES (?1, "
    "(SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = ?1), ?2, ?3, ?4)";

constexpr const char* kUpdateState =
    "UPDATE jobs SET state = ?2, reason = ?3, updated_at = ?4, "
    "started_at = CASE WHEN ?2 = 'RUNNING' THEN ?4 ELSE started_at END, "
    "attempts = attempts + (?2 = 'RUNNING'), "
    "ended_at = CASE WHEN ?5 THEN ?4 ELSE ended_at END WHERE id = ?1";

constexpr const char* kUpdateOutcome =
    "UPDATE jobs SET exit_code = ?2, term_signal = ?3, wall_seconds = ?4, cpu_user_seconds = ?5, "
    "cpu_system_seconds = ?6, max_rss_kib = ?7, metrics_json = ?8 WHERE id = ?1";

constexpr const char* kUsedCapacity =
    "SELECT COALESCE(SUM(vcpus * nodes), 0), COALESCE(SUM(memory_mib * nodes), 0) FROM jobs "
    "WHERE backend = ?1 AND state IN ('STARTING', 'RUNNING')";

constexpr const char* kQueueHead =
    "SELECT id, vcpus, memory_mib, nodes, cancel_requested FROM jobs "
    "WHERE backend = ?1 AND state = 'RUNNABLE' ORDER BY priority DESC, sequence ASC LIMIT 1";

std::string NoJob(std::string_view id) { return "no job " + QuoteForMessage(id); }

Result<JobState> StateFromColumn(const std::string& text) {
  auto state = sched::ParseJobState(text);
  if (!state.ok()) return InternalError("job store holds an unknown job state " + text);
  return state;
}

// Creates the missing directories above `path` with mode 0700: the store holds job
// environments, which may carry secrets.
Status EnsureParentDirectory(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return ErrnoError(fmt::format("creating directory {} for the job store", dir), errno);
    }
  }
  return Status::Ok();
}

// Creates the file readable by its owner only before SQLite does (SQLite would use 0644 & umask;
// its -wal and -shm files copy the database file's mode).
Status EnsurePrivateFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    close(fd);
    return Status::Ok();
  }
  if (errno == EEXIST) return Status::Ok();
  return ErrnoError(fmt::format("creating job store {}", path), errno);
}

class SqliteJobStore final : public JobStore {
 public:
  SqliteJobStore(std::unique_ptr<Db> db, const Clock& clock, std::function<std::string()> new_id)
      : db_(std::move(db)), clock_(clock), new_id_(std::move(new_id)) {}

  Result<Job> Create(const sched::JobRequest& request, JobState initial,
                     std::string_view reason) override;
  Result<Job> Get(std::string_view id) override;
  Result<std::string> ResolveId(std::string_view id_or_prefix) override;
  Result<std::vector<Job>> List(const JobFilter& filter) override;
  Result<std::int64_t> Count(const JobFilter& filter) override;
  Status Transition(std::string_view id, JobState to, std::string_view reason) override;
  Status TransitionAt(std::string_view id, JobState to, std::string_view reason,
                      UnixMillis at) override;
  Status FinishAt(std::string_view id, JobState final_state, std::string_view reason,
                  const sched::Outcome& outcome, UnixMillis at) override;
  Status Finish(std::string_view id, JobState final_state, std::string_view reason,
                const sched::Outcome& outcome) override;
  Status SetRuntime(std::string_view id, const sched::LocalRuntime& runtime) override;
  Result<JobState> RequestCancel(std::string_view id) override;
  Result<std::optional<Job>> ClaimNextRunnable(std::string_view backend,
                                               const Capacity& capacity) override;

 private:
  struct Current {
    JobState state;
    bool cancel_requested;
  };

  // Helpers below run inside a transaction the caller holds.
  Result<Current> ReadCurrent(std::string_view id);
  Status ChangeState(std::string_view id, JobState from, JobState to, std::string_view reason,
                     UnixMillis now);
  Status AppendEvent(std::string_view id, JobState state, UnixMillis time, std::string_view reason);
  Result<Job> ReadJob(std::string_view id);
  Result<Job> ReadJobWithHistory(std::string_view id);
  Result<Job> ReadJobRow(const Stmt& row);
  Result<std::string> InsertJob(const sched::JobRequest& request, const std::string& json,
                                JobState initial, std::string_view reason, UnixMillis now,
                                std::int64_t& sequence);
  Result<Stmt> PrepareFiltered(const char* select, const JobFilter& filter, bool ordered);

  std::mutex mu_;  // one connection, so one call at a time per store object
  std::unique_ptr<Db> db_;
  const Clock& clock_;
  std::function<std::string()> new_id_;
};

Result<SqliteJobStore::Current> SqliteJobStore::ReadCurrent(std::string_view id) {
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(kSelectState));
  stmt.Bind(1, id);
  ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return NotFoundError(NoJob(id));
  ASSIGN_OR_RETURN(JobState state, StateFromColumn(stmt.Text(0)));
  return Current{state, stmt.Int(1) != 0};
}

Status SqliteJobStore::AppendEvent(std::string_view id, JobState state, UnixMillis time,
                                   std::string_view reason) {
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(kInsertEvent));
  return stmt.Bind(1, id).Bind(2, sched::JobStateName(state)).Bind(3, time).Bind(4, reason).Run();
}

Status SqliteJobStore::ChangeState(std::string_view id, JobState from, JobState to,
                                   std::string_view reason, UnixMillis now) {
  if (!sched::IsAllowedTransition(from, to)) {
    if (sched::IsTerminal(from)) {
      return FailedPreconditionError(fmt::format("job {} already {}; cannot move it to {}", id,
                                                 sched::JobStateName(from),
                                                 sched::JobStateName(to)));
    }
    return FailedPreconditionError(fmt::format("job {} is {}; it cannot move to {}", id,
                                               sched::JobStateName(from), sched::JobStateName(to)));
  }
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(kUpdateState));
  RETURN_IF_ERROR(stmt.Bind(1, id)
                      .Bind(2, sched::JobStateName(to))
                      .Bind(3, reason)
                      .Bind(4, now)
                      .Bind(5, sched::IsTerminal(to) ? 1 : 0)
                      .Run());
  return AppendEvent(id, to, now, reason);
}

Result<Job> SqliteJobStore::ReadJobRow(const Stmt& row) {
  Job job;
  job.id = row.Text(0);
  job.sequence = row.Int64(1);
  ASSIGN_OR_RETURN(job.state, StateFromColumn(row.Text(2)));
  job.reason = row.Text(3);
  job.created_at = row.Int64(4);
  job.updated_at = row.Int64(5);
  job.started_at = row.OptionalInt64(6);
  job.ended_at = row.OptionalInt64(7);
  job.attempts = row.Int(8);
  job.cancel_requested = row.Int(9) != 0;
  job.outcome.exit_code = row.OptionalInt(10);
  job.outcome.term_signal = row.OptionalInt(11);
  job.outcome.usage.wall_seconds = row.Double(12);
  job.outcome.usage.cpu_user_seconds = row.Double(13);
  job.outcome.usage.cpu_system_seconds = row.Double(14);
  job.outcome.usage.max_rss_kib = row.Int64(15);
  ASSIGN_OR_RETURN_CTX(job.request, RequestFromJson(row.Text(16)), "job " + job.id);
  ASSIGN_OR_RETURN_CTX(job.outcome.metrics, MetricsFromJson(row.Text(17)), "job " + job.id);
  job.runtime.supervisor_pid = row.Int64(18);
  job.runtime.supervisor_start_ticks = row.Int64(19);
  job.runtime.process_group = row.Int64(20);
  job.runtime.work_dir = row.Text(21);
  return job;
}

Result<Job> SqliteJobStore::ReadJob(std::string_view id) {
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(kSelectJob));
  stmt.Bind(1, id);
  ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return NotFoundError(NoJob(id));
  return ReadJobRow(stmt);
}

Result<Job> SqliteJobStore::ReadJobWithHistory(std::string_view id) {
  ASSIGN_OR_RETURN(Job job, ReadJob(id));
  ASSIGN_OR_RETURN(Stmt events, db_->Prepare("SELECT state, time, reason FROM job_events "
                                             "WHERE job_id = ?1 ORDER BY seq"));
  events.Bind(1, id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, events.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(JobState state, StateFromColumn(events.Text(0)));
    job.history.push_back({state, events.Int64(1), events.Text(2)});
  }
  return job;
}

Result<std::string> SqliteJobStore::InsertJob(const sched::JobRequest& request,
                                              const std::string& json, JobState initial,
                                              std::string_view reason, UnixMillis now,
                                              std::int64_t& sequence) {
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(kInsertJob));
  const bool running = initial == JobState::kRunning;
  std::optional<UnixMillis> started_at, ended_at;
  if (running) started_at = now;
  if (sched::IsTerminal(initial)) ended_at = now;
  stmt.Bind(2, sched::JobStateName(initial))
      .Bind(3, reason)
      .Bind(4, request.name)
      .Bind(5, request.app)
      .Bind(6, request.backend)
      .Bind(7, request.priority)
      .Bind(8, request.resources.vcpus)
      .Bind(9, request.resources.memory_mib)
      .Bind(10, request.resources.nodes)
      .Bind(11, now)
      .Bind(12, started_at)
      .Bind(13, ended_at)
      .Bind(14, running ? 1 : 0)
      .Bind(15, json);
  for (int attempt = 1;; ++attempt) {
    std::string id = new_id_();
    stmt.Bind(1, id);
    auto row = stmt.Step();
    if (row.ok() && *row) {
      sequence = stmt.Int64(0);
      return id;
    }
    // A failed INSERT undoes only itself; the transaction stays usable for the next id.
    const bool collision = sqlite3_extended_errcode(db_->handle()) == SQLITE_CONSTRAINT_PRIMARYKEY;
    if (!row.ok() && collision && attempt < kIdAttempts) {
      stmt.Reset();
      continue;
    }
    if (!row.ok()) return row.status();
    return InternalError("INSERT ... RETURNING returned no row");
  }
}

Result<Job> SqliteJobStore::Create(const sched::JobRequest& request, JobState initial,
                                   std::string_view reason) {
  if (request.backend.empty()) return InvalidArgumentError("job request has no backend");
  if (request.resources.vcpus < 1 || request.resources.nodes < 1 ||
      request.resources.memory_mib < 0) {
    return InvalidArgumentError(fmt::format(
        "job request needs at least 1 vcpu on 1 node and non-negative memory (got {} vcpus, {} "
        "nodes, {} MiB)",
        request.resources.vcpus, request.resources.nodes, request.resources.memory_mib));
  }
  ASSIGN_OR_RETURN(std::string json, RequestToJson(request));

  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  const UnixMillis now = clock_.NowMillis();
  std::int64_t sequence = 0;
  ASSIGN_OR_RETURN(std::string id, InsertJob(request, json, initial, reason, now, sequence));
  // Every history starts with SUBMITTED: a job created further along (a local job is queued at
  // once) still shows when it was submitted, in the same transaction.
  if (initial != JobState::kSubmitted && initial != JobState::kPending) {
    RETURN_IF_ERROR(AppendEvent(id, JobState::kSubmitted, now, "submitted"));
  }
  RETURN_IF_ERROR(AppendEvent(id, initial, now, reason));
  RETURN_IF_ERROR(txn.Commit());

  Job job;
  job.id = std::move(id);
  job.sequence = sequence;
  job.request = request;
  job.state = initial;
  job.reason = std::string(reason);
  job.created_at = job.updated_at = now;
  if (initial == JobState::kRunning) {
    job.started_at = now;
    job.attempts = 1;
  }
  if (sched::IsTerminal(initial)) job.ended_at = now;
  if (initial != JobState::kSubmitted && initial != JobState::kPending) {
    job.history.push_back({JobState::kSubmitted, now, "submitted"});
  }
  job.history.push_back({initial, now, std::string(reason)});
  return job;
}

Result<Job> SqliteJobStore::Get(std::string_view id) {
  std::lock_guard lock(mu_);
  // One read transaction: the row and its history come from the same snapshot.
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kRead));
  ASSIGN_OR_RETURN(Job job, ReadJobWithHistory(id));
  RETURN_IF_ERROR(txn.Commit());
  return job;
}

Result<std::string> SqliteJobStore::ResolveId(std::string_view id_or_prefix) {
  // People copy ids from upper-case terminals and drop the "j-"; both are unambiguous.
  std::string id;
  for (char c : id_or_prefix) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (id.rfind("j-", 0) != 0) id = "j-" + id;
  const std::string_view body = std::string_view(id).substr(2);
  const bool plausible = std::all_of(body.begin(), body.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
  });
  if (!plausible || body.empty()) return NotFoundError(NoJob(id_or_prefix));

  std::lock_guard lock(mu_);
  if (IsWellFormedId(id, "j")) {
    ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare("SELECT 1 FROM jobs WHERE id = ?1"));
    stmt.Bind(1, id);
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (found) return id;
    return NotFoundError(NoJob(id));
  }
  if (body.size() < kMinIdPrefixChars) {
    return InvalidArgumentError(
        fmt::format("job id prefix {} is too short: give at least {} characters after \"j-\"",
                    QuoteForMessage(id_or_prefix), kMinIdPrefixChars));
  }
  // A range on the primary key rather than LIKE, which cannot use the index: ids are lower-case
  // alphanumerics, all of which sort below '~'.
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare("SELECT id FROM jobs WHERE id >= ?1 AND id < ?2 "
                                           "ORDER BY id LIMIT ?3"));
  stmt.Bind(1, id).Bind(2, id + "~").Bind(3, static_cast<std::int64_t>(kMaxCandidates + 1));
  std::vector<std::string> matches;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    matches.push_back(stmt.Text(0));
  }
  if (matches.empty()) return NotFoundError(NoJob(id));
  if (matches.size() == 1) return matches.front();
  const bool more = matches.size() > kMaxCandidates;
  if (more) matches.resize(kMaxCandidates);
  std::string list;
  for (const auto& match : matches) list += (list.empty() ? "" : ", ") + match;
  return InvalidArgumentError(fmt::format("job id prefix {} is ambiguous: it matches {}{}", id,
                                          list, more ? " and more" : ""));
}

Result<Stmt> SqliteJobStore::PrepareFiltered(const char* select, const JobFilter& filter,
                                             bool ordered) {
  std::vector<std::string_view> states;
  for (JobState state : filter.states) {
    const std::string_view name = sched::JobStateName(state);
    if (std::find(states.begin(), states.end(), name) == states.end()) states.push_back(name);
  }
  // The text varies only with the number of states, so the statement cache stays small.
  std::string sql = select;
  sql += " WHERE 1";
  int next = 1;
  if (!states.empty()) {
    sql += " AND state IN (";
    for (std::size_t i = 0; i < states.size(); ++i)
      sql += fmt::format("{}?{}", i ? ", " : "", next++);
    sql += ")";
  }
  // Unary + keeps app and backend from choosing an index (jobs_claim would force a sort of
  // the whole backend): the sequence or state index with an early LIMIT stop is faster.
  if (!filter.app.empty()) sql += fmt::format(" AND +app = ?{}", next++);
  if (!filter.backend.empty()) sql += fmt::format(" AND +backend = ?{}", next++);
  if (ordered) {
    sql +=
        fmt::format(" ORDER BY sequence {} LIMIT ?{}", filter.newest_first ? "DESC" : "ASC", next);
  }
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(sql));
  int index = 1;
  for (std::string_view name : states) stmt.Bind(index++, name);
  if (!filter.app.empty()) stmt.Bind(index++, filter.app);
  if (!filter.backend.empty()) stmt.Bind(index++, filter.backend);
  if (ordered) {
    stmt.Bind(index,
              filter.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(filter.limit));
  }
  return stmt;
}

Result<std::vector<Job>> SqliteJobStore::List(const JobFilter& filter) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Stmt stmt, PrepareFiltered("SELECT " AWSHPC_JOB_COLUMNS " FROM jobs", filter,
                                              /*ordered=*/true));
  std::vector<Job> jobs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(Job job, ReadJobRow(stmt));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::int64_t> SqliteJobStore::Count(const JobFilter& filter) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Stmt stmt, PrepareFiltered("SELECT count(*) FROM jobs", filter,
                                              /*ordered=*/false));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int64(0) : 0;
}

Status SqliteJobStore::Transition(std::string_view id, JobState to, std::string_view reason) {
  return TransitionAt(id, to, reason, clock_.NowMillis());
}

Status SqliteJobStore::TransitionAt(std::string_view id, JobState to, std::string_view reason,
                                    UnixMillis at) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  ASSIGN_OR_RETURN(Current current, ReadCurrent(id));
  RETURN_IF_ERROR(ChangeState(id, current.state, to, reason, at));
  return txn.Commit();
}

Status SqliteJobStore::Finish(std::string_view id, JobState final_state, std::string_view reason,
                              const sched::Outcome& outcome) {
  return FinishAt(id, final_state, reason, outcome, clock_.NowMillis());
}

Status SqliteJobStore::FinishAt(std::string_view id, JobState final_state, std::string_view reason,
                                const sched::Outcome& outcome, UnixMillis at) {
  if (!sched::IsTerminal(final_state)) {
    return InvalidArgumentError(fmt::format("cannot finish job {} in {}: not a terminal state", id,
                                            sched::JobStateName(final_state)));
  }
  const std::string metrics = MetricsToJson(outcome.metrics);
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  ASSIGN_OR_RETURN(Current current, ReadCurrent(id));
  RETURN_IF_ERROR(ChangeState(id, current.state, final_state, reason, at));
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(kUpdateOutcome));
  RETURN_IF_ERROR(stmt.Bind(1, id)
                      .Bind(2, outcome.exit_code)
                      .Bind(3, outcome.term_signal)
                      .Bind(4, outcome.usage.wall_seconds)
                      .Bind(5, outcome.usage.cpu_user_seconds)
                      .Bind(6, outcome.usage.cpu_system_seconds)
                      .Bind(7, outcome.usage.max_rss_kib)
                      .Bind(8, metrics)
                      .Run());
  return txn.Commit();
}

Status SqliteJobStore::SetRuntime(std::string_view id, const sched::LocalRuntime& runtime) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  ASSIGN_OR_RETURN(
      Stmt stmt, db_->Prepare("UPDATE jobs SET supervisor_pid = ?2, supervisor_start_ticks = ?3, "
                              "process_group = ?4, work_dir = ?5, updated_at = ?6 WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id)
                      .Bind(2, runtime.supervisor_pid)
                      .Bind(3, runtime.supervisor_start_ticks)
                      .Bind(4, runtime.process_group)
                      .Bind(5, runtime.work_dir)
                      .Bind(6, clock_.NowMillis())
                      .Run());
  if (db_->Changes() == 0) return NotFoundError(NoJob(id));
  return txn.Commit();
}

Result<JobState> SqliteJobStore::RequestCancel(std::string_view id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  ASSIGN_OR_RETURN(Current current, ReadCurrent(id));
  if (sched::IsTerminal(current.state)) {
    return FailedPreconditionError(
        fmt::format("job {} already {}", id, sched::JobStateName(current.state)));
  }
  if (!current.cancel_requested) {
    ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare("UPDATE jobs SET cancel_requested = 1, "
                                             "updated_at = ?2 WHERE id = ?1"));
    RETURN_IF_ERROR(stmt.Bind(1, id).Bind(2, clock_.NowMillis()).Run());
  }
  RETURN_IF_ERROR(txn.Commit());
  return current.state;
}

Result<std::optional<Job>> SqliteJobStore::ClaimNextRunnable(std::string_view backend,
                                                             const Capacity& capacity) {
  std::lock_guard lock(mu_);
  {
    // Supervisors poll: an empty queue is answered without taking the write lock. A job that
    // turns RUNNABLE just after this read is seen by the next poll.
    ASSIGN_OR_RETURN(Transaction peek, Transaction::Begin(*db_, Transaction::Kind::kRead));
    ASSIGN_OR_RETURN(Stmt head, db_->Prepare(kQueueHead));
    head.Bind(1, backend);
    ASSIGN_OR_RETURN(bool queued, head.Step());
    if (!queued) return std::optional<Job>();
    // Likewise while the head plainly waits for capacity (the common case when many jobs are
    // submitted at once): whoever frees capacity claims after committing, and sees the head.
    const std::int64_t want_vcpus = head.Int64(1) * head.Int64(3);
    const std::int64_t want_memory = head.Int64(2) * head.Int64(3);
    const bool must_retire =
        head.Int(4) != 0 || want_vcpus > capacity.vcpus || want_memory > capacity.memory_mib;
    head.Reset();
    if (!must_retire) {
      ASSIGN_OR_RETURN(Stmt used, db_->Prepare(kUsedCapacity));
      used.Bind(1, backend);
      ASSIGN_OR_RETURN(bool row, used.Step());
      if (row && (used.Int64(0) + want_vcpus > capacity.vcpus ||
                  used.Int64(1) + want_memory > capacity.memory_mib)) {
        return std::optional<Job>();
      }
    }
  }
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*db_, Transaction::Kind::kWrite));
  const UnixMillis now = clock_.NowMillis();
  std::int64_t used_vcpus = 0, used_memory = 0;
  {
    ASSIGN_OR_RETURN(Stmt used, db_->Prepare(kUsedCapacity));
    used.Bind(1, backend);
    ASSIGN_OR_RETURN(bool row, used.Step());
    if (row) {
      used_vcpus = used.Int64(0);
      used_memory = used.Int64(1);
    }
  }
  // Each pass either claims the head, stops (the head waits for capacity), or retires a head
  // that must never start (cancelled, or larger than the machine) and looks at the next one.
  while (true) {
    std::string id;
    std::int64_t vcpus = 0, memory = 0;
    bool cancel_requested = false;
    {
      ASSIGN_OR_RETURN(Stmt head, db_->Prepare(kQueueHead));
      head.Bind(1, backend);
      ASSIGN_OR_RETURN(bool row, head.Step());
      if (!row) break;
      id = head.Text(0);
      vcpus = head.Int64(1) * head.Int64(3);
      memory = head.Int64(2) * head.Int64(3);
      cancel_requested = head.Int(4) != 0;
    }
    if (cancel_requested) {
      RETURN_IF_ERROR(ChangeState(id, JobState::kRunnable, JobState::kCancelled,
                                  "cancelled before it started", now));
      continue;
    }
    if (vcpus > capacity.vcpus) {
      RETURN_IF_ERROR(ChangeState(
          id, JobState::kRunnable, JobState::kFailed,
          fmt::format("needs {} vcpus; this machine has {}", vcpus, capacity.vcpus), now));
      continue;
    }
    if (memory > capacity.memory_mib) {
      RETURN_IF_ERROR(
          ChangeState(id, JobState::kRunnable, JobState::kFailed,
                      fmt::format("needs {} of memory; this machine has {}",
                                  FormatMemoryMiB(memory), FormatMemoryMiB(capacity.memory_mib)),
                      now));
      continue;
    }
    if (used_vcpus + vcpus > capacity.vcpus || used_memory + memory > capacity.memory_mib) {
      break;  // strict order: the head waits, and so does everything behind it
    }
    RETURN_IF_ERROR(
        ChangeState(id, JobState::kRunnable, JobState::kStarting, "claimed capacity", now));
    ASSIGN_OR_RETURN(Job job, ReadJobWithHistory(id));
    RETURN_IF_ERROR(txn.Commit());
    return std::optional<Job>(std::move(job));
  }
  RETURN_IF_ERROR(txn.Commit());
  return std::optional<Job>();
}

// Checks the file, sets the connection up and migrates it; safe to repeat.
Status PrepareSchema(Db& db) {
  // Read the version before anything writes: a non-database or a newer file is refused while
  // still untouched (switching to WAL would rewrite the header).
  ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db));
  RETURN_IF_ERROR(CheckNotNewer(db, version, SqliteJobStoreSchemaVersion()));
  // WAL: readers never block the writer and commits need no fsync with synchronous=NORMAL
  // (a power cut may lose the last commits, never corrupt the file).
  RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON"));
  return Migrate(db, JobStoreMigrations());
}

Result<std::unique_ptr<JobStore>> Open(const std::string& path, const Clock& clock,
                                       std::function<std::string()> new_id) {
  if (path.empty()) return InvalidArgumentError("job store path is empty");
  RETURN_IF_ERROR(EnsureParentDirectory(path));
  RETURN_IF_ERROR(EnsurePrivateFile(path));
  ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, kBusyTimeout));
  // Processes opening a new file at once contend for it: the steps are repeated while busy.
  RETURN_IF_ERROR(db->RetryWhileBusy([&db] { return PrepareSchema(*db); }));
  return std::unique_ptr<JobStore>(
      std::make_unique<SqliteJobStore>(std::move(db), clock, std::move(new_id)));
}

}  // namespace

Result<std::unique_ptr<JobStore>> OpenSqliteJobStoreWithIds(const std::string& path,
                                                            const Clock& clock,
                                                            std::function<std::string()> new_id) {
  return Open(path, clock, std::move(new_id));
}

Result<std::unique_ptr<JobStore>> OpenSqliteJobStore(const std::string& path, const Clock& clock) {
  return Open(path, clock, [] { return NewId("j"); });
}

int SqliteJobStoreSchemaVersion() { return JobStoreMigrations().back().version; }

}  // namespace awshpc::store
