// File: cost_db.cpp
#include "awshpc/cost/cost_db.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "awshpc/store/sqlite_db.hpp"

namespace awshpc::cost {
namespace {

using store::Db;
using store::Stmt;
using store::Transaction;

// The job store's busy timeout: cost writes wait out other submitters as long as it does.
constexpr std::chrono::seconds kCostBusyTimeout{10};

// BEGIN IMMEDIATE ... COMMIT around `body`; rolled back (by the Transaction) if body fails.
template <typename F>
Status InCostWriteTransaction(Db& db, F&& body) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db, Transaction::Kind::kWrite));
  RETURN_IF_ERROR(body());
  return transaction.Commit();
}

// The cost schema: steps applied in order, each in its own transaction with the version update.
// A released step is never edited; a change is a new step.
const char* const kMigrations[] = {
    // 1: snapshots, instance facts, prices, budgets, fired alerts.
    R"sql(
CREATE TABLE cost_snapshots (
  date TEXT PRIMARY KEY,
  sources TEXT NOT NULL,
  rows INTEGER NOT NULL,
  loaded_at INTEGER NOT NULL
) STRICT;
CREATE TABLE cost_instances (
  instance_type TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  vcpus INTEGER NOT NULL,
  cores INTEGER NOT NULL,
  memory_gib REAL NOT NULL,
  arch TEXT NOT NULL CHECK (arch IN ('x86_64', 'arm64')),
  gpus INTEGER NOT NULL,
  gpu_model TEXT NOT NULL,
  efa INTEGER NOT NULL
) STRICT;
CREATE TABLE cost_prices (
  instance_type TEXT NOT NULL REFERENCES cost_instances (instance_type),
  region TEXT NOT NULL,
  purchase TEXT NOT NULL CHECK (purchase IN ('on-demand', 'spot')),
  usd_micros_per_hour INTEGER NOT NULL CHECK (usd_micros_per_hour > 0),
  source TEXT NOT NULL,
  as_of TEXT NOT NULL,
  PRIMARY KEY (region, purchase, instance_type)
) STRICT, WITHOUT ROWID;
CREATE TABLE cost_budgets (
  project TEXT PRIMARY KEY,
  monthly_micros INTEGER NOT NULL CHECK (monthly_micros > 0),
  alert_percents TEXT NOT NULL,
  hook_argv TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE cost_alerts (
  project TEXT NOT NULL,
  month TEXT NOT NULL,
  percent INTEGER NOT NULL,
  fired_at INTEGER NOT NULL,
  PRIMARY KEY (project, month, percent)
) STRICT, WITHOUT ROWID;
)sql",
    // 2: budgets mirrored into AWS Budgets (account and subscribers as JSON).
    R"sql(
ALTER TABLE cost_budgets ADD COLUMN aws_mirror TEXT NOT NULL DEFAULT '';
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

Result<int> ReadVersion(Db& db) {
  ASSIGN_OR_RETURN(Stmt exists,
                   db.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'cost_schema_version'"));
  ASSIGN_OR_RETURN(bool row, exists.Step());
  if (!row || exists.Int(0) == 0) return 0;
  ASSIGN_OR_RETURN(Stmt version, db.Prepare("SELECT max(version) FROM cost_schema_version"));
  ASSIGN_OR_RETURN(row, version.Step());
  return row ? version.Int(0) : 0;
}

Status Migrate(Db& db, UnixMillis now) {
  ASSIGN_OR_RETURN(int version, ReadVersion(db));
  if (version == kSchemaVersion) return Status::Ok();  // the common case: one read
  if (version > kSchemaVersion) {
    return FailedPreconditionError(fmt::format(
        "{} has cost schema version {}, newer than this aws-hpc supports ({}); upgrade aws-hpc "
        "(the file was not modified)",
        db.path(), version, kSchemaVersion));
  }
  for (int step = version + 1; step <= kSchemaVersion; ++step) {
    const auto apply = [&]() -> Status {
      RETURN_IF_ERROR(
          db.Exec("CREATE TABLE IF NOT EXISTS cost_schema_version (version INTEGER PRIMARY KEY, "
                  "applied_at INTEGER NOT NULL) STRICT"));
      // Read again under the write lock: another process may have applied this step.
      ASSIGN_OR_RETURN(int current, ReadVersion(db));
      if (current >= step) return Status::Ok();
      RETURN_IF_ERROR_CTX(db.Exec(kMigrations[step - 1]), fmt::format("cost migration {}", step));
      ASSIGN_OR_RETURN(Stmt record,
                       db.Prepare("INSERT INTO cost_schema_version (version, applied_at) "
                                  "VALUES (?1, ?2)"));
      return record.Bind(1, static_cast<std::int64_t>(step)).Bind(2, now).Run();
    };
    RETURN_IF_ERROR(InCostWriteTransaction(db, apply));
  }
  return Status::Ok();
}

// PRAGMA user_version: the job store's schema version, 0 in a file that is not a job store.
Result<int> StoreVersion(Db& db) {
  ASSIGN_OR_RETURN(Stmt version, db.Prepare("PRAGMA user_version"));
  ASSIGN_OR_RETURN(bool row, version.Step());
  return row ? version.Int(0) : 0;
}

// True if a snapshot with this id is loaded. Its own scope: the cached statement is reset before
// the caller prepares it again.
Result<bool> SnapshotLoaded(Db& db, const std::string& id) {
  ASSIGN_OR_RETURN(Stmt seen, db.Prepare("SELECT 1 FROM cost_snapshots WHERE date = ?1"));
  seen.Bind(1, id);
  return seen.Step();
}

std::string JoinSources(const std::vector<std::string>& sources) {
  std::string out;
  for (const std::string& source : sources) {
    if (!out.empty()) out += "\n";
    out += source;
  }
  return out;
}

PriceRow ReadPriceRow(const Stmt& stmt) {
  // Columns: see kPriceColumns.
  PriceRow row;
  row.instance.type = stmt.Text(0);
  row.instance.family = stmt.Text(1);
  row.instance.vcpus = stmt.Int(2);
  row.instance.cores = stmt.Int(3);
  row.instance.memory_gib = stmt.Double(4);
  row.instance.arch = stmt.Text(5);
  row.instance.gpus = stmt.Int(6);
  row.instance.gpu_model = stmt.Text(7);
  row.instance.efa = stmt.Int(8) != 0;
  row.region = stmt.Text(9);
  row.per_hour = Money::FromMicros(stmt.Int64(10));
  row.source = stmt.Text(11);
  row.as_of = stmt.Text(12);
  return row;
}

constexpr const char* kPriceSelect =
    "SELECT i.instance_type, i.family, i.vcpus, i.cores, i.memory_gib, i.arch, i.gpus, "
    "i.gpu_model, i.efa, p.region, p.usd_micros_per_hour, p.source, p.as_of "
    "FROM cost_prices p JOIN cost_instances i ON i.instance_type = p.instance_type "
    "WHERE p.purchase = ?5";

std::string JsonArray(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump();
}

}  // namespace

CostDb::CostDb(std::unique_ptr<Db> connection, const Clock& clock)
    : db_(std::move(connection)), clock_(clock) {}

CostDb::~CostDb() = default;

int CostDb::SchemaVersion() { return kSchemaVersion; }

Result<std::unique_ptr<CostDb>> CostDb::Open(const std::string& path, const Clock& clock) {
  // Db::Open would create a missing file; the cost tables never start a job store themselves.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return UnavailableError(fmt::format("cannot open {}: no such job store file", path));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, kCostBusyTimeout));
  ASSIGN_OR_RETURN(const int store_version, StoreVersion(*db));
  if (store_version == 0) {
    return FailedPreconditionError(
        fmt::format("{} is not an aws-hpc job store yet; open the job store before the cost "
                    "tables",
                    path));
  }
  // The job store has already switched the file to WAL; this only sets this connection up.
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"));
  RETURN_IF_ERROR(Migrate(*db, clock.NowMillis()));
  return std::unique_ptr<CostDb>(new CostDb(std::move(db), clock));
}

Result<int> CostDb::FileSchemaVersion() { return ReadVersion(*db_); }

const std::string& CostDb::Path() const { return db_->path(); }

Result<bool> CostDb::LoadSnapshot(const Snapshot& snapshot) {
  ASSIGN_OR_RETURN(bool already, SnapshotLoaded(*db_, snapshot.Id()));
  if (already) return false;
  bool loaded = false;
  const auto load = [&]() -> Status {
    // Again under the write lock: another process may have loaded it meanwhile.
    ASSIGN_OR_RETURN(bool raced, SnapshotLoaded(*db_, snapshot.Id()));
    if (raced) return Status::Ok();
    ASSIGN_OR_RETURN(
        Stmt instance,
        db_->Prepare(snapshot.facts_authoritative
                         ? "INSERT INTO cost_instances (instance_type, family, vcpus, cores, "
                           "memory_gib, arch, gpus, gpu_model, efa) VALUES (?1, ?2, ?3, ?4, ?5, "
                           "?6, ?7, ?8, ?9) ON CONFLICT (instance_type) DO UPDATE SET "
                           "family = ?2, vcpus = ?3, cores = ?4, memory_gib = ?5, arch = ?6, "
                           "gpus = ?7, gpu_model = ?8, efa = ?9"
                         : "INSERT INTO cost_instances (instance_type, family, vcpus, cores, "
                           "memory_gib, arch, gpus, gpu_model, efa) VALUES (?1, ?2, ?3, ?4, ?5, "
                           "?6, ?7, ?8, ?9) ON CONFLICT (instance_type) DO NOTHING"));
    ASSIGN_OR_RETURN(
        Stmt price,
        db_->Prepare("INSERT INTO cost_prices (instance_type, region, purchase, "
                     "usd_micros_per_hour, source, as_of) VALUES (?1, ?2, ?6, ?3, ?4, ?5) "
                     "ON CONFLICT (region, purchase, instance_type) DO UPDATE SET "
                     "usd_micros_per_hour = ?3, source = ?4, as_of = ?5 WHERE as_of <= ?5"));
    for (const PriceRow& row : snapshot.rows) {
      const InstanceFacts& facts = row.instance;
      RETURN_IF_ERROR(instance.Bind(1, facts.type)
                          .Bind(2, facts.family)
                          .Bind(3, static_cast<std::int64_t>(facts.vcpus))
                          .Bind(4, static_cast<std::int64_t>(facts.cores))
                          .Bind(5, facts.memory_gib)
                          .Bind(6, facts.arch)
                          .Bind(7, static_cast<std::int64_t>(facts.gpus))
                          .Bind(8, facts.gpu_model)
                          .Bind(9, static_cast<std::int64_t>(facts.efa ? 1 : 0))
                          .Run());
      RETURN_IF_ERROR(price.Bind(1, facts.type)
                          .Bind(2, row.region)
                          .Bind(3, row.per_hour.micros())
                          .Bind(4, row.source)
                          .Bind(5, row.as_of)
                          .Bind(6, snapshot.purchase)
                          .Run());
      instance.Reset();
      price.Reset();
    }
    ASSIGN_OR_RETURN(Stmt record,
                     db_->Prepare("INSERT INTO cost_snapshots (date, sources, rows, loaded_at) "
                                  "VALUES (?1, ?2, ?3, ?4)"));
    RETURN_IF_ERROR(record.Bind(1, snapshot.Id())
                        .Bind(2, JoinSources(snapshot.sources))
                        .Bind(3, static_cast<std::int64_t>(snapshot.rows.size()))
                        .Bind(4, clock_.NowMillis())
                        .Run());
    loaded = true;
    return Status::Ok();
  };
  RETURN_IF_ERROR(InCostWriteTransaction(*db_, load));
  return loaded;
}

Status CostDb::EnsureEmbeddedSnapshot() {
  // The id is the date plus a hash of the text, so a corrected file with the same date loads
  // too; checking it needs no parsing.
  const std::string_view csv = EmbeddedSnapshotCsv();
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (const char c : csv) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  const std::size_t at = csv.find("# date:");
  std::string_view date =
      at == std::string_view::npos ? "" : csv.substr(at + 7, csv.find('\n', at) - at - 7);
  while (!date.empty() && date.front() == ' ') date.remove_prefix(1);
  const std::string id = fmt::format("{} embedded {:016x}", date, hash);
  ASSIGN_OR_RETURN(bool loaded, SnapshotLoaded(*db_, id));
  if (loaded) return Status::Ok();
  ASSIGN_OR_RETURN_CTX(Snapshot snapshot, ParseSnapshotCsv(csv), "the embedded price snapshot");
  snapshot.id = id;
  return LoadSnapshot(snapshot).status();
}

Result<std::vector<std::pair<std::string, std::string>>> CostDb::Snapshots() {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db_->Prepare("SELECT date, sources FROM cost_snapshots ORDER BY date"));
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.emplace_back(stmt.Text(0), stmt.Text(1));
  }
  return out;
}

Result<std::vector<PriceRow>> CostDb::Prices(const PriceFilter& filter) {
  std::string sql = kPriceSelect;
  sql +=
      " AND (?1 = '' OR p.region = ?1) AND (?2 = '' OR i.arch = ?2) AND (?3 = '' OR "
      "i.instance_type = ?3)";
  if (!filter.families.empty()) {
    sql += " AND i.family IN (SELECT value FROM json_each(?4))";
  }
  sql += " ORDER BY p.region, p.usd_micros_per_hour, i.instance_type";
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(sql));
  stmt.Bind(1, filter.region).Bind(2, filter.arch).Bind(3, filter.instance_type);
  stmt.Bind(5, filter.purchase);
  if (!filter.families.empty()) stmt.Bind(4, JsonArray(filter.families));
  std::vector<PriceRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    rows.push_back(ReadPriceRow(stmt));
  }
  return rows;
}

Result<PriceRow> CostDb::Price(const std::string& instance_type, const std::string& region) {
  PriceFilter filter;
  filter.instance_type = instance_type;
  filter.region = region;
  ASSIGN_OR_RETURN(std::vector<PriceRow> rows, Prices(filter));
  if (rows.empty()) {
    return NotFoundError(
        fmt::format("no on-demand price for {} in {} in the price catalog (see "
                    "`aws-hpc cost prices --region {}`)",
                    instance_type, region, region));
  }
  return rows.front();
}

Status CostDb::SetBudget(const Budget& budget) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db_->Prepare("INSERT INTO cost_budgets (project, monthly_micros, "
                                "alert_percents, hook_argv, updated_at, aws_mirror) VALUES (?1, "
                                "?2, ?3, ?4, ?5, ?6) ON CONFLICT (project) DO UPDATE SET "
                                "monthly_micros = ?2, alert_percents = ?3, hook_argv = ?4, "
                                "updated_at = ?5, aws_mirror = ?6"));
  return stmt.Bind(1, budget.project)
      .Bind(2, budget.monthly.micros())
      .Bind(3, nlohmann::json(budget.alert_percents).dump())
      .Bind(4, JsonArray(budget.hook_argv))
      .Bind(5, clock_.NowMillis())
      .Bind(6, budget.aws_mirror)
      .Run();
}

Result<std::vector<Budget>> CostDb::Budgets() {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db_->Prepare("SELECT project, monthly_micros, alert_percents, hook_argv, "
                                "updated_at, aws_mirror FROM cost_budgets ORDER BY project"));
  std::vector<Budget> budgets;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    Budget budget;
    budget.project = stmt.Text(0);
    budget.monthly = Money::FromMicros(stmt.Int64(1));
    const auto percents = nlohmann::json::parse(stmt.Text(2), nullptr, false);
    const auto argv = nlohmann::json::parse(stmt.Text(3), nullptr, false);
    if (percents.is_discarded() || argv.is_discarded()) {
      return InternalError("cost_budgets row for project " + budget.project + " is damaged");
    }
    budget.alert_percents = percents.get<std::vector<int>>();
    budget.hook_argv = argv.get<std::vector<std::string>>();
    budget.updated_at = stmt.Int64(4);
    budget.aws_mirror = stmt.Text(5);
    budgets.push_back(std::move(budget));
  }
  return budgets;
}

Result<std::optional<Budget>> CostDb::FindBudget(const std::string& project) {
  ASSIGN_OR_RETURN(std::vector<Budget> budgets, Budgets());
  for (Budget& budget : budgets) {
    if (budget.project == project) return std::optional<Budget>(std::move(budget));
  }
  return std::optional<Budget>();
}

Result<bool> CostDb::DeleteBudget(const std::string& project) {
  bool deleted = false;
  const auto remove = [&]() -> Status {
    ASSIGN_OR_RETURN(Stmt stmt,
                     db_->Prepare("DELETE FROM cost_budgets WHERE project = ?1 RETURNING 1"));
    ASSIGN_OR_RETURN(deleted, stmt.Bind(1, project).Step());
    RETURN_IF_ERROR(stmt.Run());
    ASSIGN_OR_RETURN(Stmt alerts, db_->Prepare("DELETE FROM cost_alerts WHERE project = ?1"));
    return alerts.Bind(1, project).Run();
  };
  RETURN_IF_ERROR(InCostWriteTransaction(*db_, remove));
  return deleted;
}

Result<bool> CostDb::RecordAlert(const std::string& project, const std::string& month,
                                 int percent) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db_->Prepare("INSERT INTO cost_alerts (project, month, percent, fired_at) "
                                "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING RETURNING 1"));
  stmt.Bind(1, project)
      .Bind(2, month)
      .Bind(3, static_cast<std::int64_t>(percent))
      .Bind(4, clock_.NowMillis());
  ASSIGN_OR_RETURN(bool inserted, stmt.Step());
  if (inserted) RETURN_IF_ERROR(stmt.Run());
  return inserted;
}

}  // namespace awshpc::cost
