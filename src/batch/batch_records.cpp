// File: batch_records.cpp
#include "awshpc/batch/batch_records.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace awshpc::batch {
namespace {

using Json = nlohmann::json;
using store::Db;
using store::Stmt;
using store::Transaction;

// Tables of the Batch backend; the job store's migrations never touch them. Later changes are
// steps guarded by batch_schema.version (AddPurchaseColumn is step 1).
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS batch_schema (version INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS batch_deployments (
  region          TEXT NOT NULL,
  definition_name TEXT NOT NULL,
  revision        INTEGER NOT NULL,
  arn             TEXT NOT NULL,
  app             TEXT NOT NULL,
  variant         TEXT NOT NULL,
  arch            TEXT NOT NULL,
  image           TEXT NOT NULL,
  spec_hash       TEXT NOT NULL,
  deployed_at     INTEGER NOT NULL,
  PRIMARY KEY (region, definition_name, revision)
) STRICT;
CREATE TABLE IF NOT EXISTS batch_jobs (
  job_id        TEXT PRIMARY KEY NOT NULL,
  region        TEXT NOT NULL,
  queue         TEXT NOT NULL,
  definition    TEXT NOT NULL,
  array_size    INTEGER NOT NULL,
  batch_ids     TEXT NOT NULL,
  batch_status  TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  attempts      TEXT NOT NULL,
  summary       TEXT NOT NULL,
  synced_at     INTEGER NOT NULL
) STRICT;
)sql";

// Schema step 1: the purchase option of each job's queue (files made before it lack the column).
Result<bool> HasPurchaseColumn(Db& db) {
  ASSIGN_OR_RETURN(Stmt has, db.Prepare("SELECT count(*) FROM pragma_table_info('batch_jobs') "
                                        "WHERE name = 'purchase'"));
  ASSIGN_OR_RETURN(bool row, has.Step());
  return row && has.Int(0) > 0;
}

Status AddPurchaseColumn(Db& db) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db, Transaction::Kind::kWrite));
  // Checked under the write lock: another process may have added it meanwhile.
  ASSIGN_OR_RETURN(bool has, HasPurchaseColumn(db));
  if (!has) {
    RETURN_IF_ERROR(db.Exec("ALTER TABLE batch_jobs ADD COLUMN purchase TEXT NOT NULL DEFAULT ''"));
  }
  RETURN_IF_ERROR(db.Exec("DELETE FROM batch_schema; INSERT INTO batch_schema VALUES (1)"));
  return transaction.Commit();
}

Result<int> BatchSchemaVersion(Db& db) {
  ASSIGN_OR_RETURN(Stmt version, db.Prepare("SELECT max(version) FROM batch_schema"));
  ASSIGN_OR_RETURN(bool row, version.Step());
  return row ? version.Int(0) : 0;
}

Json AttemptsToJson(const std::vector<AttemptRecord>& attempts) {
  Json list = Json::array();
  for (const AttemptRecord& a : attempts) {
    Json j = {{"statusReason", a.status_reason},
              {"logStream", a.log_stream},
              {"instanceType", a.instance_type}};
    if (a.exit_code) j["exitCode"] = *a.exit_code;
    if (a.started_at) j["startedAt"] = *a.started_at;
    if (a.stopped_at) j["stoppedAt"] = *a.stopped_at;
    if (!a.purchase.empty()) j["purchase"] = a.purchase;
    if (!a.container_instance_arn.empty()) j["containerInstanceArn"] = a.container_instance_arn;
    if (!a.compute_environment.empty()) j["computeEnvironment"] = a.compute_environment;
    if (!a.instance_source.empty()) j["instanceSource"] = a.instance_source;
    list.push_back(std::move(j));
  }
  return list;
}

std::optional<std::int64_t> OptionalInt(const Json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number_integer()) return std::nullopt;
  return j[key].get<std::int64_t>();
}

std::vector<AttemptRecord> AttemptsFromJson(const Json& list) {
  std::vector<AttemptRecord> attempts;
  if (!list.is_array()) return attempts;
  for (const Json& j : list) {
    AttemptRecord a;
    a.exit_code = OptionalInt(j, "exitCode");
    a.started_at = OptionalInt(j, "startedAt");
    a.stopped_at = OptionalInt(j, "stoppedAt");
    a.status_reason = j.value("statusReason", "");
    a.log_stream = j.value("logStream", "");
    a.instance_type = j.value("instanceType", "");
    a.purchase = j.value("purchase", "");
    a.container_instance_arn = j.value("containerInstanceArn", "");
    a.compute_environment = j.value("computeEnvironment", "");
    a.instance_source = j.value("instanceSource", "");
    attempts.push_back(std::move(a));
  }
  return attempts;
}

Deployment ReadDeployment(const Stmt& row) {
  Deployment d;
  d.region = row.Text(0);
  d.definition_name = row.Text(1);
  d.revision = row.Int64(2);
  d.arn = row.Text(3);
  d.app = row.Text(4);
  d.variant = row.Text(5);
  d.arch = row.Text(6);
  d.image = row.Text(7);
  d.spec_hash = row.Text(8);
  d.deployed_at = row.Int64(9);
  return d;
}

constexpr const char* kDeploymentColumns =
    "SELECT region, definition_name, revision, arn, app, variant, arch, image, spec_hash, "
    "deployed_at FROM batch_deployments ";

}  // namespace

Result<std::unique_ptr<BatchRecords>> BatchRecords::Open(const std::string& path,
                                                         const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, std::chrono::seconds(10)));
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"));
  RETURN_IF_ERROR(db->RetryWhileBusy([&db] { return db->Exec(kSchema); }));
  ASSIGN_OR_RETURN(const int version, BatchSchemaVersion(*db));
  if (version < 1) RETURN_IF_ERROR(AddPurchaseColumn(*db));
  return std::unique_ptr<BatchRecords>(new BatchRecords(std::move(db), clock));
}

Status BatchRecords::AddDeployment(const Deployment& d) {
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare("INSERT OR REPLACE INTO batch_deployments VALUES "
                                           "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  return stmt.Bind(1, d.region)
      .Bind(2, d.definition_name)
      .Bind(3, d.revision)
      .Bind(4, d.arn)
      .Bind(5, d.app)
      .Bind(6, d.variant)
      .Bind(7, d.arch)
      .Bind(8, d.image)
      .Bind(9, d.spec_hash)
      .Bind(10, d.deployed_at != 0 ? d.deployed_at : clock_.NowMillis())
      .Run();
}

Result<std::vector<Deployment>> BatchRecords::Deployments(std::string_view app,
                                                          std::string_view region) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db_->Prepare(std::string(kDeploymentColumns) +
                                "WHERE (?1 = '' OR app = ?1) AND (?2 = '' OR region = ?2) "
                                "ORDER BY deployed_at DESC, definition_name, revision DESC"));
  stmt.Bind(1, app).Bind(2, region);
  std::vector<Deployment> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(ReadDeployment(stmt));
  }
}

Result<std::optional<Deployment>> BatchRecords::LatestDeployment(std::string_view region,
                                                                 std::string_view definition_name) {
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(std::string(kDeploymentColumns) +
                                           "WHERE region = ?1 AND definition_name = ?2 "
                                           "ORDER BY revision DESC LIMIT 1"));
  stmt.Bind(1, region).Bind(2, definition_name);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Deployment>();
  return std::optional<Deployment>(ReadDeployment(stmt));
}

Result<std::optional<Deployment>> BatchRecords::DeploymentByArn(std::string_view arn) {
  ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare(std::string(kDeploymentColumns) +
                                           "WHERE arn = ?1 ORDER BY deployed_at DESC LIMIT 1"));
  stmt.Bind(1, arn);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Deployment>();
  return std::optional<Deployment>(ReadDeployment(stmt));
}

Status BatchRecords::PutLink(const BatchJobLink& link) {
  Json summary = Json::array();
  for (const auto& [status, count] : link.status_summary) summary.push_back({status, count});
  ASSIGN_OR_RETURN(Stmt stmt,
                   db_->Prepare("INSERT OR REPLACE INTO batch_jobs (job_id, region, queue, "
                                "definition, array_size, batch_ids, batch_status, status_reason, "
                                "attempts, summary, synced_at, purchase) VALUES "
                                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  return stmt.Bind(1, link.job_id)
      .Bind(2, link.region)
      .Bind(3, link.queue)
      .Bind(4, link.definition)
      .Bind(5, link.array_size)
      .Bind(6, Json(link.batch_ids).dump())
      .Bind(7, link.batch_status)
      .Bind(8, link.status_reason)
      .Bind(9, AttemptsToJson(link.attempts).dump())
      .Bind(10, summary.dump())
      .Bind(11, link.synced_at)
      .Bind(12, link.purchase)
      .Run();
}

Result<BatchJobLink> BatchRecords::GetLink(std::string_view job_id) {
  ASSIGN_OR_RETURN(Stmt stmt,
                   db_->Prepare("SELECT job_id, region, queue, definition, array_size, batch_ids, "
                                "batch_status, status_reason, attempts, summary, synced_at, "
                                "purchase FROM batch_jobs WHERE job_id = ?1"));
  stmt.Bind(1, job_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFoundError(fmt::format("job {} has no AWS Batch record", job_id));
  BatchJobLink link;
  link.job_id = stmt.Text(0);
  link.region = stmt.Text(1);
  link.queue = stmt.Text(2);
  link.definition = stmt.Text(3);
  link.array_size = stmt.Int64(4);
  const Json ids = Json::parse(stmt.Text(5), nullptr, /*allow_exceptions=*/false);
  if (ids.is_array()) {
    for (const Json& id : ids) {
      if (id.is_string()) link.batch_ids.push_back(id.get<std::string>());
    }
  }
  link.batch_status = stmt.Text(6);
  link.status_reason = stmt.Text(7);
  link.attempts = AttemptsFromJson(Json::parse(stmt.Text(8), nullptr, false));
  const Json summary = Json::parse(stmt.Text(9), nullptr, false);
  if (summary.is_array()) {
    for (const Json& pair : summary) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() &&
          pair[1].is_number_integer()) {
        link.status_summary.emplace_back(pair[0].get<std::string>(), pair[1].get<std::int64_t>());
      }
    }
  }
  link.synced_at = stmt.Int64(10);
  link.purchase = stmt.Text(11);
  return link;
}

}  // namespace awshpc::batch
